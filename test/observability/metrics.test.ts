/**
 * /metrics on a real server: who may read it (kube's system:monitoring, not an
 * ordinary user, not anonymous), that apiserver_request_total and its
 * companions move by exactly the requests this test makes, that max-in-flight's
 * 429s are counted as code="429", that made-up paths and resources add no
 * label sets, and that the whole text parses as Prometheus reads it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signClientCertificate } from '../../src/pki/sign.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request, type ClientCreds } from '../helpers/https.js';
import { parseExposition, seriesOf, sumOf, type Exposition } from './prometheus-text.js';

describe('/metrics', () => {
  let fd: Frontdoor;
  let admin: ClientCreds;
  let anonymous: ClientCreds;
  const users: Record<'monitoring' | 'jane' | 'loader', ClientCreds> = {} as Record<'monitoring' | 'jane' | 'loader', ClientCreds>;

  async function userCreds(name: string, groups: string[]): Promise<ClientCreds> {
    const pki = join(fd.dataDir, 'pki');
    const cert = signClientCertificate({
      caCertPem: await readFile(join(pki, 'client-ca.crt'), 'utf8'),
      caKeyPem: await readFile(join(pki, 'client-ca.key'), 'utf8'),
      commonName: name,
      organizations: groups,
    });
    return { ca: admin.ca, cert: cert.certPem, key: cert.keyPem };
  }

  const scrape = async (creds: ClientCreds = admin): Promise<Exposition> => {
    const res = await request(fd.port, '/metrics', creds);
    assert.equal(res.status, 200, res.body);
    return parseExposition(res.body);
  };

  const json = (creds: ClientCreds, method: string, path: string, body?: unknown) =>
    request(fd.port, path, creds, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  before(async () => {
    // One mutating seat, so that a held create makes the next ones wait or be refused.
    fd = await startFrontdoor({ args: ['--max-mutating-requests-inflight', '1'] });
    admin = adminCreds(fd.dataDir);
    anonymous = adminCreds(fd.dataDir, { anonymous: true });
    users.monitoring = await userCreds('prometheus', ['system:monitoring']);
    users.jane = await userCreds('jane', ['developers']);
    // Not in system:masters (whom max-in-flight always serves), yet allowed everything through RBAC.
    users.loader = await userCreds('loader', []);
    const binding = await json(admin, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'loader-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'loader' }],
    });
    assert.equal(binding.status, 201, binding.body);
    await eventually(() => request(fd.port, '/api/v1/namespaces/default/configmaps', users.loader), (r) => r.status === 200);
  });

  after(async () => {
    await fd?.stop();
  });

  it('is read by system:masters and system:monitoring, refused to an ordinary user and to anonymous', async () => {
    for (const creds of [admin, users.monitoring]) {
      const res = await request(fd.port, '/metrics', creds);
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      assert.match(res.body, /^# TYPE apiserver_request_total counter$/m);
    }
    const jane = await request(fd.port, '/metrics', users.jane);
    assert.equal(jane.status, 403);
    assert.equal(jane.json<{ message: string }>().message, 'forbidden: User "jane" cannot get path "/metrics"');
    const anon = await request(fd.port, '/metrics', anonymous);
    assert.equal(anon.status, 403);
    assert.equal(anon.json<{ message: string }>().message, 'forbidden: User "system:anonymous" cannot get path "/metrics"');
  });

  it("parses as Prometheus text, with kube's histogram buckets and the process and Node.js metrics", async () => {
    const e = await scrape();
    for (const [name, type] of [
      ['apiserver_request_total', 'counter'],
      ['apiserver_request_duration_seconds', 'histogram'],
      ['apiserver_response_sizes', 'histogram'],
      ['apiserver_current_inflight_requests', 'gauge'],
      ['apiserver_longrunning_requests', 'gauge'],
      ['apiserver_registered_watchers', 'gauge'],
      ['apiserver_watch_events_total', 'counter'],
      ['apiserver_storage_objects', 'gauge'],
      ['etcd_request_duration_seconds', 'histogram'],
      ['apiserver_audit_event_total', 'counter'],
      ['aggregator_unavailable_apiservice', 'gauge'],
      ['apiextensions_openapi_v3_regeneration_count', 'counter'],
      ['apiserver_tls_handshake_errors_total', 'counter'],
      ['process_cpu_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
    ] as const) {
      assert.equal(e.types.get(name), type, name);
    }
    // The health roots are counted as kube counts them: subresource "/healthz", component "".
    const healthz = (x: Exposition) => sumOf(x, 'apiserver_request_total', { verb: 'GET', group: '', resource: '', subresource: '/healthz', scope: '', component: '', code: '200' });
    assert.equal((await request(fd.port, '/healthz', admin)).status, 200);
    const after = await scrape();
    assert.equal(healthz(after) - healthz(e), 1);
    const les = after.samples.filter((s) => s.name === 'apiserver_request_duration_seconds_bucket' && s.labels.subresource === '/healthz').map((s) => s.labels.le);
    assert.deepEqual(les, ['0.005', '0.025', '0.05', '0.1', '0.2', '0.4', '0.6', '0.8', '1', '1.25', '1.5', '2', '3', '4', '5', '6', '8', '10', '15', '20', '30', '45', '60', '+Inf']);
  });

  it('moves apiserver_request_total by exactly the requests made, with kube verbs, scopes and codes', async () => {
    const ns = `metrics-${randomBytes(3).toString('hex')}`;
    assert.equal((await json(admin, 'POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
    const cm = (labels: Record<string, string>) => sumOf(before, 'apiserver_request_total', { resource: 'configmaps', component: 'apiserver', ...labels });
    const before = await scrape();
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    for (const name of ['a', 'b', 'c']) assert.equal((await json(admin, 'POST', base, { metadata: { name } })).status, 201);
    assert.equal((await json(admin, 'POST', `${base}?dryRun=All`, { metadata: { name: 'd' } })).status, 201);
    for (const name of ['a', 'b']) assert.equal((await json(admin, 'GET', `${base}/${name}`)).status, 200);
    assert.equal((await json(admin, 'GET', `${base}/missing`)).status, 404);
    assert.equal((await json(admin, 'GET', base)).status, 200);
    assert.equal((await json(admin, 'GET', '/api/v1/configmaps')).status, 200);
    assert.equal((await json(admin, 'PUT', `${base}/a`, { metadata: { name: 'a' }, data: { k: 'v' } })).status, 200);
    const apply = await request(fd.port, `${base}/b?fieldManager=test`, admin, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { x: 'y' } }),
    });
    assert.equal(apply.status, 200, apply.body);
    assert.equal((await json(admin, 'DELETE', `${base}/c`)).status, 200);
    const now = await scrape();
    const moved = (labels: Record<string, string>) =>
      sumOf(now, 'apiserver_request_total', { resource: 'configmaps', component: 'apiserver', ...labels }) - cm(labels);
    assert.equal(moved({ verb: 'POST', dry_run: '', scope: 'resource', code: '201' }), 3);
    assert.equal(moved({ verb: 'POST', dry_run: 'All', scope: 'resource', code: '201' }), 1);
    assert.equal(moved({ verb: 'GET', scope: 'resource', code: '200' }), 2);
    assert.equal(moved({ verb: 'GET', scope: 'resource', code: '404' }), 1);
    assert.equal(moved({ verb: 'LIST', scope: 'namespace', code: '200' }), 1);
    assert.equal(moved({ verb: 'LIST', scope: 'cluster', code: '200' }), 1);
    assert.equal(moved({ verb: 'PUT', code: '200' }), 1);
    assert.equal(moved({ verb: 'APPLY', code: '200' }), 1);
    assert.equal(moved({ verb: 'DELETE', code: '200' }), 1);
    assert.equal(moved({}), 12, 'no other configmaps request was counted');
    // Every request timed once; sizes for the reads only.
    const durations = (e: Exposition) => sumOf(e, 'apiserver_request_duration_seconds_count', { resource: 'configmaps' });
    assert.equal(durations(now) - durations(before), 12);
    const sizes = (e: Exposition) => sumOf(e, 'apiserver_response_sizes_count', { resource: 'configmaps' });
    assert.equal(sizes(now) - sizes(before), 5);
    // The namespace's name is in no label.
    assert.ok(!now.samples.some((s) => Object.values(s.labels).includes(ns)), 'no label carries the namespace');
    // The watch cache's count of configmaps: this namespace's two, and those of the others (kube-root-ca.crt...).
    const list = (await json(admin, 'GET', '/api/v1/configmaps')).json<{ items: unknown[] }>();
    await eventually(scrape, (e) => sumOf(e, 'apiserver_storage_objects', { resource: 'configmaps' }) === list.items.length);
    const writes = (e: Exposition) => sumOf(e, 'etcd_request_duration_seconds_count', { operation: 'create', type: 'configmaps' });
    assert.ok(writes(now) - writes(before) >= 3, 'the creates reached the storage');
  });

  it('counts a watch while it runs, and the events it sends', async () => {
    const ns = `watch-${randomBytes(3).toString('hex')}`;
    assert.equal((await json(admin, 'POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
    const before = await scrape();
    const watchers = (e: Exposition) => sumOf(e, 'apiserver_registered_watchers', { group: '', version: 'v1', kind: 'Secret' });
    const longRunning = (e: Exposition) => sumOf(e, 'apiserver_longrunning_requests', { verb: 'WATCH', resource: 'secrets', scope: 'namespace' });
    const events = (e: Exposition) => sumOf(e, 'apiserver_watch_events_total', { group: '', version: 'v1', resource: 'secrets' });
    const received: string[] = [];
    const watch = https.request({
      host: '127.0.0.1',
      port: fd.port,
      path: `/api/v1/namespaces/${ns}/secrets?watch=true`,
      ca: admin.ca,
      cert: admin.cert,
      key: admin.key,
      agent: false,
    });
    const gotEvent = new Promise<void>((resolve, reject) => {
      watch.on('response', (res) => {
        res.on('data', (c: Buffer) => {
          received.push(c.toString());
          resolve();
        });
        res.on('error', () => undefined);
      });
      watch.on('error', reject);
    });
    watch.end();
    const running = await eventually(scrape, (e) => watchers(e) === watchers(before) + 1);
    assert.equal(longRunning(running), longRunning(before) + 1);
    assert.equal((await json(admin, 'POST', `/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 's' } })).status, 201);
    await gotEvent;
    const sent = await eventually(scrape, (e) => events(e) === events(before) + 1);
    assert.equal(watchers(sent), watchers(before) + 1);
    watch.destroy();
    const ended = await eventually(scrape, (e) => watchers(e) === watchers(before));
    assert.equal(longRunning(ended), longRunning(before));
    const total = (e: Exposition) => sumOf(e, 'apiserver_request_total', { verb: 'WATCH', resource: 'secrets', code: '200' });
    assert.equal(total(ended) - total(before), 1, 'the watch is counted once, when it ends');
    assert.ok(received.join('').includes('"ADDED"'));
  });

  it('counts the 429s of an overload as code="429"', async () => {
    const ns = `load-${randomBytes(3).toString('hex')}`;
    assert.equal((await json(admin, 'POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    const tooMany = (e: Exposition) =>
      sumOf(e, 'apiserver_request_total', { verb: 'POST', group: '', version: 'v1', resource: 'configmaps', scope: 'resource', code: '429' });
    const before = await scrape();
    // A create whose body never finishes holds the one mutating seat.
    const body = JSON.stringify({ metadata: { name: 'held' } });
    const held = https.request({
      host: '127.0.0.1',
      port: fd.port,
      path: base,
      method: 'POST',
      ca: admin.ca,
      cert: users.loader.cert,
      key: users.loader.key,
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    });
    const heldDone = new Promise<number>((resolve, reject) => {
      held.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      held.on('error', reject);
    });
    held.write(body.slice(0, 5));
    await eventually(scrape, (e) => sumOf(e, 'apiserver_current_inflight_requests', { request_kind: 'mutating' }) >= 1);
    // One more may wait in line (APF's queue holds as many as the pool has seats); the rest are refused at once.
    const extra = 6;
    const others = Array.from({ length: extra }, (_, i) => json(users.loader, 'POST', base, { metadata: { name: `c${i}` } }));
    const settled: number[] = [];
    others.forEach((p) => void p.then((r) => settled.push(r.status)));
    await eventually(async () => settled.length, (n) => n === extra - 1);
    assert.deepEqual(settled, Array(extra - 1).fill(429));
    held.end(body.slice(5));
    assert.equal(await heldDone, 201);
    const statuses = (await Promise.all(others)).map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(extra - 1).fill(429)]);
    const after = await scrape();
    assert.equal(tooMany(after) - tooMany(before), extra - 1);
  });

  it('adds no label sets for made-up paths, resources and subresources', async () => {
    const before = await scrape();
    const token = () => `zz${randomBytes(4).toString('hex')}`;
    const paths = Array.from({ length: 200 }, (_, i) => {
      const t = token();
      switch (i % 5) {
        case 0:
          return `/api/v1/namespaces/default/${t}`;
        case 1:
          return `/apis/${t}.example.com/v1/${t}`;
        case 2:
          return `/${t}`;
        case 3:
          return `/api/v1/namespaces/default/configmaps/kube-root-ca.crt/${t}`;
        default:
          return `/apis/apps/${t}/deployments`;
      }
    });
    for (let i = 0; i < paths.length; i += 20) {
      const batch = await Promise.all(paths.slice(i, i + 20).map((p) => request(fd.port, p, admin)));
      for (const r of batch) assert.equal(r.status, 404);
    }
    const after = await scrape();
    for (const name of ['apiserver_request_total', 'apiserver_request_duration_seconds_count', 'apiserver_response_sizes_count']) {
      const added = [...seriesOf(after, name)].filter((s) => !seriesOf(before, name).has(s));
      assert.deepEqual(added, [], `${name} gained label sets`);
    }
    assert.ok(!after.samples.some((s) => Object.values(s.labels).some((v) => v.includes('zz'))), 'no made-up name in a label');
  });

  it('counts OpenAPI v3 regenerations for a CRD, and reports an unavailable APIService by name until it is deleted', async () => {
    const group = `m${randomBytes(3).toString('hex')}.example.com`;
    const crdName = `widgets.${group}`;
    const crd = await json(admin, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdName },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    assert.equal(crd.status, 201, crd.body);
    const regenerated = await eventually(scrape, (e) => sumOf(e, 'apiextensions_openapi_v3_regeneration_count', { crd: crdName }) > 0);
    assert.equal(sumOf(regenerated, 'apiextensions_openapi_v3_regeneration_count', { group, version: 'v1', crd: crdName, reason: 'add' }), 1);
    // Custom resources are counted as built-ins are, under their group.
    const widgets = `/apis/${group}/v1/namespaces/default/widgets`;
    await eventually(() => json(admin, 'POST', widgets, { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w' } }), (r) => r.status === 201);
    assert.equal((await json(admin, 'GET', `${widgets}/w`)).status, 200);
    const served = await scrape();
    assert.equal(sumOf(served, 'apiserver_request_total', { verb: 'POST', group, version: 'v1', resource: 'widgets', scope: 'resource', code: '201' }), 1);
    assert.equal(sumOf(served, 'apiserver_request_total', { verb: 'GET', group, version: 'v1', resource: 'widgets', scope: 'resource', code: '200' }), 1);

    // Not the CRD's group: that one is autoregistered as a local APIService.
    const remoteGroup = `r${randomBytes(3).toString('hex')}.example.com`;
    const name = `v1.${remoteGroup}`;
    const apiService = await json(admin, 'POST', '/apis/apiregistration.k8s.io/v1/apiservices', {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name },
      spec: { group: remoteGroup, version: 'v1', service: { namespace: 'default', name: 'no-such-service', port: 443 }, groupPriorityMinimum: 100, versionPriority: 10, insecureSkipTLSVerify: true },
    });
    assert.equal(apiService.status, 201, apiService.body);
    const down = await eventually(scrape, (e) => sumOf(e, 'aggregator_unavailable_apiservice', { name }) === 1, { tries: 200 });
    assert.equal(sumOf(down, 'aggregator_unavailable_apiservice_total', { name, reason: 'ServiceNotFound' }), 1);
    // A local APIService is available: 0.
    assert.equal(sumOf(down, 'aggregator_unavailable_apiservice', { name: 'v1.apps' }), 0);
    assert.ok(seriesOf(down, 'aggregator_unavailable_apiservice').has('name="v1.apps"'));
    assert.equal((await json(admin, 'DELETE', `/apis/apiregistration.k8s.io/v1/apiservices/${name}`)).status, 200);
    await eventually(scrape, (e) => !seriesOf(e, 'aggregator_unavailable_apiservice').has(`name=${JSON.stringify(name)}`));
  });

  it('counts failed TLS handshakes', async () => {
    const count = (e: Exposition) => sumOf(e, 'apiserver_tls_handshake_errors_total');
    const before = count(await scrape());
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(fd.port, '127.0.0.1', () => socket.end('GET / HTTP/1.1\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', reject);
      socket.resume();
    });
    await eventually(scrape, (e) => count(e) === before + 1);
  });
});

describe('/metrics with an audit policy', () => {
  let fd: Frontdoor;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frontdoor-metrics-audit-'));
    const policy = join(dir, 'policy.yaml');
    await writeFile(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n');
    fd = await startFrontdoor({ args: ['--audit-policy-file', policy, '--audit-log-path', join(dir, 'audit.log')] });
  });

  after(async () => {
    await fd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts each audit event sent to the backend', async () => {
    const admin = adminCreds(fd.dataDir);
    const count = async () => {
      const res = await request(fd.port, '/metrics', admin);
      assert.equal(res.status, 200);
      return sumOf(parseExposition(res.body), 'apiserver_audit_event_total');
    };
    const before = await count();
    for (let i = 0; i < 4; i++) assert.equal((await request(fd.port, '/api/v1/namespaces/default/configmaps', admin)).status, 200);
    // One ResponseComplete event per request: the four LISTs, and the scrape before them (its event comes after its body was made).
    assert.equal((await count()) - before, 5);
  });
});
