import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { execFileSync } from 'node:child_process';

const run = promisify(execFile);

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

export async function kubectl(kubeconfig: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<KubectlResult> {
  try {
    const { stdout, stderr } = await run(kubectlPath(), ['--kubeconfig', kubeconfig, ...args], {
      timeout: opts.timeoutMs ?? 60_000,
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: process.env.HOME ?? '/tmp' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
