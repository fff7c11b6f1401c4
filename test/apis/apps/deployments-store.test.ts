/**
 * The deployment definition through the real generic Store (SQLite behind a
 * watch cache, a fresh temp database): what the definition and the Store do
 * together, notably metadata.generation and the status split.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deployments, type Deployment } from '../../../src/apis/apps/v1/index.js';
import type { ResourceDefinition } from '../../../src/registry/resource-definition.js';
import { Store } from '../../../src/registry/store.js';
import { Cacher } from '../../../src/storage/cacher/index.js';
import { SqliteStorage } from '../../../src/storage/sqlite/sqlite-storage.js';
import { StatusError } from '../../../src/apimachinery/status-error.js';
import { makeTempDir, type TempDir } from '../../helpers/tmp.js';

let dir: TempDir;
let backend: SqliteStorage;
let cacher: Cacher;
let store: Store;

before(async () => {
  dir = await makeTempDir('frontdoor-deployments-');
  backend = SqliteStorage.open({ path: join(dir.path, 'state.db'), compactionIntervalMs: 0 });
  cacher = new Cacher({ storage: backend, resourcePrefix: '/apps/deployments' });
  await cacher.start();
  store = new Store(deployments as unknown as ResourceDefinition, cacher);
});

after(async () => {
  await cacher.stop();
  await backend.close();
  await dir.remove();
});

function web(name: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
    },
  };
}

const put = (name: string, change: (d: Deployment) => void, subresource = '') =>
  store.update(
    'default',
    name,
    (current) => {
      const next = structuredClone(current) as Deployment;
      change(next);
      return next;
    },
    { subresource },
  );

describe('deployments through the Store', () => {
  it('create: generation 1, defaults, status {}', async () => {
    const created = (await store.create('default', { ...web('a'), status: { replicas: 7 } })) as Deployment;
    assert.equal(created.metadata?.generation, 1);
    assert.equal(created.spec?.replicas, 1);
    assert.equal(created.spec?.template?.spec?.containers?.[0].imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(created.status, {});
  });

  it('update: spec and annotation changes bump the generation once each; labels and status do not', async () => {
    await store.create('default', web('b'));
    const gen = async () => ((await store.get('default', 'b')) as Deployment).metadata?.generation;

    await put('b', (d) => (d.spec!.replicas = 3));
    assert.equal(await gen(), 2);
    await put('b', (d) => (d.metadata!.annotations = { note: 'x' }));
    assert.equal(await gen(), 3);
    await put('b', (d) => {
      d.spec!.replicas = 4;
      d.metadata!.annotations = { note: 'y' };
    });
    assert.equal(await gen(), 4, 'both at once is still one bump');
    await put('b', (d) => (d.metadata!.labels = { team: 'web' }));
    assert.equal(await gen(), 4);
    await put('b', (d) => (d.status = { replicas: 4, readyReplicas: 4, availableReplicas: 4, updatedReplicas: 4 }), 'status');
    const after = (await store.get('default', 'b')) as Deployment;
    assert.equal(after.metadata?.generation, 4);
    assert.equal(after.status?.readyReplicas, 4);
  });

  it("invalid objects are refused with kube's Status message", async () => {
    await assert.rejects(
      store.create('default', { ...web('c'), spec: { ...web('c').spec, selector: { matchLabels: { app: 'other' } } } }),
      (err: unknown) =>
        err instanceof StatusError &&
        err.status.code === 422 &&
        err.status.message ===
          'Deployment.apps "c" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"c"}: `selector` does not match template `labels`',
    );
    await store.create('default', web('d'));
    await assert.rejects(
      put('d', (d) => {
        d.spec!.selector = { matchLabels: { app: 'd', v: '2' } };
        d.spec!.template!.metadata!.labels = { app: 'd', v: '2' };
      }),
      (err: unknown) =>
        err instanceof StatusError &&
        err.status.message ===
          'Deployment.apps "d" is invalid: spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string{"app":"d", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });
});
