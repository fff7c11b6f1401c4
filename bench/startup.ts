/**
 * Start-up: time from spawning the process to the first /readyz 200 (first
 * start, which generates the PKI, and restart), and resident memory at idle,
 * beside a bare Node https server measured the same way in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryArgs, repoRoot } from '../test/helpers/frontdoor.js';
import { fmt, median, printTable } from './table.js';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);

async function waitForPort(proc: ChildProcess, parse: (line: string) => number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString();
      for (const line of buf.split('\n')) {
        const p = parse(line);
        if (p) {
          proc.stdout!.off('data', onData);
          proc.stderr!.off('data', onData);
          resolve(p);
          return;
        }
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${buf}`)));
  });
}

function get(port: number, path: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path, ca, agent: false, servername: 'localhost' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
}

async function untilReady(port: number, path: string, ca: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if ((await get(port, path, ca)) === 200) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('never became ready');
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function stop(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  process.kill(proc.pid!, 'SIGTERM');
  await exited;
}

interface Sample { ms: number; rss: number }

async function frontdoorOnce(dataDir: string, ca?: () => Promise<string>): Promise<Sample> {
  const t0 = process.hrtime.bigint();
  const proc = spawn(process.execPath, [...entryArgs('src/cli/frontdoor.ts'), '--data-dir', dataDir, '--secure-port', '0', '--log-format', 'json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await waitForPort(proc, (l) => (l.includes('"Serving securely"') ? Number((JSON.parse(l) as { port: number }).port) : undefined));
  await untilReady(port, '/readyz', ca ? await ca() : await readFile(join(dataDir, 'pki', 'ca.crt'), 'utf8'));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise((r) => setTimeout(r, 1000));
  const rss = await rssMiB(proc.pid!);
  await stop(proc);
  return { ms, rss };
}

async function bareOnce(pkiDir: string, ca: string): Promise<Sample> {
  const t0 = process.hrtime.bigint();
  const proc = spawn(process.execPath, [...entryArgs('bench/fixtures/bare-https.ts'), pkiDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await waitForPort(proc, (l) => (/^\d+$/.test(l.trim()) ? Number(l) : undefined));
  await untilReady(port, '/', ca);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise((r) => setTimeout(r, 1000));
  const rss = await rssMiB(proc.pid!);
  await stop(proc);
  return { ms, rss };
}

export async function benchStartup(): Promise<void> {
  const first: Sample[] = [];
  const restart: Sample[] = [];
  const bare: Sample[] = [];
  const dirs: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-'));
    dirs.push(dir);
    first.push(await frontdoorOnce(dir));
    restart.push(await frontdoorOnce(dir));
    bare.push(await bareOnce(join(dir, 'pki'), await readFile(join(dir, 'pki', 'ca.crt'), 'utf8')));
  }
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  const b = median(bare.map((s) => s.ms));
  const bRss = median(bare.map((s) => s.rss));
  const row = (name: string, xs: Sample[]) => {
    const ms = median(xs.map((s) => s.ms));
    const rss = median(xs.map((s) => s.rss));
    return [name, fmt(ms), fmt(b), `${fmt(ms / b, 2)}x`, fmt(rss), fmt(bRss), `${fmt(rss / bRss, 2)}x`];
  };
  printTable(
    `Start-up to /readyz 200, and RSS at idle (median of ${RUNS}; limit: a bare Node https server, same TLS config)`,
    ['case', 'ms', 'bare ms', 'ratio', 'RSS MiB', 'bare MiB', 'ratio'],
    [row('first start (generates PKI)', first), row('restart (reuses PKI)', restart)],
  );
}
