import assert from 'node:assert/strict';
import { OUTPUT } from '../../../scripts/gen-openapi-models.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { messageType } from '../../../src/endpoints/protobuf/loader.js';
import { OpenAPIService } from '../../../src/endpoints/openapi/service.js';
import { BUILTIN_RESOURCES } from './fixtures.js';
import { serve, type Running } from './serve.js';

// Parsed JSON documents are walked freely here; their shape is what is under test.
type Doc = any;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const WRITE_METHODS = new Set(['put', 'post', 'patch']);
const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const CORE = 'io.k8s.api.core.v1.';

const sha512 = (b: Buffer): string => createHash('sha512').update(b).digest('hex').toUpperCase();

async function getJSON(url: string, headers: Record<string, string> = {}): Promise<{ res: Response; body: Buffer; doc: Doc }> {
  const res = await fetch(url, { headers, redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json') && body.length > 0;
  return { res, body, doc: json ? JSON.parse(body.toString('utf8')) : undefined };
}

/** Every operation of a document, with its path and method. */
function operations(doc: Doc): { path: string; method: string; op: Doc; item: Doc }[] {
  const out: { path: string; method: string; op: Doc; item: Doc }[] = [];
  for (const [path, item] of Object.entries<Doc>(doc.paths)) {
    for (const method of METHODS) if (item[method]) out.push({ path, method, op: item[method], item });
  }
  return out;
}

/** Every "$ref" string anywhere in a value. */
function refs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.push(v);
      else refs(v, into);
    }
  }
  return into;
}

/** A v3 property's reference: bare, or wrapped in allOf beside a description. */
const refOf = (prop: Doc): string | undefined => prop.$ref ?? prop.allOf?.[0]?.$ref;

const gvKey = (group: string, version: string) => (group === '' ? `api/${version}` : `apis/${group}/${version}`);

describe('OpenAPIService', () => {
  let service: OpenAPIService;
  let server: Running;
  let v2: Doc;
  let index: Doc;
  const v3 = new Map<string, { doc: Doc; body: Buffer; res: Response }>();

  before(async () => {
    service = new OpenAPIService({ version: 'v1.32.0' });
    service.setResources(BUILTIN_RESOURCES);
    server = await serve(service);
    v2 = (await getJSON(`${server.base}/openapi/v2`)).doc;
    index = (await getJSON(`${server.base}/openapi/v3`)).doc;
    for (const [key, { serverRelativeURL }] of Object.entries<Doc>(index.paths)) {
      v3.set(key, await getJSON(`${server.base}${serverRelativeURL}`));
    }
  });
  after(() => server.close());

  it('lists one v3 document per served group-version, plus api, apis and each group', () => {
    assert.deepEqual(Object.keys(index.paths).sort(), [
      'api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1', 'apis/autoscaling', 'apis/autoscaling/v1', 'apis/autoscaling/v2',
      'apis/batch', 'apis/batch/v1', 'apis/coordination.k8s.io', 'apis/coordination.k8s.io/v1', 'apis/events.k8s.io', 'apis/events.k8s.io/v1',
      'apis/networking.k8s.io', 'apis/networking.k8s.io/v1', 'apis/policy', 'apis/policy/v1',
      'apis/rbac.authorization.k8s.io', 'apis/rbac.authorization.k8s.io/v1', 'apis/scheduling.k8s.io', 'apis/scheduling.k8s.io/v1',
    ]);
    for (const { res } of v3.values()) assert.equal(res.status, 200);
  });

  it('index hashes are upper-case hex SHA-512s, one per document, and their ETags', () => {
    // kube hashes the bytes; here the hash is over what a document is built from, so the index needs no
    // document rendered (1,000 CRDs). It changes exactly when the document does (see the setResources tests).
    const hashes = new Set<string>();
    for (const [key, { serverRelativeURL }] of Object.entries<Doc>(index.paths)) {
      const { res } = v3.get(key)!;
      const hash = new URL(serverRelativeURL, server.base).searchParams.get('hash');
      assert.match(hash!, /^[0-9A-F]{128}$/);
      hashes.add(hash!);
      assert.equal(res.headers.get('etag'), `"${hash}"`);
      assert.equal(serverRelativeURL, `/openapi/v3/${key}?hash=${hash}`);
    }
    assert.equal(hashes.size, Object.keys(index.paths).length);
  });

  it('describes every served kind and list kind with x-kubernetes-group-version-kind, in v2 and in its v3 document', () => {
    for (const r of BUILTIN_RESOURCES) {
      const kinds = [r.kind, ...(r.verbs.includes('list') ? [`${r.kind}List`] : [])];
      const v3doc = v3.get(gvKey(r.group, r.version))!.doc;
      for (const kind of kinds) {
        for (const [where, defs] of [['v2', v2.definitions], ['v3', v3doc.components.schemas]] as const) {
          const found = Object.entries<Doc>(defs).filter(([, s]) =>
            (s['x-kubernetes-group-version-kind'] ?? []).some((g: Doc) => g.group === r.group && g.version === r.version && g.kind === kind),
          );
          assert.equal(found.length, 1, `${where}: ${r.group}/${r.version} ${kind}`);
          assert.equal(found[0]![1].type, 'object');
          assert.ok(found[0]![1].description, `${where}: ${kind} has a description`);
        }
      }
    }
    assert.deepEqual(v2.definitions[`${CORE}ConfigMap`]['x-kubernetes-group-version-kind'], [{ group: '', kind: 'ConfigMap', version: 'v1' }]);
    assert.deepEqual(v2.definitions['io.k8s.api.autoscaling.v1.Scale']['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
  });

  it('names definitions as kube does and resolves every $ref', () => {
    for (const name of [`${CORE}PodSpec`, 'io.k8s.api.apps.v1.DeploymentSpec', 'io.k8s.api.rbac.v1.Subject', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.api.coordination.v1.LeaseSpec']) {
      assert.ok(v2.definitions[name], name);
    }
    for (const ref of refs(v2)) {
      assert.match(ref, /^#\/definitions\//);
      assert.ok(v2.definitions[ref.slice('#/definitions/'.length)], ref);
    }
    for (const [key, { doc }] of v3) {
      for (const ref of refs(doc)) {
        assert.match(ref, /^#\/components\/schemas\//);
        assert.ok(doc.components.schemas[ref.slice('#/components/schemas/'.length)], `${key}: ${ref}`);
      }
    }
  });

  it('carries kube\'s patch and list extensions on the fields kube marks', () => {
    for (const [defs, v] of [[v2.definitions, 'v2'], [v3.get('api/v1')!.doc.components.schemas, 'v3']] as const) {
      const containers = defs[`${CORE}PodSpec`].properties.containers;
      assert.equal(containers['x-kubernetes-patch-merge-key'], 'name', v);
      assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
      assert.equal(containers['x-kubernetes-list-type'], 'map');
      assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
      assert.equal(defs[`${CORE}PodSpec`].properties.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
      assert.deepEqual(defs[`${CORE}Container`].properties.ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
      assert.equal(defs[`${CORE}Container`].properties.env['x-kubernetes-patch-merge-key'], 'name');
      assert.equal(defs[`${CORE}Container`].properties.volumeMounts['x-kubernetes-patch-merge-key'], 'mountPath');
      assert.equal(defs[`${CORE}ServiceSpec`].properties.ports['x-kubernetes-patch-merge-key'], 'port');
      assert.deepEqual(defs[`${CORE}ServiceSpec`].properties.ports['x-kubernetes-list-map-keys'], ['port', 'protocol']);
      assert.equal(defs[`${CORE}PodSpec`].properties.tolerations['x-kubernetes-list-type'], 'atomic');
      const meta = defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties;
      assert.equal(meta.finalizers['x-kubernetes-list-type'], 'set');
      assert.equal(meta.ownerReferences['x-kubernetes-patch-merge-key'], 'uid');
      assert.equal(defs['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']['x-kubernetes-map-type'], 'atomic');
      assert.deepEqual(defs[`${CORE}PodSpec`].required, ['containers']);
    }
    const apps = v3.get('apis/apps/v1')!.doc.components.schemas;
    assert.equal(apps['io.k8s.api.apps.v1.DeploymentStatus'].properties.conditions['x-kubernetes-patch-merge-key'], 'type');
    assert.equal(apps['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy['x-kubernetes-patch-strategy'], 'retainKeys');
  });

  it('carries the patch and list extensions of the issue 5 kinds, and their Quantity fields', () => {
    const doc = (key: string) => v3.get(key)!.doc.components.schemas;
    for (const [defs, v] of [[v2.definitions, 'v2'], [doc('apis/apps/v1'), 'v3']] as const) {
      for (const kind of ['ReplicaSet', 'StatefulSet', 'DaemonSet']) {
        const conditions = defs[`io.k8s.api.apps.v1.${kind}Status`].properties.conditions;
        assert.equal(conditions['x-kubernetes-patch-merge-key'], 'type', `${v} ${kind}`);
        assert.equal(conditions['x-kubernetes-list-type'], 'map');
      }
      assert.equal(defs['io.k8s.api.apps.v1.StatefulSetSpec'].properties.volumeClaimTemplates['x-kubernetes-list-type'], 'atomic', v);
    }
    const batch = doc('apis/batch/v1');
    const jobConditions = batch['io.k8s.api.batch.v1.JobStatus'].properties.conditions;
    assert.equal(jobConditions['x-kubernetes-list-type'], 'atomic');
    assert.equal(jobConditions['x-kubernetes-patch-merge-key'], 'type');
    assert.equal(jobConditions['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(batch['io.k8s.api.batch.v1.UncountedTerminatedPods'].properties.succeeded['x-kubernetes-list-type'], 'set');
    assert.equal(refOf(batch['io.k8s.api.batch.v1.CronJobSpec'].properties.jobTemplate), '#/components/schemas/io.k8s.api.batch.v1.JobTemplateSpec');
    const pdb = doc('apis/policy/v1')['io.k8s.api.policy.v1.PodDisruptionBudgetSpec'].properties;
    assert.equal(pdb.selector['x-kubernetes-patch-strategy'], 'replace');
    assert.equal(refOf(pdb.minAvailable), '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    const net = doc('apis/networking.k8s.io/v1');
    assert.equal(net['io.k8s.api.networking.v1.IngressSpec'].properties.rules['x-kubernetes-list-type'], 'atomic');
    assert.equal(net['io.k8s.api.networking.v1.ServiceBackendPort']['x-kubernetes-map-type'], 'atomic');
    assert.ok(net['io.k8s.api.networking.v1.IngressRule'].properties.http, 'the inline rule value shows as http');
    assert.equal(net['io.k8s.api.networking.v1.NetworkPolicySpec'].properties.policyTypes['x-kubernetes-list-type'], 'atomic');
    const q = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
    const core = doc('api/v1');
    assert.equal(core[`${CORE}LimitRangeItem`].properties.max.additionalProperties.$ref, `#/components/schemas/${q}`);
    assert.equal(core[`${CORE}ResourceQuotaSpec`].properties.hard.additionalProperties.$ref, `#/components/schemas/${q}`);
    assert.equal(core[`${CORE}ScopeSelector`]['x-kubernetes-map-type'], 'atomic');
    assert.equal(v2.definitions['io.k8s.api.autoscaling.v2.MetricTarget'].properties.averageValue.$ref, `#/definitions/${q}`);
    const events = doc('apis/events.k8s.io/v1');
    assert.ok(events['io.k8s.api.events.v1.Event'].properties.regarding);
    assert.equal(events[`${CORE}Event`], undefined, 'events.k8s.io/v1 is its own schema, not core/v1 Event');
    const sts = v3.get('apis/apps/v1')!.doc.paths['/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}/scale'];
    assert.deepEqual(sts.put['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  });

  it('describes HorizontalPodAutoscaler in autoscaling/v1 and v2 with each version\'s own schema', () => {
    const HPA = (v: string) => `io.k8s.api.autoscaling.${v}.HorizontalPodAutoscaler`;
    for (const [version, other] of [['v1', 'v2'], ['v2', 'v1']] as const) {
      const doc = v3.get(`apis/autoscaling/${version}`)!.doc;
      const path = `/apis/autoscaling/${version}/namespaces/{namespace}/horizontalpodautoscalers/{name}`;
      assert.equal(doc.paths[path].get.responses['200'].content['application/json'].schema.$ref, `#/components/schemas/${HPA(version)}`);
      assert.deepEqual(doc.paths[path].get['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', version });
      assert.deepEqual(doc.components.schemas[HPA(version)]['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', kind: 'HorizontalPodAutoscaler', version }]);
      assert.equal(doc.components.schemas[HPA(other)], undefined, `${version} does not carry ${other}`);
      assert.deepEqual(v2.definitions[`${HPA(version)}List`]['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', kind: 'HorizontalPodAutoscalerList', version }]);
    }
    const s1 = v3.get('apis/autoscaling/v1')!.doc.components.schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec'].properties;
    const s2 = v3.get('apis/autoscaling/v2')!.doc.components.schemas['io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec'].properties;
    assert.ok(s1.targetCPUUtilizationPercentage && !s1.metrics);
    assert.ok(s2.metrics && s2.behavior && !s2.targetCPUUtilizationPercentage);
    assert.equal(s2.metrics['x-kubernetes-list-type'], 'atomic');
    const status2 = v2.definitions['io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus'].properties;
    assert.equal(status2.conditions['x-kubernetes-patch-merge-key'], 'type');
    assert.equal(v2.definitions['io.k8s.api.autoscaling.v1.CrossVersionObjectReference']['x-kubernetes-map-type'], 'atomic');
    assert.equal(v2.definitions['io.k8s.api.autoscaling.v2.CrossVersionObjectReference']['x-kubernetes-map-type'], undefined);
  });

  it('writes IntOrString, Quantity and Time as kube does in each version', () => {
    const q = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
    const ios = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
    const time = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
    const s3 = v3.get('api/v1')!.doc.components.schemas;
    assert.equal(v2.definitions[ios].type, 'string');
    assert.equal(v2.definitions[ios].format, 'int-or-string');
    assert.deepEqual(s3[ios].oneOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.equal(v2.definitions[q].type, 'string');
    assert.deepEqual(s3[q].oneOf, [{ type: 'string' }, { type: 'number' }]);
    for (const defs of [v2.definitions, s3]) {
      assert.equal(defs[time].type, 'string');
      assert.equal(defs[time].format, 'date-time');
    }
    assert.equal(v2.definitions[`${CORE}ServicePort`].properties.targetPort.$ref, `#/definitions/${ios}`);
    assert.equal(v2.definitions[`${CORE}ResourceRequirements`].properties.limits.additionalProperties.$ref, `#/definitions/${q}`);
    assert.equal(v2.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.creationTimestamp.$ref, `#/definitions/${time}`);
  });

  it('declares dryRun, fieldManager and fieldValidation on every write, x-kubernetes-action and GVK on every operation', () => {
    const docs: [string, Doc][] = [['v2', v2], ...[...v3].map(([k, { doc }]) => [k, doc] as [string, Doc])];
    let writes = 0;
    for (const [where, doc] of docs) {
      for (const { path, method, op } of operations(doc)) {
        const at = `${where} ${method.toUpperCase()} ${path}`;
        assert.ok(op['x-kubernetes-action'], `${at} x-kubernetes-action`);
        assert.ok(op.operationId, at);
        const discovery = /^\/apis?\/([^/]+\/)?([^/]+\/)?$/.test(path);
        if (!discovery) assert.ok(op['x-kubernetes-group-version-kind']?.kind, `${at} x-kubernetes-group-version-kind`);
        if (!WRITE_METHODS.has(method)) continue;
        writes++;
        const query = (op.parameters ?? []).filter((p: Doc) => p.in === 'query').map((p: Doc) => p.name);
        for (const name of ['dryRun', 'fieldManager', 'fieldValidation']) assert.ok(query.includes(name), `${at} ${name}`);
        if (method === 'patch') {
          const types = where === 'v2' ? op.consumes : Object.keys(op.requestBody.content);
          assert.deepEqual([...types].sort(), PATCH_TYPES, at);
          assert.ok(query.includes('force'), `${at} force`);
        }
      }
    }
    assert.ok(writes > 100, `saw ${writes} writes`);
  });

  it('serves kube\'s operations for a namespaced resource with subresources', () => {
    const paths = v3.get('apis/apps/v1')!.doc.paths;
    const d = '/apis/apps/v1/namespaces/{namespace}/deployments';
    assert.equal(paths[d].get.operationId, 'listAppsV1NamespacedDeployment');
    assert.equal(paths[d].post['x-kubernetes-action'], 'post');
    assert.equal(paths[d].delete['x-kubernetes-action'], 'deletecollection');
    assert.equal(paths[`${d}/{name}`].put.operationId, 'replaceAppsV1NamespacedDeployment');
    assert.equal(paths[`${d}/{name}`].delete['x-kubernetes-action'], 'delete');
    assert.deepEqual(paths[`${d}/{name}/scale`].patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
    assert.equal(paths[`${d}/{name}/scale`].get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.autoscaling.v1.Scale');
    assert.deepEqual(paths[`${d}/{name}/status`].patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
    assert.equal(paths['/apis/apps/v1/deployments'].get.operationId, 'listAppsV1DeploymentForAllNamespaces');
    assert.equal(paths['/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}'].get['x-kubernetes-action'], 'watch');
    assert.ok(paths[d].parameters.some((p: Doc) => p.name === 'namespace' && p.in === 'path' && p.required === true));
    assert.ok(paths[d].parameters.some((p: Doc) => p.name === 'labelSelector'));
    const core = v3.get('api/v1')!.doc.paths;
    assert.equal(core['/api/v1/namespaces/{namespace}/pods/{name}/binding'].post.operationId, 'createCoreV1NamespacedPodBinding');
    assert.equal(core['/api/v1/namespaces/{name}/finalize'].put.operationId, 'replaceCoreV1NamespaceFinalize');
    assert.equal(core['/api/v1/namespaces/{namespace}/bindings'].post.operationId, 'createCoreV1NamespacedBinding');
    assert.equal(core['/api/v1/namespaces/{namespace}/bindings'].get, undefined, 'bindings only create');
    assert.equal(core['/api/v1/namespaces'].delete, undefined, 'namespaces have no deletecollection');
  });

  it('answers If-None-Match with 304 and sets kube\'s cache headers', async () => {
    for (const url of ['/openapi/v2', '/openapi/v3', `/openapi/v3/api/v1`]) {
      const first = await getJSON(`${server.base}${url}`);
      const etag = first.res.headers.get('etag')!;
      assert.match(etag, /^"[0-9A-F]{128}"$/);
      assert.equal(first.res.headers.get('content-type'), 'application/json');
      assert.equal(first.res.headers.get('cache-control'), 'no-cache, private', url);
      const again = await getJSON(`${server.base}${url}`, { 'if-none-match': etag });
      assert.equal(again.res.status, 304, url);
      assert.equal(again.body.length, 0);
      const other = await getJSON(`${server.base}${url}`, { 'if-none-match': '"0"' });
      assert.equal(other.res.status, 200);
    }
    const hashed = await getJSON(`${server.base}${index.paths['api/v1'].serverRelativeURL}`);
    assert.equal(hashed.res.headers.get('cache-control'), 'public, immutable');
    assert.ok(Date.parse(hashed.res.headers.get('expires')!) > Date.now() + 300 * 24 * 3600 * 1000);
    const stale = await getJSON(`${server.base}/openapi/v3/api/v1?hash=ABC`);
    assert.equal(stale.res.status, 301);
    assert.equal(stale.res.headers.get('location'), index.paths['api/v1'].serverRelativeURL);
    assert.equal((await getJSON(`${server.base}/openapi/v3/apis/nope/v1`)).res.status, 404);
  });

  it('serves v2 in protobuf (gnostic\'s Document) to a client that asks for it, JSON otherwise; v3 only in JSON', async () => {
    const pb = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
    const res = await fetch(`${server.base}/openapi/v2`, { headers: { accept: pb } });
    assert.equal(res.status, 200);
    // The '@' of the asked-for type is not valid in a media type; kube labels the answer with a dot.
    assert.equal(res.headers.get('content-type'), 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const decoded = messageType('openapi.v2.Document').toObject(
      messageType('openapi.v2.Document').decode(new Uint8Array(await res.arrayBuffer())),
    ) as { swagger: string; paths: { path: { name: string }[] }; definitions: { additional_properties: { name: string; value: Record<string, unknown> }[] } };
    const json = (await getJSON(`${server.base}/openapi/v2`)).doc as { paths: Record<string, unknown>; definitions: Record<string, unknown> };
    assert.equal(decoded.swagger, '2.0');
    assert.deepEqual(decoded.paths.path.map((p) => p.name), Object.keys(json.paths));
    assert.deepEqual(decoded.definitions.additional_properties.map((d) => d.name), Object.keys(json.definitions));
    const cm = decoded.definitions.additional_properties.find((d) => d.name === 'io.k8s.api.core.v1.ConfigMap')!.value as {
      vendor_extension: { name: string; value: { yaml: string } }[];
    };
    const gvk = cm.vendor_extension.find((e) => e.name === 'x-kubernetes-group-version-kind');
    assert.match(gvk!.value.yaml, /kind: ConfigMap/);
    const both = await getJSON(`${server.base}/openapi/v2`, { accept: `application/json, ${pb}` });
    assert.equal(both.res.status, 200);
    assert.equal(both.doc.swagger, '2.0');
    assert.equal((await getJSON(`${server.base}/openapi/v2`, { accept: 'text/plain' })).res.status, 406);
    assert.equal((await getJSON(`${server.base}/openapi/v3/api/v1`, { accept: 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf' })).res.status, 406);
  });

  it('builds the same bytes for the same resources', async () => {
    const other = new OpenAPIService({ version: 'v1.32.0' });
    other.setResources([...BUILTIN_RESOURCES].reverse());
    const s2 = await serve(other);
    try {
      const idx = (await getJSON(`${s2.base}/openapi/v3`)).doc;
      assert.deepEqual(idx, index);
    } finally {
      await s2.close();
    }
  });

  it('follows setResources: removing a group-version removes its v3 document and its v2 paths and definitions', async () => {
    const local = new OpenAPIService();
    local.setResources(BUILTIN_RESOURCES);
    const s = await serve(local);
    try {
      const before2 = await getJSON(`${s.base}/openapi/v2`);
      const beforeIdx = (await getJSON(`${s.base}/openapi/v3`)).doc;
      const appsURL = beforeIdx.paths['apis/apps/v1'].serverRelativeURL;
      local.setResources(BUILTIN_RESOURCES.filter((r) => r.group !== 'apps'));
      const idx = (await getJSON(`${s.base}/openapi/v3`)).doc;
      assert.equal(idx.paths['apis/apps/v1'], undefined);
      assert.equal(idx.paths['apis/apps'], undefined);
      assert.equal(idx.paths['api/v1'].serverRelativeURL === beforeIdx.paths['api/v1'].serverRelativeURL, false, 'DeleteOptions lists one GVK fewer');
      assert.equal((await getJSON(`${s.base}${appsURL}`)).res.status, 404);
      const after2 = await getJSON(`${s.base}/openapi/v2`);
      assert.notEqual(after2.res.headers.get('etag'), before2.res.headers.get('etag'));
      assert.ok(before2.doc.definitions['io.k8s.api.apps.v1.Deployment']);
      assert.equal(after2.doc.definitions['io.k8s.api.apps.v1.Deployment'], undefined);
      assert.equal(after2.doc.definitions['io.k8s.api.apps.v1.DeploymentSpec'], undefined);
      assert.equal(after2.doc.definitions['io.k8s.api.autoscaling.v1.Scale'], undefined);
      assert.equal(Object.keys(after2.doc.paths).filter((p) => p.startsWith('/apis/apps')).length, 0);
      const gvks = after2.doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']['x-kubernetes-group-version-kind'];
      assert.equal(gvks.some((g: Doc) => g.group === 'apps'), false);
      assert.ok(gvks.some((g: Doc) => g.group === 'rbac.authorization.k8s.io'));
      // Put back: the same document, the same hash.
      local.setResources(BUILTIN_RESOURCES);
      assert.equal((await getJSON(`${s.base}/openapi/v3`)).doc.paths['apis/apps/v1'].serverRelativeURL, appsURL);
    } finally {
      await s.close();
    }
  });

  it('is small enough to serve: the generated models stay far below the 2 MB limit', () => {
    const size = readFileSync(OUTPUT).length;
    assert.ok(size < 1_000_000, `${size} bytes`);
  });
});
