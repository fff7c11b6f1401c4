import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InvalidCredentialsError } from '../../../src/auth/authenticator/authenticator.js';
import { createServiceAccountAuthenticator } from '../../../src/auth/authenticator/service-account.js';
import type { ServiceAccountTokenGetter } from '../../../src/auth/serviceaccount/getter.js';
import { parseJWT, signJWT } from '../../../src/auth/serviceaccount/jwt.js';
import { ensureSigningKey, keyID, loadVerifyKeys, type SigningKey } from '../../../src/auth/serviceaccount/keys.js';
import { TokenGenerator } from '../../../src/auth/serviceaccount/token-generator.js';
import type { KubeObject } from '../../../src/registry/object.js';

const ISSUER = 'https://kubernetes.default.svc';
const AUD = [ISSUER];

function rsaKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { key: privateKey, alg: 'RS256', kid: keyID(publicKey) };
}

/** Objects by kind and namespace/name, editable by the test. */
function objects() {
  const all = new Map<string, KubeObject>();
  const getter = (kind: string) => async (ns: string, name: string) => all.get(`${kind}/${ns}/${name}`);
  const g: ServiceAccountTokenGetter = { serviceAccount: getter('sa'), pod: getter('pod'), secret: getter('secret') };
  return { all, getter: g, put: (kind: string, ns: string, name: string, uid: string, more: Record<string, unknown> = {}) => all.set(`${kind}/${ns}/${name}`, { metadata: { name, namespace: ns, uid, ...more } }) };
}

describe('service account tokens', () => {
  const key = rsaKey();
  let now = new Date('2025-01-01T00:00:00Z');
  const clock = () => now;
  const generator = new TokenGenerator(ISSUER, key, clock);
  const store = objects();
  store.put('sa', 'ns1', 'bot', 'sa-uid');
  store.put('pod', 'ns1', 'web', 'pod-uid');
  const authn = createServiceAccountAuthenticator({ issuers: [ISSUER], keys: [{ key: key.key, kid: key.kid }], getter: store.getter, now: clock });
  const issue = (more: Partial<Parameters<TokenGenerator['generate']>[0]> = {}) =>
    generator.generate({ namespace: 'ns1', serviceAccount: { name: 'bot', uid: 'sa-uid' }, audiences: AUD, expirationSeconds: 3600, ...more }).token;

  it('accepts a fresh token and names the service account, its groups and the token id', async () => {
    const token = issue();
    const r = await authn.authenticateToken(token, AUD);
    const jti = parseJWT(token)!.payload.jti as string;
    assert.deepEqual(r, {
      user: {
        name: 'system:serviceaccount:ns1:bot',
        uid: 'sa-uid',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1'],
        extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${jti}`] },
      },
      audiences: AUD,
    });
    assert.equal(parseJWT(token)!.header.kid, key.kid);
  });

  it('puts the bound pod in the claims and the user\'s extra', async () => {
    const r = await authn.authenticateToken(issue({ pod: { name: 'web', uid: 'pod-uid' } }), AUD);
    assert.deepEqual(r?.user.extra?.['authentication.kubernetes.io/pod-name'], ['web']);
    assert.deepEqual(r?.user.extra?.['authentication.kubernetes.io/pod-uid'], ['pod-uid']);
  });

  it('has nothing to say for a token of another issuer, or for something that is not a JWT', async () => {
    const foreign = new TokenGenerator('https://elsewhere', key, clock).generate({ namespace: 'ns1', serviceAccount: { name: 'bot', uid: 'sa-uid' }, audiences: AUD, expirationSeconds: 3600 }).token;
    assert.equal(await authn.authenticateToken(foreign, AUD), null);
    assert.equal(await authn.authenticateToken('tok-alice', AUD), null);
  });

  const refused = async (token: string, pattern: RegExp, audiences = AUD) => {
    await assert.rejects(async () => authn.authenticateToken(token, audiences), (err: Error) => err instanceof InvalidCredentialsError && pattern.test(err.message));
  };

  it('refuses a token signed by another key', async () => {
    const forged = new TokenGenerator(ISSUER, rsaKey(), clock).generate({ namespace: 'ns1', serviceAccount: { name: 'bot', uid: 'sa-uid' }, audiences: AUD, expirationSeconds: 3600 }).token;
    await refused(forged, /invalid bearer token/);
  });

  it('refuses a token whose payload was altered', async () => {
    const [h, , s] = issue().split('.');
    const payload = Buffer.from(JSON.stringify({ iss: ISSUER, exp: 2e9, 'kubernetes.io': { namespace: 'kube-system', serviceaccount: { name: 'admin', uid: 'x' } } })).toString('base64url');
    await refused(`${h}.${payload}.${s}`, /invalid bearer token/);
  });

  it('refuses an expired token (after a minute of leeway)', async () => {
    const token = issue({ expirationSeconds: 600 });
    now = new Date(now.getTime() + 650_000);
    assert.ok(await authn.authenticateToken(token, AUD), 'within the leeway');
    now = new Date(now.getTime() + 20_000);
    await refused(token, /has expired/);
    now = new Date('2025-01-01T00:00:00Z');
  });

  it('refuses a token meant for other audiences', async () => {
    await refused(issue({ audiences: ['vault'] }), /token audiences \["vault"\] is invalid for the target audiences/);
  });

  it('refuses a token once its service account is gone or replaced', async () => {
    const token = issue();
    store.put('sa', 'ns1', 'bot', 'new-uid');
    await refused(token, /service account UID \(new-uid\) does not match claim \(sa-uid\)/);
    store.all.delete('sa/ns1/bot');
    await refused(token, /service account ns1\/bot has been deleted/);
    store.put('sa', 'ns1', 'bot', 'sa-uid');
  });

  it('refuses a pod-bound token once the pod is gone or being deleted', async () => {
    const token = issue({ pod: { name: 'web', uid: 'pod-uid' } });
    store.put('pod', 'ns1', 'web', 'pod-uid', { deletionTimestamp: '2024-12-31T00:00:00Z' });
    await refused(token, /pod ns1\/web is being deleted/);
    store.all.delete('pod/ns1/web');
    await refused(token, /pod ns1\/web has been deleted/);
  });

  it('refuses a JWT from our issuer that lacks the kubernetes.io claims', async () => {
    await refused(signJWT({ iss: ISSUER, aud: AUD, exp: 2e9 }, key), /claims could not be found/);
  });
});

describe('service account keys', () => {
  let dir: string;
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('generates the signing key once (mode 0600) and reuses it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sa-keys-'));
    const path = join(dir, 'sa.key');
    const first = await ensureSigningKey(path);
    assert.equal(first.generated, true);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const second = await ensureSigningKey(path);
    assert.equal(second.generated, false);
    assert.equal(second.key.kid, first.key.kid);
  });

  it('verifies with public keys from a file, and signs with EC keys as ES256', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pubPath = join(dir, 'sa.pub');
    await writeFile(pubPath, publicKey.export({ type: 'spki', format: 'pem' }));
    const keys = await loadVerifyKeys([pubPath]);
    const ecKey: SigningKey = { key: privateKey, alg: 'ES256', kid: keyID(publicKey) };
    const store = objects();
    store.put('sa', 'ns1', 'bot', 'u');
    const authn = createServiceAccountAuthenticator({ issuers: [ISSUER], keys, getter: store.getter });
    const token = new TokenGenerator(ISSUER, ecKey).generate({ namespace: 'ns1', serviceAccount: { name: 'bot', uid: 'u' }, audiences: AUD, expirationSeconds: 600 }).token;
    assert.equal(parseJWT(token)!.header.alg, 'ES256');
    assert.equal((await authn.authenticateToken(token, AUD))?.user.name, 'system:serviceaccount:ns1:bot');
  });
});
