/**
 * Issue 10's LIST storm: 200 clients (in their own process, each on a
 * keep-alive TLS connection, anonymous) LIST 5,000 ConfigMaps unpaged for a
 * while, against frontdoor with and without --max-requests-inflight. Meanwhile
 * this process probes every 100 ms: /livez on a kept-alive connection,
 * /readyz and a small GET (as the admin) each on a new TLS connection; the
 * storm ignores Retry-After, except in a last row where its clients wait as
 * client-go does. Rows:
 * the LISTs' p50/p99, the 429s, the probes' p50/p99/max, the server's peak
 * RSS (VmHWM), and how busy the storm's process was (1.0 = a whole core).
 */
import https from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startListStorm, type StormSummary } from '../test/helpers/list-storm.js';
import { agentFor, call, expect, pool, startServer, stopProcess, untilReady, type TLS } from './measure.js';
import { fmt, percentile, printTable } from './table.js';

const OBJECTS = Number(process.env.BENCH_STORM_OBJECTS ?? 5000);
const CLIENTS = Number(process.env.BENCH_STORM_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_STORM_SECONDS ?? 20);
const PROBE_EVERY_MS = 100;
const NS = 'storm';
const LIST = `/api/v1/namespaces/${NS}/configmaps`;

interface Probes {
  livez: number[];
  readyz: number[];
  get: number[];
  failed: string[];
  /** The slowest probe, and when it started (seconds into the storm): a stall's place in time. */
  slowest: { what: string; ms: number; atS: number };
}

interface Row {
  /** The server's flags, and how the storm's clients treat a 429. */
  flags: string;
  storm: StormSummary;
  probes: Probes;
  rssPeakMiB: number;
}

async function vmHWMMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** One probe's latency in ms; a non-200 answer is recorded as a failure (and its time still counts). */
async function timed(probes: Probes, into: number[], what: string, startedAt: number, run: () => Promise<{ status: number }>): Promise<void> {
  const t0 = performance.now();
  const r = await run().catch((err: unknown) => ({ status: 0, err }));
  const ms = performance.now() - t0;
  into.push(ms);
  if (ms > probes.slowest.ms) probes.slowest = { what, ms, atS: (t0 - startedAt) / 1000 };
  if (r.status !== 200) probes.failed.push(`${what}: ${r.status}`);
}

async function probeUntil(stop: Promise<void>, port: number, admin: TLS, anonymous: TLS): Promise<Probes> {
  const probes: Probes = { livez: [], readyz: [], get: [], failed: [], slowest: { what: '', ms: 0, atS: 0 } };
  const startedAt = performance.now();
  const kept = agentFor(anonymous, 1);
  let stopped = false;
  void stop.then(() => (stopped = true));
  let i = 0;
  while (!stopped) {
    const fresh = (tls: TLS) => new https.Agent({ keepAlive: false, ...tls });
    await Promise.all([
      timed(probes, probes.livez, '/livez', startedAt, () => call(kept, port, 'GET', '/livez')),
      timed(probes, probes.readyz, '/readyz', startedAt, () => call(fresh(anonymous), port, 'GET', '/readyz')),
      timed(probes, probes.get, 'GET', startedAt, () => call(fresh(admin), port, 'GET', `${LIST}/cm-${i++ % OBJECTS}`)),
    ]);
    await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
  }
  kept.destroy();
  return probes;
}

async function stormRow(dataDir: string, flags: string[], honourRetryAfter: boolean, admin: TLS, anonymous: TLS): Promise<Row> {
  const server = await startServer(dataDir, ['--authorization-mode', 'AlwaysAllow', ...flags]);
  try {
    const agent = agentFor(admin, 1);
    await untilReady(agent, server.port);
    // The watch cache holds them all (the in-flight limit prices LISTs by its count).
    for (;;) {
      const r = await expect(200, agent, server.port, 'GET', `${LIST}?resourceVersion=0`);
      if ((JSON.parse(r.body.toString()) as { items: unknown[] }).items.length === OBJECTS) break;
    }
    agent.destroy();
    const storm = await startListStorm({ port: server.port, ca: anonymous.ca, clients: CLIENTS, path: LIST, honourRetryAfter });
    let end: () => void = () => undefined;
    const stop = new Promise<void>((r) => (end = r));
    const probing = probeUntil(stop, server.port, admin, anonymous);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    end();
    const probes = await probing;
    const summary = await storm.stop();
    const label = (flags.join(' ') || '(defaults)') + (honourRetryAfter ? ', clients honour Retry-After' : '');
    return { flags: label, storm: summary, probes, rssPeakMiB: await vmHWMMiB(server.pid) };
  } finally {
    await stopProcess(server.proc);
  }
}

export async function benchStorm(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-storm-'));
  try {
    // Create the objects once, then serve them from a fresh server per row.
    const setup = await startServer(dataDir);
    const pki = join(dataDir, 'pki');
    const ca = await readFile(join(pki, 'ca.crt'), 'utf8');
    const admin: TLS = { ca, cert: await readFile(join(pki, 'admin.crt'), 'utf8'), key: await readFile(join(pki, 'admin.key'), 'utf8') };
    const anonymous: TLS = { ca };
    const agent = agentFor(admin, 64);
    await untilReady(agent, setup.port);
    await expect(201, agent, setup.port, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: NS } }));
    // ~220 bytes of JSON each as served: a list of 5,000 is ~1.1 MB, as in the issue.
    await pool(OBJECTS, 64, (i) => expect(201, agent, setup.port, 'POST', LIST, JSON.stringify({ metadata: { name: `cm-${i}` }, data: { v: 'x'.repeat(40) } })));
    const one = await expect(200, agent, setup.port, 'GET', LIST);
    const listMB = one.body.length / 1e6;
    agent.destroy();
    await stopProcess(setup.proc);

    const rows: Row[] = [];
    const noLimits = ['--max-requests-inflight', '0', '--max-mutating-requests-inflight', '0'];
    // The storm ignores Retry-After; the last row is the same storm from clients that wait as client-go does.
    for (const [flags, honour] of [[noLimits, false], [[], false], [[], true]] as const) {
      rows.push(await stormRow(dataDir, [...flags], honour, admin, anonymous));
    }

    const p = (xs: number[], q: number) => fmt(percentile(xs, q), 0);
    printTable(
      `LIST storm: ${CLIENTS} clients LIST ${OBJECTS.toLocaleString('en-US')} ConfigMaps unpaged (${fmt(listMB, 2)} MB each) for ${SECONDS} s; probes every ${PROBE_EVERY_MS} ms (/livez kept-alive, /readyz and a GET as the admin on new TLS connections); aim: probes <= 100 ms p99`,
      ['server flags', 'LIST 200s', 'LIST p50 ms', 'LIST p99 ms', '429s', '429 p50 ms', 'livez p50/p99/max ms', 'readyz new conn p50/p99/max ms', 'GET new conn p50/p99/max ms', 'probe failures', 'RSS peak MiB', 'storm CPU'],
      rows.map((r) => [
        r.flags,
        r.storm.ok,
        fmt(r.storm.okMs.p50, 0),
        fmt(r.storm.okMs.p99, 0),
        r.storm.tooMany,
        fmt(r.storm.tooManyMs.p50, 0),
        `${p(r.probes.livez, 50)}/${p(r.probes.livez, 99)}/${p(r.probes.livez, 100)}`,
        `${p(r.probes.readyz, 50)}/${p(r.probes.readyz, 99)}/${p(r.probes.readyz, 100)}`,
        `${p(r.probes.get, 50)}/${p(r.probes.get, 99)}/${p(r.probes.get, 100)}`,
        r.probes.failed.length,
        fmt(r.rssPeakMiB, 0),
        fmt(r.storm.cpuBusy, 2),
      ]),
    );
    for (const r of rows) {
      const { what, ms, atS } = r.probes.slowest;
      console.log(`${r.flags}: slowest probe ${what} ${fmt(ms, 0)} ms, sent ${fmt(atS, 1)} s into the storm`);
      if (r.storm.samples.length > 0) console.log(`${r.flags}: other answers: ${r.storm.samples.join(' | ')}`);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
