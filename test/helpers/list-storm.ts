/**
 * A LIST storm from its own process, so that the load generator never shares
 * an event loop with the test or benchmark that watches the server: `clients`
 * loops, each on its own keep-alive TLS connection, LIST `path` again and
 * again (reading every byte) until told to stop. Run as a script it prints a
 * progress line every 100 ms and a summary when stdin says "stop"; imported,
 * `startListStorm` spawns it and hands back those lines.
 */
import { spawn } from 'node:child_process';
import https from 'node:https';
import { createInterface } from 'node:readline';
import { entryArgs, repoRoot } from './frontdoor.js';

export interface StormProgress {
  ok: number;
  tooMany: number;
  other: number;
  errors: number;
}

/** Latency percentiles in ms. */
export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

export interface StormSummary extends StormProgress {
  /** Latency of the answered LISTs (200). */
  okMs: Latency;
  /** Latency of the 429s. */
  tooManyMs: Latency;
  /** The storm process's CPU time over its wall time (1.0: one core busy all along). */
  cpuBusy: number;
  wallMs: number;
  /** A few of the non-200/429 answers or errors, for a failure message. */
  samples: string[];
}

export interface StormOptions {
  port: number;
  ca: string;
  clients: number;
  path: string;
  /** Bearer token, if the storm is not anonymous. */
  token?: string;
  /**
   * After a 429, wait as its Retry-After says before the next LIST, as
   * client-go does. Default false: the storm keeps pushing.
   */
  honourRetryAfter?: boolean;
}

export interface Storm {
  /** The latest progress line. */
  progress(): StormProgress;
  /** Resolves once progress satisfies pred. */
  until(pred: (p: StormProgress) => boolean): Promise<StormProgress>;
  stop(): Promise<StormSummary>;
}

export async function startListStorm(opts: StormOptions): Promise<Storm> {
  const proc = spawn(process.execPath, entryArgs('test/helpers/list-storm.ts'), {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, STORM: JSON.stringify(opts) },
  });
  let latest: StormProgress = { ok: 0, tooMany: 0, other: 0, errors: 0 };
  let waiters: { pred: (p: StormProgress) => boolean; resolve: (p: StormProgress) => void }[] = [];
  let summary: ((s: StormSummary) => void) | undefined;
  const summaryP = new Promise<StormSummary>((r) => (summary = r));
  const exited = new Promise<number | null>((r) => proc.once('exit', r));
  let started: (() => void) | undefined;
  const startedP = new Promise<void>((r) => (started = r));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as { type: 'started' } | ({ type: 'progress' } & StormProgress) | ({ type: 'summary' } & StormSummary);
    if (msg.type === 'started') started?.();
    else if (msg.type === 'summary') summary?.(msg);
    else {
      latest = msg;
      const ready = waiters.filter((w) => w.pred(msg));
      waiters = waiters.filter((w) => !w.pred(msg));
      for (const w of ready) w.resolve(msg);
    }
  });
  await Promise.race([startedP, exited.then((code) => Promise.reject(new Error(`list storm exited (${code}) before starting`)))]);
  return {
    progress: () => latest,
    until: (pred) =>
      pred(latest)
        ? Promise.resolve(latest)
        : Promise.race([
            new Promise<StormProgress>((resolve) => waiters.push({ pred, resolve })),
            exited.then((code) => Promise.reject(new Error(`list storm exited (${code}); last progress ${JSON.stringify(latest)}`))),
          ]),
    stop: async () => {
      proc.stdin!.end('stop\n');
      const s = await Promise.race([summaryP, exited.then((code) => Promise.reject(new Error(`list storm exited (${code}) without a summary`)))]);
      await exited;
      return s;
    },
  };
}

// ------------------------------------------------------------------ the storm process

async function runStorm(opts: StormOptions): Promise<void> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: opts.clients, ca: opts.ca });
  const counts: StormProgress = { ok: 0, tooMany: 0, other: 0, errors: 0 };
  const okMs: number[] = [];
  const tooManyMs: number[] = [];
  const samples: string[] = [];
  let stopping = false;
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}) };

  /** Resolves with the seconds a 429 asked the client to wait (0 otherwise). */
  const once = () =>
    new Promise<number>((resolve) => {
      const t0 = performance.now();
      const req = https.request({ host: '127.0.0.1', port: opts.port, path: opts.path, agent, servername: 'localhost', headers }, (res) => {
        let head = '';
        res.on('data', (c: Buffer) => {
          if (head.length < 300) head += c.toString('utf8', 0, 300);
        });
        res.on('end', () => {
          const ms = performance.now() - t0;
          if (res.statusCode === 200) (counts.ok++, okMs.push(ms));
          else if (res.statusCode === 429) (counts.tooMany++, tooManyMs.push(ms));
          else {
            counts.other++;
            if (samples.length < 5) samples.push(`${res.statusCode}: ${head.slice(0, 300)}`);
          }
          resolve(res.statusCode === 429 ? Number(res.headers['retry-after'] ?? 0) || 0 : 0);
        });
        res.on('error', () => resolve(0));
      });
      req.on('error', (err) => {
        counts.errors++;
        if (samples.length < 5) samples.push(String(err));
        resolve(0);
      });
      req.end();
    });

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const progress = setInterval(() => console.log(JSON.stringify({ type: 'progress', ...counts })), 100);
  // By default no backoff after a 429 (client-go would honour Retry-After): the storm keeps pushing, which is what the server must withstand.
  const loops = Array.from({ length: opts.clients }, async () => {
    while (!stopping) {
      const retryAfterS = await once();
      if (opts.honourRetryAfter && retryAfterS > 0) await new Promise((r) => setTimeout(r, retryAfterS * 1000));
    }
  });
  console.log(JSON.stringify({ type: 'started' }));
  await new Promise<void>((resolve) => {
    createInterface({ input: process.stdin }).on('line', (line) => {
      if (line.trim() !== 'stop') return;
      stopping = true;
      resolve();
    });
  });
  await Promise.all(loops);
  clearInterval(progress);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  const summary = { type: 'summary', ...counts, okMs: latency(okMs), tooManyMs: latency(tooManyMs), samples, wallMs, cpuBusy: (cpu.user + cpu.system) / 1000 / wallMs };
  // Exit only once the line is out: stdout to a pipe is written asynchronously.
  process.stdout.write(`${JSON.stringify(summary)}\n`, () => process.exit(0));
}

function latency(xs: number[]): Latency {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!);
  return { p50: at(50), p99: at(99), max: at(100) };
}

if (process.env.STORM && process.argv[1]?.includes('list-storm')) await runStorm(JSON.parse(process.env.STORM) as StormOptions);
