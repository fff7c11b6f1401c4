import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidCredentialsError, unionAuthenticator, type Authenticator } from '../../../src/auth/authenticator/authenticator.js';
import { buildAuthentication } from '../../../src/auth/authenticator/config.js';
import { TokenFileAuthenticator } from '../../../src/auth/authenticator/token-file.js';
import { createCA, signClientCertificate } from '../../../src/pki/sign.js';
import { fakeRequest, poolOf } from './helpers.js';

const refuse: Authenticator = { authenticate: () => { throw new InvalidCredentialsError('bad cert'); } };
const none: Authenticator = { authenticate: () => null };
const bob: Authenticator = { authenticate: () => ({ name: 'bob', groups: [] }) };

describe('union authenticator', () => {
  it('lets a later authenticator succeed after an earlier one refused its own credentials', async () => {
    assert.equal((await unionAuthenticator(refuse, bob).authenticate(fakeRequest()))?.name, 'bob');
  });
  it('reports refusals only when nobody succeeds', async () => {
    await assert.rejects(async () => unionAuthenticator(refuse, none).authenticate(fakeRequest()), /bad cert/);
    assert.equal(await unionAuthenticator(none, none).authenticate(fakeRequest()), null);
  });
});

describe('the configured authenticator', () => {
  const ca = createCA('client-ca');
  const foreign = createCA('foreign');
  const cert = (c: typeof ca) => signClientCertificate({ caCertPem: c.certPem, caKeyPem: c.keyPem, commonName: 'jane', organizations: ['dev'] }).certPem;
  const tokenFile = TokenFileAuthenticator.fromCSV('tok,alice,u1,g1\n');
  const build = (anonymous: boolean) => buildAuthentication({ clientCA: poolOf(ca.certPem), tokenFile, apiAudiences: ['api'], anonymous });
  const bearer = (t: string): [string, string][] => [['Authorization', `Bearer ${t}`]];

  it('adds system:authenticated to every authenticated user', async () => {
    const { authenticator } = build(true);
    assert.deepEqual(await authenticator.authenticate(fakeRequest({ certChain: [cert(ca)] })), { name: 'jane', groups: ['dev', 'system:authenticated'] });
    assert.deepEqual((await authenticator.authenticate(fakeRequest({ headers: bearer('tok') })))?.groups, ['g1', 'system:authenticated']);
  });

  it('serves a request without credentials as system:anonymous when anonymous is on, else names nobody', async () => {
    assert.deepEqual(await build(true).authenticator.authenticate(fakeRequest()), { name: 'system:anonymous', groups: ['system:unauthenticated'] });
    assert.equal(await build(false).authenticator.authenticate(fakeRequest()), null);
  });

  it('never turns a bad credential into anonymous', async () => {
    const { authenticator } = build(true);
    await assert.rejects(async () => authenticator.authenticate(fakeRequest({ headers: bearer('wrong') })), InvalidCredentialsError);
    await assert.rejects(async () => authenticator.authenticate(fakeRequest({ certChain: [cert(foreign)] })), InvalidCredentialsError);
  });

  it('accepts a good token beside a certificate of an unknown CA, as kube\'s union does', async () => {
    const user = await build(true).authenticator.authenticate(fakeRequest({ certChain: [cert(foreign)], headers: bearer('tok') }));
    assert.equal(user?.name, 'alice');
  });

  it('lists the identity headers that the filter removes', () => {
    const rh = buildAuthentication({
      requestHeader: { clientCA: poolOf(ca.certPem), allowedNames: [], usernameHeaders: ['X-Remote-User'], groupHeaders: ['X-Remote-Group'], extraHeaderPrefixes: ['X-Remote-Extra-'] },
      apiAudiences: [],
      anonymous: true,
    });
    assert.deepEqual(rh.identityHeaders, { names: ['authorization', 'x-remote-user', 'x-remote-group'], prefixes: ['x-remote-extra-'] });
  });
});
