/**
 * The built-in API through the full HTTPS stack, as the admin (client
 * certificate from the generated PKI): GET, LIST, CREATE, UPDATE and WATCH of
 * ConfigMaps, each beside the same operation done directly on the storage
 * (SqliteStorage behind a Cacher, as the Store uses it; for GET the
 * SqliteStorage below the cache) in this process, and for writes what the API
 * layer adds per operation beside the storage's own time; GET beside a bare
 * Node https server returning the same bytes; and the server's resident memory
 * with 10,000 and 100,000 ConfigMaps stored.
 */
import { agentFor, expect, medianMs, pool, startBareJsonServer, startServer, stopProcess, untilReady, warm, type Reply, type Server, type TLS } from './measure.js';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cacher } from '../src/storage/cacher/index.js';
import type { StoredObject, WatchEvent } from '../src/storage/interfaces.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { fmt, median, percentile, printTable } from './table.js';

const OPS = Number(process.env.BENCH_API_OPS ?? 2000);
const GET_OPS = Number(process.env.BENCH_API_GET_OPS ?? 5000);
const GET_ROUNDS = 3;
const LIST_N = Number(process.env.BENCH_API_LIST_N ?? 10_000);
const BIG_N = Number(process.env.BENCH_API_BIG_N ?? 100_000);
const PAGE = 500;
const LIST_RUNS = 3;
const CONCURRENCY = 64;
const WATCHERS = Number(process.env.BENCH_API_WATCHERS ?? 1000);
const WATCH_WRITES = Number(process.env.BENCH_API_WATCH_WRITES ?? 30);
/** Time given to a freshly synced server before its RSS is read, the same for every memory row. */
const SETTLE_MS = 2000;
const NS = 'bench';
const WATCH_NS = 'bench-watch';
const CM = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

/**
 * Waits for the configmaps watch cache to be synced: a watch asking for the
 * initial state ends it with a bookmark only once the cache has listed
 * everything, and a field selector matching nothing keeps that state empty.
 */
async function untilCacheSynced(agent: https.Agent, port: number): Promise<void> {
  const query = 'watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&fieldSelector=metadata.name%3D__none__';
  await within(
    new Promise<void>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, path: `${CM(NS)}?${query}`, agent, servername: 'localhost' }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`sync watch: ${res.statusCode}`));
        res.on('data', (c: Buffer) => {
          if (c.includes('k8s.io/initial-events-end')) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (err) => reject(err));
      req.end();
    }),
    300_000,
    'the watch cache to sync',
  );
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

// ------------------------------------------------------------------ measuring



async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ objects

type ConfigMap = StoredObject & { metadata: { name: string; namespace?: string; resourceVersion?: string }; data: Record<string, string> };

/** A ConfigMap of about 1 KiB, as a client would send it. */
const configMap = (name: string, i: number): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { app: 'bench' } },
  data: { payload: 'x'.repeat(800), index: String(i) },
});

/**
 * What the Store would write for that ConfigMap: the server's own stored form
 * (taken from a create's answer) with this name, a fresh uid and no resourceVersion.
 */
function storedLike(template: ConfigMap, ns: string, name: string, i: number): ConfigMap {
  const { resourceVersion: _rv, ...meta } = template.metadata;
  return { ...template, metadata: { ...meta, name, namespace: ns, uid: randomUUID() }, data: { ...template.data, index: String(i) } };
}

// ------------------------------------------------------------------ watch delivery

interface Latency {
  p50: number;
  p99: number;
}

/**
 * Runs WATCH_WRITES + 1 writes, each after the previous one reached every
 * watcher, and times the write call to the moment the last watcher has it. The
 * first write only proves every watcher is attached and is not counted.
 */
async function deliveries(watchers: number, subscribe: (onEvent: () => void) => void, write: (i: number) => Promise<unknown>): Promise<Latency> {
  const latencies: number[] = [];
  let pending = 0;
  let t0 = 0n;
  let done: (() => void) | undefined;
  subscribe(() => {
    if (--pending === 0) {
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      done?.();
    }
  });
  for (let i = 0; i <= WATCH_WRITES; i++) {
    pending = watchers;
    const all = new Promise<void>((r) => (done = r));
    t0 = process.hrtime.bigint();
    await write(i);
    await within(all, 60_000, `write ${i} to reach ${watchers} watchers (${pending} missing)`);
  }
  const counted = latencies.slice(1);
  return { p50: percentile(counted, 50), p99: percentile(counted, 99) };
}

/** WATCHERS HTTP watch streams on one namespace, each on its own connection. */
async function httpWatch(port: number, tls: TLS, writer: https.Agent): Promise<Latency> {
  const list = await expect(200, writer, port, 'GET', `${CM(WATCH_NS)}?limit=1`);
  const rv = (JSON.parse(list.body.toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const agent = agentFor(tls, WATCHERS);
  const reqs: ClientRequest[] = [];
  let onEvent = () => {};
  const opened = Array.from(
    { length: WATCHERS },
    () =>
      new Promise<void>((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port, path: `${CM(WATCH_NS)}?watch=1&resourceVersion=${rv}`, agent, servername: 'localhost' }, (res) => {
          if (res.statusCode !== 200) return reject(new Error(`watch: ${res.statusCode}`));
          resolve();
          // One newline-terminated JSON event per write.
          res.on('data', (c: Buffer) => {
            for (let at = c.indexOf(10); at >= 0; at = c.indexOf(10, at + 1)) onEvent();
          });
          res.on('error', () => undefined);
        });
        req.on('error', (err) => reject(err));
        req.end();
        reqs.push(req);
      }),
  );
  try {
    await within(Promise.all(opened), 120_000, `${WATCHERS} watch streams to open`);
    return await deliveries(
      WATCHERS,
      (fn) => (onEvent = fn),
      (i) => expect(201, writer, port, 'POST', CM(WATCH_NS), JSON.stringify(configMap(`w-${i}`, i))),
    );
  } finally {
    for (const r of reqs) r.destroy();
    agent.destroy();
  }
}

async function storageWatch(cacher: Cacher, template: ConfigMap): Promise<Latency> {
  const prefix = `/configmaps/${WATCH_NS}`;
  const revision = cacher.revision;
  const ws = Array.from({ length: WATCHERS }, () => cacher.watch(prefix, { recursive: true, revision }));
  try {
    return await deliveries(
      WATCHERS,
      (onEvent) => {
        for (const w of ws) {
          void (async () => {
            for await (const _e of w as AsyncIterable<WatchEvent>) onEvent();
          })();
        }
      },
      (i) => cacher.create(`${prefix}/w-${i}`, storedLike(template, WATCH_NS, `w-${i}`, i)),
    );
  } finally {
    for (const w of ws) w.stop();
  }
}

// ------------------------------------------------------------------ the benchmark

interface Memory {
  count: number;
  syncS: number;
  rss: number;
}

interface Row {
  op: string;
  api: number;
  storage: number;
  unit: 'ops/s' | 'ms';
}

const ratio = (r: Row) => (r.unit === 'ops/s' ? r.api / r.storage : r.storage / r.api);

/**
 * Issue 4's aim for writes: the API layer adds no more than the storage write
 * itself costs. Per operation, from the rates: at c=1 the latency, at c=64
 * the wall time per operation of the whole run (1 / throughput).
 */
function addedCost(r: Row): { httpsMs: number; storageMs: number; addedMs: number; ratio: number } {
  const httpsMs = 1000 / r.api;
  const storageMs = 1000 / r.storage;
  const addedMs = httpsMs - storageMs;
  return { httpsMs, storageMs, addedMs, ratio: addedMs / storageMs };
}

export async function benchApi(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-api-'));
  const storeDir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-api-storage-'));
  const pki = join(dataDir, 'pki');
  const backend = SqliteStorage.open({ path: join(storeDir, 'state.db'), compactionIntervalMs: 0 });
  const cacher = new Cacher({ storage: backend, resourcePrefix: '/configmaps' });
  let server: Server | undefined;
  let bare: ChildProcess | undefined;
  try {
    await cacher.start();
    server = await startServer(dataDir);
    const tls: TLS = {
      ca: await readFile(join(pki, 'ca.crt'), 'utf8'),
      cert: await readFile(join(pki, 'admin.crt'), 'utf8'),
      key: await readFile(join(pki, 'admin.key'), 'utf8'),
    };
    await untilReady(agentFor(tls, 1), server.port);

    // Memory: restart on the same data dir, wait for the watch cache to hold everything, read RSS.
    const memory = async (count: number): Promise<Memory> => {
      await stopProcess(server!.proc);
      const t0 = process.hrtime.bigint();
      server = await startServer(dataDir);
      const agent = agentFor(tls, 1);
      await untilReady(agent, server.port);
      await untilCacheSynced(agent, server.port);
      const syncS = Number(process.hrtime.bigint() - t0) / 1e9;
      agent.destroy();
      await sleep(SETTLE_MS);
      return { count, syncS, rss: await rssMiB(server.pid) };
    };
    // Idle is measured the same way, so that the first start's PKI generation does not count.
    const idle = await memory(0);
    const one = agentFor(tls, 1);
    const port = server.port;
    for (const ns of [NS, WATCH_NS]) {
      await expect(201, one, port, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    }

    const rows: Row[] = [];
    const latest = new Map<string, ConfigMap>();
    const skey = (name: string) => `/configmaps/${NS}/${name}`;
    let template: ConfigMap | undefined;
    const created = (r: Reply) => {
      const obj = JSON.parse(r.body.toString()) as ConfigMap;
      latest.set(obj.metadata.name, obj);
      template ??= obj;
    };

    // CREATE: c=1 then c=64, names c1-* and c64-*; the same objects straight into the storage.
    for (const c of [1, CONCURRENCY]) {
      const agent = agentFor(tls, c);
      await warm(agent, port, c, `/api/v1/namespaces/${NS}`);
      const api = await pool(OPS, c, async (i) => created(await expect(201, agent, port, 'POST', CM(NS), JSON.stringify(configMap(`c${c}-${i}`, i)))));
      const sto = await pool(OPS, c, (i) => cacher.create(skey(`c${c}-${i}`), storedLike(template!, NS, `c${c}-${i}`, i)));
      rows.push({ op: `create (c=${c}, ${OPS} ops)`, api: OPS / api, storage: OPS / sto, unit: 'ops/s' });
      agent.destroy();
    }
    const tmpl = template!;

    // GET of one ConfigMap, and the bare server answering with the same bytes at the same concurrency.
    const getPath = `${CM(NS)}/c1-0`;
    const body = (await expect(200, one, port, 'GET', getPath)).body;
    const bodyFile = join(storeDir, 'get-body.json');
    await writeFile(bodyFile, body);
    const bareServer = await startBareJsonServer(pki, bodyFile);
    bare = bareServer.proc;
    const barePort = bareServer.port;
    const bareRows: (string | number)[][] = [];
    const getRatios: number[] = [];
    for (const c of [1, CONCURRENCY]) {
      const agent = agentFor(tls, c);
      await warm(agent, port, c, getPath);
      const bareAgent = agentFor(tls, c);
      await warm(bareAgent, barePort, c, getPath);
      // Alternating rounds, median of each: the machine's other load drifts over seconds.
      const apiS: number[] = [];
      const limS: number[] = [];
      for (let round = 0; round < GET_ROUNDS; round++) {
        apiS.push(await pool(GET_OPS, c, () => expect(200, agent, port, 'GET', getPath)));
        limS.push(await pool(GET_OPS, c, () => expect(200, bareAgent, barePort, 'GET', getPath)));
      }
      const api = median(apiS);
      const lim = median(limS);
      // The backend's own get: the cache's in-memory get (~1M/s) would say nothing about the API's cost.
      const sto = await pool(GET_OPS, c, () => backend.get(skey('c1-0')));
      rows.push({ op: `get (c=${c}, median of ${GET_ROUNDS} x ${GET_OPS} ops)`, api: GET_OPS / api, storage: GET_OPS / sto, unit: 'ops/s' });
      const r = GET_OPS / api / (GET_OPS / lim);
      getRatios.push(r);
      bareRows.push([`get one configmap (c=${c}, median of ${GET_ROUNDS} x ${GET_OPS} ops, ${body.length} B)`, fmt(GET_OPS / api), fmt(GET_OPS / lim), 'ops/s', fmt(r, 2), r >= 0.5 ? 'met' : 'not met']);
      agent.destroy();
      bareAgent.destroy();
    }
    await stopProcess(bare);
    bare = undefined;

    // UPDATE (PUT) of the objects each create row made, carrying their resourceVersion.
    for (const c of [1, CONCURRENCY]) {
      const agent = agentFor(tls, c);
      await warm(agent, port, c, `/api/v1/namespaces/${NS}`);
      const api = await pool(OPS, c, async (i) => {
        const cur = latest.get(`c${c}-${i}`)!;
        const next = { ...cur, data: { ...cur.data, index: `u${i}` } };
        created(await expect(200, agent, port, 'PUT', `${CM(NS)}/${cur.metadata.name}`, JSON.stringify(next)));
      });
      const sto = await pool(OPS, c, (i) => cacher.guaranteedUpdate(skey(`c${c}-${i}`), (cur) => ({ ...cur, data: { ...(cur.data as object), index: `u${i}` } })));
      rows.push({ op: `update (c=${c}, ${OPS} ops)`, api: OPS / api, storage: OPS / sto, unit: 'ops/s' });
      agent.destroy();
    }

    // Fill to LIST_N ConfigMaps in the namespace, on both sides (untimed).
    const fill = LIST_N - 2 * OPS;
    const filler = agentFor(tls, CONCURRENCY);
    await pool(fill, CONCURRENCY, (i) => expect(201, filler, port, 'POST', CM(NS), JSON.stringify(configMap(`f-${i}`, i))));
    await pool(fill, CONCURRENCY, (i) => cacher.create(skey(`f-${i}`), storedLike(tmpl, NS, `f-${i}`, i)));

    // LIST: paged with limit=500 following continue, and whole.
    const listPaged = async () => {
      let n = 0;
      let cont = '';
      for (let pages = 0; pages <= LIST_N / PAGE + 1; pages++) {
        const r = await expect(200, one, port, 'GET', `${CM(NS)}?limit=${PAGE}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
        const list = JSON.parse(r.body.toString()) as { items: unknown[]; metadata: { continue?: string } };
        n += list.items.length;
        cont = list.metadata.continue ?? '';
        if (!cont) break;
      }
      if (n !== LIST_N) throw new Error(`paged list gave ${n}`);
    };
    let listBytes = 0;
    const listWhole = async () => {
      const r = await expect(200, one, port, 'GET', CM(NS));
      listBytes = r.body.length;
      const n = (JSON.parse(r.body.toString()) as { items: unknown[] }).items.length;
      if (n !== LIST_N) throw new Error(`list gave ${n}`);
    };
    const storagePaged = async () => {
      let n = 0;
      let cont: string | undefined;
      for (let pages = 0; pages <= LIST_N / PAGE + 1; pages++) {
        const r = await cacher.list(`/configmaps/${NS}`, { limit: PAGE, continue: cont });
        n += r.items.length;
        cont = r.continue;
        if (!cont) break;
      }
      if (n !== LIST_N) throw new Error(`storage paged list gave ${n}`);
    };
    const storageWhole = async () => {
      const r = await cacher.list(`/configmaps/${NS}`);
      if (r.items.length !== LIST_N) throw new Error(`storage list gave ${r.items.length}`);
    };
    rows.push({ op: `list ${LIST_N}, limit=${PAGE} + continue (median of ${LIST_RUNS})`, api: await medianMs(listPaged, LIST_RUNS), storage: await medianMs(storagePaged, LIST_RUNS), unit: 'ms' });
    rows.push({ op: `list ${LIST_N}, unpaged (median of ${LIST_RUNS})`, api: await medianMs(listWhole, LIST_RUNS), storage: await medianMs(storageWhole, LIST_RUNS), unit: 'ms' });

    // WATCH: one write, until the last of WATCHERS streams has its event.
    // The in-process watchers go first, so that closing 1,000 sockets does not land in their figures.
    const stoW = await storageWatch(cacher, tmpl);
    const httpW = await httpWatch(port, tls, one);
    rows.push({ op: `watch, ${WATCHERS} watchers, p50 of ${WATCH_WRITES} writes`, api: httpW.p50, storage: stoW.p50, unit: 'ms' });
    rows.push({ op: `watch, ${WATCHERS} watchers, p99 of ${WATCH_WRITES} writes`, api: httpW.p99, storage: stoW.p99, unit: 'ms' });
    one.destroy();
    filler.destroy();

    printTable(
      `API through HTTPS (admin client cert, keep-alive, one socket per concurrent caller) vs the same operation on SqliteStorage behind a Cacher in this process (get: SqliteStorage's own get, below the cache); ratio: HTTPS rate / storage rate, or storage ms / HTTPS ms (1 = at the storage's limit)`,
      ['operation', 'HTTPS', 'storage', 'unit', 'ratio'],
      rows.map((r) => [r.op, fmt(r.api), fmt(r.storage), r.unit, fmt(ratio(r), 2)]),
    );
    const writes = rows.filter((r) => r.op.startsWith('create') || r.op.startsWith('update'));
    printTable(
      `What the API layer adds to a write (issue 4: no more than the storage write itself costs): ms per operation from the rates above (c=1: per request; c=${CONCURRENCY}: run time / operations); added = HTTPS - storage; aim: added / storage <= 1.0`,
      ['operation', 'HTTPS ms/op', 'storage ms/op', 'added ms/op', 'added/storage', 'aim'],
      writes.map((r) => {
        const a = addedCost(r);
        return [r.op, fmt(a.httpsMs, 3), fmt(a.storageMs, 3), fmt(a.addedMs, 3), fmt(a.ratio, 2), a.ratio <= 1 ? 'met' : 'not met'];
      }),
    );
    printTable('GET vs a bare Node https server returning the same bytes (same TLS settings incl. requestCert, same client); aim: ratio >= 0.50', ['case', 'frontdoor', 'bare https', 'unit', 'ratio', 'aim'], bareRows);

    const perObject = listBytes / LIST_N;
    const stored10k = LIST_N + WATCH_WRITES + 1;
    const mem = [await memory(stored10k)];
    await stopProcess(server.proc);
    // The rest go straight into the server's database file, as the Store would have written them.
    const direct = SqliteStorage.open({ path: join(dataDir, 'state.db'), compactionIntervalMs: 0 });
    const more = BIG_N - stored10k;
    const writeS = await pool(more, CONCURRENCY, (i) => direct.create(skey(`big-${i}`), storedLike(tmpl, NS, `big-${i}`, i)));
    await direct.close();
    mem.push(await memory(BIG_N));
    const memRows = [idle, ...mem].map((m) => {
      const json = (m.count * perObject) / 2 ** 20;
      return [m.count.toLocaleString('en-US'), fmt(m.syncS), fmt(m.rss), fmt(json), fmt(idle.rss + json), m.count ? fmt((m.rss - idle.rss) / json, 2) : '-'];
    });
    printTable(
      `Server RSS with N ConfigMaps stored (~${Math.round(perObject)} B of JSON each; ${stored10k.toLocaleString('en-US')} created over HTTPS, the other ${more.toLocaleString('en-US')} written into state.db through SqliteStorage in ${fmt(writeS)} s with the server stopped); each row: restart, wait for the watch cache to sync, ${SETTLE_MS / 1000} s, VmRSS; limit: RSS with none + the objects' JSON; growth/JSON: (RSS - RSS with none) / JSON`,
      ['configmaps', 'start to synced s', 'RSS MiB', 'JSON MiB', 'limit MiB', 'growth/JSON'],
      memRows,
    );

    const create64 = rows.find((r) => r.op.startsWith(`create (c=${CONCURRENCY}`))!;
    const create1 = rows.find((r) => r.op.startsWith('create (c=1'))!;
    printTable(
      'Aims',
      ['aim', 'figure', 'met'],
      [
        ['GET >= 50% of bare https (c=1)', fmt(getRatios[0]!, 2), getRatios[0]! >= 0.5 ? 'yes' : 'no'],
        [`GET >= 50% of bare https (c=${CONCURRENCY})`, fmt(getRatios[1]!, 2), getRatios[1]! >= 0.5 ? 'yes' : 'no'],
        ['HTTPS create >= 50% of storage create (c=1)', fmt(ratio(create1), 2), ratio(create1) >= 0.5 ? 'yes' : 'no'],
        [`HTTPS create >= 50% of storage create (c=${CONCURRENCY})`, fmt(ratio(create64), 2), ratio(create64) >= 0.5 ? 'yes' : 'no'],
        ...writes.map((r) => {
          const a = addedCost(r);
          return [`API adds <= the storage's own time, ${r.op.replace(/, \d+ ops\)/, ')')}`, fmt(a.ratio, 2), a.ratio <= 1 ? 'yes' : 'no'];
        }),
      ],
    );
  } finally {
    if (bare) await stopProcess(bare);
    if (server) await stopProcess(server.proc);
    await cacher.stop();
    await backend.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(storeDir, { recursive: true, force: true });
  }
}
