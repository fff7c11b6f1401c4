/**
 * CRD versions and validation (issue 13), on one frontdoor with the default
 * SQLite store, from the lean load client in a worker thread (raw keep-alive
 * TLS, its busyness printed):
 *
 * 1. custom resource create and get with 10 x-kubernetes-validations (CEL)
 *    rules on the schema, beside the same CRD without them, same payload,
 *    same run, the order alternating by round;
 * 2. GET one object and LIST 500 in the non-storage version of a CRD with
 *    conversion strategy Webhook, beside the same requests in the storage
 *    version; the webhook (a small https server in a child process, the
 *    same module) counts its calls and objects, so that the calls per
 *    request are read, not assumed; its direct round trip is the limit of
 *    what conversion adds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newCA, newServingCert } from '../test/dynamiccertificates/helpers.js';
import { entryArgs, repoRoot } from '../test/helpers/frontdoor.js';
import { load, type LoadResult, type LoadSpec } from './lean-client.js';
import { adminTLS, agentFor, call, cpuSeconds, expect, pool, startServer, stopProcess, untilReady, type Server, type TLS } from './measure.js';
import { fmt, median, printTable } from './table.js';

const ROUNDS = Number(process.env.BENCH_CRDV_ROUNDS ?? 6);
const CONCURRENCY = 64;
const CREATE_OPS = Number(process.env.BENCH_CRDV_CREATE_OPS ?? 1500);
const GET_OPS = Number(process.env.BENCH_CRDV_GET_OPS ?? 5000);
const LIST_ITEMS = 500;
/** Part 2's rows: operation, concurrency, ops per round. */
const CONV_ROWS: { op: 'get' | 'list'; c: number; ops: number }[] = [
  { op: 'get', c: 1, ops: Number(process.env.BENCH_CRDV_GET1_OPS ?? 500) },
  { op: 'get', c: CONCURRENCY, ops: Number(process.env.BENCH_CRDV_CONV_GET_OPS ?? 3000) },
  { op: 'list', c: 1, ops: Number(process.env.BENCH_CRDV_LIST1_OPS ?? 40) },
  { op: 'list', c: 16, ops: Number(process.env.BENCH_CRDV_LIST_OPS ?? 160) },
];
const DIRECT_RUNS = 30;
const CEL_AIM = 0.2;

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const NS = 'bench';
const GROUP = 'versions.bench.example';
const WEBHOOK_ENV = 'FRONTDOOR_BENCH_CONVERSION_WEBHOOK';

const sinceMs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

// ------------------------------------------------------------------ the conversion webhook (child process)

interface Review {
  apiVersion: string;
  request: { uid: string; desiredAPIVersion: string; objects: { apiVersion: string; spec?: Record<string, unknown> }[] };
}

/** v1 (storage) spec.color <-> v1beta1 spec.colour; everything else kept. */
function convertObject(o: { apiVersion: string; spec?: Record<string, unknown> }, desired: string) {
  const spec = { ...(o.spec ?? {}) };
  if (desired.endsWith('/v1')) {
    if ('colour' in spec) spec.color = spec.colour;
    delete spec.colour;
  } else {
    if ('color' in spec) spec.colour = spec.color;
    delete spec.color;
  }
  return { ...o, apiVersion: desired, spec };
}

/** The child: an https server converting reviews on POST /convert and answering GET /stats with its counts; prints its port. */
function serveWebhook(): void {
  const stats = { calls: 0, objects: 0 };
  const server = https.createServer({ cert: process.env.WEBHOOK_CERT, key: process.env.WEBHOOK_KEY, keepAliveTimeout: 120_000 }, (req, res) => {
    if (req.method === 'GET') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(stats));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      stats.calls++;
      stats.objects += review.request.objects.length;
      const convertedObjects = review.request.objects.map((o) => convertObject(o, review.request.desiredAPIVersion));
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'ConversionReview', response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects } }));
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
}

if (process.env[WEBHOOK_ENV] === '1') serveWebhook();

interface Webhook {
  proc: ChildProcess;
  pid: number;
  port: number;
  caPem: string;
  agent: https.Agent;
}

async function startWebhook(): Promise<Webhook> {
  const ca = newCA('bench-webhook-ca');
  const cert = newServingCert(ca, 'localhost', ['localhost']);
  const proc = spawn(process.execPath, entryArgs('bench/crd-versions.ts'), {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, [WEBHOOK_ENV]: '1', WEBHOOK_CERT: cert.certPem, WEBHOOK_KEY: cert.keyPem },
  });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout!.once('data', (c: Buffer) => resolve(Number(c.toString().trim())));
    proc.once('exit', (code) => reject(new Error(`conversion webhook exited with ${code}`)));
  });
  return { proc, pid: proc.pid!, port, caPem: ca.certPem, agent: agentFor({ ca: ca.certPem }, 1) };
}

async function webhookStats(w: Webhook): Promise<{ calls: number; objects: number }> {
  return JSON.parse((await expect(200, w.agent, w.port, 'GET', '/stats')).body.toString()) as { calls: number; objects: number };
}

// ------------------------------------------------------------------ CRDs and objects

/** 1. The same schema with and without its 10 rules. */
const ruled = (rules: { rule: string; message?: string; messageExpression?: string; fieldPath?: string; reason?: string }[], withRules: boolean) =>
  withRules ? { 'x-kubernetes-validations': rules } : {};

function appSpecSchema(withRules: boolean) {
  return {
    type: 'object',
    required: ['image', 'minReplicas', 'maxReplicas'],
    ...ruled(
      [
        { rule: 'self.minReplicas <= self.maxReplicas', message: 'minReplicas must not exceed maxReplicas' },
        { rule: '!has(self.name) || self.name.lowerAscii() == self.name', messageExpression: '"name " + self.name + " must be lower case"', fieldPath: '.name' },
        { rule: '!has(self.ports) || self.ports.all(p, self.ports.exists_one(q, q.name == p.name))', message: 'port names must be unique', fieldPath: '.ports', reason: 'FieldValueDuplicate' },
      ],
      withRules,
    ),
    properties: {
      name: { type: 'string', maxLength: 63, ...ruled([{ rule: "self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')", message: 'name must be a DNS label' }], withRules) },
      image: {
        type: 'string',
        maxLength: 256,
        ...ruled([{ rule: "self.contains(':') && !self.endsWith(':latest')", message: 'image must carry a tag other than latest' }], withRules),
      },
      minReplicas: { type: 'integer', minimum: 0, maximum: 1000 },
      maxReplicas: { type: 'integer', minimum: 0, maximum: 1000, ...ruled([{ rule: 'self <= 100', message: 'at most 100 replicas' }], withRules) },
      tags: {
        type: 'array',
        maxItems: 16,
        items: { type: 'string', maxLength: 32 },
        ...ruled(
          [
            { rule: "self.all(t, t.size() <= 32 && t.matches('^[a-z][a-z0-9-]*$'))", message: 'tags must be lower-case words' },
            { rule: 'self.isSorted()', reason: 'FieldValueForbidden', message: 'tags must be sorted' },
          ],
          withRules,
        ),
      },
      ports: {
        type: 'array',
        maxItems: 8,
        items: { type: 'object', required: ['name', 'port'], properties: { name: { type: 'string', maxLength: 15 }, port: { type: 'integer' } } },
        ...ruled([{ rule: 'self.all(p, p.port >= 1 && p.port <= 65535)', message: 'ports must be 1-65535' }], withRules),
      },
      payload: { type: 'string', maxLength: 1024, ...ruled([{ rule: "size(self) <= 1024 && self.startsWith('x')", message: 'payload too large' }], withRules) },
      index: { type: 'string', maxLength: 16 },
    },
  };
}

function crd(plural: string, kind: string, versions: unknown[], conversion?: unknown) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: { group: GROUP, scope: 'Namespaced', names: { plural, singular: plural.replace(/s$/, ''), kind, listKind: `${kind}List` }, versions, ...(conversion ? { conversion } : {}) },
  };
}

const schemaOf = (spec: unknown) => ({ openAPIV3Schema: { type: 'object', properties: { spec } } });
const appCRD = (plural: string, kind: string, withRules: boolean) => crd(plural, kind, [{ name: 'v1', served: true, storage: true, schema: schemaOf(appSpecSchema(withRules)) }]);

interface Variant {
  name: string;
  plural: string;
  kind: string;
  rules: boolean;
}
const VARIANTS: Variant[] = [
  { name: '10 CEL rules', plural: 'celapps', kind: 'CelApp', rules: true },
  { name: 'no rules', plural: 'plainapps', kind: 'PlainApp', rules: false },
];
const collection = (plural: string, version = 'v1') => `/apis/${GROUP}/${version}/namespaces/${NS}/${plural}`;

const payload = 'x'.repeat(800);
/** The same object for both CRDs ({i} filled in by the load client); it passes every rule. */
const appBody = (v: Variant) =>
  JSON.stringify({
    apiVersion: `${GROUP}/v1`,
    kind: v.kind,
    metadata: { name: 'o-{i}', labels: { app: 'bench' } },
    spec: {
      name: 'web-{i}',
      image: 'registry.example/team/web:1.4.2',
      minReplicas: 2,
      maxReplicas: 10,
      tags: ['backend', 'prod', 'web'],
      ports: [
        { name: 'http', port: 80 },
        { name: 'https', port: 443 },
        { name: 'metrics', port: 9090 },
      ],
      payload,
      index: '{i}',
    },
  });

/** 2. v1 (storage) and v1beta1 differ in the name of one field; the webhook converts between them. */
const convSpec = (colour: string) => ({ type: 'object', required: [colour], properties: { [colour]: { type: 'string' }, replicas: { type: 'integer' }, owner: { type: 'string' }, note: { type: 'string' } } });
const convCRD = (webhook: Webhook) =>
  crd(
    'gadgets',
    'Gadget',
    [
      { name: 'v1beta1', served: true, storage: false, schema: schemaOf(convSpec('colour')) },
      { name: 'v1', served: true, storage: true, schema: schemaOf(convSpec('color')) },
    ],
    {
      strategy: 'Webhook',
      webhook: { clientConfig: { url: `https://127.0.0.1:${webhook.port}/convert`, caBundle: Buffer.from(webhook.caPem).toString('base64') }, conversionReviewVersions: ['v1'] },
    },
  );
const gadget = (i: number) =>
  JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'Gadget', metadata: { name: `g-${i}`, labels: { app: 'bench' } }, spec: { color: 'blue', replicas: 3, owner: `team-${i % 7}`, note: 'n'.repeat(200) } });

// ------------------------------------------------------------------ runs

interface Acc {
  seconds: number[];
  p50: number[];
  p99: number[];
  elu: number[];
  cpuS: number[];
  ops: number;
  calls: number;
  objects: number;
}
const acc = (): Acc => ({ seconds: [], p50: [], p99: [], elu: [], cpuS: [], ops: 0, calls: 0, objects: 0 });
function add(a: Acc, r: LoadResult & { serverCpuS: number[] }, ops: number): void {
  a.seconds.push(r.seconds);
  a.p50.push(r.p50);
  a.p99.push(r.p99);
  a.elu.push(r.elu);
  r.serverCpuS.forEach((s, k) => (a.cpuS[k] = (a.cpuS[k] ?? 0) + s));
  a.ops += ops;
}
const rateOf = (a: Acc) => a.ops / ROUNDS / median(a.seconds);
const cpuUs = (a: Acc, k = 0) => (1e6 * (a.cpuS[k] ?? 0)) / a.ops;

async function part1(server: Server, tls: TLS): Promise<Map<string, Acc>> {
  const agent = agentFor(tls, 1);
  try {
    for (const v of VARIANTS) await expect(201, agent, server.port, 'POST', CRDS, JSON.stringify(appCRD(v.plural, v.kind, v.rules)));
    // The first POST waits until the resource is served; a breaking object shows the rules run.
    for (const v of VARIANTS) await expect(201, agent, server.port, 'POST', collection(v.plural), appBody(v).split('{i}').join('probe'));
    const bad = JSON.parse(appBody(VARIANTS[0]!).split('{i}').join('bad')) as { spec: Record<string, unknown> };
    bad.spec.minReplicas = 50;
    bad.spec.image = 'web:latest';
    bad.spec.tags = ['prod', 'Backend'];
    const refused = await call(agent, server.port, 'POST', collection(VARIANTS[0]!.plural), JSON.stringify(bad));
    if (refused.status !== 422) throw new Error(`a breaking object was not refused: ${refused.status} ${refused.body.toString().slice(0, 300)}`);
    const causes = (JSON.parse(refused.body.toString()) as { details?: { causes?: unknown[] } }).details?.causes?.length ?? 0;
    if (causes < 4) throw new Error(`a breaking object was refused with ${causes} causes: ${refused.body.toString().slice(0, 500)}`);
    await expect(201, agent, server.port, 'POST', collection(VARIANTS[1]!.plural), JSON.stringify({ ...bad, kind: VARIANTS[1]!.kind }));
  } finally {
    agent.destroy();
  }
  const base = { port: server.port, tls, concurrency: CONCURRENCY };
  const ops = (v: Variant, round: number): [string, LoadSpec][] => [
    [`create (c=${CONCURRENCY}, ${CREATE_OPS} ops)`, { ...base, ops: CREATE_OPS, offset: round * CREATE_OPS, method: 'POST', path: collection(v.plural), body: appBody(v), status: 201 }],
    [`get (c=${CONCURRENCY}, ${GET_OPS} ops)`, { ...base, ops: GET_OPS, offset: 0, cycle: CREATE_OPS, method: 'GET', path: `${collection(v.plural)}/o-{i}`, status: 200 }],
  ];
  // An unmeasured round first, both CRDs: the server's (and CEL's) JIT warm-up would otherwise fall on whichever goes first.
  for (const v of VARIANTS) await load({ ...ops(v, ROUNDS)[0]![1] }, [server.pid]);
  const rows = new Map<string, Acc>();
  for (let round = 0; round < ROUNDS; round++) {
    for (let o = 0; o < 2; o++) {
      for (const v of round % 2 ? [...VARIANTS].reverse() : VARIANTS) {
        const [op, spec] = ops(v, round)[o]!;
        const key = `${op}|${v.name}`;
        const a = rows.get(key) ?? acc();
        add(a, await load(spec, [server.pid]), spec.ops);
        rows.set(key, a);
      }
    }
  }
  return rows;
}

interface Direct {
  objects: number;
  ms: number;
  bytes: number;
}

/** The webhook's own round trip from a keep-alive node:https client (what the conversion of 1 and of LIST_ITEMS objects cannot go below). */
async function direct(w: Webhook, objects: string[]): Promise<Direct[]> {
  const out: Direct[] = [];
  for (const n of [1, LIST_ITEMS]) {
    const review = JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid: 'bench', desiredAPIVersion: `${GROUP}/v1beta1`, objects: objects.slice(0, n).map((o) => JSON.parse(o) as unknown) },
    });
    await expect(200, w.agent, w.port, 'POST', '/convert', review);
    const times: number[] = [];
    for (let r = 0; r < DIRECT_RUNS; r++) {
      const t0 = process.hrtime.bigint();
      await expect(200, w.agent, w.port, 'POST', '/convert', review);
      times.push(sinceMs(t0));
    }
    out.push({ objects: n, ms: median(times), bytes: Buffer.byteLength(review) });
  }
  return out;
}

async function part2(server: Server, tls: TLS, w: Webhook): Promise<{ rows: Map<string, Acc>; direct: Direct[]; bytes: Map<string, number> }> {
  const agent = agentFor(tls, 16);
  const bytes = new Map<string, number>();
  const stored: string[] = [];
  try {
    await expect(201, agent, server.port, 'POST', CRDS, JSON.stringify(convCRD(w)));
    await expect(201, agent, server.port, 'POST', collection('gadgets'), gadget(0));
    await pool(LIST_ITEMS - 1, 16, (i) => expect(201, agent, server.port, 'POST', collection('gadgets'), gadget(i + 1)));
    for (const version of ['v1', 'v1beta1']) {
      const one = await expect(200, agent, server.port, 'GET', `${collection('gadgets', version)}/g-0`);
      const list = await expect(200, agent, server.port, 'GET', collection('gadgets', version));
      const obj = JSON.parse(one.body.toString()) as { apiVersion: string; spec: Record<string, unknown> };
      const items = (JSON.parse(list.body.toString()) as { items: { apiVersion: string; spec: Record<string, unknown> }[] }).items;
      const field = version === 'v1' ? 'color' : 'colour';
      if (obj.apiVersion !== `${GROUP}/${version}` || !(field in obj.spec) || items.length !== LIST_ITEMS || !items.every((o) => o.apiVersion === `${GROUP}/${version}` && field in o.spec)) {
        throw new Error(`${version}: not converted: ${one.body.toString().slice(0, 300)}`);
      }
      bytes.set(`get|${version}`, one.body.length);
      bytes.set(`list|${version}`, list.body.length);
      if (version === 'v1') stored.push(...items.map((o) => JSON.stringify(o)));
    }
  } finally {
    agent.destroy();
  }
  const rows = new Map<string, Acc>();
  const versions = ['v1', 'v1beta1'];
  for (let round = 0; round < ROUNDS; round++) {
    for (const row of CONV_ROWS) {
      for (const version of round % 2 ? [...versions].reverse() : versions) {
        const path = row.op === 'get' ? `${collection('gadgets', version)}/g-{i}` : collection('gadgets', version);
        const spec: LoadSpec = { port: server.port, tls, concurrency: row.c, ops: row.ops, offset: 0, cycle: LIST_ITEMS, method: 'GET', path, status: 200 };
        const s0 = await webhookStats(w);
        const r = await load(spec, [server.pid, w.pid]);
        const s1 = await webhookStats(w);
        const key = `${row.op}|${row.c}|${version}`;
        const a = rows.get(key) ?? acc();
        add(a, r, row.ops);
        a.calls += s1.calls - s0.calls;
        a.objects += s1.objects - s0.objects;
        rows.set(key, a);
      }
    }
  }
  return { rows, direct: await direct(w, stored), bytes };
}

// ------------------------------------------------------------------ the benchmark

export async function benchCrdVersions(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-crdv-'));
  let server: Server | undefined;
  let webhook: Webhook | undefined;
  try {
    webhook = await startWebhook();
    server = await startServer(dataDir);
    const tls = await adminTLS(dataDir);
    {
      const a = agentFor(tls, 1);
      await untilReady(a, server.port);
      await expect(201, a, server.port, 'POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: NS } }));
      a.destroy();
    }
    const cel = await part1(server, tls);
    const conv = await part2(server, tls, webhook);
    const webhookCpuS = await cpuSeconds(webhook.pid);

    // ---------------------------------------------------------------- tables
    const aims: (string | number)[][] = [];
    const t1: (string | number)[][] = [];
    for (const op of [...new Set([...cel.keys()].map((k) => k.split('|')[0]!))]) {
      const r = cel.get(`${op}|${VARIANTS[0]!.name}`)!;
      const l = cel.get(`${op}|${VARIANTS[1]!.name}`)!;
      const rate = rateOf(r) / rateOf(l);
      const cpuAdded = cpuUs(r) / cpuUs(l) - 1;
      const create = op.startsWith('create');
      t1.push([
        op,
        `${fmt(rateOf(r), 0)} / ${fmt(rateOf(l), 0)}`,
        fmt(rate, 2),
        `${fmt(median(r.p50), 1)} / ${fmt(median(l.p50), 1)}`,
        `${fmt(median(r.p99), 1)} / ${fmt(median(l.p99), 1)}`,
        `${fmt(cpuUs(r), 0)} / ${fmt(cpuUs(l), 0)}`,
        `${cpuAdded >= 0 ? '+' : ''}${fmt(100 * cpuAdded, 1)}%`,
        `${fmt(100 * (1 / rate - 1), 1)}%`,
        `${fmt(Math.max(...r.elu), 2)} / ${fmt(Math.max(...l.elu), 2)}`,
        create ? (cpuAdded <= CEL_AIM ? 'met' : 'not met') : '-',
      ]);
      if (create) {
        aims.push([`CEL (10 rules) adds <= 20% to create cost: server CPU µs/op`, `${fmt(100 * cpuAdded, 1)}%`, cpuAdded <= CEL_AIM ? 'yes' : 'no']);
        aims.push([`  the same by throughput (1 / rate ratio - 1)`, `${fmt(100 * (1 / rate - 1), 1)}%`, 1 / rate - 1 <= CEL_AIM ? 'yes' : 'no']);
      }
    }
    printTable(
      `1. CEL x-kubernetes-validations: custom resource create and get for a CRD with 10 rules (min <= max, has() + lowerAscii, exists_one uniqueness in all(), regex DNS label, contains/endsWith, int bound, all() + size + regex, isSorted, all() port range, size + startsWith) beside the same CRD without them (limit), same ~1.3 KiB object, same server (SQLite), same client: a worker thread on raw keep-alive TLS sockets, one per caller; ${ROUNDS} rounds, both CRDs back to back, the order alternating; median rate; CPU: the server's CPU µs per operation; client busy: the worker's event-loop utilization (max of rounds; 1.0 = the client was the limit); aim: CEL adds <= 20% to create cost (server CPU µs/op)`,
      ['operation', 'ops/s CEL / none', 'rate ratio', 'p50 ms CEL / none', 'p99 ms CEL / none', 'server CPU µs/op CEL / none', 'CPU added', 'time added', 'client busy CEL / none', 'aim'],
      t1,
    );

    const t2: (string | number)[][] = [];
    const d1 = conv.direct.find((d) => d.objects === 1)!;
    const dN = conv.direct.find((d) => d.objects === LIST_ITEMS)!;
    for (const row of CONV_ROWS) {
      const s = conv.rows.get(`${row.op}|${row.c}|v1`)!;
      const n = conv.rows.get(`${row.op}|${row.c}|v1beta1`)!;
      const d = row.op === 'get' ? d1 : dN;
      const perReq = n.calls / n.ops;
      const storagePerReq = s.calls / s.ops;
      const label = row.op === 'get' ? `GET one (c=${row.c}, ${row.ops} ops)` : `LIST ${LIST_ITEMS} (c=${row.c}, ${row.ops} ops)`;
      const aimMet = perReq === 1 && storagePerReq === 0;
      t2.push([
        label,
        `${fmt(rateOf(n), 0)} / ${fmt(rateOf(s), 0)}`,
        fmt(rateOf(n) / rateOf(s), 2),
        `${fmt(median(n.p50), 2)} / ${fmt(median(s.p50), 2)}`,
        `${fmt(median(n.p99), 2)} / ${fmt(median(s.p99), 2)}`,
        fmt(median(n.p50) - median(s.p50), 2),
        fmt(d.ms, 2),
        `${fmt(cpuUs(n), 0)} / ${fmt(cpuUs(s), 0)}`,
        fmt(cpuUs(n, 1), 0),
        `${fmt(perReq, 3)} / ${fmt(storagePerReq, 3)}`,
        fmt(n.objects / Math.max(1, n.calls), 1),
        `${conv.bytes.get(`${row.op}|v1beta1`)} / ${conv.bytes.get(`${row.op}|v1`)}`,
        `${fmt(Math.max(...n.elu), 2)} / ${fmt(Math.max(...s.elu), 2)}`,
        aimMet ? 'met' : 'not met',
      ]);
      aims.push([
        `${label}: 1 webhook call per request in v1beta1, 0 in v1 (storage)`,
        `${fmt(perReq, 3)} / ${fmt(storagePerReq, 3)} calls/request, ${fmt(n.objects / Math.max(1, n.calls), 1)} objects/call`,
        aimMet ? 'yes' : 'no',
      ]);
    }
    printTable(
      `2. Conversion webhook (strategy Webhook, url + caBundle; a node https server in a child process converting spec.color <-> spec.colour, counting its calls): GET one object and LIST ${LIST_ITEMS} in v1beta1 (non-storage, converted) beside v1 (storage: the limit), objects stored in v1, same server (SQLite) and lean client; ${ROUNDS} rounds, both versions back to back, the order alternating; median rate and latencies; added p50: v1beta1 p50 - v1 p50; webhook RTT: the webhook's own round trip for a review of the same objects from a keep-alive node:https client (median of ${DIRECT_RUNS}; ${d1.bytes} B and ${dN.bytes} B reviews), what conversion cannot add less than; calls/request counted by the webhook during the timed run; aim: one webhook call per request (a LIST of ${LIST_ITEMS} makes 1, not ${LIST_ITEMS}), none in the storage version`,
      [
        'request',
        'ops/s beta / v1',
        'rate ratio',
        'p50 ms beta / v1',
        'p99 ms beta / v1',
        'added p50 ms',
        'webhook RTT ms',
        'server CPU µs/op beta / v1',
        'webhook CPU µs/op',
        'calls/request beta / v1',
        'objects/call',
        'body B beta / v1',
        'client busy beta / v1',
        'aim',
      ],
      t2,
    );
    printTable('Aims (crd-versions)', ['aim', 'figure', 'met'], [...aims, ['(webhook child total CPU over the run)', `${fmt(webhookCpuS, 2)} s`, '-']]);
  } finally {
    if (server) await stopProcess(server.proc);
    if (webhook) {
      webhook.agent.destroy();
      await stopProcess(webhook.proc);
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}
