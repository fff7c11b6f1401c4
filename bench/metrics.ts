/**
 * What metrics cost a GET: two frontdoor servers on the same machine, one
 * recording metrics and one started with FRONTDOOR_METRICS=off, each holding
 * the same ConfigMaps, driven by the same load client (a worker thread
 * speaking HTTP/1.1 on raw keep-alive TLS sockets) in alternating rounds, so
 * that the machine's drifting load falls on both alike. Reported: GET rate,
 * latency, and the server's CPU per GET (from /proc, around the timed part
 * only), on against off, with the ratio.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, type LoadSpec } from './lean-client.js';
import { adminTLS, agentFor, expect, pool, startServer, stopProcess, untilReady, type Server, type TLS } from './measure.js';
import { fmt, median, printTable } from './table.js';
import { beginRequest, claimResourceRequest, endRequest } from '../src/observability/metrics/request-metrics.js';
import { metricsEnabled } from '../src/observability/metrics/registry.js';

const ROUNDS = Number(process.env.BENCH_METRICS_ROUNDS ?? 6);
const GET_OPS = Number(process.env.BENCH_METRICS_GET_OPS ?? 20_000);
const OBJECTS = 100;
const CONCURRENCY = 32;
const NS = 'bench-metrics';
const CM = `/api/v1/namespaces/${NS}/configmaps`;

interface Side {
  name: 'on' | 'off';
  server: Server;
  tls: TLS;
  seconds: number[];
  p50: number[];
  p99: number[];
  elu: number[];
  /** Server CPU µs per GET, per round. */
  cpuUs: number[];
  cpuS: number;
  ops: number;
}

async function prepare(server: Server, tls: TLS): Promise<void> {
  const agent = agentFor(tls, 16);
  try {
    await untilReady(agent, server.port);
    await expect(201, agent, server.port, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: NS } }));
    await pool(OBJECTS, 16, (i) => expect(201, agent, server.port, 'POST', CM, JSON.stringify({ metadata: { name: `o-${i}` }, data: { payload: 'x'.repeat(200), index: String(i) } })));
  } finally {
    agent.destroy();
  }
}

/**
 * The recording path alone, in this process: what the filter, the route's
 * claim and the record at 'close' do for one GET (a 'close' listener on an
 * emitter included), timed over many requests; beside an emitter with the
 * listener and nothing recorded. Steady on a busy machine where the servers'
 * figures are not.
 */
function recordingPathNs(): { withMetrics: number; without: number } {
  const info = { isResourceRequest: true, verb: 'get', apiGroup: '', apiVersion: 'v1', namespace: NS, resource: 'configmaps', subresource: '', name: 'o-1', parts: ['configmaps', 'o-1'] };
  const n = 300_000;
  const onClose = function (this: EventEmitter & { req: IncomingMessage }) {
    endRequest(this.req, 200, 512);
  };
  const bare = function (this: EventEmitter & { req: IncomingMessage }) {
    void this.req;
  };
  const run = (listener: (this: EventEmitter & { req: IncomingMessage }) => void, record: boolean): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const req = { method: 'GET', url: `${CM}/o-1`, headers: { accept: 'application/json' } } as unknown as IncomingMessage;
      const res = Object.assign(new EventEmitter(), { req });
      if (record) beginRequest(req);
      res.on('close', listener);
      if (record) claimResourceRequest(req, info);
      res.emit('close');
    }
    return Number(process.hrtime.bigint() - t0) / n;
  };
  for (let w = 0; w < 3; w++) (run(onClose, true), run(bare, false));
  const withMetrics: number[] = [];
  const without: number[] = [];
  for (let r = 0; r < 5; r++) (withMetrics.push(run(onClose, true)), without.push(run(bare, false)));
  return { withMetrics: median(withMetrics), without: median(without) };
}

export async function benchMetrics(): Promise<void> {
  if (metricsEnabled) {
    const path = recordingPathNs();
    printTable(
      'Metrics: the per-request recording path in process (filter, claim, record at close: counter, latency and size histograms through cached label children), 300,000 requests x 5, median',
      ['path', 'ns per request', 'added ns'],
      [
        ['emitter + close listener only', fmt(path.without, 0), '-'],
        ['with metrics recorded', fmt(path.withMetrics, 0), fmt(path.withMetrics - path.without, 0)],
      ],
    );
  }
  const dirs = await Promise.all(['on', 'off'].map((n) => mkdtemp(join(tmpdir(), `frontdoor-bench-metrics-${n}-`))));
  const sides: Side[] = [];
  try {
    for (const [i, name] of (['on', 'off'] as const).entries()) {
      const server = await startServer(dirs[i]!, [], name === 'off' ? { FRONTDOOR_METRICS: 'off' } : {});
      const tls = await adminTLS(dirs[i]!);
      sides.push({ name, server, tls, seconds: [], p50: [], p99: [], elu: [], cpuUs: [], cpuS: 0, ops: 0 });
      await prepare(server, tls);
    }
    const spec = (s: Side): LoadSpec => ({ port: s.server.port, tls: s.tls, concurrency: CONCURRENCY, ops: GET_OPS, offset: 0, cycle: OBJECTS, method: 'GET', path: `${CM}/o-{i}`, status: 200 });
    // A warm-up round each (JIT, caches), not counted.
    for (const s of sides) await load({ ...spec(s), ops: Math.min(GET_OPS, 5000) }, [s.server.pid]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of round % 2 ? [...sides].reverse() : sides) {
        const r = await load(spec(s), [s.server.pid]);
        s.seconds.push(r.seconds);
        s.p50.push(r.p50);
        s.p99.push(r.p99);
        s.elu.push(r.elu);
        s.cpuS += r.serverCpuS[0]!;
        s.cpuUs.push((1e6 * r.serverCpuS[0]!) / GET_OPS);
        s.ops += GET_OPS;
      }
    }
    const rate = (s: Side) => GET_OPS / median(s.seconds);
    const cpuUs = (s: Side) => (1e6 * s.cpuS) / s.ops;
    const [on, off] = sides as [Side, Side];
    printTable(
      `Metrics on a GET (ConfigMap by name, ${OBJECTS} objects cycled, ~${Buffer.byteLength('x'.repeat(200)) + 300} B): two servers, one with FRONTDOOR_METRICS=off, same client (a worker thread on raw keep-alive TLS sockets, c=${CONCURRENCY}), ${ROUNDS} rounds of ${GET_OPS} GETs alternating which goes first; median rate; server CPU µs per GET from /proc around the timed part; client busy: the worker's event-loop utilization (max of rounds)`,
      ['metrics', 'GET/s', 'p50 ms', 'p99 ms', 'server CPU µs/GET', 'client busy'],
      sides.map((s) => [s.name, fmt(rate(s), 0), fmt(median(s.p50), 2), fmt(median(s.p99), 2), fmt(cpuUs(s), 1), fmt(Math.max(...s.elu), 2)]),
    );
    // Rounds run back to back in pairs: the ratio within each pair sees the same machine load, and the
    // spread of those ratios is the noise a single figure carries here.
    const cpuRatios = on.cpuUs.map((c, r) => c / off.cpuUs[r]!);
    const rateRatios = on.seconds.map((t, r) => t / off.seconds[r]!);
    const spread = (xs: number[]) => `${fmt(median(xs), 3)} (rounds ${fmt(Math.min(...xs), 2)} to ${fmt(Math.max(...xs), 2)})`;
    const cpuRatio = median(cpuRatios);
    const rateRatio = median(rateRatios);
    printTable('Aims (median of the per-round on/off ratios)', ['aim', 'figure', 'met'], [
      ['metrics add <= 5% server CPU per GET (on/off)', spread(cpuRatios), cpuRatio <= 1.05 ? 'met' : 'not met'],
      ['metrics cost <= 5% GET time (on/off)', spread(rateRatios), rateRatio <= 1.05 ? 'met' : 'not met'],
    ]);
  } finally {
    await Promise.all(sides.map((s) => stopProcess(s.server.proc)));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

// Run alone: node --import tsx bench/metrics.ts
if (import.meta.url === `file://${process.argv[1]}`) await benchMetrics();
