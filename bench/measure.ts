/**
 * What the benchmarks share: running work at a concurrency and timing it, and
 * driving real servers (frontdoor and the bare https limit) as child processes
 * on 127.0.0.1 ephemeral ports, stopped by pid, through keep-alive https agents.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { entryArgs, repoRoot } from '../test/helpers/frontdoor.js';
import { median } from './table.js';

/** Runs fn(0..n-1) with at most `concurrency` calls in flight; returns the seconds it took. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** The median of `runs` timings of fn, in milliseconds. */
export async function medianMs(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

// ------------------------------------------------------------------ servers

export interface Server {
  proc: ChildProcess;
  pid: number;
  port: number;
}

/**
 * Node flags for every frontdoor a benchmark starts, from BENCH_SERVER_NODE_ARGS
 * (space-separated): e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the
 * servers under the benchmark's load (node refuses --cpu-prof in NODE_OPTIONS).
 */
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * Spawns frontdoor on a data dir (plus any further flags and environment
 * variables) and resolves with its port from the "Serving securely" log line.
 */
export async function startServer(dataDir: string, extraArgs: string[] = [], env?: Record<string, string>): Promise<Server> {
  const proc = spawn(
    process.execPath,
    [...serverNodeArgs, ...entryArgs('src/cli/frontdoor.ts'), '--data-dir', dataDir, '--bind-address', '127.0.0.1', '--secure-port', '0', '--log-format', 'json', ...extraArgs],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : undefined },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    let found = false;
    // Keeps reading after the port is known, so a full pipe never blocks the server's logging.
    const onData = (c: Buffer) => {
      if (found) return;
      buf += c.toString();
      for (const line of buf.split('\n')) {
        if (!line.includes('"Serving securely"')) continue;
        found = true;
        resolve(Number((JSON.parse(line) as { port: number }).port));
        return;
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`frontdoor exited with ${code} before listening: ${buf.slice(-2000)}`)));
  });
  return { proc, pid: proc.pid!, port };
}

/**
 * The physical limit for a GET: bench/fixtures/bare-json-https.ts with
 * frontdoor's serving cert and client CA from `pkiDir`, answering every
 * request with the bytes of `bodyFile`.
 */
export async function startBareJsonServer(pkiDir: string, bodyFile: string): Promise<Server> {
  const proc = spawn(process.execPath, [...entryArgs('bench/fixtures/bare-json-https.ts'), pkiDir, bodyFile], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout!.once('data', (c: Buffer) => resolve(Number(c.toString().trim())));
    proc.once('exit', (code) => reject(new Error(`bare https server exited with ${code}`)));
  });
  return { proc, pid: proc.pid!, port };
}

/**
 * CPU seconds a process has used, from /proc/<pid>/stat (utime + stime, in
 * USER_HZ ticks, 100 on Linux): unlike wall time it does not count the
 * other work on this shared machine.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** SIGTERM by pid, then waits for the exit (SIGKILL after 20 s). */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  process.kill(proc.pid!, 'SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(proc.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 20_000);
  await exited;
  clearTimeout(timer);
}

// ------------------------------------------------------------------ clients

/** The server's CA, and a client certificate unless the identity is sent another way (a bearer token). */
export interface TLS {
  ca: string;
  cert?: string;
  key?: string;
}

export interface Reply {
  status: number;
  body: Buffer;
}

/** The admin identity from a data dir's generated PKI: the cluster CA and the admin client certificate. */
export async function adminTLS(dataDir: string): Promise<TLS> {
  const pki = join(dataDir, 'pki');
  return {
    ca: await readFile(join(pki, 'ca.crt'), 'utf8'),
    cert: await readFile(join(pki, 'admin.crt'), 'utf8'),
    key: await readFile(join(pki, 'admin.key'), 'utf8'),
  };
}

/** A keep-alive agent with the given identity, one socket per concurrent caller. */
export const agentFor = (tls: TLS, sockets: number): https.Agent => new https.Agent({ keepAlive: true, maxSockets: sockets, ...tls });

export function call(agent: https.Agent, port: number, method: string, path: string, body?: string, extraHeaders?: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: 'application/json', ...extraHeaders };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = https.request({ host: '127.0.0.1', port, method, path, agent, servername: 'localhost', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A call that must answer with `want`; anything else ends the benchmark with the server's answer. */
export async function expect(
  want: number,
  agent: https.Agent,
  port: number,
  method: string,
  path: string,
  body?: string,
  extraHeaders?: Record<string, string>,
): Promise<Reply> {
  const r = await call(agent, port, method, path, body, extraHeaders);
  if (r.status !== want) throw new Error(`${method} ${path}: ${r.status}, wanted ${want}: ${r.body.toString().slice(0, 500)}`);
  return r;
}

export async function untilReady(agent: https.Agent, port: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const r = await call(agent, port, 'GET', '/readyz').catch(() => undefined);
    if (r?.status === 200) return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('frontdoor never became ready');
}

/** Opens the agent's sockets (TLS handshakes) before a timed row, so the row measures requests. */
export async function warm(agent: https.Agent, port: number, sockets: number, path: string, extraHeaders?: Record<string, string>): Promise<void> {
  await Promise.all(Array.from({ length: sockets }, () => call(agent, port, 'GET', path, undefined, extraHeaders)));
}
