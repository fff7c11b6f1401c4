import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';


/**
 * kubectl 1.32 itself, not the Cloud SDK dispatcher on PATH (which picks a
 * client from the server's version): tests must not depend on that choice.
 */
export function kubectlPath(): string {
  const onPath = execFileSync('bash', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  return join(dirname(realpathSync(onPath)), 'kubectl.1.32');
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl 1.32 with this kubeconfig (and `stdin` piped in, for `-f -`); never throws on a non-zero exit. */
export function kubectl(kubeconfig: string, args: string[], opts: { timeoutMs?: number; stdin?: string } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      kubectlPath(),
      ['--kubeconfig', kubeconfig, ...args],
      {
        timeout: opts.timeoutMs ?? 60_000,
        env: { ...process.env, KUBECONFIG: kubeconfig, HOME: process.env.HOME ?? '/tmp' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    // kubectl may exit before reading its stdin (a usage error): the EPIPE is its answer, which resolve() reports.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.stdin ?? '');
  });
}

/**
 * Runs kubectl until it exits 0, at most `attempts` times 100 ms apart, and
 * returns the last result: for what a server has just after it starts serving
 * (the system namespaces, a ready /readyz), which its post-start hooks finish a
 * moment later.
 */
export async function kubectlUntilOk(kubeconfig: string, args: string[], attempts = 100): Promise<KubectlResult> {
  let r = await kubectl(kubeconfig, args);
  for (let i = 1; i < attempts && r.code !== 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    r = await kubectl(kubeconfig, args);
  }
  return r;
}
