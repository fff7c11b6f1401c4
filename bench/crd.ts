/**
 * The CRD server (issue 11), on one frontdoor with the default SQLite store:
 * how soon a custom resource is accepted after its CRD is created (50 CRDs,
 * each its own group, then 20 more with 1,000 installed); the server's RSS and the latency of discovery (/apis,
 * aggregated and plain) and OpenAPI v3 (the index, one group-version) with 0,
 * 100 and 1,000 CRDs installed, each document beside a bare Node https server
 * returning the same bytes; and custom resource create/get/list beside
 * ConfigMap create/get/list in the same run, from a load client in a worker
 * thread whose busyness is printed (then once more on etcd, if installed).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ETCD_BINARY, startEtcd, type EtcdServer } from '../test/helpers/etcd.js';
import { load, type LoadSpec } from './lean-client.js';
import { adminTLS, agentFor, call, expect, pool, startBareJsonServer, startServer, stopProcess, untilReady, warm, type Server, type TLS } from './measure.js';
import { fmt, median, percentile, printTable } from './table.js';

const FIRST_CRDS = Number(process.env.BENCH_CRD_FIRST ?? 50);
/** Part 1 again once the last count is installed, on this many CRDs. */
const FIRST_CRDS_AT_TOP = 20;
const LIMIT_RUNS = 20;
const COUNTS = (process.env.BENCH_CRD_COUNTS ?? '0,100,1000').split(',').map(Number);
const INSTALL_CONCURRENCY = 16;
const DOC_RUNS = Number(process.env.BENCH_CRD_DOC_RUNS ?? 20);
/** Time given to a freshly started server before its RSS is read, the same for every row. */
const SETTLE_MS = 2000;
const CONCURRENCY = 64;
const ROUNDS = 5;
const CREATE_OPS = Number(process.env.BENCH_CRD_CREATE_OPS ?? 1500);
const GET_OPS = Number(process.env.BENCH_CRD_GET_OPS ?? 5000);
const LIST_OPS = Number(process.env.BENCH_CRD_LIST_OPS ?? 1000);
const LIST_ITEMS = 100;
const WITH_ETCD = process.env.BENCH_CRD_ETCD !== '0' && existsSync(ETCD_BINARY);

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const NS = 'bench';
const LIST_NS = 'bench-list';
const AGGREGATED = { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' };
const GROUP_SUFFIX = 'crd.bench.example';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sinceMs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

// ------------------------------------------------------------------ objects

/** The i-th CRD of the installed set: its own group and plural, a small schema. */
const numbered = (i: number) => ({ group: `g${i}.${GROUP_SUFFIX}`, plural: `thing${i}s`, kind: `Thing${i}` });

function crd(group: string, plural: string, kind: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: plural.replace(/s$/, ''), kind, listKind: `${kind}List` },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: spec } } } } }],
    },
  };
}

const smallCRD = (i: number) => {
  const n = numbered(i);
  return crd(n.group, n.plural, n.kind, { size: { type: 'string', enum: ['S', 'M', 'L'] }, replicas: { type: 'integer', default: 1, minimum: 0 }, tags: { type: 'array', items: { type: 'string' } } });
};

const smallCR = (i: number, name: string) => ({ apiVersion: `${numbered(i).group}/v1`, kind: numbered(i).kind, metadata: { name }, spec: { size: 'M', tags: ['a'] } });

/** The throughput CRD: a spec shaped as a ConfigMap's data, so that both objects are the same size. */
const BLOB_GROUP = 'blob.bench.example';
const blobCRD = crd(BLOB_GROUP, 'blobs', 'Blob', { payload: { type: 'string' }, index: { type: 'string' } });

const payload = 'x'.repeat(800);
/** A ConfigMap of about 1 KiB, and a custom resource of the same size ({i} is the index, filled in by the load client). */
const cmBody = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o-{i}', labels: { app: 'bench' } }, data: { payload, index: '{i}' } });
const crBody = JSON.stringify({ apiVersion: `${BLOB_GROUP}/v1`, kind: 'Blob', metadata: { name: 'o-{i}', labels: { app: 'bench' } }, spec: { payload, index: '{i}' } });

interface Kind {
  name: string;
  collection: (ns: string) => string;
  body: string;
}
const KINDS: Kind[] = [
  { name: 'ConfigMap', collection: (ns) => `/api/v1/namespaces/${ns}/configmaps`, body: cmBody },
  { name: 'custom resource', collection: (ns) => `/apis/${BLOB_GROUP}/v1/namespaces/${ns}/blobs`, body: crBody },
];

// ------------------------------------------------------------------ 1. CRD create -> first custom resource accepted

interface FirstCR {
  totalMs: number;
  crdPostMs: number;
  crPostMs: number;
  retries: number;
}

async function createThenFirstCR(agent: https.Agent, port: number, i: number): Promise<FirstCR> {
  const n = numbered(i);
  const t0 = process.hrtime.bigint();
  await expect(201, agent, port, 'POST', CRDS, JSON.stringify(smallCRD(i)));
  const crdPostMs = sinceMs(t0);
  const path = `/apis/${n.group}/v1/namespaces/${NS}/${n.plural}`;
  let retries = 0;
  for (;;) {
    const r = await call(agent, port, 'POST', path, JSON.stringify(smallCR(i, 'first')));
    if (r.status === 201) break;
    if (r.status !== 404 || retries > 10_000) throw new Error(`POST ${path}: ${r.status}: ${r.body.toString().slice(0, 300)}`);
    retries++;
  }
  const totalMs = sinceMs(t0);
  return { totalMs, crdPostMs, crPostMs: totalMs - crdPostMs, retries };
}

interface FirstSet {
  /** CRDs installed before the set began. */
  before: number;
  firsts: FirstCR[];
  /** The limit: a CRD POST with no CR sent after it, and a CR POST of a CRD already served. */
  limitCRD: number[];
  limitCR: number[];
}

/**
 * `n` CRDs from index `from`, each followed at once by its first custom
 * resource; then LIMIT_RUNS more CRDs alone, each followed by a CR POST of
 * the (served) CRD `from`. Installs n + LIMIT_RUNS CRDs.
 */
async function firstCRs(agent: https.Agent, port: number, from: number, n: number): Promise<FirstSet> {
  const set: FirstSet = { before: from, firsts: [], limitCRD: [], limitCR: [] };
  for (let i = from; i < from + n; i++) set.firsts.push(await createThenFirstCR(agent, port, i));
  const served = numbered(from);
  for (let k = 0; k < LIMIT_RUNS; k++) {
    set.limitCRD.push(await timedMs(() => expect(201, agent, port, 'POST', CRDS, JSON.stringify(smallCRD(from + n + k)))));
    set.limitCR.push(await timedMs(() => expect(201, agent, port, 'POST', `/apis/${served.group}/v1/namespaces/${NS}/${served.plural}`, JSON.stringify(smallCR(from, `limit-${k}`)))));
  }
  return set;
}

// ------------------------------------------------------------------ 2. memory and documents by installed count

interface Doc {
  name: string;
  path: string;
  headers?: Record<string, string>;
}

interface DocTiming {
  name: string;
  bytes: number;
  firstMs: number;
  medianMs: number;
  bareMs: number;
}

interface AtCount {
  count: number;
  /** Seconds to install the CRDs that took the count here (POSTs answered), and until /apis listed every group. */
  installS?: number;
  servedS?: number;
  liveRss?: number;
  startToReadyS: number;
  rss: number;
  docs: DocTiming[];
}

const timedMs = async (fn: () => Promise<unknown>) => {
  const t0 = process.hrtime.bigint();
  await fn();
  return sinceMs(t0);
};

/** Each document: the first GET on a freshly started server (built on demand), then the median of DOC_RUNS, beside a bare https server sending its bytes. */
async function documents(port: number, tls: TLS, pki: string, scratch: string, docs: Doc[]): Promise<DocTiming[]> {
  const agent = agentFor(tls, 1);
  const out: DocTiming[] = [];
  try {
    await warm(agent, port, 1, '/readyz');
    for (const d of docs) {
      const firstMs = await timedMs(() => expect(200, agent, port, 'GET', d.path, undefined, d.headers));
      const body = (await expect(200, agent, port, 'GET', d.path, undefined, d.headers)).body;
      const times: number[] = [];
      for (let r = 0; r < DOC_RUNS; r++) times.push(await timedMs(() => expect(200, agent, port, 'GET', d.path, undefined, d.headers)));
      const file = join(scratch, 'doc.json');
      await writeFile(file, body);
      const bare = await startBareJsonServer(pki, file);
      const bareAgent = agentFor(tls, 1);
      const bareTimes: number[] = [];
      try {
        await warm(bareAgent, bare.port, 1, d.path);
        for (let r = 0; r < DOC_RUNS; r++) bareTimes.push(await timedMs(() => expect(200, bareAgent, bare.port, 'GET', d.path)));
      } finally {
        bareAgent.destroy();
        await stopProcess(bare.proc);
      }
      out.push({ name: d.name, bytes: body.length, firstMs, medianMs: median(times), bareMs: median(bareTimes) });
    }
  } finally {
    agent.destroy();
  }
  return out;
}

/** Installs CRDs [from, to) at INSTALL_CONCURRENCY; then waits until plain /apis lists all `to` groups. */
async function install(agent: https.Agent, port: number, from: number, to: number): Promise<{ installS: number; servedS: number }> {
  const t0 = process.hrtime.bigint();
  const installS = await pool(to - from, INSTALL_CONCURRENCY, (k) => expect(201, agent, port, 'POST', CRDS, JSON.stringify(smallCRD(from + k))));
  for (;;) {
    const groups = (JSON.parse((await expect(200, agent, port, 'GET', '/apis')).body.toString()) as { groups: { name: string }[] }).groups;
    if (groups.filter((g) => g.name.endsWith(`.${GROUP_SUFFIX}`)).length >= to) break;
    await sleep(50);
  }
  return { installS, servedS: sinceMs(t0) / 1000 };
}

// ------------------------------------------------------------------ 3. throughput, custom resources beside ConfigMaps

interface Throughput {
  op: string;
  kind: string;
  rate: number;
  p50: number;
  p99: number;
  cpuUsPerOp: number;
  elu: number;
  bytes: number;
}

/** create, get and list of both kinds in ROUNDS rounds (median rate per kind, server CPU summed); creates go to NS, lists read LIST_NS's LIST_ITEMS objects. */
async function throughput(server: Server, tls: TLS): Promise<Throughput[]> {
  const agent = agentFor(tls, CONCURRENCY);
  const port = server.port;
  for (const ns of [NS, LIST_NS]) await call(agent, port, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: ns } }));
  await expect(201, agent, port, 'POST', CRDS, JSON.stringify(blobCRD));
  for (const k of KINDS) {
    // The first POST waits until the resource is served.
    await pool(LIST_ITEMS, CONCURRENCY, (i) => expect(201, agent, port, 'POST', k.collection(LIST_NS), k.body.split('{i}').join(`l${i}`)));
  }
  const bytes = new Map<string, Map<string, number>>();
  const rows = new Map<string, { seconds: number[]; p50: number[]; p99: number[]; cpuS: number; elu: number[]; ops: number }>();
  const base = { port, tls, concurrency: CONCURRENCY };
  const ops = (k: Kind, round: number): [string, LoadSpec][] => [
    [`create (c=${CONCURRENCY}, ${CREATE_OPS} ops)`, { ...base, ops: CREATE_OPS, offset: round * CREATE_OPS, method: 'POST', path: k.collection(NS), body: k.body, status: 201 }],
    // Gets cycle through the objects the first create round made.
    [`get (c=${CONCURRENCY}, ${GET_OPS} ops)`, { ...base, ops: GET_OPS, offset: 0, cycle: CREATE_OPS, method: 'GET', path: `${k.collection(NS)}/o-{i}`, status: 200 }],
    [`list ${LIST_ITEMS} (c=${CONCURRENCY}, ${LIST_OPS} ops)`, { ...base, ops: LIST_OPS, offset: 0, method: 'GET', path: k.collection(LIST_NS), status: 200 }],
  ];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Each operation of both kinds back to back (the machine's load drifts); every other round the custom resource goes first.
      for (let o = 0; o < ops(KINDS[0]!, round).length; o++) {
        for (const k of round % 2 ? [...KINDS].reverse() : KINDS) {
          const [op, spec] = ops(k, round)[o]!;
          const r = await load(spec, [server.pid]);
          const key = `${op}|${k.name}`;
          const row = rows.get(key) ?? { seconds: [], p50: [], p99: [], cpuS: 0, elu: [], ops: 0 };
          row.seconds.push(r.seconds);
          row.p50.push(r.p50);
          row.p99.push(r.p99);
          row.elu.push(r.elu);
          row.cpuS += r.serverCpuS[0]!;
          row.ops += spec.ops;
          rows.set(key, row);
        }
      }
    }
    for (const k of KINDS) {
      const m = new Map<string, number>();
      m.set('create', Buffer.byteLength(k.body.split('{i}').join('0')));
      m.set('get', (await expect(200, agent, port, 'GET', `${k.collection(NS)}/o-0`)).body.length);
      m.set('list', (await expect(200, agent, port, 'GET', k.collection(LIST_NS))).body.length);
      bytes.set(k.name, m);
    }
  } finally {
    agent.destroy();
  }
  return [...rows.entries()].map(([key, r]) => {
    const [op, kind] = key.split('|') as [string, string];
    const perRound = r.ops / ROUNDS;
    return {
      op,
      kind,
      rate: perRound / median(r.seconds),
      p50: median(r.p50),
      p99: median(r.p99),
      cpuUsPerOp: (1e6 * r.cpuS) / r.ops,
      elu: Math.max(...r.elu),
      bytes: bytes.get(kind)!.get(op.split(' ')[0]!)!,
    };
  });
}

function printThroughput(store: string, rows: Throughput[]): { op: string; ratio: number; cpuRatio: number }[] {
  const out: { op: string; ratio: number; cpuRatio: number }[] = [];
  const table: (string | number)[][] = [];
  for (const op of [...new Set(rows.map((r) => r.op))]) {
    const cm = rows.find((r) => r.op === op && r.kind === 'ConfigMap')!;
    const cr = rows.find((r) => r.op === op && r.kind === 'custom resource')!;
    const ratio = cr.rate / cm.rate;
    const cpuRatio = cm.cpuUsPerOp / cr.cpuUsPerOp;
    out.push({ op, ratio, cpuRatio });
    table.push([
      op,
      `${fmt(cr.rate, 0)} / ${fmt(cm.rate, 0)}`,
      fmt(ratio, 2),
      `${fmt(cr.p50, 1)} / ${fmt(cm.p50, 1)}`,
      `${fmt(cr.p99, 1)} / ${fmt(cm.p99, 1)}`,
      `${fmt(cr.cpuUsPerOp, 0)} / ${fmt(cm.cpuUsPerOp, 0)}`,
      fmt(cpuRatio, 2),
      `${cr.bytes} / ${cm.bytes}`,
      `${fmt(cr.elu, 2)} / ${fmt(cm.elu, 2)}`,
      ratio >= 0.8 ? 'met' : 'not met',
    ]);
  }
  printTable(
    `3. Custom resources (CRD blobs.${BLOB_GROUP}, spec {payload, index}) vs ConfigMaps (data {payload, index}) on ${store}, same server, same client: a worker thread speaking HTTP/1.1 on raw keep-alive TLS sockets, one per concurrent caller; ${ROUNDS} rounds, each operation of both kinds back to back, the order alternating; median rate; CPU: the server's CPU µs per operation; client busy: the worker's event-loop utilization (max of rounds; 1.0 = the client was the limit); aim: CR rate / ConfigMap rate >= 0.80`,
    ['operation', 'ops/s CR / CM', 'ratio', 'p50 ms CR / CM', 'p99 ms CR / CM', 'server CPU µs/op CR / CM', 'CPU ratio CM/CR', 'body B CR / CM', 'client busy CR / CM', 'aim'],
    table,
  );
  return out;
}

// ------------------------------------------------------------------ the benchmark

export async function benchCrd(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-crd-'));
  const scratch = await mkdtemp(join(tmpdir(), 'frontdoor-bench-crd-scratch-'));
  const pki = join(dataDir, 'pki');
  let server: Server | undefined;
  let etcd: EtcdServer | undefined;
  let etcdServer: Server | undefined;
  try {
    server = await startServer(dataDir);
    const tls = await adminTLS(dataDir);
    await untilReady(agentFor(tls, 1), server.port);
    {
      const a = agentFor(tls, 1);
      await expect(201, a, server.port, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: NS } }));
      a.destroy();
    }

    /** Restart on the same data dir (readyz waits until every stored CRD is served), settle, RSS, then the documents. */
    const measureAt = async (count: number, extra: Partial<AtCount>): Promise<AtCount> => {
      await stopProcess(server!.proc);
      const t0 = process.hrtime.bigint();
      server = await startServer(dataDir);
      const a = agentFor(tls, 1);
      await untilReady(a, server.port);
      a.destroy();
      const startToReadyS = sinceMs(t0) / 1000;
      await sleep(SETTLE_MS);
      const rss = await rssMiB(server.pid);
      const gv = count > 0 ? `apis/${numbered(count - 1).group}/v1` : 'apis/apps/v1';
      const docs = await documents(server.port, tls, pki, scratch, [
        { name: '/apis aggregated (v2)', path: '/apis', headers: AGGREGATED },
        { name: '/apis plain', path: '/apis' },
        { name: '/openapi/v3', path: '/openapi/v3' },
        { name: `/openapi/v3/${count > 0 ? 'apis/<crd group>/v1' : 'apis/apps/v1'}`, path: `/openapi/v3/${gv}` },
      ]);
      return { count, startToReadyS, rss, docs, ...extra };
    };

    const counts: AtCount[] = [];
    let installed = 0;
    const sets: FirstSet[] = [];
    // The first count is measured before part 1, which then installs the first FIRST_CRDS (+ LIMIT_RUNS).
    for (const count of COUNTS) {
      if (count === 0) {
        counts.push(await measureAt(0, {}));
        continue;
      }
      const a = agentFor(tls, INSTALL_CONCURRENCY);
      await warm(a, server.port, INSTALL_CONCURRENCY, '/readyz');
      let installS = 0;
      let servedS = 0;
      if (sets.length === 0 && count >= FIRST_CRDS + LIMIT_RUNS) {
        // 1. One at a time: the CRD POST, then at once the first custom resource's POST.
        const t0 = process.hrtime.bigint();
        sets.push(await firstCRs(a, server.port, installed, FIRST_CRDS));
        installed += FIRST_CRDS + LIMIT_RUNS;
        installS = sinceMs(t0) / 1000;
        servedS = installS;
      }
      if (installed < count) {
        const r = await install(a, server.port, installed, count);
        installS += r.installS;
        servedS += r.servedS;
        installed = count;
      }
      await sleep(SETTLE_MS);
      const liveRss = await rssMiB(server.pid);
      a.destroy();
      counts.push(await measureAt(count, { installS, servedS, liveRss }));
    }

    // Part 1 again with every count installed.
    if (installed > 0) {
      const a1 = agentFor(tls, 1);
      await warm(a1, server.port, 1, '/readyz');
      sets.push(await firstCRs(a1, server.port, installed, FIRST_CRDS_AT_TOP));
      installed += FIRST_CRDS_AT_TOP + LIMIT_RUNS;
      a1.destroy();
    }

    const sqlite = await throughput(server, tls);
    let etcdRows: Throughput[] | undefined;
    if (WITH_ETCD) {
      etcd = await startEtcd();
      const etcdDir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-crd-etcd-'));
      try {
        etcdServer = await startServer(etcdDir, ['--etcd-servers', etcd.endpoint]);
        const etls = await adminTLS(etcdDir);
        await untilReady(agentFor(etls, 1), etcdServer.port);
        etcdRows = await throughput(etcdServer, etls);
      } finally {
        if (etcdServer) await stopProcess(etcdServer.proc);
        etcdServer = undefined;
        await rm(etcdDir, { recursive: true, force: true });
      }
    }

    // ---------------------------------------------------------------- tables
    const aims: (string | number)[][] = [];
    if (sets.length > 0) {
      const rows: (string | number)[][] = [];
      for (const set of sets) {
        const col = (xs: number[]) => [fmt(percentile(xs, 50)), fmt(percentile(xs, 99)), fmt(percentile(xs, 100))];
        const total = set.firsts.map((f) => f.totalMs);
        const p50 = percentile(total, 50);
        const limit = median(set.limitCRD) + median(set.limitCR);
        const when = `${set.firsts.length} CRDs, ${set.before} installed before`;
        rows.push(
          [`${when}: CRD POST -> 201`, ...col(set.firsts.map((f) => f.crdPostMs)), fmt(median(set.limitCRD)), '-', '-'],
          [`${when}: first CR POST -> 201`, ...col(set.firsts.map((f) => f.crPostMs)), fmt(median(set.limitCR)), '-', '-'],
          [`${when}: total, CRD POST sent -> CR 201`, ...col(total), fmt(limit), fmt(limit / p50, 2), p50 <= 100 ? 'met' : 'not met'],
          [`${when}: 404 retries`, set.firsts.reduce((s, f) => s + f.retries, 0), '', '', '', '', ''],
        );
        aims.push([`CRD create -> first CR accepted p50 <= 100 ms (${when})`, `${fmt(p50)} ms`, p50 <= 100 ? 'yes' : 'no']);
      }
      printTable(
        `1. CRD create -> first custom resource accepted, one CRD at a time (each its own group and plural, a 3-field schema), SQLite; the CR POST is sent as soon as the CRD POST returns (the server holds it until the resource is served; a 404 would be retried and counted); limit: a CRD POST alone + a CR POST of an established CRD (median of ${LIMIT_RUNS} each, right after the set); aim: total p50 <= 100 ms`,
        ['figure', 'p50 ms', 'p99 ms', 'max ms', 'limit ms', 'limit/p50', 'aim'],
        rows,
      );
    }

    const zero = counts.find((c) => c.count === 0);
    const crdBytes = Buffer.byteLength(JSON.stringify(smallCRD(999)));
    printTable(
      `2a. Server RSS by CRDs installed (SQLite); install: POSTs at concurrency ${INSTALL_CONCURRENCY} (the first ${FIRST_CRDS + LIMIT_RUNS} one at a time by part 1), served: until plain /apis lists every group; live RSS: the installing server ${SETTLE_MS / 1000} s after; RSS: restarted on the same data dir, ready (every CRD served), ${SETTLE_MS / 1000} s; limit per CRD: its JSON as sent (${crdBytes} B); aim: <= 0.5 MB RSS per CRD`,
      ['CRDs', 'install s', 'served s', 'CRDs/s', 'live RSS MiB', 'start to ready s', 'RSS MiB', 'RSS/CRD MB', 'JSON/CRD MB', 'aim'],
      counts.map((c) => {
        const per = zero && c.count > 0 ? ((c.rss - zero.rss) * 2 ** 20) / 1e6 / c.count : NaN;
        const added = c.count - (counts[counts.indexOf(c) - 1]?.count ?? 0);
        return [
          c.count,
          c.installS === undefined ? '-' : fmt(c.installS, 2),
          c.servedS === undefined ? '-' : fmt(c.servedS, 2),
          c.servedS ? fmt(added / c.servedS, 0) : '-',
          c.liveRss === undefined ? '-' : fmt(c.liveRss),
          fmt(c.startToReadyS, 2),
          fmt(c.rss),
          fmt(per, 3),
          c.count > 0 ? fmt(crdBytes / 1e6, 4) : '-',
          c.count > 0 ? (per <= 0.5 ? 'met' : 'not met') : '-',
        ];
      }),
    );
    const top = counts[counts.length - 1]!;
    if (zero && top.count > 0) {
      const per = ((top.rss - zero.rss) * 2 ** 20) / 1e6 / top.count;
      aims.push([`RSS per installed CRD <= 0.5 MB (${top.count} vs 0)`, `${fmt(per, 3)} MB`, per <= 0.5 ? 'yes' : 'no']);
    }

    printTable(
      `2b. Discovery and OpenAPI v3 by CRDs installed (admin cert, one keep-alive socket): first GET after the restart (documents built on demand), then median of ${DOC_RUNS}; limit: a bare Node https server sending the same bytes (median of ${DOC_RUNS}); aim: discovery <= 50 ms with 1,000 CRDs (median; the first GET shown beside it)`,
      ['CRDs', 'document', 'bytes', 'first ms', 'median ms', 'bare ms', 'bare/median', 'aim'],
      counts.flatMap((c) =>
        c.docs.map((d) => [
          c.count,
          d.name,
          d.bytes,
          fmt(d.firstMs),
          fmt(d.medianMs),
          fmt(d.bareMs),
          fmt(d.bareMs / d.medianMs, 2),
          c.count >= 1000 && d.name.startsWith('/apis') ? (d.medianMs <= 50 ? 'met' : 'not met') : '-',
        ]),
      ),
    );
    if (top.count >= 1000) {
      for (const d of top.docs.filter((x) => x.name.startsWith('/apis'))) {
        aims.push([`${d.name} with ${top.count} CRDs <= 50 ms (median; first)`, `${fmt(d.medianMs)} ms; ${fmt(d.firstMs)} ms`, d.medianMs <= 50 ? (d.firstMs <= 50 ? 'yes' : 'yes (median), no (first)') : 'no']);
      }
    }

    const stores: [string, Throughput[]][] = [[`SQLite, ${installed + 1} CRDs installed`, sqlite]];
    if (etcdRows) stores.push(['etcd (1 CRD installed)', etcdRows]);
    for (const [store, rows] of stores) {
      for (const r of printThroughput(store, rows)) aims.push([`CR ${r.op.replace(/ \(.*/, '')} >= 80% of ConfigMap (${store.split(',')[0]})`, `${fmt(r.ratio, 2)} (CPU ${fmt(r.cpuRatio, 2)})`, r.ratio >= 0.8 ? 'yes' : 'no']);
    }
    printTable('Aims', ['aim', 'figure', 'met'], aims);
  } finally {
    if (etcdServer) await stopProcess(etcdServer.proc);
    if (etcd) await etcd.stop();
    if (server) await stopProcess(server.proc);
    await rm(dataDir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  }
}
