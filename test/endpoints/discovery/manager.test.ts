import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { parse as parseYaml } from 'yaml';
import { DiscoveryManager } from '../../../src/endpoints/discovery/index.js';
import { AGG_V2, AGG_V2BETA1, appsV1, coreV1, KUBECTL_ACCEPT, listen, RW, widgets, type Listening } from './fixtures.js';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, walked freely by the assertions. */
  json: any;
}

/** The manager behind an express app: its router, then a marker 404 (the "next server"). */
async function start(manager: DiscoveryManager): Promise<Listening> {
  const app = express();
  app.use(manager.router());
  app.use((_req, res) => {
    res.status(404).json({ next: true });
  });
  return listen(app);
}

async function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(base + path, { headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const newManager = () => new DiscoveryManager({ serverAddress: () => '10.0.0.1:6443' });

describe('legacy discovery documents', () => {
  let server: Listening;
  const manager = newManager();
  before(async () => {
    manager.setGroupVersion(coreV1());
    manager.setGroupVersion(appsV1());
    manager.setGroupVersion({ group: 'rbac.authorization.k8s.io', version: 'v1', resources: [] });
    manager.setGroupVersion({ group: 'coordination.k8s.io', version: 'v1', resources: [] });
    manager.setGroupVersion(widgets('v1'));
    manager.setGroupVersion({ group: 'apiregistration.k8s.io', version: 'v1', resources: [] });
    server = await start(manager);
  });
  after(() => server.close());

  it('GET /api: APIVersions without apiVersion, with the server address', async () => {
    const r = await get(server.url, '/api');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.headers.get('etag'), null, 'kube sends no ETag on legacy documents');
    assert.equal(r.text, '{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"10.0.0.1:6443"}]}\n');
  });

  it('GET /apis: APIGroupList in kube priority order, without the core group', async () => {
    const r = await get(server.url, '/apis');
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'APIGroupList');
    assert.equal(r.json.apiVersion, 'v1');
    assert.deepEqual(
      r.json.groups.map((g: { name: string }) => g.name),
      ['apiregistration.k8s.io', 'apps', 'rbac.authorization.k8s.io', 'coordination.k8s.io', 'example.com'],
    );
    assert.deepEqual(r.json.groups[1], {
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
  });

  it('GET /apis/<group>: APIGroup; an unknown group goes to the next handler', async () => {
    const r = await get(server.url, '/apis/apps');
    assert.equal(r.status, 200);
    assert.equal(
      r.text,
      '{"kind":"APIGroup","apiVersion":"v1","name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}\n',
    );
    const miss = await get(server.url, '/apis/batch');
    assert.equal(miss.status, 404);
    assert.deepEqual(miss.json, { next: true });
  });

  it('GET /apis/<g>/<v>: APIResourceList with subresource entries, sorted, verbs sorted', async () => {
    const r = await get(server.url, '/apis/apps/v1');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'apps/v1',
      resources: [
        { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: RW, shortNames: ['deploy'], categories: ['all'] },
        { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
        { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
      ],
    });
    // kube's field order, as it serializes APIResource.
    assert.ok(r.text.includes('{"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]}'));
  });

  it('GET /api/v1: the core list carries no apiVersion; storageVersionHash and cluster scope kept', async () => {
    const r = await get(server.url, '/api/v1');
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'APIResourceList');
    assert.equal('apiVersion' in r.json, false);
    assert.equal(r.json.groupVersion, 'v1');
    assert.deepEqual(
      r.json.resources.map((x: { name: string }) => x.name),
      ['configmaps', 'namespaces', 'namespaces/finalize', 'namespaces/status'],
    );
    assert.deepEqual(r.json.resources[0], {
      name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: RW, shortNames: ['cm'], storageVersionHash: 'qFsyl6wFWjQ=',
    });
    assert.equal(r.json.resources[2].namespaced, false);
    const miss = await get(server.url, '/api/v2');
    assert.deepEqual(miss.json, { next: true });
    const missVersion = await get(server.url, '/apis/apps/v1beta1');
    assert.deepEqual(missVersion.json, { next: true });
  });

  it('YAML when asked, pretty JSON for curl, 406 for protobuf only', async () => {
    const yaml = await get(server.url, '/apis/apps', { accept: 'application/yaml' });
    assert.equal(yaml.headers.get('content-type'), 'application/yaml');
    assert.ok(yaml.text.startsWith('apiVersion: v1\nkind: APIGroup\nname: apps\n'), yaml.text);
    assert.deepEqual(parseYaml(yaml.text).preferredVersion, { groupVersion: 'apps/v1', version: 'v1' });

    const pretty = await get(server.url, '/api', { 'user-agent': 'curl/8.0' });
    assert.ok(pretty.text.startsWith('{\n  "kind": "APIVersions",'), pretty.text);

    const proto = await get(server.url, '/apis', { accept: 'application/vnd.kubernetes.protobuf' });
    assert.equal(proto.status, 406);
    assert.equal(proto.json.reason, 'NotAcceptable');
    assert.equal(proto.json.message, 'only the following media types are accepted: application/json, application/yaml');

    const fallback = await get(server.url, '/apis', { accept: 'application/vnd.kubernetes.protobuf, application/json' });
    assert.equal(fallback.status, 200);
    assert.equal(fallback.json.kind, 'APIGroupList');
  });

  it('the aggregated Accept on /apis/<g> is not allowed (406), as kube', async () => {
    const r = await get(server.url, '/apis/apps', { accept: AGG_V2 });
    assert.equal(r.status, 406);
  });
});

describe('aggregated discovery', () => {
  let server: Listening;
  const manager = newManager();
  before(async () => {
    manager.setGroupVersion(coreV1());
    manager.setGroupVersion(appsV1());
    server = await start(manager);
  });
  after(() => server.close());

  it('GET /apis with kubectl 1.32 Accept: v2 list of named groups, kube headers', async () => {
    const r = await get(server.url, '/apis', { accept: KUBECTL_ACCEPT });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    assert.equal(r.headers.get('vary'), 'Accept');
    assert.equal(r.headers.get('cache-control'), 'public');
    assert.match(r.headers.get('etag') ?? '', /^"[0-9A-F]{128}"$/);
    assert.deepEqual(r.json, {
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
      metadata: {},
      items: [
        {
          metadata: { name: 'apps', creationTimestamp: null },
          versions: [
            {
              version: 'v1',
              resources: [
                {
                  resource: 'deployments',
                  responseKind: { group: '', version: '', kind: 'Deployment' },
                  scope: 'Namespaced',
                  singularResource: 'deployment',
                  verbs: RW,
                  shortNames: ['deploy'],
                  categories: ['all'],
                  subresources: [
                    { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
                    { subresource: 'status', responseKind: { group: '', version: '', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
                  ],
                },
              ],
              freshness: 'Current',
            },
          ],
        },
      ],
    });
  });

  it('GET /api aggregated: only the core group, with no name (Go drops the empty name)', async () => {
    const r = await get(server.url, '/api', { accept: KUBECTL_ACCEPT });
    assert.equal(r.status, 200);
    assert.equal(r.json.items.length, 1);
    assert.deepEqual(r.json.items[0].metadata, { creationTimestamp: null });
    const v1 = r.json.items[0].versions[0];
    assert.equal(v1.version, 'v1');
    assert.deepEqual(
      v1.resources.map((x: { resource: string; scope: string }) => `${x.resource}:${x.scope}`),
      ['configmaps:Namespaced', 'namespaces:Cluster'],
    );
    assert.deepEqual(v1.resources[1].subresources.map((s: { subresource: string }) => s.subresource), ['finalize', 'status']);
    assert.equal('storageVersionHash' in v1.resources[0], false);
  });

  it('v2beta1 when the client prefers it: same items, its apiVersion and Content-Type, same ETag', async () => {
    const v2 = await get(server.url, '/apis', { accept: AGG_V2 });
    const beta = await get(server.url, '/apis', { accept: `${AGG_V2BETA1},${AGG_V2}` });
    assert.equal(beta.status, 200);
    assert.equal(beta.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    assert.equal(beta.json.apiVersion, 'apidiscovery.k8s.io/v2beta1');
    assert.deepEqual(beta.json.items, v2.json.items);
    assert.equal(beta.headers.get('etag'), v2.headers.get('etag'));
  });

  it('aggregated YAML; protobuf aggregated alone falls back to the legacy handler, which refuses it (406)', async () => {
    const yaml = await get(server.url, '/apis', { accept: 'application/yaml;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
    assert.equal(yaml.headers.get('content-type'), 'application/yaml;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    assert.equal(parseYaml(yaml.text).items[0].metadata.name, 'apps');

    const proto = await get(server.url, '/apis', {
      accept: 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    });
    assert.equal(proto.status, 406);
    const protoThenJson = await get(server.url, '/apis', {
      accept: 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    assert.equal(protoThenJson.status, 200);
    assert.equal(protoThenJson.json.kind, 'APIGroupList');
  });

  it('If-None-Match with the current ETag: 304 with no body; a stale one: 200', async () => {
    const first = await get(server.url, '/apis', { accept: KUBECTL_ACCEPT });
    const etag = first.headers.get('etag')!;
    const cached = await get(server.url, '/apis', { accept: KUBECTL_ACCEPT, 'if-none-match': etag });
    assert.equal(cached.status, 304);
    assert.equal(cached.text, '');
    assert.equal(cached.headers.get('etag'), etag);
    assert.equal(cached.headers.get('vary'), 'Accept');

    const stale = await get(server.url, '/apis', { accept: KUBECTL_ACCEPT, 'if-none-match': '"0123"' });
    assert.equal(stale.status, 200);
    // /api and /apis are different documents, with different ETags.
    const api = await get(server.url, '/api', { accept: KUBECTL_ACCEPT, 'if-none-match': etag });
    assert.equal(api.status, 200);
    assert.notEqual(api.headers.get('etag'), etag);
  });
});

describe('discovery follows installed resources', () => {
  let server: Listening;
  const manager = newManager();
  before(async () => {
    manager.setGroupVersion(coreV1());
    manager.setGroupVersion(appsV1());
    server = await start(manager);
  });
  after(() => server.close());

  const aggregated = (path = '/apis') => get(server.url, path, { accept: KUBECTL_ACCEPT });
  const groupNames = (r: Reply) => r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name);

  it('setting a group-version changes the documents and the ETag; the old ETag no longer gets 304', async () => {
    const before = await aggregated();
    const etag = before.headers.get('etag')!;
    assert.deepEqual(groupNames(before), ['apps']);

    manager.setGroupVersion(widgets('v1'));
    const after = await aggregated();
    assert.deepEqual(groupNames(after), ['apps', 'example.com']);
    assert.notEqual(after.headers.get('etag'), etag);
    assert.equal((await get(server.url, '/apis', { accept: KUBECTL_ACCEPT, 'if-none-match': etag })).status, 200);

    const legacy = await get(server.url, '/apis');
    assert.deepEqual(legacy.json.groups.map((g: { name: string }) => g.name), ['apps', 'example.com']);
    assert.equal((await get(server.url, '/apis/example.com/v1')).json.resources[0].name, 'widgets');

    // The core document did not change: its ETag stays.
    const core1 = await aggregated('/api');
    manager.setGroupVersion(widgets('v2'));
    const core2 = await aggregated('/api');
    assert.equal(core1.headers.get('etag'), core2.headers.get('etag'));
  });

  it('setting the same group-version again keeps the ETag; changing a resource changes it', async () => {
    const etag = (await aggregated()).headers.get('etag');
    manager.setGroupVersion(widgets('v1'));
    assert.equal((await aggregated()).headers.get('etag'), etag);

    const changed = widgets('v1');
    changed.resources[0]!.shortNames = ['wdg'];
    manager.setGroupVersion(changed);
    const r = await aggregated();
    assert.notEqual(r.headers.get('etag'), etag);
    const item = r.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'example.com');
    const v1 = item.versions.find((v: { version: string }) => v.version === 'v1');
    assert.deepEqual(v1.resources[0].shortNames, ['wdg']);
  });

  it('removing a version keeps the group; removing the last version removes the group', async () => {
    manager.removeGroupVersion('example.com', 'v2');
    let r = await aggregated();
    const item = r.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'example.com');
    assert.deepEqual(item.versions.map((v: { version: string }) => v.version), ['v1']);
    assert.equal((await get(server.url, '/apis/example.com/v2')).json.next, true);

    const etag = r.headers.get('etag');
    manager.removeGroupVersion('example.com', 'v1');
    r = await aggregated();
    assert.deepEqual(groupNames(r), ['apps']);
    assert.notEqual(r.headers.get('etag'), etag);
    assert.deepEqual((await get(server.url, '/apis/example.com')).json, { next: true });
    assert.deepEqual((await get(server.url, '/apis')).json.groups.map((g: { name: string }) => g.name), ['apps']);

    // Removing what is not there changes nothing.
    manager.removeGroupVersion('example.com', 'v1');
    assert.equal((await aggregated()).headers.get('etag'), r.headers.get('etag'));
  });

  it('versions are ordered by kube priority; the first is preferred; an explicit preference leads', async () => {
    for (const v of ['v1alpha1', 'v1beta1', 'v1', 'v1beta2', 'v2']) manager.setGroupVersion(widgets(v));
    const order = async () => {
      const agg = await aggregated();
      const item = agg.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'example.com');
      const group = (await get(server.url, '/apis/example.com')).json;
      return {
        aggregated: item.versions.map((v: { version: string }) => v.version),
        legacy: group.versions.map((v: { version: string }) => v.version),
        preferred: group.preferredVersion,
      };
    };
    assert.deepEqual(await order(), {
      aggregated: ['v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1'],
      legacy: ['v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1'],
      preferred: { groupVersion: 'example.com/v2', version: 'v2' },
    });

    manager.setPreferredVersion('example.com', 'v1beta1');
    assert.deepEqual(await order(), {
      aggregated: ['v1beta1', 'v2', 'v1', 'v1beta2', 'v1alpha1'],
      legacy: ['v1beta1', 'v2', 'v1', 'v1beta2', 'v1alpha1'],
      preferred: { groupVersion: 'example.com/v1beta1', version: 'v1beta1' },
    });

    // Once the preferred version goes, the kube order decides again.
    manager.removeGroupVersion('example.com', 'v1beta1');
    assert.deepEqual((await order()).preferred, { groupVersion: 'example.com/v2', version: 'v2' });
  });

  it('group priority decides the group order; ties by name', async () => {
    manager.setGroupVersion({ group: 'aaa.example.com', version: 'v1', resources: [] });
    assert.deepEqual(groupNames(await aggregated()), ['apps', 'aaa.example.com', 'example.com']);
    manager.setGroupPriority('example.com', 20000);
    assert.deepEqual(groupNames(await aggregated()), ['example.com', 'apps', 'aaa.example.com']);
    manager.setGroupPriority('example.com', undefined);
    manager.removeGroup('aaa.example.com');
    assert.deepEqual(groupNames(await aggregated()), ['apps', 'example.com']);
  });
});

describe('handlers without a next function', () => {
  it('answer a 404 Status for a group or version not served', async () => {
    const manager = newManager();
    manager.setGroupVersion(appsV1());
    const server = await listen((req, res) => {
      const [, , group = '', version] = (req.url ?? '').split('/');
      if (version) manager.handleGroupVersion(req, res, group, version);
      else manager.handleGroup(req, res, group);
    });
    try {
      const r = await get(server.url, '/apis/batch');
      assert.equal(r.status, 404);
      assert.deepEqual(r.json, {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
        message: 'the server could not find the requested resource (path "/apis/batch")', reason: 'NotFound', details: {}, code: 404,
      });
      assert.equal((await get(server.url, '/apis/apps/v2')).status, 404);
      assert.equal((await get(server.url, '/apis/apps/v1')).status, 200);
    } finally {
      await server.close();
    }
  });
});
