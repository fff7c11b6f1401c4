/**
 * Storage: each backend's verbs beside the same operations done directly (the
 * etcd3 client on the same etcd; raw SQL on a SQLite file with the same pragmas),
 * and watch delivery through the watch cache to 1, 100 and 1,000 watchers.
 */
import { medianMs, pool } from './measure.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Etcd3 } from 'etcd3';
import { Cacher } from '../src/storage/cacher/index.js';
import { Etcd3Storage } from '../src/storage/etcd3/etcd3-storage.js';
import type { StorageBackend, StoredObject, WatchEvent } from '../src/storage/interfaces.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { startEtcd } from '../test/helpers/etcd.js';
import { fmt, percentile, printTable } from './table.js';

const N = Number(process.env.BENCH_STORAGE_N ?? 2000);
const LIST_N = 10_000;
const CONCURRENCY = 64;
const WATCH_WRITES = Number(process.env.BENCH_WATCH_WRITES ?? 50);

/** A ConfigMap of about 1 KiB, as the API would store it. */
const object = (name: string, i: number): StoredObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'bench', uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, creationTimestamp: '2026-11-24T00:00:00Z', labels: { app: 'bench' } },
  data: { payload: 'x'.repeat(800), index: String(i) },
});

/** The raw operations a backend's verbs are measured against. */
interface Direct {
  create(key: string, value: string): Promise<void>;
  get(key: string): Promise<void>;
  update(key: string, value: string): Promise<void>;
  list(prefix: string): Promise<number>;
  /** SQLite only: inserts committed 64 to a transaction, the limit for a backend that group-commits. */
  createBatched?(entries: [string, string][]): Promise<void>;
  close(): Promise<void>;
}


const rate = (n: number, seconds: number) => n / seconds;


async function verbs(name: string, backend: StorageBackend, direct: Direct): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  const row = (op: string, ours: number, raw: number, unit: string, higherIsBetter = true) =>
    rows.push([op, fmt(ours), fmt(raw), unit, `${fmt(higherIsBetter ? ours / raw : raw / ours, 2)}`]);

  const key = (p: string, i: number) => `/configmaps/bench/${p}-${i}`;
  const value = (i: number) => JSON.stringify(object(`x-${i}`, i));

  const cOurs = await pool(N, CONCURRENCY, async (i) => void (await backend.create(key('a', i), object(`a-${i}`, i))));
  const cRaw = await pool(N, CONCURRENCY, async (i) => direct.create(key('d', i), value(i)));
  row(`create (c=${CONCURRENCY})`, rate(N, cOurs), rate(N, cRaw), 'ops/s');
  if (direct.createBatched) {
    const batches = Array.from({ length: Math.ceil(N / CONCURRENCY) }, (_, b) =>
      Array.from({ length: Math.min(CONCURRENCY, N - b * CONCURRENCY) }, (_, j): [string, string] => [key('b', b * CONCURRENCY + j), value(j)]),
    );
    const t0 = process.hrtime.bigint();
    for (const batch of batches) await direct.createBatched(batch);
    const bRaw = Number(process.hrtime.bigint() - t0) / 1e9;
    row(`create (c=${CONCURRENCY}) vs raw ${CONCURRENCY}/txn`, rate(N, cOurs), rate(N, bRaw), 'ops/s');
  }

  const gOurs = await pool(N, CONCURRENCY, async (i) => void (await backend.get(key('a', i))));
  const gRaw = await pool(N, CONCURRENCY, async (i) => direct.get(key('d', i)));
  row(`get (c=${CONCURRENCY})`, rate(N, gOurs), rate(N, gRaw), 'ops/s');

  const uOurs = await pool(N, CONCURRENCY, async (i) =>
    void (await backend.guaranteedUpdate(key('a', i), (cur) => ({ ...cur, data: { ...(cur.data as object), index: `u${i}` } }))),
  );
  const uRaw = await pool(N, CONCURRENCY, async (i) => direct.update(key('d', i), value(i + 1)));
  row(`update (c=${CONCURRENCY})`, rate(N, uOurs), rate(N, uRaw), 'ops/s');

  // The registry updates through the watch cache, which hands the backend its cached copy (one round trip on etcd).
  const cacher = new Cacher({ storage: backend, resourcePrefix: '/configmaps' });
  await cacher.start();
  const vOurs = await pool(N, CONCURRENCY, async (i) =>
    void (await cacher.guaranteedUpdate(key('a', i), (cur) => ({ ...cur, data: { ...(cur.data as object), index: `v${i}` } }))),
  );
  await cacher.stop();
  row(`update via watch cache (c=${CONCURRENCY})`, rate(N, vOurs), rate(N, uRaw), 'ops/s');

  const seqN = Math.min(N, 500);
  const sOurs = await pool(seqN, 1, async (i) => void (await backend.create(key('s', i), object(`s-${i}`, i))));
  const sRaw = await pool(seqN, 1, async (i) => direct.create(key('t', i), value(i)));
  row('create (c=1)', rate(seqN, sOurs), rate(seqN, sRaw), 'ops/s');

  // 10,000 objects under one prefix, listed whole.
  await pool(LIST_N, CONCURRENCY, async (i) => void (await backend.create(`/listing/bench/o-${i}`, object(`o-${i}`, i))));
  await pool(LIST_N, CONCURRENCY, async (i) => direct.create(`/listraw/bench/o-${i}`, value(i)));
  const lOurs = await medianMs(async () => {
    const r = await backend.list('/listing');
    if (r.items.length !== LIST_N) throw new Error(`listed ${r.items.length}`);
  }, 5);
  const lRaw = await medianMs(async () => {
    const n = await direct.list('/listraw');
    if (n !== LIST_N) throw new Error(`listed ${n} directly`);
  }, 5);
  row(`list ${LIST_N} objects`, lOurs, lRaw, 'ms', false);
  console.error(`  ${name}: verbs done`);
  return rows;
}

/** Resolves true when `p` settles within `ms`, false otherwise: every wait here is bounded. */
const within = (p: Promise<void>, ms: number): Promise<boolean> =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);

const WAIT_MS = 10_000;

/**
 * Times writes until every one of `count` receivers saw the event. One untimed
 * write first makes sure the watches are established (etcd registers them
 * asynchronously); a write whose event does not arrive in time is counted as missed.
 */
async function timeDeliveries(
  count: number,
  subscribe: (onEvent: () => void) => void,
  write: (i: number) => Promise<unknown>,
): Promise<{ p50: number; p99: number; missed: number }> {
  const latencies: number[] = [];
  let pending = 0;
  let done: (() => void) | undefined;
  subscribe(() => {
    if (--pending === 0) done?.();
  });
  let missed = 0;
  for (let i = -1; i < WATCH_WRITES; i++) {
    pending = count;
    const all = new Promise<void>((r) => (done = r));
    const t0 = process.hrtime.bigint();
    await write(i);
    const arrived = await within(all, WAIT_MS);
    if (i < 0) continue;
    if (arrived) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    else missed++;
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), missed };
}

/** Latency from the write call to the moment the last of `watchers` receives its event. */
async function watchDelivery(backend: StorageBackend, watchers: number): Promise<{ p50: number; p99: number; missed: number }> {
  const prefix = `/watchbench${watchers}`;
  const cacher = new Cacher({ storage: backend, resourcePrefix: prefix, watcherBufferSize: WATCH_WRITES + 10 });
  await cacher.start();
  const ws = Array.from({ length: watchers }, () => cacher.watch(prefix, { recursive: true }));
  const result = await timeDeliveries(
    watchers,
    (onEvent) => {
      for (const w of ws) {
        void (async () => {
          for await (const _e of w as AsyncIterable<WatchEvent>) onEvent();
        })();
      }
    },
    (i) => backend.create(`${prefix}/bench/w-${i}`, object(`w-${i}`, i)),
  );
  for (const w of ws) w.stop();
  await cacher.stop();
  return result;
}

/** The limit for watch delivery: one watcher straight on the backend (etcd's own watch; SQLite's commit path). */
async function directWatch(backend: StorageBackend): Promise<{ p50: number; p99: number; missed: number }> {
  const prefix = '/watchdirect';
  const w = backend.watch(prefix, { recursive: true });
  const result = await timeDeliveries(
    1,
    (onEvent) => {
      void (async () => {
        for await (const _e of w) onEvent();
      })();
    },
    (i) => backend.create(`${prefix}/bench/w-${i}`, object(`w-${i}`, i)),
  );
  w.stop();
  return result;
}

async function watchRows(backend: StorageBackend): Promise<(string | number)[][]> {
  const limit = await directWatch(backend);
  const rows: (string | number)[][] = [['1 watcher on the backend (limit)', fmt(limit.p50, 2), fmt(limit.p99, 2), '-', limit.missed]];
  for (const n of [1, 100, 1000]) {
    const r = await watchDelivery(backend, n);
    rows.push([`${n} watcher(s) via the cache`, fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.p99 / limit.p99, 2), r.missed]);
  }
  return rows;
}

function rawSqlite(path: string): Direct {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const ins = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const sel = db.prepare('SELECT value FROM kv WHERE key = ?');
  const upd = db.prepare('UPDATE kv SET value = ? WHERE key = ?');
  const rng = db.prepare('SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key');
  const insertMany = db.transaction((entries: [string, string][]) => {
    for (const [k, v] of entries) ins.run(k, v);
  });
  return {
    create: async (k, v) => void ins.run(k, v),
    get: async (k) => void sel.get(k),
    update: async (k, v) => void upd.run(v, k),
    list: async (p) => rng.all(`${p}/`, `${p}0`).length,
    createBatched: async (entries) => void insertMany(entries),
    close: async () => void db.close(),
  };
}

function rawEtcd(client: Etcd3, prefix: string): Direct {
  return {
    // the same transaction shape as the backend's create: put only if absent
    create: async (k, v) => void (await client.if(prefix + k, 'Create', '==', 0).then(client.put(prefix + k).value(v)).commit()),
    get: async (k) => void (await client.get(prefix + k).buffer()),
    update: async (k, v) => void (await client.put(prefix + k).value(v)),
    list: async (p) => Object.keys(await client.getAll().prefix(`${prefix}${p}/`).buffers()).length,
    close: async () => undefined,
  };
}

export async function benchStorage(): Promise<void> {
  const header = ['operation', 'frontdoor', 'direct', 'unit', 'ratio'];
  const dir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-storage-'));
  try {
    const sqlite = SqliteStorage.open({ path: join(dir, 'state.db'), compactionIntervalMs: 0 });
    const raw = rawSqlite(join(dir, 'raw.db'));
    printTable(`SQLite backend vs raw SQL (better-sqlite3, WAL, synchronous=FULL; ${N} ops each; ratio >= 1 is at or above the limit)`, header, await verbs('sqlite', sqlite, raw));
    printTable('SQLite: watch delivery, write call to last watcher (ms)', ['case', 'p50', 'p99', 'p99 ratio', 'missed'], await watchRows(sqlite));
    await raw.close();
    await sqlite.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const etcd = await startEtcd();
  try {
    const backend = await Etcd3Storage.connect({ endpoints: [etcd.endpoint] });
    const client = new Etcd3({ hosts: [etcd.endpoint], grpcOptions: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 } });
    const raw = rawEtcd(client, '/raw');
    printTable(`etcd backend vs the etcd3 client (etcd ${etcd.endpoint} on loopback; ${N} ops each)`, header, await verbs('etcd', backend, raw));
    printTable('etcd: watch delivery, write call to last watcher (ms)', ['case', 'p50', 'p99', 'p99 ratio', 'missed'], await watchRows(backend));
    client.close();
    await backend.close();
  } finally {
    await etcd.stop();
  }
}
