import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { adminCreds, request, type ClientCreds } from '../helpers/https.js';
import { kubectl, type KubectlResult, kubectlUntilOk } from '../helpers/kubectl.js';

interface Status {
  code: number;
  reason: string;
  message: string;
}

interface SelfSubjectReview {
  status: { userInfo: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } };
}

/** Authentication end to end: kubectl 1.32 and plain HTTPS against one server with a token file. */
describe('authentication, impersonation and the reviews', () => {
  let fd: Frontdoor;
  let dir: string;
  let admin: ClientCreds;
  let anon: ClientCreds;
  let tokenKubeconfig: string;
  const k = (args: string[]) => kubectl(fd.kubeconfig, args);
  const ok = (r: KubectlResult) => {
    assert.equal(r.code, 0, `kubectl failed: ${r.stderr}`);
    return r.stdout;
  };
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const whoamiAs = async (creds: ClientCreds, headers: Record<string, string> = {}) =>
    request(fd.port, '/apis/authentication.k8s.io/v1/selfsubjectreviews', creds, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frontdoor-authn-'));
    const tokens = join(dir, 'tokens.csv');
    await writeFile(tokens, 'alice-token,alice,uid-alice,"dev,ops"\n');
    fd = await startFrontdoor({ args: ['--token-auth-file', tokens] });
    admin = adminCreds(fd.dataDir);
    anon = adminCreds(fd.dataDir, { anonymous: true });
    tokenKubeconfig = join(dir, 'alice.kubeconfig');
    await writeFile(
      tokenKubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- cluster: {server: "https://127.0.0.1:${fd.port}", certificate-authority: "${join(fd.dataDir, 'pki', 'ca.crt')}"}`,
        '  name: c',
        'contexts:',
        '- context: {cluster: c, user: alice}',
        '  name: c',
        'current-context: c',
        'users:',
        '- name: alice',
        '  user: {token: alice-token}',
        '',
      ].join('\n'),
    );
    await kubectlUntilOk(fd.kubeconfig, ['get', 'ns', 'default']);
  });
  after(async () => {
    await fd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves /healthz to a client without credentials, and refuses it /api with 403 as system:anonymous', async () => {
    assert.equal((await request(fd.port, '/healthz', anon)).status, 200);
    const r = await request(fd.port, '/api', anon);
    assert.equal(r.status, 403);
    assert.equal(r.json<Status>().message, 'forbidden: User "system:anonymous" cannot get path "/api"');
  });

  it('answers a bad bearer token with 401, even on /healthz', async () => {
    for (const path of ['/api', '/healthz']) {
      const r = await request(fd.port, path, anon, bearer('not-a-token'));
      assert.equal(r.status, 401, path);
      assert.equal(r.json<Status>().reason, 'Unauthorized');
    }
  });

  it('kubectl auth whoami names the admin and a token-file user', async () => {
    const out = ok(await k(['auth', 'whoami']));
    assert.match(out, /Username\s+admin/);
    assert.match(out, /Groups\s+\[system:masters system:authenticated\]/);
    const alice = ok(await kubectl(tokenKubeconfig, ['auth', 'whoami']));
    assert.match(alice, /Username\s+alice/);
    assert.match(alice, /UID\s+uid-alice/);
    assert.match(alice, /Groups\s+\[dev ops system:authenticated\]/);
  });

  it('issues service account tokens that authenticate until the account is deleted', async () => {
    ok(await k(['create', 'serviceaccount', 'bot']));
    const token = ok(await k(['create', 'token', 'bot'])).trim();
    const r = await whoamiAs(anon, bearer(token).headers);
    assert.equal(r.status, 201, r.body);
    const user = r.json<SelfSubjectReview>().status.userInfo;
    assert.equal(user.username, 'system:serviceaccount:default:bot');
    assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    assert.match(user.extra?.['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^JTI=/);

    // the TokenReview agrees, and says for which audience
    const review = await request(fd.port, '/apis/authentication.k8s.io/v1/tokenreviews', admin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
    });
    assert.equal(review.status, 201, review.body);
    const status = review.json<{ status: { authenticated: boolean; user: { username: string }; audiences: string[] } }>().status;
    assert.equal(status.authenticated, true);
    assert.equal(status.user.username, 'system:serviceaccount:default:bot');
    assert.deepEqual(status.audiences, ['https://kubernetes.default.svc']);

    ok(await k(['delete', 'serviceaccount', 'bot']));
    assert.equal((await whoamiAs(anon, bearer(token).headers)).status, 401);
    ok(await k(['create', 'serviceaccount', 'bot']));
    assert.equal((await whoamiAs(anon, bearer(token).headers)).status, 401, 'a new account of the same name has another uid');
  });

  it('TokenRequest: audiences and expiry as asked, at least 10 minutes, bound to a pod of that account', async () => {
    ok(await k(['create', 'serviceaccount', 'builder']));
    const r = await request(fd.port, '/api/v1/namespaces/default/serviceaccounts/builder/token', admin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 1200 } }),
    });
    assert.equal(r.status, 201, r.body);
    const tr = r.json<{ kind: string; spec: { audiences: string[]; expirationSeconds: number }; status: { token: string; expirationTimestamp: string } }>();
    assert.equal(tr.kind, 'TokenRequest');
    assert.deepEqual(tr.spec.audiences, ['vault']);
    const lifetime = Date.parse(tr.status.expirationTimestamp) - Date.now();
    assert.ok(lifetime > 1_100_000 && lifetime <= 1_200_000, `expires in ${lifetime} ms`);
    // meant for vault, not for this server
    assert.equal((await whoamiAs(anon, bearer(tr.status.token).headers)).status, 401);

    const short = await request(fd.port, '/api/v1/namespaces/default/serviceaccounts/builder/token', admin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ spec: { expirationSeconds: 60 } }),
    });
    assert.equal(short.status, 422);
    assert.equal(short.json<Status>().message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');

    const missing = await request(fd.port, '/api/v1/namespaces/default/serviceaccounts/nobody/token', admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(missing.status, 404);

    ok(await k(['run', 'web', '--image=nginx', '--overrides={"spec":{"serviceAccountName":"builder"}}']));
    const bound = ok(await k(['create', 'token', 'builder', '--bound-object-kind=Pod', '--bound-object-name=web'])).trim();
    const who = await whoamiAs(anon, bearer(bound).headers);
    assert.equal(who.status, 201, who.body);
    assert.deepEqual(who.json<SelfSubjectReview>().status.userInfo.extra?.['authentication.kubernetes.io/pod-name'], ['web']);
    ok(await k(['delete', 'pod', 'web', '--wait=false']));
    assert.equal((await whoamiAs(anon, bearer(bound).headers)).status, 401, 'the pod is gone');

    const otherAccount = await k(['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=web']);
    assert.notEqual(otherAccount.code, 0);
  });

  it('takes the user from X-Remote-* headers of the front proxy, and ignores them from anyone else', async () => {
    const pki = join(fd.dataDir, 'pki');
    const proxy: ClientCreds = {
      ca: anon.ca,
      cert: readFileSync(join(pki, 'front-proxy-client.crt'), 'utf8'),
      key: readFileSync(join(pki, 'front-proxy-client.key'), 'utf8'),
    };
    const headers = { 'x-remote-user': 'carol', 'x-remote-group': 'team-a', 'x-remote-extra-scopes': 'read' };
    const r = await whoamiAs(proxy, headers);
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json<SelfSubjectReview>().status.userInfo, { username: 'carol', groups: ['team-a', 'system:authenticated'], extra: { scopes: ['read'] } });

    const spoofed = await whoamiAs(anon, { ...headers, ...bearer('alice-token').headers });
    assert.equal(spoofed.json<SelfSubjectReview>().status.userInfo.username, 'alice');
    const spoofedAdmin = await whoamiAs(admin, headers);
    assert.equal(spoofedAdmin.json<SelfSubjectReview>().status.userInfo.username, 'admin');
  });

  it('lets system:masters impersonate, and refuses others with kube\'s 403', async () => {
    const out = ok(await k(['auth', 'whoami', '--as', 'bob', '--as-group', 'g1']));
    assert.match(out, /Username\s+bob/);
    assert.match(out, /Groups\s+\[g1 system:authenticated\]/);

    const refused = await kubectl(tokenKubeconfig, ['auth', 'whoami', '--as', 'bob']);
    assert.notEqual(refused.code, 0);
    const r = await whoamiAs(anon, { ...bearer('alice-token').headers, 'impersonate-user': 'bob' });
    assert.equal(r.status, 403);
    assert.equal(r.json<Status>().message, 'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
  });
});
