/**
 * Soak: a frontdoor process under mixed load at its in-flight limits for
 * BENCH_SOAK_SECONDS (default 300), with its resident memory read from
 * /proc/<pid>/status every BENCH_SOAK_SAMPLE_SECONDS (default 5). Load
 * workers (threads, lean keep-alive connections) create, update (PUT),
 * list and delete ConfigMaps; each connection deletes what it created
 * WINDOW creates earlier, so the store stays bounded (about connections x
 * WINDOW objects) and a flat RSS is the expectation, not an artefact of an
 * empty store. A watch worker holds 200 watches on the same namespaces.
 * --max-requests-inflight/--max-mutating-requests-inflight are set low
 * enough that the load gets 429s (counted; a refused client waits 50 ms, as
 * a client honouring Retry-After would wait, only shorter, and retries). The load runs as
 * an ordinary user bound to cluster-admin (a client certificate outside
 * system:masters), since system:masters are exempt from the limits.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { signClientCertificate } from '../src/pki/sign.js';
import { LeanConnection, LeanStream, type Target } from './lean-client.js';
import { adminTLS, agentFor, cpuSeconds, expect, startServer, stopProcess, untilReady } from './measure.js';
import { fmt, printTable } from './table.js';

const NAMESPACES = 4;
const WATCHES = 200;
/** Objects a connection keeps before deleting its oldest. */
const WINDOW = 20;
const CONNECTIONS_PER_WORKER = 8;
const LOAD_WORKERS = 2;
const MAX_INFLIGHT = 16;
const MAX_MUTATING_INFLIGHT = 8;
const BACKOFF_MS = 50;

type Op = 'create' | 'update' | 'list' | 'delete';
const OPS: Op[] = ['create', 'update', 'list', 'delete'];

/** Cumulative counts a worker reports: per op, answers by status class; watch events. */
interface Progress {
  ops: Record<Op, Record<string, number>>;
  events: number;
  reopened: number;
  reopenFailures: string[];
  elu: number;
}

interface LoadJob {
  kind: 'load';
  target: Target;
  worker: number;
  connections: number;
}
interface WatchJob {
  kind: 'watch';
  target: Target;
  watches: number;
}
type Job = LoadJob | WatchJob;

const emptyProgress = (): Progress => ({
  ops: { create: {}, update: {}, list: {}, delete: {} },
  events: 0,
  reopened: 0,
  reopenFailures: [],
  elu: 0,
});

const configMap = (ns: string, name: string, rev: number) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { soak: 'true' } }, data: { rev: String(rev), payload: 'x'.repeat(512) } });

async function runWorker(job: Job): Promise<void> {
  const progress = emptyProgress();
  let stopping = false;
  parentPort!.on('message', (m: string) => {
    if (m === 'stop') stopping = true;
  });
  const e0 = performance.eventLoopUtilization();
  const report = setInterval(() => {
    progress.elu = performance.eventLoopUtilization(e0).utilization;
    parentPort!.postMessage({ type: 'progress', progress });
  }, 1000);
  const count = (op: Op, status: number) => {
    const k = String(status);
    progress.ops[op][k] = (progress.ops[op][k] ?? 0) + 1;
  };

  if (job.kind === 'watch') {
    const streams: LeanStream[] = [];
    const open = async (i: number): Promise<void> => {
      const ns = `soak-${i % NAMESPACES}`;
      const s = await LeanStream.open(job.target, `/api/v1/namespaces/${ns}/configmaps?watch=1`, () => progress.events++, () => {
        // A watch the server ended (its timeout, or a 410) is opened again, as an informer would.
        if (stopping) return;
        progress.reopened++;
        open(i).catch((err: unknown) => {
          // Reported in the summary rather than ending the worker: the soak goes on with one watch fewer.
          progress.reopenFailures.push(err instanceof Error ? err.message : String(err));
        });
      });
      streams[i] = s;
    };
    for (let i = 0; i < job.watches; i++) await open(i);
    parentPort!.postMessage({ type: 'ready' });
    await new Promise<void>((r) => parentPort!.on('message', (m: string) => m === 'stop' && r()));
    for (const s of streams) s.close();
  } else {
    const conns = await Promise.all(Array.from({ length: job.connections }, () => LeanConnection.open(job.target)));
    parentPort!.postMessage({ type: 'ready' });
    await Promise.all(
      conns.map(async (conn, c) => {
        const ns = `soak-${c % NAMESPACES}`;
        const base = `/api/v1/namespaces/${ns}/configmaps`;
        const name = (k: number) => `w${job.worker}-c${c}-${k}`;
        // A 429 is retried after the back-off, as client-go retries it, so each object is deleted WINDOW creates later.
        const call = async (op: Op, method: string, path: string, body?: string) => {
          for (;;) {
            const a = await conn.request(method, path, body);
            count(op, a.status);
            if (a.status !== 429 || stopping) return;
            await new Promise((r) => setTimeout(r, BACKOFF_MS));
          }
        };
        for (let k = 0; !stopping; k++) {
          await call('create', 'POST', base, configMap(ns, name(k), 0));
          await call('update', 'PUT', `${base}/${name(k)}`, configMap(ns, name(k), 1));
          await call('list', 'GET', `${base}?limit=100`);
          if (k >= WINDOW) await call('delete', 'DELETE', `${base}/${name(k - WINDOW)}`);
        }
      }),
    );
    for (const c of conns) c.close();
  }
  clearInterval(report);
  progress.elu = performance.eventLoopUtilization(e0).utilization;
  parentPort!.postMessage({ type: 'done', progress });
}

if (!isMainThread && (workerData as { soak?: Job } | null)?.soak) await runWorker((workerData as { soak: Job }).soak);

interface Running {
  worker: Worker;
  latest: Progress;
  ready: Promise<void>;
  done: Promise<Progress>;
}

function spawnWorker(job: Job): Running {
  const worker = new Worker(new URL(import.meta.url), { workerData: { soak: job } });
  const r: Running = { worker, latest: emptyProgress(), ready: Promise.resolve(), done: Promise.resolve(emptyProgress()) };
  r.ready = new Promise((resolve, reject) => {
    worker.on('message', (m: { type: string }) => m.type === 'ready' && resolve());
    worker.once('error', reject);
  });
  r.done = new Promise((resolve, reject) => {
    worker.on('message', (m: { type: string; progress?: Progress }) => {
      if (m.progress) r.latest = m.progress;
      if (m.type === 'done') resolve(m.progress!);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`soak worker exited (${code}) without a result`)));
  });
  // Awaited after the run; a failure before then must not end the process as unhandled, skipping the
  // server's stop: `ready` (awaited first) or that later await reports it.
  r.done.catch(() => undefined);
  return r;
}

const rssMiB = async (pid: number): Promise<number> => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
/** The SQLite database and its WAL, which the server's page cache (up to 32 MiB) caches. */
const dbMiB = async (dataDir: string): Promise<number> => {
  const size = (f: string) => stat(join(dataDir, f)).then((s) => s.size, () => 0);
  return ((await size('state.db')) + (await size('state.db-wal'))) / 2 ** 20;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (p: Progress[], f: (x: Progress) => number) => p.reduce((a, x) => a + f(x), 0);
const opsOf = (p: Progress, op: Op, pred: (status: string) => boolean) => Object.entries(p.ops[op]).reduce((a, [s, n]) => a + (pred(s) ? n : 0), 0);

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

export async function benchSoak(): Promise<void> {
  const seconds = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
  const sampleSeconds = Number(process.env.BENCH_SOAK_SAMPLE_SECONDS ?? 5);
  const warmupSeconds = Math.min(60, seconds / 5);
  const dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-soak-'));
  const server = await startServer(dataDir, ['--max-requests-inflight', String(MAX_INFLIGHT), '--max-mutating-requests-inflight', String(MAX_MUTATING_INFLIGHT)]);
  const workers: Running[] = [];
  try {
    const tls = await adminTLS(dataDir);
    const agent = agentFor(tls, 1);
    await untilReady(agent, server.port);
    for (let i = 0; i < NAMESPACES; i++) {
      await expect(201, agent, server.port, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: `soak-${i}` } }));
    }
    await expect(201, agent, server.port, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', JSON.stringify({
      metadata: { name: 'soak-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'soak' }],
    }));
    agent.destroy();
    const pki = join(dataDir, 'pki');
    const user = signClientCertificate({
      caCertPem: await readFile(join(pki, 'client-ca.crt'), 'utf8'),
      caKeyPem: await readFile(join(pki, 'client-ca.key'), 'utf8'),
      commonName: 'soak',
      organizations: ['soakers'],
    });
    const target: Target = { port: server.port, tls: { ca: tls.ca, cert: user.certPem, key: user.keyPem } };
    const watcher = spawnWorker({ kind: 'watch', target, watches: WATCHES });
    workers.push(watcher);
    await watcher.ready;
    for (let w = 0; w < LOAD_WORKERS; w++) workers.push(spawnWorker({ kind: 'load', target, worker: w, connections: CONNECTIONS_PER_WORKER }));
    await Promise.all(workers.map((w) => w.ready));

    const cpu0 = await cpuSeconds(server.pid);
    const t0 = Date.now();
    const samples: { t: number; rss: number; db: number; ops: number; refused: number; events: number }[] = [];
    let prevOps = 0;
    let prevRefused = 0;
    let prevEvents = 0;
    while (Date.now() - t0 < seconds * 1000) {
      await sleep(Math.min(sampleSeconds * 1000, seconds * 1000 - (Date.now() - t0)));
      const p = workers.map((w) => w.latest);
      const ops = sum(p, (x) => OPS.reduce((a, op) => a + opsOf(x, op, () => true), 0));
      const refused = sum(p, (x) => OPS.reduce((a, op) => a + opsOf(x, op, (s) => s === '429'), 0));
      const events = sum(p, (x) => x.events);
      samples.push({ t: (Date.now() - t0) / 1000, rss: await rssMiB(server.pid), db: await dbMiB(dataDir), ops: ops - prevOps, refused: refused - prevRefused, events: events - prevEvents });
      prevOps = ops;
      prevRefused = refused;
      prevEvents = events;
    }
    const cpu = (await cpuSeconds(server.pid)) - cpu0;
    const elapsed = (Date.now() - t0) / 1000;
    for (const w of workers) w.worker.postMessage('stop');
    const final = await Promise.all(workers.map((w) => w.done));

    printTable(
      `Soak: RSS of the frontdoor process every ${sampleSeconds} s under mixed load (${LOAD_WORKERS}x${CONNECTIONS_PER_WORKER} connections, ${WATCHES} watches, --max-requests-inflight ${MAX_INFLIGHT}, --max-mutating-requests-inflight ${MAX_MUTATING_INFLIGHT})`,
      ['t s', 'RSS MiB', 'DB MiB', 'req/s', '429/s', 'watch events/s'],
      samples.map((s, i) => {
        const dt = s.t - (i === 0 ? 0 : samples[i - 1]!.t);
        return [fmt(s.t, 0), fmt(s.rss), fmt(s.db), fmt(s.ops / dt, 0), fmt(s.refused / dt, 0), fmt(s.events / dt, 0)];
      }),
    );
    const load = final.slice(1);
    printTable(
      `Soak: answers by verb over ${fmt(elapsed, 0)} s`,
      ['verb', 'answers', '2xx', '429 (retried)', '404/409', 'other'],
      OPS.map((op) => [
        op,
        sum(load, (x) => opsOf(x, op, () => true)),
        sum(load, (x) => opsOf(x, op, (s) => s.startsWith('2'))),
        sum(load, (x) => opsOf(x, op, (s) => s === '429')),
        sum(load, (x) => opsOf(x, op, (s) => s === '404' || s === '409')),
        sum(load, (x) => opsOf(x, op, (s) => !s.startsWith('2') && s !== '429' && s !== '404' && s !== '409')),
      ]),
    );
    const after = samples.filter((s) => s.t >= warmupSeconds);
    const warm = after[0] ?? samples[0]!;
    const end = samples[samples.length - 1]!;
    const perMin = slope(after.map((s) => s.t / 60), after.map((s) => s.rss));
    // The database grows for SQLite's 5-minute retention, and its page cache (32 MiB) with it: the second half shows what is left.
    const late = samples.filter((s) => s.t >= seconds / 2);
    const latePerMin = slope(late.map((s) => s.t / 60), late.map((s) => s.rss));
    printTable(
      'Soak: summary (slope: least squares over the samples after warm-up)',
      ['measure', 'value'],
      [
        [`RSS after warm-up (t=${fmt(warm.t, 0)} s), MiB`, fmt(warm.rss)],
        [`RSS at end (t=${fmt(end.t, 0)} s), MiB`, fmt(end.rss)],
        ['RSS max after warm-up, MiB', fmt(Math.max(...after.map((s) => s.rss)))],
        ['RSS slope after warm-up, MiB/min', fmt(perMin, 2)],
        [`RSS slope over the second half (t>=${fmt(seconds / 2, 0)} s), MiB/min`, fmt(latePerMin, 2)],
        [`database at end (grows for SQLite's 5-minute retention), MiB`, fmt(end.db)],
        ['requests/s (all verbs)', fmt(sum(load, (x) => OPS.reduce((a, op) => a + opsOf(x, op, () => true), 0)) / elapsed, 0)],
        ['429s (share of requests)', `${sum(load, (x) => OPS.reduce((a, op) => a + opsOf(x, op, (s) => s === '429'), 0))} (${fmt((100 * sum(load, (x) => OPS.reduce((a, op) => a + opsOf(x, op, (s) => s === '429'), 0))) / Math.max(1, sum(load, (x) => OPS.reduce((a, op) => a + opsOf(x, op, () => true), 0))), 1)}%)`],
        ['watch events received', final[0]!.events],
        ['watches reopened (failed to reopen)', `${final[0]!.reopened} (${final[0]!.reopenFailures.length}${final[0]!.reopenFailures[0] ? `: ${final[0]!.reopenFailures[0]}` : ''})`],
        ['server CPU (cores busy)', fmt(cpu / elapsed, 2)],
        ['load workers busy (event loop utilization)', load.map((x) => fmt(x.elu, 2)).join(', ')],
        ['watch worker busy', fmt(final[0]!.elu, 2)],
      ],
    );
  } finally {
    for (const w of workers) await w.worker.terminate();
    await stopProcess(server.proc);
    await rm(dataDir, { recursive: true, force: true });
  }
}
