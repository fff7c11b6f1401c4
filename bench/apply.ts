/**
 * Issue 5's figures: kubectl apply of a 50-object manifest (first apply and
 * re-apply) beside kubectl create / get of the same manifest in the same run
 * (what apply cannot avoid: one write or one read per object, plus kubectl's
 * own start), and the strategic merge of a 500-container pod template beside
 * a JSON merge patch and a plain deep copy of the same document.
 */
import { mergePatch } from '../src/endpoints/handlers/patch.js';
import { builtinPatchMetaForKind, strategicMergePatch } from '../src/endpoints/patch/strategic-merge-patch.js';
import { startFrontdoor } from '../test/helpers/frontdoor.js';
import { kubectl } from '../test/helpers/kubectl.js';
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
    for (let r = 0; r < RUNS; r++) {
      const m = manifest(`apply-${r}`, '1.27');
      first.push(await timed(() => k(['apply', '-f', '-'], m)));
      again.push(await timed(() => k(['apply', '-f', '-'], m)));
      get.push(await timed(() => k(['get', '-f', '-', '-o', 'name'], m)));
      create.push(await timed(() => k(['create', '-f', '-'], manifest(`create-${r}`, '1.27'))));
    }
    const row = (name: string, ours: number[], limitName: string, limit: number[]) => [
      name, fmt(median(ours)), limitName, fmt(median(limit)), `${fmt(median(ours) / median(limit), 2)}x`,
    ];
    return [
      row(`kubectl apply, first (${OBJECTS} objects)`, first, 'kubectl create -f', create),
      row(`kubectl apply, again (${OBJECTS} unchanged)`, again, 'kubectl get -f', get),
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

export async function benchApply(): Promise<void> {
  printTable(`kubectl 1.32 apply of a ${OBJECTS}-object manifest (ms, median of ${RUNS}; limit: the same manifest's create or get)`, ['case', 'ms', 'limit', 'limit ms', 'ratio'], await benchKubectlApply());
  printTable('Strategic merge patch of a 500-container pod template (ms, median of 20)', ['case', 'ms', 'limit', 'limit ms', 'ratio'], benchSMP());
}
