import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  builtinPatchMeta,
  createThreeWayMergePatch,
  createTwoWayMergePatch,
  isStrategicMergePatchError,
  NO_SCHEMA,
  strategicMergePatch,
} from '../../../src/endpoints/patch/strategic-merge-patch.js';

const DEPLOYMENT = builtinPatchMeta('io.k8s.api.apps.v1.Deployment');
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Obj = Record<string, any>;

function manifest(overrides: (m: Obj) => void = () => {}): Obj {
  const m: Obj = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'app', image: 'app:1', env: [{ name: 'MODE', value: 'prod' }, { name: 'DEBUG', value: '0' }], ports: [{ containerPort: 8080 }] },
            { name: 'sidecar', image: 'proxy:1', args: ['--port', '9000'] },
          ],
        },
      },
    },
  };
  overrides(m);
  return m;
}

/** What kubectl apply sends the manifest as: itself plus the annotation recording it. */
function withLastApplied(m: Obj): Obj {
  const out = structuredClone(m);
  out.metadata.annotations = { ...out.metadata.annotations, [LAST_APPLIED]: JSON.stringify(m) };
  return out;
}

/** The live object after create: the manifest with what the server adds (defaults, identity, status). */
function created(m: Obj): Obj {
  const live = withLastApplied(m);
  live.metadata = { ...live.metadata, uid: 'u-1', resourceVersion: '10', generation: 1, creationTimestamp: '2024-01-01T00:00:00Z' };
  live.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  live.spec.revisionHistoryLimit = 10;
  for (const c of live.spec.template.spec.containers) {
    c.terminationMessagePath = '/dev/termination-log';
    c.imagePullPolicy = 'IfNotPresent';
  }
  live.spec.template.spec.restartPolicy = 'Always';
  live.status = { replicas: 3, readyReplicas: 3, conditions: [{ type: 'Available', status: 'True' }] };
  return live;
}

/** One `kubectl apply`: the patch it computes against the live object, and the object the server makes of it. */
function apply(live: Obj, m: Obj, opts?: { overwrite?: boolean }): { patch: Obj; live: Obj } {
  const lastApplied = live.metadata?.annotations?.[LAST_APPLIED];
  const original = lastApplied ? JSON.parse(lastApplied) : undefined;
  const patch = createThreeWayMergePatch(original, withLastApplied(m), live, DEPLOYMENT, opts);
  return { patch, live: strategicMergePatch(live, patch, DEPLOYMENT) as Obj };
}

/** The patch minus the annotation kubectl always refreshes. */
function withoutAnnotation(patch: Obj): Obj {
  const p = structuredClone(patch);
  if (p.metadata?.annotations) {
    delete p.metadata.annotations[LAST_APPLIED];
    if (Object.keys(p.metadata.annotations).length === 0) delete p.metadata.annotations;
    if (Object.keys(p.metadata).length === 0) delete p.metadata;
  }
  return p;
}

describe('createThreeWayMergePatch: kubectl apply', () => {
  it('re-applying an unchanged manifest gives an empty patch, whatever the server added', () => {
    const live = created(manifest());
    const { patch, live: after } = apply(live, manifest());
    assert.deepEqual(patch, {});
    assert.deepEqual(after, live);
  });

  it('a changed field is sent with the order of the list it sits in', () => {
    const live = created(manifest());
    const next = manifest((m) => (m.spec.template.spec.containers[0].image = 'app:2'));
    const { patch, live: after } = apply(live, next);
    assert.deepEqual(withoutAnnotation(patch), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
            containers: [{ name: 'app', image: 'app:2' }],
          },
        },
      },
    });
    assert.equal(patch.metadata.annotations[LAST_APPLIED], JSON.stringify(next));
    assert.equal(after.spec.template.spec.containers[0].image, 'app:2');
    assert.equal(after.spec.template.spec.containers[0].terminationMessagePath, '/dev/termination-log', 'server defaults stay');
    assert.deepEqual(apply(after, next).patch, {}, 'and applying it again changes nothing');
  });

  it('a list element removed from the manifest is deleted by merge key', () => {
    const live = created(manifest());
    const next = manifest((m) => m.spec.template.spec.containers.pop());
    const { patch, live: after } = apply(live, next);
    assert.deepEqual(withoutAnnotation(patch), {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    });
    assert.deepEqual(
      after.spec.template.spec.containers.map((c: Obj) => c.name),
      ['app'],
    );
    assert.deepEqual(apply(after, next).patch, {});
  });

  it('an element removed from a nested merged list (env) is deleted, the rest kept', () => {
    const live = created(manifest());
    const next = manifest((m) => m.spec.template.spec.containers[0].env.splice(1, 1));
    const { patch, live: after } = apply(live, next);
    assert.deepEqual(withoutAnnotation(patch).spec.template.spec.containers, [{ name: 'app', '$setElementOrder/env': [{ name: 'MODE' }], env: [{ name: 'DEBUG', $patch: 'delete' }] }]);
    assert.deepEqual(after.spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'prod' }]);
  });

  it('a field removed from the manifest is deleted with null', () => {
    const live = created(manifest());
    const next = manifest((m) => {
      delete m.metadata.labels.tier;
      delete m.spec.replicas;
    });
    const { patch, live: after } = apply(live, next);
    assert.deepEqual(withoutAnnotation(patch), { metadata: { labels: { tier: null } }, spec: { replicas: null } });
    assert.deepEqual(after.metadata.labels, { app: 'web' });
    assert.equal('replicas' in after.spec, false);
  });

  it('fields others changed on the live object and the manifest never had are kept', () => {
    const live = created(manifest());
    live.metadata.annotations['deployment.kubernetes.io/revision'] = '2';
    live.spec.template.spec.containers[1].resources = { limits: { cpu: '500m' } };
    const { patch, live: after } = apply(live, manifest());
    assert.deepEqual(patch, {});
    assert.deepEqual(after, live);
    assert.equal(after.metadata.annotations['deployment.kubernetes.io/revision'], '2');
    assert.deepEqual(after.spec.template.spec.containers[1].resources, { limits: { cpu: '500m' } });
  });

  it('an element others added to a merged list is kept; kubectl only restates the order of its own', () => {
    const live = created(manifest());
    live.spec.template.spec.containers.push({ name: 'injected', image: 'mesh:1' });
    const { patch, live: after } = apply(live, manifest());
    // The live list's order differs from the manifest's, so kube's diff sends $setElementOrder (and nothing else).
    assert.deepEqual(patch, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }] } } } });
    assert.deepEqual(
      after.spec.template.spec.containers.map((c: Obj) => c.name),
      ['app', 'sidecar', 'injected'],
    );
  });

  it('a field the manifest sets and someone changed live is set back (overwrite, the default)', () => {
    const live = created(manifest());
    live.spec.replicas = 5;
    live.spec.template.spec.containers[1].args = ['--port', '9999'];
    const { patch, live: after } = apply(live, manifest());
    assert.deepEqual(withoutAnnotation(patch), {
      spec: {
        replicas: 3,
        template: { spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }], containers: [{ name: 'sidecar', args: ['--port', '9000'] }] } },
      },
    });
    assert.equal(after.spec.replicas, 3);
    assert.deepEqual(after.spec.template.spec.containers[1].args, ['--port', '9000']);
  });

  it('with overwrite=false a field changed both live and in the manifest is a conflict (409)', () => {
    const live = created(manifest());
    live.spec.replicas = 5;
    const next = manifest((m) => (m.spec.replicas = 4));
    let caught: unknown;
    try {
      apply(live, next, { overwrite: false });
    } catch (err) {
      caught = err;
    }
    assert.ok(isStrategicMergePatchError(caught));
    assert.equal(caught.code, 409);
    assert.match(caught.detail, /^patch:\n[\s\S]*replicas: 4[\s\S]*conflicts with changes made from original to current:\n[\s\S]*replicas: 5/);
    // A live change the manifest does not touch is no conflict.
    const other = created(manifest());
    other.metadata.labels.owner = 'ops';
    const { patch, live: after } = apply(other, manifest(), { overwrite: false });
    assert.deepEqual(patch, {});
    assert.equal(after.metadata.labels.owner, 'ops');
  });

  it('a value removed from a set-like list is sent as $deleteFromPrimitiveList', () => {
    const m1 = manifest((m) => (m.metadata.finalizers = ['example.com/a', 'example.com/b']));
    const live = created(m1);
    live.metadata.finalizers.push('example.com/server');
    const next = manifest((m) => (m.metadata.finalizers = ['example.com/b']));
    const { patch, live: after } = apply(live, next);
    assert.deepEqual(withoutAnnotation(patch), {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'], '$setElementOrder/finalizers': ['example.com/b'] },
    });
    assert.deepEqual(after.metadata.finalizers, ['example.com/b', 'example.com/server']);
  });

  it('switching the Deployment strategy sends $retainKeys so that the old parameters go', () => {
    const m1 = manifest((m) => (m.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }));
    const live = created(m1);
    live.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } };
    const next = manifest((m) => (m.spec.strategy = { type: 'Recreate' }));
    const { patch, live: after } = apply(live, next);
    assert.deepEqual(withoutAnnotation(patch), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
    assert.deepEqual(after.spec.strategy, { type: 'Recreate' });
  });

  it('without a last-applied configuration nothing is deleted', () => {
    const live = created(manifest());
    delete live.metadata.annotations;
    const next = manifest((m) => m.spec.template.spec.containers.pop());
    const patch = createThreeWayMergePatch(undefined, next, live, DEPLOYMENT);
    assert.deepEqual(patch, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }] } } } });
    const after = strategicMergePatch(live, patch, DEPLOYMENT) as Obj;
    assert.deepEqual(
      after.spec.template.spec.containers.map((c: Obj) => c.name),
      ['app', 'sidecar'],
    );
  });

  it('does not change its inputs', () => {
    const live = created(manifest());
    const next = manifest((m) => m.spec.template.spec.containers.reverse());
    const snapshot = structuredClone({ live, next });
    const patch = createThreeWayMergePatch(manifest(), next, live, DEPLOYMENT);
    assert.deepEqual({ live, next }, snapshot);
    assert.deepEqual(patch, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] } } } });
    const reordered = strategicMergePatch(live, patch, DEPLOYMENT) as Obj;
    assert.deepEqual(
      reordered.spec.template.spec.containers.map((c: Obj) => c.name),
      ['sidecar', 'app'],
    );
  });
});

describe('createTwoWayMergePatch', () => {
  it('gives the patch from one document to another, and applying it gives the second', () => {
    const a = manifest();
    const b = manifest((m) => {
      m.spec.template.spec.containers[0].ports.push({ containerPort: 9090 });
      m.spec.template.spec.containers[1].args = ['--port', '9001'];
      delete m.metadata.labels.tier;
    });
    const patch = createTwoWayMergePatch(a, b, DEPLOYMENT);
    assert.deepEqual(patch, {
      metadata: { labels: { tier: null } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
            containers: [
              { name: 'app', '$setElementOrder/ports': [{ containerPort: 8080 }, { containerPort: 9090 }], ports: [{ containerPort: 9090 }] },
              { name: 'sidecar', args: ['--port', '9001'] },
            ],
          },
        },
      },
    });
    assert.deepEqual(strategicMergePatch(a, patch, DEPLOYMENT), b);
  });

  it('replaces whole lists without a schema', () => {
    assert.deepEqual(createTwoWayMergePatch({ l: [1, 2], m: { a: 1 } }, { l: [2], m: { a: 1 } }, NO_SCHEMA), { l: [2] });
    assert.deepEqual(createTwoWayMergePatch({ x: 1 }, { x: 1 }, NO_SCHEMA), {});
  });
});
