import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request, type ClientCreds, type Response } from '../helpers/https.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';

/** The policy mixes every level, a rule-level omitStages and first-match-wins ordering. */
const POLICY = `
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
  - level: Metadata
    nonResourceURLs: ["/version"]
  # Secrets in "reqsec" at Request: listed before the Metadata rule for all secrets, so it wins there.
  - level: Request
    namespaces: ["reqsec"]
    resources: [{ group: "", resources: ["secrets"] }]
  - level: Metadata
    resources: [{ group: "", resources: ["secrets"] }]
    omitStages: ["RequestReceived"]
  - level: Request
    resources: [{ group: "", resources: ["configmaps"] }]
  - level: RequestResponse
    namespaces: ["audited"]
    resources: [{ group: "", resources: ["pods", "pods/status"] }]
`;

interface AuditEvent {
  kind: string;
  apiVersion: string;
  level: string;
  auditID: string;
  stage: string;
  requestURI: string;
  verb: string;
  user: { username?: string; groups?: string[] };
  impersonatedUser?: { username?: string; groups?: string[] };
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: Record<string, string>;
  responseStatus?: { metadata: object; code?: number; status?: string; reason?: string; message?: string };
  requestObject?: Record<string, unknown>;
  responseObject?: Record<string, unknown>;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('audit log with a policy that mixes levels', () => {
  let fd: Frontdoor;
  let admin: ClientCreds;
  let tmp: TempDir;
  let logPath: string;
  /** Audit-ID of each request, by a name the assertions use. */
  const ids = new Map<string, string>();
  let events: AuditEvent[] = [];

  const send = async (name: string, path: string, opts: { method?: string; body?: unknown; headers?: Record<string, string>; creds?: ClientCreds } = {}): Promise<Response> => {
    const r = await request(fd.port, path, opts.creds ?? admin, {
      method: opts.method,
      headers: { 'user-agent': 'audit-test/1.0', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    });
    ids.set(name, String(r.headers['audit-id']));
    return r;
  };
  const of = (name: string): AuditEvent[] => events.filter((e) => e.auditID === ids.get(name));
  const stagesOf = (name: string) => of(name).map((e) => `${e.stage}@${e.level}`);
  const last = (name: string): AuditEvent => {
    const evs = of(name);
    assert.ok(evs.length > 0, `no events for ${name}`);
    return evs[evs.length - 1]!;
  };

  before(async () => {
    tmp = await makeTempDir('frontdoor-audit-');
    logPath = join(tmp.path, 'logs', 'audit.log');
    const policyPath = join(tmp.path, 'policy.yaml');
    await writeFile(policyPath, POLICY);
    fd = await startFrontdoor({ args: ['--audit-policy-file', policyPath, '--audit-log-path', logPath] });
    admin = adminCreds(fd.dataDir);

    for (const ns of ['audited', 'reqsec']) {
      assert.equal((await send(`ns-${ns}`, '/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } })).status, 201);
    }
    // /healthz fails until the post-start hooks are done; every try is a None-level request.
    await eventually(() => send('healthz', '/healthz'), (r) => r.status === 200);
    assert.equal((await send('version', '/version')).status, 200);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, data: { password: 'aHVudGVyMg==' }, stringData: { token: 'plain-secret' } };
    assert.equal((await send('secret-default', '/api/v1/namespaces/default/secrets', { method: 'POST', body: secret })).status, 201);
    assert.equal((await send('secret-reqsec', '/api/v1/namespaces/reqsec/secrets', { method: 'POST', body: secret })).status, 201);
    const sp = await send('secret-patch', '/api/v1/namespaces/reqsec/secrets/s1', {
        method: 'PATCH',
        body: { data: { password: 'bmV3LXNlY3JldA==' }, metadata: { labels: { patched: 'yes' } } },
        headers: { 'content-type': 'application/merge-patch+json' },
      });
    assert.equal(sp.status, 200, sp.body);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1' }, data: { key: 'value' } };
    assert.equal((await send('cm-create', '/api/v1/namespaces/default/configmaps', { method: 'POST', body: cm })).status, 201);
    assert.equal((await send('cm-get-missing', '/api/v1/namespaces/default/configmaps/nope')).status, 404);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    assert.equal((await send('pod-audited', '/api/v1/namespaces/audited/pods', { method: 'POST', body: pod })).status, 201);
    assert.equal((await send('pod-default', '/api/v1/namespaces/default/pods', { method: 'POST', body: pod })).status, 201);
    assert.equal((await send('pods-list', '/api/v1/namespaces/audited/pods')).status, 200);
    // Anonymous (no client certificate): authenticated as system:anonymous, then forbidden by RBAC.
    assert.equal((await send('cm-forbidden', '/api/v1/namespaces/default/configmaps', { creds: adminCreds(fd.dataDir, { anonymous: true }) })).status, 403);
    // A bearer token nobody issued: authentication fails.
    assert.equal(
      (await send('cm-unauthenticated', '/api/v1/namespaces/default/configmaps', { creds: adminCreds(fd.dataDir, { anonymous: true }), headers: { authorization: 'Bearer not-a-token' } })).status,
      401,
    );
    assert.equal((await send('cm-impersonated', '/api/v1/namespaces/default/configmaps', { headers: { 'impersonate-user': 'alice' } })).status, 403);
    await watchBriefly('pods-watch', '/api/v1/namespaces/audited/pods?watch=true');

    // The last request's final stage is on disk: everything before it was queued earlier.
    await eventually(readEvents, (evs) => evs.some((e) => e.auditID === ids.get('pods-watch') && e.stage === 'ResponseComplete'));
    // One more after that, which only the flush on graceful shutdown is guaranteed to write.
    assert.equal((await send('cm-last', '/api/v1/namespaces/default/configmaps/cm1')).status, 200);
    await fd.stop();
    events = await readEvents();
  });

  after(async () => {
    if (fd && fd.proc.exitCode === null) await fd.stop();
    await tmp?.remove();
  });

  async function readEvents(): Promise<AuditEvent[]> {
    const text = await readFile(logPath, 'utf8');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
  }

  /** A watch that is closed by the client once its headers arrive. */
  function watchBriefly(name: string, path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: fd.port, path, ca: admin.ca, cert: admin.cert, key: admin.key, agent: false }, (res) => {
        ids.set(name, String(res.headers['audit-id']));
        assert.equal(res.statusCode, 200);
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (ids.has(name) ? resolve() : reject(err)));
      req.end();
    });
  }

  it('writes only audit.k8s.io/v1 Events with microsecond timestamps', () => {
    assert.ok(events.length > 0);
    for (const e of events) {
      assert.equal(e.kind, 'Event');
      assert.equal(e.apiVersion, 'audit.k8s.io/v1');
      assert.match(e.requestReceivedTimestamp, MICRO_TIME);
      assert.match(e.stageTimestamp, MICRO_TIME);
      assert.ok(e.stageTimestamp >= e.requestReceivedTimestamp);
    }
  });

  it('audits nothing for requests whose first matching rule is None, or that no rule matches', () => {
    assert.deepEqual(stagesOf('healthz'), []);
    assert.deepEqual(stagesOf('ns-audited'), [], 'namespaces match no rule: None');
  });

  it('records a non-resource request at Metadata with its lowercase HTTP verb', () => {
    assert.deepEqual(stagesOf('version'), ['RequestReceived@Metadata', 'ResponseComplete@Metadata']);
    const e = last('version');
    assert.equal(e.verb, 'get');
    assert.equal(e.requestURI, '/version');
    assert.equal(e.objectRef, undefined);
    assert.deepEqual(e.responseStatus, { metadata: {}, code: 200 });
    assert.equal(e.userAgent, 'audit-test/1.0');
    assert.deepEqual(e.sourceIPs, ['127.0.0.1']);
    assert.ok(e.user.groups?.includes('system:masters'), JSON.stringify(e.user));
  });

  it('keeps no bodies at Metadata and honours the rule\'s omitStages', () => {
    assert.deepEqual(stagesOf('secret-default'), ['ResponseComplete@Metadata']);
    const e = last('secret-default');
    assert.equal(e.verb, 'create');
    assert.deepEqual(e.objectRef, { resource: 'secrets', namespace: 'default', name: 's1', apiVersion: 'v1' });
    assert.equal(e.requestObject, undefined);
    assert.equal(e.responseObject, undefined);
    assert.equal(e.responseStatus?.code, 201);
    assert.equal(e.annotations?.['authorization.k8s.io/decision'], 'allow');
  });

  it('drops a Secret\'s data and stringData at Request level, keeping its metadata', () => {
    assert.deepEqual(stagesOf('secret-reqsec'), ['RequestReceived@Request', 'ResponseComplete@Request']);
    const e = last('secret-reqsec');
    assert.deepEqual(e.requestObject, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' } });
    assert.equal(e.responseObject, undefined);
    const p = last('secret-patch');
    assert.equal(p.verb, 'patch');
    assert.deepEqual(p.requestObject, { metadata: { labels: { patched: 'yes' } } });
    const raw = JSON.stringify(events);
    for (const value of ['aHVudGVyMg==', 'plain-secret', 'bmV3LXNlY3JldA==']) assert.ok(!raw.includes(value), `${value} leaked into the audit log`);
  });

  it('keeps the request body but not the response at Request level', () => {
    assert.deepEqual(stagesOf('cm-create'), ['RequestReceived@Request', 'ResponseComplete@Request']);
    const e = last('cm-create');
    assert.deepEqual(e.requestObject, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1' }, data: { key: 'value' } });
    assert.equal(e.responseObject, undefined);
    assert.deepEqual(e.objectRef, { resource: 'configmaps', namespace: 'default', name: 'cm1', apiVersion: 'v1' });
    const missing = last('cm-get-missing');
    assert.equal(missing.verb, 'get');
    assert.deepEqual(missing.responseStatus, {
      metadata: {},
      status: 'Failure',
      message: 'configmaps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'configmaps' },
      code: 404,
    });
    assert.equal(missing.responseObject, undefined);
  });

  it('keeps request and response bodies at RequestResponse, only in the namespace the rule names', () => {
    assert.deepEqual(stagesOf('pod-audited'), ['RequestReceived@RequestResponse', 'ResponseComplete@RequestResponse']);
    const e = last('pod-audited');
    assert.equal((e.requestObject?.metadata as { name: string }).name, 'web');
    assert.equal(e.responseObject?.kind, 'Pod');
    assert.ok((e.responseObject?.metadata as { uid?: string }).uid, 'the response is the stored pod');
    assert.deepEqual(stagesOf('pod-default'), []);
    const list = last('pods-list');
    assert.equal(list.verb, 'list');
    assert.equal(list.responseObject?.kind, 'PodList');
    assert.equal(list.requestObject, undefined);
  });

  it('adds ResponseStarted for a watch and completes it when the client leaves', () => {
    assert.deepEqual(stagesOf('pods-watch'), ['RequestReceived@RequestResponse', 'ResponseStarted@RequestResponse', 'ResponseComplete@RequestResponse']);
    const e = last('pods-watch');
    assert.equal(e.verb, 'watch');
    assert.equal(e.responseStatus?.code, 200);
    assert.equal(e.responseObject, undefined);
  });

  it('audits an authorization denial with kube\'s decision annotations', () => {
    assert.deepEqual(stagesOf('cm-forbidden'), ['RequestReceived@Request', 'ResponseComplete@Request']);
    const e = last('cm-forbidden');
    assert.equal(e.user.username, 'system:anonymous');
    assert.equal(e.responseStatus?.code, 403);
    assert.equal(e.responseStatus?.reason, 'Forbidden');
    assert.equal(e.annotations?.['authorization.k8s.io/decision'], 'forbid');
    assert.equal(typeof e.annotations?.['authorization.k8s.io/reason'], 'string');
  });

  it('audits a failed authentication with no user, at ResponseStarted only, as kube', () => {
    assert.deepEqual(stagesOf('cm-unauthenticated'), ['ResponseStarted@Request']);
    const e = last('cm-unauthenticated');
    assert.deepEqual(e.user, {});
    assert.equal(e.verb, 'list');
    assert.deepEqual(e.objectRef, { resource: 'configmaps', namespace: 'default', apiVersion: 'v1' });
    assert.deepEqual(e.responseStatus, { metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('records the impersonated user beside the one who authenticated', () => {
    const e = last('cm-impersonated');
    assert.ok(e.user.groups?.includes('system:masters'));
    assert.deepEqual(e.impersonatedUser, { username: 'alice', groups: ['system:authenticated'] });
    assert.equal(e.responseStatus?.code, 403);
  });

  it('writes the events still queued when the server shuts down gracefully', () => {
    assert.deepEqual(stagesOf('cm-last'), ['RequestReceived@Request', 'ResponseComplete@Request']);
  });
});
