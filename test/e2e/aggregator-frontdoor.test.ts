import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, request } from '../helpers/https.js';
import { kubectl, kubectlPath, kubectlUntilOk, type KubectlResult } from '../helpers/kubectl.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';

const GROUP = 'things.example.org';
const API_SERVICE = `v1.${GROUP}`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.${GROUP}}
spec:
  group: ${GROUP}
  scope: Namespaced
  names: {plural: things, singular: thing, kind: Thing}
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
              color: {type: string, description: "The thing's colour (from B's schema)."}
`;

const thing = (name: string, color: string) => `apiVersion: ${GROUP}/v1
kind: Thing
metadata: {name: ${name}, namespace: default}
spec: {color: ${color}}
`;

/** B audits only its Things, at Metadata: who asked, for what. */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  resources: [{group: ${GROUP}, resources: [things]}]
- level: None
`;

interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  user: { username?: string; groups?: string[] };
  objectRef?: { resource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every 250 ms until it returns a value (not undefined), for at most `limitMs`; the error names what never happened and what was seen last. */
async function until<T>(what: string, fn: () => Promise<T | undefined>, describeLast: () => string, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs / 1000} s; last seen: ${describeLast()}`);
    await sleep(250);
  }
}

/**
 * A second frontdoor as an aggregated API server behind the first (kube's
 * issue: an aggregated backend serving a CRD group, trusting the first by
 * requestheader with its front-proxy CA), with kubectl 1.32 against the
 * first only: registered by an APIService with a caBundle, Available once
 * the discovery check passes, its resources listed, created, read, watched
 * and deleted through the first, and gone from discovery with the APIService.
 *
 * B is given A's front-proxy CA (and the name A's proxy certificate carries)
 * as its requestheader CA, and a serving SAN for the Service's cluster name
 * (b-api.ns1.svc), which A checks B's certificate against with the caBundle
 * (B's generated cluster CA, which signs B's serving certificate). The
 * Service is an ExternalName for 127.0.0.1: Endpoints refuse loopback
 * addresses, and A resolves an ExternalName to the name and the APIService's
 * port.
 *
 * Who B saw is read from B's audit log: A's admin certificate is signed by
 * A's client CA, which B does not trust, so B can know that user only from
 * the X-Remote-* headers of A's front-proxy connection; a request that A's
 * admin sends impersonating another user shows up in B as that user.
 */
describe('a second frontdoor as an aggregated API server behind the first, with kubectl', () => {
  let a: Frontdoor;
  let b: Frontdoor;
  let tmp: TempDir;
  let auditLog: string;
  let cacheDir: string;
  let kA: (args: string[], stdin?: string) => Promise<KubectlResult>;
  let kB: (args: string[], stdin?: string) => Promise<KubectlResult>;
  const watchers: ChildProcess[] = [];
  const ok = (r: KubectlResult) => {
    assert.equal(r.code, 0, `kubectl failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    tmp = await makeTempDir('frontdoor-aggregator-e2e-');
    cacheDir = join(tmp.path, 'kube-cache');
    auditLog = join(tmp.path, 'b-audit.log');
    const policy = join(tmp.path, 'b-audit-policy.yaml');
    await writeFile(policy, AUDIT_POLICY);

    a = await startFrontdoor();
    b = await startFrontdoor({
      args: [
        '--requestheader-client-ca-file', join(a.dataDir, 'pki', 'front-proxy-ca.crt'),
        '--requestheader-allowed-names', 'front-proxy-client',
        '--tls-sans', 'b-api.ns1.svc',
        '--audit-policy-file', policy,
        '--audit-log-path', auditLog,
      ],
    });
    // Each its own discovery cache, away from $HOME: nothing cached elsewhere decides what kubectl sees.
    kA = (args, stdin) => kubectl(a.kubeconfig, ['--cache-dir', join(cacheDir, 'a'), ...args], { stdin });
    kB = (args, stdin) => kubectl(b.kubeconfig, ['--cache-dir', join(cacheDir, 'b'), ...args], { stdin });
    ok(await kubectlUntilOk(a.kubeconfig, ['get', 'ns', 'default']));
    ok(await kubectlUntilOk(b.kubeconfig, ['get', 'ns', 'default']));

    ok(await kB(['apply', '-f', '-'], CRD));
    let last: KubectlResult | undefined;
    await until(
      'B serves its Things',
      async () => ((last = await kB(['get', 'things', '-n', 'default'])).code === 0 ? true : undefined),
      () => JSON.stringify(last),
    );
  });

  after(async () => {
    for (const w of watchers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
    await a?.stop();
    await b?.stop();
    await tmp?.remove();
  });

  it('registers B by an APIService with a caBundle; it becomes Available (Passed)', async () => {
    const caBundle = (await readFile(join(b.dataDir, 'pki', 'ca.crt'))).toString('base64');
    const manifests = `apiVersion: v1
kind: Namespace
metadata: {name: ns1}
---
apiVersion: v1
kind: Service
metadata: {name: b-api, namespace: ns1}
spec:
  type: ExternalName
  externalName: 127.0.0.1
  ports: [{port: ${b.port}}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: ${API_SERVICE}}
spec:
  group: ${GROUP}
  version: v1
  service: {namespace: ns1, name: b-api, port: ${b.port}}
  caBundle: ${caBundle}
  groupPriorityMinimum: 1000
  versionPriority: 15
`;
    ok(await kA(['apply', '-f', '-'], manifests));
    let last = '';
    const condition = await until(
      `APIService ${API_SERVICE} Available=True`,
      async () => {
        const r = await kA(['get', 'apiservice', API_SERVICE, '-o', 'jsonpath={.status.conditions[?(@.type=="Available")]}']);
        last = `${r.code} ${r.stdout} ${r.stderr}`;
        if (r.code !== 0 || r.stdout === '') return undefined;
        const c = JSON.parse(r.stdout) as { status: string; reason: string; message: string };
        return c.status === 'True' ? c : undefined;
      },
      () => last,
    );
    assert.equal(condition.reason, 'Passed');
    // kubectl's own column: the Service, and True.
    assert.match(ok(await kA(['get', 'apiservice', API_SERVICE])), new RegExp(`\\n${API_SERVICE.replace(/\./g, '\\.')}\\s+ns1/b-api\\s+True\\s`));
  });

  it('lists B’s resources in A’s discovery: kubectl api-resources and /apis', async () => {
    let last: KubectlResult | undefined;
    // Discovery of B is asked for at registration; until it answers, the group is listed without resources.
    const out = await until(
      'kubectl api-resources through A lists things',
      async () => ((last = await kA(['api-resources', '--api-group', GROUP])).code === 0 && /\nthings\s/.test(last.stdout) ? last.stdout : undefined),
      () => JSON.stringify(last),
    );
    assert.match(out, new RegExp(`\\nthings\\s+${GROUP.replace(/\./g, '\\.')}/v1\\s+true\\s+Thing\\n`));
    const apis = JSON.parse(ok(await kA(['get', '--raw', '/apis']))) as { groups: { name: string; preferredVersion: { version: string } }[] };
    const group = apis.groups.find((g) => g.name === GROUP);
    assert.ok(group, `/apis lists ${GROUP}`);
    assert.equal(group.preferredVersion.version, 'v1');
  });

  it('serves B’s OpenAPI through A: /openapi/v3 lists B’s group-version and kubectl explain reads it', async () => {
    let last: KubectlResult | undefined;
    const out = await until(
      'kubectl explain things.spec through A',
      async () => ((last = await kA(['explain', 'things.spec'])).code === 0 ? last.stdout : undefined),
      () => JSON.stringify(last),
    );
    assert.match(out, /The thing's colour \(from B's schema\)\./);
    const index = JSON.parse(ok(await kA(['get', '--raw', '/openapi/v3']))) as { paths: Record<string, unknown> };
    assert.ok(index.paths[`apis/${GROUP}/v1`]);
    const v2 = JSON.parse(ok(await kA(['get', '--raw', '/openapi/v2']))) as { definitions: Record<string, unknown> };
    assert.ok(v2.definitions['org.example.things.v1.Thing'], 'B’s definitions join A’s v2 document');
  });

  it('creates, gets and deletes a Thing through A; it lives in B', async () => {
    assert.match(ok(await kA(['apply', '-f', '-'], thing('t1', 'red'))), new RegExp(`thing\\.${GROUP.replace(/\./g, '\\.')}/t1 created`));
    assert.match(ok(await kA(['get', 'things'])), /^NAME\s+AGE\nt1\s+\S+\n$/);
    const yaml = ok(await kA(['get', 'thing', 't1', '-o', 'yaml']));
    assert.match(yaml, new RegExp(`^apiVersion: ${GROUP.replace(/\./g, '\\.')}/v1\\n`));
    assert.match(yaml, /\nkind: Thing\n/);
    assert.match(yaml, /\n {2}color: red\n/);
    const uidA = ok(await kA(['get', 'thing', 't1', '-o', 'jsonpath={.metadata.uid}']));
    // B has it, the same object: A stores nothing of B's group.
    assert.equal(ok(await kB(['get', 'thing', 't1', '-n', 'default', '-o', 'jsonpath={.metadata.uid}'])), uidA);

    assert.match(ok(await kA(['delete', 'thing', 't1'])), /deleted/);
    const gone = await kB(['get', 'thing', 't1', '-n', 'default']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NotFound|not found/);
  });

  it('B saw A’s user (by requestheader), and an impersonated user as that user', async () => {
    ok(await kA(['apply', '-f', '-'], thing('t-as', 'blue')));
    ok(await kA(['get', 'thing', 't-as', '--as', 'e2e-someone', '--as-group', 'system:masters']));
    ok(await kA(['delete', 'thing', 't-as']));
    let events: AuditEvent[] = [];
    const find = (verb: string, username: string) =>
      events.find((e) => e.stage === 'ResponseComplete' && e.verb === verb && e.objectRef?.name === 't-as' && e.user.username === username);
    // The audit backend writes asynchronously: wait until the last request's event is on disk.
    await until(
      'B’s audit log has the delete of t-as',
      async () => {
        events = (await readFile(auditLog, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
        return events.some((e) => e.stage === 'ResponseComplete' && e.verb === 'delete' && e.objectRef?.name === 't-as') ? true : undefined;
      },
      () => JSON.stringify(events.slice(-5)),
    );
    const create = find('create', 'admin');
    assert.ok(create, `B audited the create of t-as as admin; events: ${JSON.stringify(events)}`);
    assert.ok(create.user.groups?.includes('system:masters'), `groups ${JSON.stringify(create.user.groups)}`);
    assert.equal(create.responseStatus?.code, 201);
    const get = find('get', 'e2e-someone');
    assert.ok(get, `B audited the impersonated get as e2e-someone; events: ${JSON.stringify(events)}`);
    assert.ok(get.user.groups?.includes('system:masters'));
    assert.equal(get.responseStatus?.code, 200);
    assert.ok(find('delete', 'admin'), 'B audited the delete as admin');
  });

  it('watches through A with kubectl get -w: a created and a deleted Thing', async () => {
    const w = spawn(kubectlPath(), ['--kubeconfig', a.kubeconfig, '--cache-dir', join(cacheDir, 'a'), 'get', 'things', '-w', '--output-watch-events'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: a.kubeconfig },
    });
    watchers.push(w);
    const lines: string[] = [];
    let stderr = '';
    let buffered = '';
    w.stdout!.on('data', (c: Buffer) => {
      buffered += c.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    });
    w.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const seen = (re: RegExp) =>
      until(
        `kubectl get things -w prints ${re}`,
        async () => {
          if (w.exitCode !== null) throw new Error(`kubectl get -w exited (${w.exitCode}): ${stderr}; lines: ${JSON.stringify(lines)}`);
          return lines.some((l) => re.test(l)) ? true : undefined;
        },
        () => `lines ${JSON.stringify(lines)}, stderr ${JSON.stringify(stderr)}`,
      );
    try {
      // The header comes with the first event; with no Things yet it waits for one.
      assert.match(ok(await kA(['create', '-f', '-'], thing('t2', 'green'))), /\/t2 created/);
      await seen(/^ADDED\s+t2\s/);
      ok(await kA(['delete', 'thing', 't2']));
      await seen(/^DELETED\s+t2\s/);
      assert.match(lines[0] ?? '', /^EVENT\s+NAME\s+AGE$/);
    } finally {
      w.kill('SIGTERM');
    }
  });

  it('deleting the APIService takes the group out of A’s discovery; its paths are 404', async () => {
    ok(await kA(['delete', 'apiservice', API_SERVICE]));
    let last: KubectlResult | undefined;
    await until(
      'kubectl api-resources through A no longer lists things',
      async () => ((last = await kA(['api-resources'])).code === 0 && !last.stdout.includes(GROUP) ? true : undefined),
      () => JSON.stringify(last),
    );
    const apis = JSON.parse(ok(await kA(['get', '--raw', '/apis']))) as { groups: { name: string }[] };
    assert.deepEqual(apis.groups.filter((g) => g.name === GROUP), []);
    const creds = adminCreds(a.dataDir);
    for (const path of [`/apis/${GROUP}/v1/namespaces/default/things`, `/apis/${GROUP}/v1`, `/apis/${GROUP}`]) {
      const r = await request(a.port, path, creds);
      assert.equal(r.status, 404, `${path}: ${r.status} ${r.body}`);
    }
    const get = await kA(['get', 'things']);
    assert.notEqual(get.code, 0);
    assert.match(get.stderr, /the server doesn't have a resource type "things"/);
    // B itself still serves them.
    ok(await kB(['get', 'things', '-n', 'default']));
  });
});
