/**
 * The aggregator's proxy (issue: proxied GET throughput >= 50% of direct,
 * <= 1 ms added p50 latency, every one of 1,000 proxied watches gets each
 * event). Two frontdoors: A, the aggregator, and B, the backend, which
 * trusts A's front-proxy CA and serves a CRD (group bench.example.org, 500
 * custom resources); in A a Service (ExternalName 127.0.0.1, B's port) and
 * the APIService v1.bench.example.org with B's CA. Every call is made twice
 * in the same run with the same client, through A (proxied, A's admin
 * certificate) and straight to B (direct, B's admin certificate: the limit),
 * same paths: GET of one custom resource, LIST of 500, and watch delivery
 * of events created in B to 1, 100 and 1,000 watchers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { LeanConnection, LeanStream, load, type LoadSpec, type Target } from './lean-client.js';
import { adminTLS, agentFor, call, cpuSeconds, expect, pool, startServer, stopProcess, untilReady, type Server } from './measure.js';
import { fmt, median, percentile, printTable } from './table.js';

const CONCURRENCY = 64;
const ROUNDS = Number(process.env.BENCH_AGG_ROUNDS ?? 5);
const GET_OPS = Number(process.env.BENCH_AGG_GET_OPS ?? 5000);
const GET_OPS_SERIAL = Number(process.env.BENCH_AGG_GET_OPS_SERIAL ?? 1000);
const LIST_ITEMS = 500;
const LIST_OPS = Number(process.env.BENCH_AGG_LIST_OPS ?? 300);
const LIST_OPS_SERIAL = Number(process.env.BENCH_AGG_LIST_OPS_SERIAL ?? 100);
/** Watch delivery: watchers, and events written one at a time (each once the previous reached every watcher; the first is not timed). */
const WATCH_ROWS: { watchers: number; events: number }[] = [
  { watchers: 1, events: 201 },
  { watchers: 100, events: 51 },
];
const FANOUT = Number(process.env.BENCH_AGG_WATCHERS ?? 1000);
/** BENCH_AGG_GET_ONLY=1: only table 1 (for profiling the proxy's GET path). */
const GET_ONLY = process.env.BENCH_AGG_GET_ONLY === '1';
const FANOUT_EVENTS = 21;
/** After the one-at-a-time events, this many written at BURST_CONCURRENCY without waiting for delivery. */
const BURST = 200;
const BURST_CONCURRENCY = 8;
/** Streams opened at once. */
const OPEN_CONCURRENCY = 32;
/** An event not delivered this long after it was written counts as missing. */
const WAIT_MS = 10_000;

const GROUP = 'bench.example.org';
const API_SERVICE = `v1.${GROUP}`;
const NS = 'bench';
const LIST_NS = 'bench-list';
const WATCH_NS = 'bench-watch';
const collection = (ns: string) => `/apis/${GROUP}/v1/namespaces/${ns}/widgets`;
/** A's Service for B, and the name B's serving certificate must carry for it. */
const SVC_NS = 'ns1';
const SVC = 'b-api';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sinceMs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

// ------------------------------------------------------------------ objects

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { payload: { type: 'string' }, index: { type: 'string' } } } } } } }],
  },
};

/** A custom resource of about 700 bytes as stored. */
const widget = (name: string, index: string) => JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name, labels: { app: 'bench' } }, spec: { payload: 'x'.repeat(400), index } });

// ------------------------------------------------------------------ the watch client (a worker thread)

/**
 * `watchers` streams of `path` at `watch`; then `sequential` events created
 * at `write` one at a time (the next once every open watcher has the
 * previous, or WAIT_MS passed; the first is not timed), then `burst` more at
 * BURST_CONCURRENCY without waiting. An event is the custom resource
 * `<tag>-<k>` in WATCH_NS.
 */
interface WatchSpec {
  watch: Target;
  path: string;
  write: Target;
  tag: string;
  watchers: number;
  sequential: number;
  burst: number;
}

interface WatchResult {
  openS: number;
  /** Event created (POST sent) -> a watcher has it, every delivery of the timed one-at-a-time events. */
  p50: number;
  p99: number;
  /** Event created -> the last watcher has it, per timed event. */
  lastP50: number;
  lastP99: number;
  /** The burst: first POST sent -> the last delivery; and each delivery from its event's POST. */
  burstS: number;
  burstP50: number;
  burstP99: number;
  expected: number;
  received: number;
  /** Watchers that missed at least one event. */
  watchersMissing: number;
  duplicates: number;
  /** Streams that ended or failed while events were written, and the first reasons (ERROR events among them). */
  ended: number;
  reasons: string[];
  /** The worker's event loop utilization while events were written and delivered. */
  elu: number;
}

async function runWatches(spec: WatchSpec): Promise<void> {
  const events = spec.sequential + spec.burst;
  const got = new Uint8Array(spec.watchers * events);
  const count = new Uint32Array(events);
  const sentAt = new Float64Array(events);
  const t0 = process.hrtime.bigint();
  const now = () => Number(process.hrtime.bigint() - t0) / 1e6;
  const seqLatencies: number[] = [];
  const burstLatencies: number[] = [];
  let lastDelivery = 0;
  let duplicates = 0;
  let ended = 0;
  let alive = 0;
  const reasons: string[] = [];
  /** Resolves when event k reached every open watcher. */
  let waiting: { k: number; resolve: () => void } | undefined;
  let burstLeft = 0;
  let burstDone: (() => void) | undefined;
  const marker = Buffer.from(`"name":"${spec.tag}-`);
  const ERROR = Buffer.from('"type":"ERROR"');

  const onLine = (w: number, line: Buffer) => {
    const at = line.indexOf(marker);
    if (at < 0) {
      if (line.indexOf(ERROR) >= 0 && reasons.length < 5) reasons.push(line.toString('utf8', 0, 300));
      return;
    }
    let k = 0;
    for (let p = at + marker.length; p < line.length; p++) {
      const d = line[p]! - 48;
      if (d < 0 || d > 9) break;
      k = k * 10 + d;
    }
    if (k >= events) return;
    if (got[w * events + k]) {
      duplicates++;
      return;
    }
    got[w * events + k] = 1;
    const t = now();
    lastDelivery = t;
    count[k]!++;
    if (k >= spec.sequential) {
      burstLatencies.push(t - sentAt[k]!);
      if (--burstLeft === 0) burstDone?.();
    } else if (k > 0) {
      seqLatencies.push(t - sentAt[k]!);
    }
    if (waiting?.k === k && count[k]! >= alive) waiting.resolve();
  };
  const onEnd = (why: string) => {
    ended++;
    alive--;
    if (reasons.length < 5) reasons.push(why);
    if (waiting && count[waiting.k]! >= alive) waiting.resolve();
  };

  const streams: LeanStream[] = [];
  let next = 0;
  const o0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(OPEN_CONCURRENCY, spec.watchers) }, async () => {
      while (next < spec.watchers) {
        const w = next++;
        streams.push(await LeanStream.open(spec.watch, spec.path, (line) => onLine(w, line), onEnd));
        alive++;
      }
    }),
  );
  const openS = sinceMs(o0) / 1000;
  const writers = await Promise.all(
    Array.from({ length: BURST_CONCURRENCY }, async () => {
      const conn = await LeanConnection.open(spec.write);
      await conn.request('GET', '/version');
      return conn;
    }),
  );
  const create = async (conn: LeanConnection, k: number) => {
    sentAt[k] = now();
    const a = await conn.request('POST', collection(WATCH_NS), widget(`${spec.tag}-${k}`, String(k)));
    if (a.status !== 201) throw new Error(`POST ${collection(WATCH_NS)}: ${a.status}: ${a.head}`);
  };
  parentPort!.postMessage({ type: 'opened' });
  await new Promise<void>((r) => parentPort!.once('message', () => r()));

  const e0 = performance.eventLoopUtilization();
  const lastLatencies: number[] = [];
  for (let k = 0; k < spec.sequential; k++) {
    const all = new Promise<void>((resolve) => (waiting = { k, resolve }));
    let timer: NodeJS.Timeout | undefined;
    await create(writers[0]!, k);
    if (count[k]! < alive) await Promise.race([all, new Promise((r) => (timer = setTimeout(r, WAIT_MS)))]);
    clearTimeout(timer);
    waiting = undefined;
    if (k > 0 && count[k]! >= alive) lastLatencies.push(lastDelivery - sentAt[k]!);
  }
  let burstS = NaN;
  if (spec.burst > 0) {
    burstLeft = alive * spec.burst;
    const all = new Promise<void>((r) => (burstDone = r));
    let k = spec.sequential;
    const b0 = now();
    await Promise.all(
      writers.map(async (conn) => {
        while (k < events) await create(conn, k++);
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, WAIT_MS)))]);
    clearTimeout(timer);
    burstS = (lastDelivery - b0) / 1000;
  }
  const elu = performance.eventLoopUtilization(e0).utilization;

  let received = 0;
  let watchersMissing = 0;
  for (let w = 0; w < spec.watchers; w++) {
    let mine = 0;
    for (let k = 0; k < events; k++) mine += got[w * events + k]!;
    received += mine;
    if (mine < events) watchersMissing++;
  }
  const result: WatchResult = {
    openS,
    p50: percentile(seqLatencies, 50),
    p99: percentile(seqLatencies, 99),
    lastP50: percentile(lastLatencies, 50),
    lastP99: percentile(lastLatencies, 99),
    burstS,
    burstP50: percentile(burstLatencies, 50),
    burstP99: percentile(burstLatencies, 99),
    expected: spec.watchers * events,
    received,
    watchersMissing,
    duplicates,
    ended,
    reasons,
    elu,
  };
  parentPort!.postMessage({ type: 'done', result });
  // Closed only after the servers' CPU was read.
  await new Promise<void>((r) => parentPort!.once('message', () => r()));
  for (const s of streams) s.close();
  for (const c of writers) c.close();
  parentPort!.postMessage({ type: 'closed' });
}

if (!isMainThread && (workerData as { aggregatorWatch?: WatchSpec } | null)?.aggregatorWatch) await runWatches((workerData as { aggregatorWatch: WatchSpec }).aggregatorWatch);

interface WatchRun extends WatchResult {
  /** CPU seconds of each server (A, B) while the events were written and delivered. */
  cpuS: number[];
}

/** One WatchSpec in a fresh worker; the servers' CPU is read around the events. */
async function watchRun(spec: WatchSpec, pids: number[]): Promise<WatchRun> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { aggregatorWatch: spec } });
  const cpu = () => Promise.all(pids.map(cpuSeconds));
  try {
    let cpu0: number[] = [];
    let result: WatchRun | undefined;
    await new Promise<void>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('exit', (code) => (result ? resolve() : reject(new Error(`watch worker exited (${code}) without a result`))));
      worker.on('message', (m: { type: 'opened' } | { type: 'done'; result: WatchResult } | { type: 'closed' }) => {
        if (m.type === 'opened') {
          void cpu().then((c) => {
            cpu0 = c;
            worker.postMessage('go');
          });
        } else if (m.type === 'done') {
          void cpu().then((c) => {
            result = { ...m.result, cpuS: c.map((s, k) => s - cpu0[k]!) };
            worker.postMessage('close');
          });
        } else {
          resolve();
        }
      });
    });
    return result!;
  } finally {
    await worker.terminate();
    // The servers see the streams go.
    await sleep(1000);
  }
}

// ------------------------------------------------------------------ setup

/** B's custom resources: one to GET in NS, LIST_ITEMS to LIST in LIST_NS; WATCH_NS for the events. */
async function fillBackend(b: Target): Promise<{ getBytes: number; listBytes: number }> {
  const agent = agentFor(b.tls, 16);
  try {
    for (const ns of [NS, LIST_NS, WATCH_NS]) await expect(201, agent, b.port, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: ns } }));
    await expect(201, agent, b.port, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(crd));
    // The first POST is held (or refused 404) until the resource is served.
    for (let tries = 0; ; tries++) {
      const r = await call(agent, b.port, 'POST', collection(NS), widget('o-0', '0'));
      if (r.status === 201) break;
      if (r.status !== 404 || tries > 1000) throw new Error(`POST ${collection(NS)}: ${r.status}: ${r.body.toString().slice(0, 300)}`);
      await sleep(20);
    }
    await pool(LIST_ITEMS, 16, (i) => expect(201, agent, b.port, 'POST', collection(LIST_NS), widget(`l-${i}`, String(i))));
    return {
      getBytes: (await expect(200, agent, b.port, 'GET', `${collection(NS)}/o-0`)).body.length,
      listBytes: (await expect(200, agent, b.port, 'GET', collection(LIST_NS))).body.length,
    };
  } finally {
    agent.destroy();
  }
}

/** In A: the Service and the APIService for B; resolves once the APIService is Available and A proxies a GET. */
async function registerBackend(a: Target, bPort: number, bCA: string): Promise<number> {
  const agent = agentFor(a.tls, 1);
  const t0 = process.hrtime.bigint();
  try {
    await expect(201, agent, a.port, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: SVC_NS } }));
    await expect(
      201,
      agent,
      a.port,
      'POST',
      `/api/v1/namespaces/${SVC_NS}/services`,
      JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: SVC, namespace: SVC_NS }, spec: { type: 'ExternalName', externalName: '127.0.0.1', ports: [{ port: bPort }] } }),
    );
    await expect(
      201,
      agent,
      a.port,
      'POST',
      '/apis/apiregistration.k8s.io/v1/apiservices',
      JSON.stringify({
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: API_SERVICE },
        spec: { service: { namespace: SVC_NS, name: SVC, port: bPort }, group: GROUP, version: 'v1', caBundle: Buffer.from(bCA).toString('base64'), groupPriorityMinimum: 1000, versionPriority: 15 },
      }),
    );
    let condition = '';
    for (let i = 0; ; i++) {
      const s = JSON.parse((await expect(200, agent, a.port, 'GET', `/apis/apiregistration.k8s.io/v1/apiservices/${API_SERVICE}`)).body.toString()) as {
        status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
      };
      const available = s.status?.conditions?.find((c) => c.type === 'Available');
      if (available?.status === 'True') break;
      condition = JSON.stringify(available);
      if (i > 1200) throw new Error(`APIService ${API_SERVICE} not Available after 60 s: ${condition}`);
      await sleep(50);
    }
    for (let i = 0; ; i++) {
      const r = await call(agent, a.port, 'GET', `${collection(NS)}/o-0`);
      if (r.status === 200) break;
      if (i > 600) throw new Error(`GET ${collection(NS)}/o-0 through A: ${r.status}: ${r.body.toString().slice(0, 300)}`);
      await sleep(50);
    }
    return sinceMs(t0) / 1000;
  } finally {
    agent.destroy();
  }
}

/** The resourceVersion to watch from: the list's, so that only events written after it arrive. */
async function listRV(b: Target): Promise<string> {
  const agent = agentFor(b.tls, 1);
  try {
    const list = await expect(200, agent, b.port, 'GET', `${collection(WATCH_NS)}?limit=1`);
    return (JSON.parse(list.body.toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  } finally {
    agent.destroy();
  }
}

// ------------------------------------------------------------------ 1, 2. GET and LIST

interface Side {
  seconds: number[];
  p50: number[];
  p99: number[];
  /** CPU seconds summed over the rounds: [A, B] proxied, [B] direct. */
  cpuS: number[];
  elu: number[];
  ops: number;
}

interface Paired {
  op: string;
  concurrency: number;
  proxied: Side;
  direct: Side;
}

/** Each operation through A and straight to B back to back, ROUNDS rounds, the order alternating. */
async function paired(ops: { op: string; spec: Omit<LoadSpec, 'port' | 'tls'> }[], a: Target & { pid: number }, b: Target & { pid: number }): Promise<Paired[]> {
  const empty = (n: number): Side => ({ seconds: [], p50: [], p99: [], cpuS: new Array<number>(n).fill(0), elu: [], ops: 0 });
  const out: Paired[] = ops.map((o) => ({ op: o.op, concurrency: o.spec.concurrency, proxied: empty(2), direct: empty(1) }));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < ops.length; i++) {
      const sides: ['proxied' | 'direct', Target, number[]][] = [
        ['proxied', a, [a.pid, b.pid]],
        ['direct', b, [b.pid]],
      ];
      for (const [side, target, pids] of round % 2 ? sides.reverse() : sides) {
        const r = await load({ ...ops[i]!.spec, port: target.port, tls: target.tls }, pids);
        const s = out[i]![side];
        s.seconds.push(r.seconds);
        s.p50.push(r.p50);
        s.p99.push(r.p99);
        s.elu.push(r.elu);
        r.serverCpuS.forEach((c, k) => (s.cpuS[k]! += c));
        s.ops += ops[i]!.spec.ops;
      }
    }
  }
  return out;
}

interface PairedRow {
  row: (string | number)[];
  ratio: number;
  addedP50: number;
}

function pairedRow(p: Paired, bytes: number, aim: (ratio: number, addedP50: number) => string): PairedRow {
  const rate = (s: Side) => s.ops / ROUNDS / median(s.seconds);
  const us = (cpu: number, s: Side) => (1e6 * cpu) / s.ops;
  const ratio = rate(p.proxied) / rate(p.direct);
  const addedP50 = median(p.proxied.p50) - median(p.direct.p50);
  const [cpuA, cpuB] = p.proxied.cpuS as [number, number];
  return {
    ratio,
    addedP50,
    row: [
      p.op,
      `${fmt(rate(p.proxied), 0)} / ${fmt(rate(p.direct), 0)}`,
      fmt(ratio, 2),
      `${fmt(median(p.proxied.p50), 2)} / ${fmt(median(p.direct.p50), 2)}`,
      fmt(addedP50, 2),
      `${fmt(median(p.proxied.p99), 2)} / ${fmt(median(p.direct.p99), 2)}`,
      `${fmt(us(cpuA + cpuB, p.proxied), 0)} (A ${fmt(us(cpuA, p.proxied), 0)} + B ${fmt(us(cpuB, p.proxied), 0)}) / ${fmt(us(p.direct.cpuS[0]!, p.direct), 0)}`,
      bytes,
      `${fmt(Math.max(...p.proxied.elu), 2)} / ${fmt(Math.max(...p.direct.elu), 2)}`,
      aim(ratio, addedP50),
    ],
  };
}

const PAIRED_HEADER = ['operation', 'ops/s proxied / direct', 'ratio', 'p50 ms proxied / direct', 'added p50 ms', 'p99 ms proxied / direct', 'server CPU µs/op proxied (A + B) / direct (B)', 'body B', 'client busy proxied / direct', 'aim'];
const PAIRED_NOTE = `${ROUNDS} rounds, each operation through A (proxied) and straight to B (direct, the limit) back to back, the order alternating; median rate and percentiles; client: a worker thread speaking HTTP/1.1 on raw keep-alive TLS sockets, one per concurrent caller, busy = its event-loop utilization (max of rounds; 1.0 = the client was the limit); server CPU: the servers' CPU µs per operation`;

// ------------------------------------------------------------------ the benchmark

export async function benchAggregator(): Promise<void> {
  const dirA = await mkdtemp(join(tmpdir(), 'frontdoor-bench-agg-a-'));
  const dirB = await mkdtemp(join(tmpdir(), 'frontdoor-bench-agg-b-'));
  let a: Server | undefined;
  let b: Server | undefined;
  try {
    a = await startServer(dirA);
    const tlsA = await adminTLS(dirA);
    await untilReady(agentFor(tlsA, 1), a.port);
    // A's data dir now holds its generated front-proxy CA, which B trusts for X-Remote-* headers.
    b = await startServer(dirB, [
      '--requestheader-client-ca-file',
      join(dirA, 'pki', 'front-proxy-ca.crt'),
      '--requestheader-allowed-names',
      'front-proxy-client',
      '--tls-sans',
      `${SVC}.${SVC_NS}.svc`,
    ]);
    const tlsB = await adminTLS(dirB);
    await untilReady(agentFor(tlsB, 1), b.port);
    const A = { pid: a.pid, port: a.port, tls: tlsA };
    const B = { pid: b.pid, port: b.port, tls: tlsB };

    const { getBytes, listBytes } = await fillBackend(B);
    // B's serving certificate is signed by its cluster CA (pki/ca.crt).
    const registerS = await registerBackend(A, B.port, await readFile(join(dirB, 'pki', 'ca.crt'), 'utf8'));
    const get = `${collection(NS)}/o-0`;

    const gets = await paired(
      [
        { op: `get (c=${CONCURRENCY}, ${GET_OPS} ops)`, spec: { concurrency: CONCURRENCY, ops: GET_OPS, offset: 0, method: 'GET', path: get, status: 200 } },
        { op: `get (c=1, ${GET_OPS_SERIAL} ops)`, spec: { concurrency: 1, ops: GET_OPS_SERIAL, offset: 0, method: 'GET', path: get, status: 200 } },
      ],
      A,
      B,
    );
    if (GET_ONLY) {
      printTable(`1. GET one custom resource through A vs straight to B; ${PAIRED_NOTE}`, PAIRED_HEADER, gets.map((p) => pairedRow(p, getBytes, () => '-').row));
      return;
    }
    const lists = await paired(
      [
        { op: `list ${LIST_ITEMS} (c=${CONCURRENCY}, ${LIST_OPS} ops)`, spec: { concurrency: CONCURRENCY, ops: LIST_OPS, offset: 0, method: 'GET', path: collection(LIST_NS), status: 200 } },
        { op: `list ${LIST_ITEMS} (c=1, ${LIST_OPS_SERIAL} ops)`, spec: { concurrency: 1, ops: LIST_OPS_SERIAL, offset: 0, method: 'GET', path: collection(LIST_NS), status: 200 } },
      ],
      A,
      B,
    );

    // Watches: the same streams straight to B and through A, events created in B.
    let scenario = 0;
    const watchRow = async (watchers: number, events: number, burst: number) => {
      scenario++;
      const run = async (side: 'p' | 'd', target: Target) => {
        const rv = await listRV(B);
        const path = `${collection(WATCH_NS)}?watch=1&resourceVersion=${rv}`;
        return watchRun({ watch: { port: target.port, tls: target.tls }, path, write: { port: B.port, tls: B.tls }, tag: `${side}${scenario}`, watchers, sequential: events, burst }, side === 'p' ? [A.pid, B.pid] : [B.pid]);
      };
      const direct = await run('d', B);
      const proxied = await run('p', A);
      return { watchers, events: events + burst, direct, proxied };
    };
    const watchRows = [];
    for (const w of WATCH_ROWS) watchRows.push(await watchRow(w.watchers, w.events, 0));
    const fanout = await watchRow(FANOUT, FANOUT_EVENTS, BURST);

    // ---------------------------------------------------------------- tables
    const aims: (string | number)[][] = [];
    const getRows = gets.map((p) =>
      pairedRow(p, getBytes, (ratio, added) => (p.concurrency === 1 ? (added <= 1 ? 'met' : 'not met') : ratio >= 0.5 ? 'met' : 'not met')),
    );
    printTable(
      `1. GET one custom resource (${GROUP}/v1 widgets, ${getBytes} B) through the aggregator A (proxy to B; APIService created -> Available and proxying in ${fmt(registerS, 2)} s) vs straight to B; ${PAIRED_NOTE}; aims: proxied rate >= 0.50 of direct at c=${CONCURRENCY}, added p50 <= 1 ms at c=1`,
      PAIRED_HEADER,
      getRows.map((r) => r.row),
    );
    aims.push([`proxied GET rate >= 50% of direct (c=${CONCURRENCY})`, fmt(getRows[0]!.ratio, 2), getRows[0]!.ratio >= 0.5 ? 'yes' : 'no']);
    aims.push(['proxied GET adds <= 1 ms to p50 (c=1)', `${fmt(getRows[1]!.addedP50, 2)} ms`, getRows[1]!.addedP50 <= 1 ? 'yes' : 'no']);

    printTable(`2. LIST ${LIST_ITEMS} custom resources (${listBytes} B) through A vs straight to B; ${PAIRED_NOTE}; no aim of its own`, PAIRED_HEADER, lists.map((p) => pairedRow(p, listBytes, () => '-').row));

    const pd = (p: number, d: number, digits = 1) => `${fmt(p, digits)} / ${fmt(d, digits)}`;
    const got = (r: WatchRun) => `${r.received}/${r.expected}`;
    const missing = (r: WatchRun) => r.expected - r.received;
    const cpuMsPerEvent = (r: WatchRun, events: number) => (1e3 * r.cpuS.reduce((s, c) => s + c, 0)) / events;
    printTable(
      `3. WATCH delivery: N watch streams (each its own TLS connection) through A vs straight to B; events: custom resources created in B one at a time, each once the previous reached every watcher (the first not timed); latency: POST sent -> a watcher has the event, every delivery; last: POST sent -> the last watcher has it; missing: deliveries that never came; server CPU per event (read in 10 ms ticks); client: one worker thread holds the streams and writes the events`,
      ['watchers', 'events', 'p50 ms proxied / direct', 'added p50 ms', 'p99 ms proxied / direct', 'last p50 ms proxied / direct', 'deliveries', 'missing proxied / direct', 'server CPU ms/event proxied (A + B) / direct', 'client busy proxied / direct'],
      watchRows.map(({ watchers, events, direct, proxied }) => [
        watchers,
        events,
        pd(proxied.p50, direct.p50, 2),
        fmt(proxied.p50 - direct.p50, 2),
        pd(proxied.p99, direct.p99, 2),
        pd(proxied.lastP50, direct.lastP50, 2),
        proxied.expected,
        `${missing(proxied)} / ${missing(direct)}`,
        `${fmt(cpuMsPerEvent(proxied, events), 2)} (A ${fmt((1e3 * proxied.cpuS[0]!) / events, 2)} + B ${fmt((1e3 * proxied.cpuS[1]!) / events, 2)}) / ${fmt(cpuMsPerEvent(direct, events), 2)}`,
        pd(proxied.elu, direct.elu, 2),
      ]),
    );

    const { direct: fd, proxied: fp } = fanout;
    const ratio = (p: number, d: number) => fmt(p / d, 2);
    printTable(
      `4. ${FANOUT.toLocaleString('en-US')} concurrent watches through A vs straight to B, every stream on its own TLS connection (opened ${OPEN_CONCURRENCY} at a time); ${FANOUT_EVENTS} events created in B one at a time (each once every watcher had the previous, or ${WAIT_MS / 1000} s; the first not timed), then ${BURST} at concurrency ${BURST_CONCURRENCY} without waiting; an event a watcher lacks ${WAIT_MS / 1000} s after the last write is missing; aim: no proxied watcher misses an event`,
      ['figure', 'proxied', 'direct', 'proxied / direct'],
      [
        ['streams opened in s', fmt(fp.openS, 2), fmt(fd.openS, 2), ratio(fp.openS, fd.openS)],
        ['one at a time: delivery p50 ms', fmt(fp.p50, 2), fmt(fd.p50, 2), ratio(fp.p50, fd.p50)],
        ['one at a time: delivery p99 ms', fmt(fp.p99, 2), fmt(fd.p99, 2), ratio(fp.p99, fd.p99)],
        ['one at a time: last watcher p50 ms', fmt(fp.lastP50, 2), fmt(fd.lastP50, 2), ratio(fp.lastP50, fd.lastP50)],
        [`burst of ${BURST}: first POST -> last delivery s`, fmt(fp.burstS, 2), fmt(fd.burstS, 2), ratio(fp.burstS, fd.burstS)],
        [`burst of ${BURST}: delivery p50 ms`, fmt(fp.burstP50, 1), fmt(fd.burstP50, 1), ratio(fp.burstP50, fd.burstP50)],
        [`burst of ${BURST}: delivery p99 ms`, fmt(fp.burstP99, 1), fmt(fd.burstP99, 1), ratio(fp.burstP99, fd.burstP99)],
        ['events received / expected', got(fp), got(fd), '-'],
        ['missing events', missing(fp), missing(fd), '-'],
        ['watchers missing any event', fp.watchersMissing, fd.watchersMissing, '-'],
        ['duplicate events', fp.duplicates, fd.duplicates, '-'],
        ['streams ended early', fp.ended, fd.ended, '-'],
        [`server CPU ms/event (A + B; ${fanout.events} events)`, `${fmt(cpuMsPerEvent(fp, fanout.events), 2)} (A ${fmt((1e3 * fp.cpuS[0]!) / fanout.events, 2)} + B ${fmt((1e3 * fp.cpuS[1]!) / fanout.events, 2)})`, fmt(cpuMsPerEvent(fd, fanout.events), 2), ratio(cpuMsPerEvent(fp, fanout.events), cpuMsPerEvent(fd, fanout.events))],
        ['client busy (events phase)', fmt(fp.elu, 2), fmt(fd.elu, 2), '-'],
      ],
    );
    for (const r of [fp, fd]) if (r.reasons.length > 0) console.log(`  ${r === fp ? 'proxied' : 'direct'}: ${r.reasons.join(' | ')}`);
    aims.push([`every one of ${FANOUT.toLocaleString('en-US')} proxied watches gets each of ${fanout.events} events`, `${missing(fp)} missing (direct: ${missing(fd)})`, missing(fp) === 0 ? 'yes' : 'no']);
    printTable('Aims', ['aim', 'figure', 'met'], aims);
  } finally {
    if (a) await stopProcess(a.proc);
    if (b) await stopProcess(b.proc);
    await rm(dirA, { recursive: true, force: true });
    await rm(dirB, { recursive: true, force: true });
  }
}
