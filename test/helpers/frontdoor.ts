import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** True when the tests run compiled from dist/ (CI), false under tsx (development). */
const compiled = import.meta.url.endsWith('.js');
export const repoRoot = resolve(here, compiled ? '../../..' : '../..');

/** The node arguments that run a TypeScript entry point of this repository, compiled or not. */
export function entryArgs(relativeTs: string): string[] {
  if (compiled) return [join(repoRoot, 'dist', relativeTs.replace(/\.ts$/, '.js'))];
  return ['--import', 'tsx', join(repoRoot, relativeTs)];
}

export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface Frontdoor {
  proc: ChildProcess;
  pid: number;
  port: number;
  dataDir: string;
  kubeconfig: string;
  logs: LogLine[];
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** Sends SIGTERM (by pid) and waits for the exit; SIGKILL after 20 s. Removes the data dir unless kept. */
  stop(opts?: { keepDataDir?: boolean }): Promise<number | null>;
  /** Waits until a log line matches. */
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

export interface StartOptions {
  args?: string[];
  dataDir?: string;
  /** Entry point, relative to the repository: the real CLI, or a test fixture that wraps it. */
  entry?: string;
  /** Wait for "Serving securely" (default true). */
  waitReady?: boolean;
}

/** Starts frontdoor on 127.0.0.1 and an ephemeral port with JSON logs, in a temp data dir unless given. */
export async function startFrontdoor(opts: StartOptions = {}): Promise<Frontdoor> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'frontdoor-test-')));
  const args = [
    ...entryArgs(opts.entry ?? 'src/cli/frontdoor.ts'),
    '--data-dir', dataDir,
    '--bind-address', '127.0.0.1',
    '--secure-port', '0',
    '--log-format', 'json',
    ...(opts.args ?? []),
  ];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot });
  const logs: LogLine[] = [];
  const waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { level: 'raw', message: text };
      }
      logs.push(line);
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));

  const waitForLog = (pred: (l: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> => {
    const found = logs.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no matching log line within ${timeoutMs} ms; logs:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`)), timeoutMs);
      waiters.push({ pred, resolve: (l) => { clearTimeout(timer); res(l); } });
      void exited.then((code) => { clearTimeout(timer); rej(new Error(`frontdoor exited (${code}) before a matching log line; logs:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`)); });
    });
  };

  let port = 0;
  if (opts.waitReady !== false) {
    const line = await waitForLog((l) => l.message === 'Serving securely');
    port = Number(line.port);
  }
  const pid = proc.pid!;
  return {
    proc,
    pid,
    port,
    dataDir,
    kubeconfig: join(dataDir, 'admin.kubeconfig'),
    logs,
    exited,
    waitForLog,
    async stop(stopOpts = {}) {
      if (proc.exitCode === null && proc.signalCode === null) {
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }, 20_000);
        await exited;
        clearTimeout(timer);
      }
      if (!stopOpts.keepDataDir && !opts.dataDir) await rm(dataDir, { recursive: true, force: true });
      return exited;
    },
  };
}
