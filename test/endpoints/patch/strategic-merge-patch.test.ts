import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  builtinPatchMeta,
  isStrategicMergePatchError,
  NO_SCHEMA,
  strategicMergePatch,
  StrategicMergePatchError,
} from '../../../src/endpoints/patch/strategic-merge-patch.js';

const POD = builtinPatchMeta('io.k8s.api.core.v1.Pod');
const DEPLOYMENT = builtinPatchMeta('io.k8s.api.apps.v1.Deployment');

type Obj = Record<string, unknown>;
const pod = (spec: Obj, metadata: Obj = { name: 'web' }): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const podSpec = (result: unknown): Obj => (result as { spec: Obj }).spec;
const names = (list: unknown): unknown[] => (list as Obj[]).map((c) => c.name);

/** Asserts the call throws a StrategicMergePatchError with kube's code and underlying message. */
function assertPatchError(fn: () => unknown, code: number, detail: string | RegExp): StrategicMergePatchError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(isStrategicMergePatchError(caught), `expected a StrategicMergePatchError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (typeof detail === 'string') assert.equal(caught.detail, detail);
  else assert.match(caught.detail, detail);
  return caught;
}

describe('strategicMergePatch: lists merged by key', () => {
  const live = pod({
    containers: [
      { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'proxy:1' },
    ],
  });

  it('merges containers by name, keeping the fields and containers the patch does not name', () => {
    const out = strategicMergePatch(live, { spec: { containers: [{ name: 'app', image: 'app:2' }] } }, POD);
    assert.deepEqual(podSpec(out).containers, [
      { name: 'app', image: 'app:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'proxy:1' },
    ]);
  });

  it('puts a new element before the server-only ones (kube inserts patch items first)', () => {
    const out = strategicMergePatch(live, { spec: { containers: [{ name: 'debug', image: 'busybox' }] } }, POD);
    assert.deepEqual(names(podSpec(out).containers), ['debug', 'app', 'sidecar']);
  });

  it('keeps the live order of elements the patch merges into', () => {
    const out = strategicMergePatch(live, { spec: { containers: [{ name: 'sidecar', image: 'proxy:2' }, { name: 'app', image: 'app:2' }] } }, POD);
    // Without $setElementOrder the patch's own order wins for the items it names.
    assert.deepEqual(names(podSpec(out).containers), ['sidecar', 'app']);
    const kept = strategicMergePatch(live, { spec: { containers: [{ name: 'sidecar', image: 'proxy:2' }] } }, POD);
    assert.deepEqual(names(podSpec(kept).containers), ['app', 'sidecar']);
  });

  it('merges env by name inside a merged container', () => {
    const out = strategicMergePatch(live, { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } }, POD);
    const app = (podSpec(out).containers as Obj[])[0]!;
    assert.deepEqual(app.env, [
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
      { name: 'C', value: '3' },
    ]);
  });

  it('merges ports by containerPort', () => {
    const out = strategicMergePatch(live, { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } }, POD);
    const app = (podSpec(out).containers as Obj[])[0]!;
    assert.deepEqual(app.ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }]);
  });

  it('merges 500 containers of a pod template by name', () => {
    const n = 500;
    const original = {
      spec: {
        replicas: 1,
        template: {
          metadata: { labels: { app: 'big' } },
          spec: { containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'img:1', env: [{ name: 'I', value: String(i) }] })) },
        },
      },
    };
    // Every other container gets a new image and an extra variable, one is deleted, one is added.
    const patchContainers: Obj[] = [];
    for (let i = 0; i < n; i += 2) patchContainers.push({ name: `c${i}`, image: 'img:2', env: [{ name: 'J', value: 'x' }] });
    patchContainers.push({ name: 'c1', $patch: 'delete' }, { name: 'extra', image: 'extra:1' });
    const out = strategicMergePatch(original, { spec: { template: { spec: { containers: patchContainers } } } }, DEPLOYMENT) as typeof original;
    const containers = out.spec.template.spec.containers as Obj[];
    assert.equal(containers.length, n);
    const byName = new Map(containers.map((c) => [c.name, c]));
    assert.equal(byName.has('c1'), false);
    assert.deepEqual(byName.get('extra'), { name: 'extra', image: 'extra:1' });
    for (let i = 0; i < n; i++) {
      if (i === 1) continue;
      const c = byName.get(`c${i}`)!;
      const even = i % 2 === 0;
      assert.equal(c.image, even ? 'img:2' : 'img:1', `c${i} image`);
      // A new element lands before the live ones it has no order against.
      assert.deepEqual(c.env, even ? [{ name: 'J', value: 'x' }, { name: 'I', value: String(i) }] : [{ name: 'I', value: String(i) }]);
    }
    // Patch items in the patch's order; each server-only (odd) one goes before the first patch item the live
    // list puts after it, so the live order survives; 'extra' is unknown to the live list and goes before c499.
    const expected = ['c0', ...Array.from({ length: n - 3 }, (_, k) => `c${k + 2}`), 'extra', `c${n - 1}`];
    assert.deepEqual(names(containers), expected);
    assert.equal((original.spec.template.spec.containers[0] as Obj).image, 'img:1', 'the input is not changed');
  });
});

describe('strategicMergePatch: atomic and set-like lists', () => {
  it('replaces atomic lists: tolerations, args', () => {
    const live = pod({ containers: [{ name: 'app', args: ['--a', '--b'] }], tolerations: [{ key: 'k1', operator: 'Exists' }, { key: 'k2', operator: 'Exists' }] });
    const out = strategicMergePatch(live, { spec: { tolerations: [{ key: 'k3', operator: 'Exists' }], containers: [{ name: 'app', args: ['--c'] }] } }, POD);
    assert.deepEqual(podSpec(out).tolerations, [{ key: 'k3', operator: 'Exists' }]);
    assert.deepEqual((podSpec(out).containers as Obj[])[0]!.args, ['--c']);
  });

  it('merges finalizers as a set: union without duplicates, patch items first', () => {
    const live = pod({}, { name: 'web', finalizers: ['a/x', 'b/y'] });
    const out = strategicMergePatch(live, { metadata: { finalizers: ['c/z', 'a/x', 'c/z'] } }, POD) as { metadata: Obj };
    assert.deepEqual(out.metadata.finalizers, ['c/z', 'a/x', 'b/y']);
  });

  it('deletes from a primitive list with $deleteFromPrimitiveList, and never adds what it names', () => {
    const live = pod({}, { name: 'web', finalizers: ['a/x', 'b/y', 'a/x'] });
    const out = strategicMergePatch(live, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x', 'q/q'] } }, POD) as { metadata: Obj };
    assert.deepEqual(out.metadata.finalizers, ['b/y']);
    const none = strategicMergePatch(pod({}), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x'] } }, POD) as { metadata: Obj };
    assert.equal('finalizers' in none.metadata, false);
  });

  it('treats every list as atomic without a schema (custom resources)', () => {
    const live = { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }] } };
    const out = strategicMergePatch(live, { spec: { containers: [{ name: 'a', image: '2' }] } }, NO_SCHEMA);
    assert.deepEqual(out, { spec: { containers: [{ name: 'a', image: '2' }] } });
  });
});

describe('strategicMergePatch: maps and null', () => {
  it('merges maps key by key and deletes a key set to null', () => {
    const live = pod({}, { name: 'web', labels: { app: 'web', tier: 'front' }, annotations: { a: '1' } });
    const out = strategicMergePatch(live, { metadata: { labels: { tier: null, env: 'prod' }, annotations: null, nothing: null } }, POD) as { metadata: Obj };
    assert.deepEqual(out.metadata, { name: 'web', labels: { app: 'web', env: 'prod' } });
  });

  it('drops nulls inside values the original did not have', () => {
    const out = strategicMergePatch(pod({}), { spec: { securityContext: { runAsUser: 1000, runAsGroup: null } } }, POD);
    assert.deepEqual(podSpec(out).securityContext, { runAsUser: 1000 });
  });

  it('keeps no directive keys in values it did not merge, as kube’s typed decoding drops them', () => {
    const live = pod({ tolerations: [{ key: 'a', operator: 'Exists' }] });
    const patch = {
      spec: {
        tolerations: [{ key: 'b', operator: 'Exists', $patch: 'delete' }],
        affinity: { nodeAffinity: { $retainKeys: ['x'], '$setElementOrder/y': [], '$deleteFromPrimitiveList/z': ['q'] } },
        dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', $patch: 'replace' }, { name: 'edns0' }] },
      },
    };
    const out = podSpec(strategicMergePatch(live, patch, POD));
    assert.deepEqual(out.tolerations, [{ key: 'b', operator: 'Exists' }]);
    assert.deepEqual(out.affinity, { nodeAffinity: {} });
    // A new value loses its directive-bearing elements altogether (kube's removeDirectives).
    assert.deepEqual(out.dnsConfig, { nameservers: ['1.1.1.1'], options: [{ name: 'edns0' }] });
  });

  it('replaces a value of another kind', () => {
    const out = strategicMergePatch({ a: { b: 1 }, c: 'x' }, { a: 'now a string', c: { d: 1 } }, NO_SCHEMA);
    assert.deepEqual(out, { a: 'now a string', c: { d: 1 } });
  });

  it('leaves its inputs alone and shares nothing with them', () => {
    const live = pod({ containers: [{ name: 'app', image: 'app:1' }] });
    const patch = { spec: { containers: [{ name: 'new', image: 'n', resources: { limits: { cpu: '1' } } }] } };
    const liveCopy = structuredClone(live);
    const patchCopy = structuredClone(patch);
    const out = strategicMergePatch(live, patch, POD) as { spec: { containers: Obj[] } };
    assert.deepEqual(live, liveCopy);
    assert.deepEqual(patch, patchCopy);
    (out.spec.containers[0]!.resources as { limits: Obj }).limits.cpu = '2';
    (out.spec.containers[1] as Obj).image = 'changed';
    assert.deepEqual(live, liveCopy);
    assert.deepEqual(patch, patchCopy);
  });

  it('returns a copy for a null patch and refuses a patch that is not an object, with the JSON decoder message', () => {
    const live = pod({});
    assert.deepEqual(strategicMergePatch(live, null, POD), live);
    const err = assertPatchError(() => strategicMergePatch(live, [{ op: 'add' }], POD), 400, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
    assert.equal(err.status.reason, 'BadRequest');
    assertPatchError(() => strategicMergePatch(live, 'x', POD), 400, /unmarshal string/);
  });
});

describe('strategicMergePatch: $patch directives', () => {
  const live = pod({
    containers: [
      { name: 'app', image: 'app:1' },
      { name: 'sidecar', image: 'proxy:1' },
    ],
    securityContext: { runAsUser: 1, fsGroup: 2 },
  });

  it('$patch: replace on a map replaces it with the rest of the patch map', () => {
    const out = strategicMergePatch(live, { spec: { securityContext: { $patch: 'replace', runAsNonRoot: true } } }, POD);
    assert.deepEqual(podSpec(out).securityContext, { runAsNonRoot: true });
  });

  it('$patch: replace in a merged list replaces the whole list with the other elements', () => {
    const out = strategicMergePatch(live, { spec: { containers: [{ name: 'only', image: 'o:1' }, { $patch: 'replace' }] } }, POD);
    assert.deepEqual(podSpec(out).containers, [{ name: 'only', image: 'o:1' }]);
  });

  it('$patch: delete removes a list element by merge key, and every element with that key', () => {
    const out = strategicMergePatch(live, { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } }, POD);
    assert.deepEqual(names(podSpec(out).containers), ['app']);
    const dup = pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'a', image: 'x' }] });
    assert.deepEqual(names(podSpec(strategicMergePatch(dup, { spec: { containers: [{ name: 'a', $patch: 'delete' }] } }, POD)).containers), ['b']);
  });

  it('$patch: delete on a map empties it; on a map the original lacks, the field stays absent', () => {
    const out = strategicMergePatch(live, { spec: { securityContext: { $patch: 'delete' }, dnsConfig: { $patch: 'delete' } } }, POD);
    assert.deepEqual(podSpec(out).securityContext, {});
    assert.equal('dnsConfig' in podSpec(out), false);
  });

  it('drops directive-bearing elements from a list the original does not have', () => {
    const out = strategicMergePatch(pod({}), { spec: { containers: [{ name: 'gone', $patch: 'delete' }, { name: 'kept' }] } }, POD);
    assert.deepEqual(podSpec(out).containers, [{ name: 'kept' }]);
  });

  it('refuses $patch: merge as kube does (a map: unknown patch type; a list: not yet supported)', () => {
    assertPatchError(() => strategicMergePatch(live, { spec: { securityContext: { $patch: 'merge', runAsUser: 3 } } }, POD), 400, 'unknown patch type: merge in map: map[$patch:merge runAsUser:3]');
    assertPatchError(() => strategicMergePatch(live, { spec: { containers: [{ name: 'app', $patch: 'merge' }] } }, POD), 400, 'merging lists cannot yet be specified in the patch');
    assertPatchError(() => strategicMergePatch(live, { spec: { containers: [{ name: 'app', $patch: 'frobnicate' }] } }, POD), 400, 'unknown patch type: frobnicate in map: map[$patch:frobnicate name:app]');
  });

  it('needs the merge key on every patch element, with kube’s message', () => {
    const err = assertPatchError(() => strategicMergePatch(live, { spec: { containers: [{ image: 'nginx' }] } }, POD), 400, 'map: map[image:nginx] does not contain declared merge key: name');
    assert.equal(err.status.message, 'map: map[image:nginx] does not contain declared merge key: name');
    assertPatchError(() => strategicMergePatch(live, { spec: { containers: [{ $patch: 'delete' }] } }, POD), 400, 'map: map[$patch:delete] does not contain declared merge key: name');
  });

  it('refuses lists of lists with kube’s 422', () => {
    const err = assertPatchError(() => strategicMergePatch({ metadata: { finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } }, POD), 422, 'lists of lists are not supported');
    assert.equal(err.status.reason, 'Invalid');
    assert.equal(err.status.message, 'the server rejected our request due to an error in our request');
  });
});

describe('strategicMergePatch: retainKeys', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { spec: { volumes: [{ name: 'data', emptyDir: {} }, { name: 'conf', configMap: { name: 'c' } }], containers: [{ name: 'app' }] } },
    },
  };

  it('$retainKeys clears the fields it does not list (switching the Deployment strategy to Recreate)', () => {
    const out = strategicMergePatch(deployment, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, DEPLOYMENT) as typeof deployment;
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  });

  it('without $retainKeys a retainKeys field merges like any map', () => {
    const out = strategicMergePatch(deployment, { spec: { strategy: { type: 'Recreate' } } }, DEPLOYMENT) as typeof deployment;
    assert.deepEqual(out.spec.strategy, { type: 'Recreate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
  });

  it('switches a volume source inside a merged list of volumes', () => {
    const patch = { spec: { template: { spec: { volumes: [{ name: 'data', $retainKeys: ['hostPath', 'name'], hostPath: { path: '/d' } }] } } } };
    const out = strategicMergePatch(deployment, patch, DEPLOYMENT) as typeof deployment;
    assert.deepEqual(out.spec.template.spec.volumes, [
      { name: 'data', hostPath: { path: '/d' } },
      { name: 'conf', configMap: { name: 'c' } },
    ]);
  });

  it('refuses a patch setting a field $retainKeys does not list, or a $retainKeys that is not a list (400)', () => {
    assertPatchError(
      () => strategicMergePatch(deployment, { spec: { strategy: { $retainKeys: ['type'], type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } }, DEPLOYMENT),
      400,
      'invalid patch format of retainKeys',
    );
    assertPatchError(() => strategicMergePatch(deployment, { spec: { strategy: { $retainKeys: 'type' } } }, DEPLOYMENT), 400, 'invalid patch format of retainKeys');
    // A null or a directive in the patch needs no listing.
    const out = strategicMergePatch(deployment, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null } } }, DEPLOYMENT) as typeof deployment;
    assert.deepEqual(out.spec.strategy, { type: 'RollingUpdate' });
  });
});

describe('strategicMergePatch: $setElementOrder', () => {
  const live = pod({
    containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
  });

  it('reorders a merged list without changing its elements', () => {
    const out = strategicMergePatch(live, { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } }, POD);
    assert.deepEqual(names(podSpec(out).containers), ['c', 'a', 'b']);
  });

  it('orders patch items by the directive and places server-only items by the live order', () => {
    const withServerOnly = pod({ containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }, { name: 'c' }] });
    const patch = { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'b' }, { name: 'a' }, { name: 'd' }], containers: [{ name: 'b', image: 'b:2' }, { name: 'd' }] } };
    const out = strategicMergePatch(withServerOnly, patch, POD);
    // x came before c (the first item of the new order) in the live list, so it goes first.
    assert.deepEqual(podSpec(out).containers, [{ name: 'x' }, { name: 'c' }, { name: 'b', image: 'b:2' }, { name: 'a' }, { name: 'd' }]);
    const late = pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'x' }] });
    const out2 = strategicMergePatch(late, { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }, { name: 'c' }] } }, POD);
    assert.deepEqual(names(podSpec(out2).containers), ['b', 'a', 'c', 'x']);
  });

  it('places new elements where the order puts them when elements are deleted in the same patch', () => {
    // kube reads the live order after its in-place deletion, where the added element took the freed slot.
    const current = pod({ containers: [{ name: '1' }, { name: '2', image: 'b' }, { name: '4', image: 'c' }] });
    const patch = { spec: { '$setElementOrder/containers': [{ name: '2' }, { name: '3' }], containers: [{ name: '3' }, { name: '1', $patch: 'delete' }] } };
    assert.deepEqual(names(podSpec(strategicMergePatch(current, patch, POD)).containers), ['2', '4', '3']);
  });

  it('orders primitive lists too', () => {
    const live2 = pod({}, { name: 'web', finalizers: ['a', 'b', 'c'] });
    const out = strategicMergePatch(live2, { metadata: { '$setElementOrder/finalizers': ['c', 'd', 'a'], finalizers: ['d'] } }, POD) as { metadata: Obj };
    // b (server-only) came before c in the live list, so it leads.
    assert.deepEqual(out.metadata.finalizers, ['b', 'c', 'd', 'a']);
  });

  it('refuses a patch list out of the directive’s order, and malformed directive keys (400)', () => {
    assertPatchError(
      () => strategicMergePatch(live, { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a' }] } }, POD),
      400,
      /^The order in patch list:\n\[map\[name:b\] map\[name:a\]\]\n doesn't match \$setElementOrder list:\n\[map\[name:a\] map\[name:b\]\]\n$/,
    );
    assertPatchError(() => strategicMergePatch(live, { spec: { $setElementOrder: [{ name: 'a' }] } }, POD), 400, 'invalid patch format of setElementOrder list');
    assertPatchError(() => strategicMergePatch(live, { spec: { $deleteFromPrimitiveList: ['a'] } }, POD), 400, 'invalid patch format of primitive list');
    assertPatchError(() => strategicMergePatch(live, { spec: { '$setElementOrder/containers': 'a' } }, POD), 400, 'expected a []interface {}, but received a string');
  });
});
