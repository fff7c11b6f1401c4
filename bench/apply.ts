/**
 * Issue 5's figures: kubectl apply of a 50-object manifest (first apply and
 * re-apply) beside kubectl create / get of the same manifest in the same run
 * (what apply cannot avoid: one write or one read per object, plus kubectl's
 * own start), and the strategic merge of a 500-container pod template beside
 * a JSON merge patch and a plain deep copy of the same document.
 *
 * Issue 14's: `kubectl apply --server-side` of the same manifest (first and
 * unchanged) beside client-side apply, and what managedFields tracking costs
 * an update. The server has no switch to turn tracking off, so the cost is
 * measured in two parts of one run: the server's CPU per PUT (from
 * /proc/<pid>/stat over a few thousand PUTs), and the FieldManager's update()
 * for the same live and sent objects timed in this process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fieldManagerFor } from '../src/endpoints/fieldmanager/field-manager.js';
import { mergePatch } from '../src/endpoints/handlers/patch.js';
import { builtinPatchMetaForKind, strategicMergePatch } from '../src/endpoints/patch/strategic-merge-patch.js';
import { builtinResources } from '../src/master/builtin-resources.js';
import type { KubeObject } from '../src/registry/object.js';
import { startFrontdoor } from '../test/helpers/frontdoor.js';
import { adminCreds, request } from '../test/helpers/https.js';
import { kubectl } from '../test/helpers/kubectl.js';
import { adminTLS, agentFor, call, cpuSeconds, expect, pool, startServer, stopProcess, untilReady, warm } from './measure.js';
import { fmt, median, printTable } from './table.js';

const OBJECTS = 50;
const RUNS = Number(process.env.BENCH_APPLY_RUNS ?? 3);

function manifest(ns: string, tag: string): string {
  const docs = [`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`];
  for (let i = 0; i < OBJECTS - 1; i++) {
    docs.push(
      i % 2 === 0
        ? `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: ${ns}, labels: {app: bench}}\ndata: {key: "${tag}-${i}"}\n`
        : `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web-${i}, namespace: ${ns}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web-${i}}}\n  template:\n    metadata: {labels: {app: web-${i}}}\n    spec:\n      containers: [{name: nginx, image: "nginx:${tag}", ports: [{containerPort: 80}]}]\n`,
    );
  }
  return docs.join('---\n');
}

const CR_GROUP = 'bench.example.com';
const CR_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: dials.${CR_GROUP}}
spec:
  group: ${CR_GROUP}
  scope: Namespaced
  names: {plural: dials, singular: dial, kind: Dial}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              replicas: {type: integer}
              image: {type: string}
              ports: {type: array, x-kubernetes-list-type: map, x-kubernetes-list-map-keys: [port], items: {type: object, required: [port], properties: {port: {type: integer}, name: {type: string}}}}
`;

/** The same count of objects, all of one custom resource kind: kubectl parses only that group-version's small document. */
function crManifest(ns: string, tag: string): string {
  const docs = [`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`];
  for (let i = 0; i < OBJECTS - 1; i++) {
    docs.push(`apiVersion: ${CR_GROUP}/v1\nkind: Dial\nmetadata: {name: dial-${i}, namespace: ${ns}, labels: {app: bench}}\nspec: {replicas: 1, image: "nginx:${tag}", ports: [{port: 80, name: http}]}\n`);
  }
  return docs.join('---\n');
}

/** Sizes of the OpenAPI v3 documents kubectl unmarshals before each object it applies, by group-version path. */
let documentSizes: [string, number][] = [];

async function timed(fn: () => Promise<{ code: number; stderr: string }>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  if (r.code !== 0) throw new Error(`kubectl failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function benchKubectlApply(): Promise<(string | number)[][]> {
  const fd = await startFrontdoor();
  try {
    const k = (args: string[], stdin: string) => kubectl(fd.kubeconfig, args, { stdin, timeoutMs: 120_000 });
    for (let i = 0; i < 100 && (await kubectl(fd.kubeconfig, ['get', 'ns', 'default'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const first: number[] = [];
    const again: number[] = [];
    const create: number[] = [];
    const get: number[] = [];
    const ssaFirst: number[] = [];
    const ssaAgain: number[] = [];
    const ssaAgainNoValidate: number[] = [];
    const rawGet: number[] = [];
    const rawApply: number[] = [];
    const crAgain: number[] = [];
    const crAgainNoValidate: number[] = [];
    if ((await k(['apply', '--server-side', '-f', '-'], CR_CRD)).code !== 0) throw new Error('the bench CRD was refused');
    for (let i = 0; i < 100 && (await kubectl(fd.kubeconfig, ['get', 'dials', '-A'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const creds = adminCreds(fd.dataDir);
    documentSizes = [];
    for (const gv of ['api/v1', 'apis/apps/v1', `apis/${CR_GROUP}/v1`]) {
      const r = await request(fd.port, `/openapi/v3/${gv}`, creds, {});
      if (r.status !== 200) throw new Error(`/openapi/v3/${gv}: ${r.status}`);
      documentSizes.push([gv, Buffer.byteLength(r.body)]);
    }
    for (let r = 0; r < RUNS; r++) {
      const m = manifest(`apply-${r}`, '1.27');
      first.push(await timed(() => k(['apply', '-f', '-'], m)));
      again.push(await timed(() => k(['apply', '-f', '-'], m)));
      get.push(await timed(() => k(['get', '-f', '-', '-o', 'name'], m)));
      create.push(await timed(() => k(['create', '-f', '-'], manifest(`create-${r}`, '1.27'))));
      const ssa = manifest(`ssa-${r}`, '1.27');
      ssaFirst.push(await timed(() => k(['apply', '--server-side', '-f', '-'], ssa)));
      ssaAgain.push(await timed(() => k(['apply', '--server-side', '-f', '-'], ssa)));
      // What kubectl's default --validate=strict costs on kubectl's side (its /openapi/v3 checks; the server
      // validates either way), seen as the same re-apply without it.
      ssaAgainNoValidate.push(await timed(() => k(['apply', '--server-side', '--validate=false', '-f', '-'], ssa)));
      const crs = crManifest(`cr-${r}`, '1.27');
      await timed(() => k(['apply', '--server-side', '-f', '-'], crs));
      crAgain.push(await timed(() => k(['apply', '--server-side', '-f', '-'], crs)));
      crAgainNoValidate.push(await timed(() => k(['apply', '--server-side', '--validate=false', '-f', '-'], crs)));
      // The server's share of the unchanged re-apply: the same 50 applies and 50 GETs over one keep-alive connection.
      const paths = parseAllDocuments(ssa).map((d) => {
        const o = d.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
        const base = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
        const plural = `${o.kind.toLowerCase()}s`;
        return { path: o.metadata.namespace ? `${base}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}` : `${base}/${plural}/${o.metadata.name}`, body: JSON.stringify(o) };
      });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const each = async (method: string, contentType?: string) => {
        for (const p of paths) {
          const r = await request(fd.port, `${p.path}${contentType ? '?fieldManager=kubectl' : ''}`, creds, {
            method, agent, body: contentType ? p.body : undefined, headers: contentType ? { 'Content-Type': contentType } : {},
          });
          if (r.status !== 200) throw new Error(`${method} ${p.path}: ${r.status} ${r.body.slice(0, 300)}`);
        }
        return { code: 0, stderr: '' };
      };
      await each('GET');
      rawGet.push(await timed(() => each('GET')));
      rawApply.push(await timed(() => each('PATCH', 'application/apply-patch+yaml')));
      agent.destroy();
    }
    lastServerSideAgainMs = median(ssaAgain);
    lastServerSideAgainNoValidateMs = median(ssaAgainNoValidate);
    lastCustomAgainMs = median(crAgain);
    const row = (name: string, ours: number[], limitName: string, limit: number[]) => [
      name, fmt(median(ours)), limitName, fmt(median(limit)), `${fmt(median(ours) / median(limit), 2)}x`,
    ];
    return [
      row(`kubectl apply, first (${OBJECTS} objects)`, first, 'kubectl create -f', create),
      row(`kubectl apply, again (${OBJECTS} unchanged)`, again, 'kubectl get -f', get),
      row(`kubectl apply --server-side, first (${OBJECTS} objects)`, ssaFirst, 'kubectl apply, first', first),
      row(`kubectl apply --server-side, again (${OBJECTS} unchanged)`, ssaAgain, 'kubectl apply, again', again),
      row(`kubectl apply --server-side, again (${OBJECTS} unchanged)`, ssaAgain, 'kubectl get -f', get),
      row(`kubectl apply --server-side, again (${OBJECTS} unchanged)`, ssaAgain, 'the same with --validate=false', ssaAgainNoValidate),
      row(`server's part: ${OBJECTS} unchanged applies over HTTPS`, rawApply, `${OBJECTS} GETs over HTTPS`, rawGet),
      row(`kubectl apply --server-side, again (${OBJECTS} unchanged, 1 Namespace + custom resources)`, crAgain, 'the same with --validate=false', crAgainNoValidate),
    ];
  } finally {
    await fd.stop();
  }
}

function podTemplate(containers: number, image: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'big', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'big' } },
      template: {
        metadata: { labels: { app: 'big' } },
        spec: {
          containers: Array.from({ length: containers }, (_, i) => ({
            name: `c-${i}`,
            image,
            ports: [{ containerPort: 8000 + (i % 1000), protocol: 'TCP' }],
            env: [{ name: 'INDEX', value: String(i) }],
          })),
        },
      },
    },
  };
}

function benchSMP(): (string | number)[][] {
  const original = podTemplate(500, 'app:1');
  const patch = { spec: { template: { spec: { containers: Array.from({ length: 500 }, (_, i) => ({ name: `c-${i}`, image: 'app:2' })) } } } };
  const meta = builtinPatchMetaForKind({ group: 'apps', version: 'v1', kind: 'Deployment' });
  const time = (fn: () => unknown, n = 20) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      fn();
      out.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return median(out);
  };
  const smp = time(() => strategicMergePatch(original, patch, meta));
  const merged = strategicMergePatch(original, patch, meta) as typeof original;
  const spec = (merged.spec as { template: { spec: { containers: { image: string; ports: unknown[] }[] } } }).template.spec;
  if (spec.containers.length !== 500 || spec.containers.some((c) => c.image !== 'app:2' || c.ports.length !== 1)) throw new Error('strategic merge gave a wrong result');
  const rfc = time(() => mergePatch(original, patch));
  const copy = time(() => structuredClone(original));
  return [
    ['strategic merge, 500 containers by name', fmt(smp, 2), 'JSON merge patch (replaces the list)', fmt(rfc, 2), `${fmt(smp / rfc, 1)}x`],
    ['strategic merge, 500 containers by name', fmt(smp, 2), 'deep copy of the document', fmt(copy, 2), `${fmt(smp / copy, 1)}x`],
  ];
}

/** The median unchanged `kubectl apply --server-side` of the last benchKubectlApply, for the aims table. */
let lastServerSideAgainMs = NaN;
let lastServerSideAgainNoValidateMs = NaN;
let lastCustomAgainMs = NaN;

const PUTS = Number(process.env.BENCH_APPLY_PUTS ?? 3000);
const PUT_CONCURRENCY = 8;

/** A ConfigMap of 10 keys and a Deployment of 3 containers, as a controller keeps them. */
function trackedObjects(): { kind: string; path: string; create: KubeObject; next: (live: KubeObject, i: number) => KubeObject }[] {
  const data = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key-${i}`, `value-${i}`]));
  return [
    {
      kind: 'ConfigMap',
      path: '/api/v1/namespaces/default/configmaps',
      create: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tracked', labels: { app: 'bench' } }, data } as KubeObject,
      next: (live, i) => {
        const c = structuredClone(live) as KubeObject & { data: Record<string, string> };
        c.data['key-0'] = `v${i}`;
        return c;
      },
    },
    {
      kind: 'Deployment',
      path: '/apis/apps/v1/namespaces/default/deployments',
      create: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'tracked', labels: { app: 'bench' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'tracked' } },
          template: {
            metadata: { labels: { app: 'tracked' } },
            spec: {
              containers: ['app', 'proxy', 'logs'].map((name, c) => ({
                name,
                image: `${name}:1`,
                ports: [{ containerPort: 8080 + c }],
                env: [{ name: 'MODE', value: 'bench' }],
              })),
            },
          },
        },
      } as KubeObject,
      next: (live, i) => {
        const d = structuredClone(live) as KubeObject & { spec: { template: { metadata: { labels: Record<string, string> } } } };
        d.spec.template.metadata.labels.rev = `r${i}`;
        return d;
      },
    },
  ];
}

/**
 * What managedFields tracking adds to a plain update: the server's CPU per PUT
 * (fieldManager=bench, the sent object carrying its managedFields back, as a
 * controller's read-modify-write does) beside FieldManager.update() for the
 * same live and sent objects timed in this process. No switch turns tracking
 * off in the server, so the share is tracking time / whole server time.
 */
async function benchTrackingCost(): Promise<{ rows: (string | number)[][]; shares: number[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-apply-'));
  const server = await startServer(dir);
  const rows: (string | number)[][] = [];
  const shares: number[] = [];
  try {
    const agent = agentFor(await adminTLS(dir), PUT_CONCURRENCY);
    await untilReady(agent, server.port);
    // The default namespace comes from a post-start hook.
    for (let i = 0; i < 200 && (await call(agent, server.port, 'GET', '/api/v1/namespaces/default')).status !== 200; i++) {
      await new Promise((res) => setTimeout(res, 50));
    }
    await warm(agent, server.port, PUT_CONCURRENCY, '/readyz');
    const defs = builtinResources();
    for (const o of trackedObjects()) {
      const created = JSON.parse((await expect(201, agent, server.port, 'POST', `${o.path}?fieldManager=bench`, JSON.stringify(o.create))).body.toString()) as KubeObject;
      let live = created;
      // Warm the server's path, then time PUTs (no resourceVersion: an unconditional update, as kube allows for these kinds).
      const put = async (i: number) => {
        const body = o.next(live, i);
        delete (body.metadata as { resourceVersion?: string }).resourceVersion;
        const r = await expect(200, agent, server.port, 'PUT', `${o.path}/tracked?fieldManager=bench`, JSON.stringify(body));
        if (i % 97 === 0) live = JSON.parse(r.body.toString()) as KubeObject;
      };
      await pool(300, PUT_CONCURRENCY, put);
      const cpu0 = await cpuSeconds(server.pid);
      const seconds = await pool(PUTS, PUT_CONCURRENCY, (i) => put(300 + i));
      const serverUs = ((await cpuSeconds(server.pid)) - cpu0) * 1e6 / PUTS;

      // The same update in this process: live as stored, the sent object as the client sent it.
      live = JSON.parse((await expect(200, agent, server.port, 'GET', `${o.path}/tracked`)).body.toString()) as KubeObject;
      const def = defs.find((d) => d.info.kind === o.kind && d.info.version === 'v1');
      if (!def) throw new Error(`no definition for ${o.kind}`);
      const fm = fieldManagerFor(def);
      const n = 3000;
      const sent = Array.from({ length: 2 * n }, (_, i) => o.next(live, i));
      for (let i = 0; i < n; i++) fm.update(live, sent[i]!, 'bench', '');
      const t0 = process.hrtime.bigint();
      for (let i = n; i < 2 * n; i++) fm.update(live, sent[i]!, 'bench', '');
      const trackUs = Number(process.hrtime.bigint() - t0) / 1e3 / n;
      const entries = sent[2 * n - 1]!.metadata?.managedFields?.length ?? 0;
      if (entries === 0) throw new Error(`FieldManager.update gave ${o.kind} no managedFields`);
      shares.push(trackUs / serverUs);
      rows.push([
        `PUT ${o.kind} (fieldManager=bench, c=${PUT_CONCURRENCY})`,
        fmt(PUTS / seconds, 0),
        fmt(serverUs, 0),
        fmt(trackUs, 1),
        `${fmt((100 * trackUs) / serverUs, 1)}%`,
      ]);
    }
    agent.destroy();
  } finally {
    await stopProcess(server.proc);
    await rm(dir, { recursive: true, force: true });
  }
  return { rows, shares };
}

export async function benchApply(): Promise<void> {
  printTable(`kubectl 1.32 apply of a ${OBJECTS}-object manifest (ms, median of ${RUNS}; limit: the same manifest's create or get, or client-side apply)`, ['case', 'ms', 'limit', 'limit ms', 'ratio'], await benchKubectlApply());
  printTable(
    'OpenAPI v3 documents kubectl 1.32 unmarshals once per object it applies (to learn that the server takes fieldValidation)',
    ['group-version', 'KB'],
    documentSizes.map(([gv, bytes]) => [`/openapi/v3/${gv}`, fmt(bytes / 1024, 0)]),
  );
  printTable('Strategic merge patch of a 500-container pod template (ms, median of 20)', ['case', 'ms', 'limit', 'limit ms', 'ratio'], benchSMP());
  const tracking = await benchTrackingCost();
  printTable(
    `managedFields tracking in an update (${PUTS} PUTs; server CPU from /proc; tracking: FieldManager.update on the same objects in this process, mean of 3000 calls after 3000 warm-up)`,
    ['case', 'PUT/s', 'server CPU µs/PUT', 'tracking µs', 'share'],
    tracking.rows,
  );
  const worst = Math.max(...tracking.shares);
  printTable('Aims (issue 14)', ['aim', 'figure', 'met'], [
    [`unchanged kubectl apply --server-side of ${OBJECTS} objects <= 500 ms`, `${fmt(lastServerSideAgainMs, 0)} ms`, lastServerSideAgainMs <= 500 ? 'yes' : 'no'],
    [`  the same with --validate=false (kubectl's validation work left out)`, `${fmt(lastServerSideAgainNoValidateMs, 0)} ms`, lastServerSideAgainNoValidateMs <= 500 ? 'yes' : 'no'],
    [`  the same count of custom resources (kubectl parses one small document)`, `${fmt(lastCustomAgainMs, 0)} ms`, lastCustomAgainMs <= 500 ? 'yes' : 'no'],
    ['managedFields tracking <= 25% of an update\'s server time', `${fmt(100 * worst, 1)}% (worst kind)`, worst <= 0.25 ? 'yes' : 'no'],
  ]);
}
