import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../../helpers/frontdoor.js';
import { adminCreds, eventually, request, type ClientCreds } from '../../helpers/https.js';

const BASE = '/apis/authorization.k8s.io/v1';

describe('authorization.k8s.io/v1 reviews over HTTPS', () => {
  let fd: Frontdoor;
  let admin: ClientCreds;
  const post = (path: string, body: unknown) =>
    request(fd.port, path, admin, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    fd = await startFrontdoor();
    admin = adminCreds(fd.dataDir);
    await eventually(() => request(fd.port, '/readyz/poststarthook/rbac/bootstrap-roles', admin), (r) => r.status === 200);
    await eventually(() => request(fd.port, '/readyz/poststarthook/start-rbac-informers', admin), (r) => r.status === 200);
  });
  after(async () => {
    await fd.stop();
  });

  it('answers a SubjectAccessReview with status.allowed and RBAC\'s reason', async () => {
    const r = await post(`${BASE}/subjectaccessreviews`, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'someone', groups: ['system:authenticated'], nonResourceAttributes: { path: '/apis/apps', verb: 'get' } },
    });
    assert.equal(r.status, 201, r.body);
    const review = r.json<{ kind: string; status: unknown }>();
    assert.equal(review.kind, 'SubjectAccessReview');
    assert.deepEqual(review.status, {
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    });
    const no = await post(`${BASE}/subjectaccessreviews`, { spec: { user: 'someone', resourceAttributes: { verb: 'list', resource: 'secrets', namespace: 'default' } } });
    assert.deepEqual(no.json<{ status: unknown }>().status, { allowed: false });
  });

  it('refuses an invalid review with kube\'s field errors', async () => {
    const r = await post(`${BASE}/subjectaccessreviews`, { spec: {} });
    assert.equal(r.status, 422);
    const s = r.json<{ message: string; details: { causes: { field: string }[] } }>();
    assert.deepEqual(s.details.causes.map((c) => c.field), ['spec.resourceAttributes', 'spec.user']);
    assert.match(s.message, /exactly one of nonResourceAttributes or resourceAttributes must be specified/);
    assert.match(s.message, /at least one of user or group must be specified/);
  });

  it('checks a LocalSubjectAccessReview\'s namespace', async () => {
    const path = `${BASE}/namespaces/default/localsubjectaccessreviews`;
    const bad = await post(path, { spec: { user: 'x', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'other' } } });
    assert.equal(bad.status, 422);
    assert.match(bad.json<{ message: string }>().message, /spec\.resourceAttributes\.namespace: Invalid value: "other": must match metadata\.namespace/);
    const good = await post(path, { spec: { groups: ['system:masters'], resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' } } });
    assert.equal(good.status, 201);
    const review = good.json<{ metadata: { namespace: string }; status: { allowed: boolean } }>();
    assert.equal(review.metadata.namespace, 'default');
    assert.equal(review.status.allowed, true);
  });

  it('answers SelfSubjectAccessReview and SelfSubjectRulesReview for the requester', async () => {
    const ssar = await post(`${BASE}/selfsubjectaccessreviews`, { spec: { resourceAttributes: { verb: 'delete', resource: 'nodes' } } });
    assert.equal(ssar.json<{ status: { allowed: boolean } }>().status.allowed, true);
    const ssrr = await post(`${BASE}/selfsubjectrulesreviews`, { spec: { namespace: 'default' } });
    assert.equal(ssrr.status, 201);
    const rules = ssrr.json<{ status: { resourceRules: { resources?: string[] }[]; incomplete: boolean } }>().status;
    assert.equal(rules.incomplete, false);
    assert.ok(rules.resourceRules.some((r) => r.resources?.includes('*')));
    const noNs = await post(`${BASE}/selfsubjectrulesreviews`, { spec: {} });
    assert.equal(noNs.status, 400);
    assert.equal(noNs.json<{ message: string }>().message, 'no namespace on request');
  });

  it('serves create only', async () => {
    assert.equal((await request(fd.port, `${BASE}/subjectaccessreviews`, admin)).status, 405);
    const disco = await request(fd.port, BASE, admin);
    const sar = disco.json<{ resources: { name: string; verbs: string[] }[] }>().resources.find((r) => r.name === 'subjectaccessreviews');
    assert.deepEqual(sar?.verbs, ['create']);
  });
});
