import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { InvalidCredentialsError } from '../../../src/auth/authenticator/authenticator.js';
import { createRequestHeaderAuthenticator, defaultRequestHeaders } from '../../../src/auth/authenticator/requestheader.js';
import { createX509Authenticator } from '../../../src/auth/authenticator/x509.js';
import { createCA, signClientCertificate } from '../../../src/pki/sign.js';
import { fakeRequest, poolOf } from './helpers.js';

const clientCA = createCA('client-ca');
const proxyCA = createCA('front-proxy-ca');
const sign = (ca: { certPem: string; keyPem: string }, commonName: string, organizations: string[] = []) =>
  signClientCertificate({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName, organizations }).certPem;

const jane = sign(clientCA, 'jane', ['dev', 'ops']);
const proxy = sign(proxyCA, 'front-proxy-client');
const otherProxy = sign(proxyCA, 'someone-else');

describe('x509 authenticator', () => {
  const x509 = createX509Authenticator({ clientCA: poolOf(clientCA.certPem) });

  it('names the user from CN and groups from O', async () => {
    assert.deepEqual(await x509.authenticate(fakeRequest({ certChain: [jane] })), { name: 'jane', groups: ['dev', 'ops'] });
  });

  it('has nothing to say without a certificate', async () => {
    assert.equal(await x509.authenticate(fakeRequest()), null);
  });

  it('refuses a certificate of another CA, even one the TLS layer accepted (the front proxy\'s)', async () => {
    await assert.rejects(async () => x509.authenticate(fakeRequest({ certChain: [proxy] })), InvalidCredentialsError);
  });

  it('refuses a certificate without a common name', async () => {
    const nameless = signClientCertificate({ caCertPem: clientCA.certPem, caKeyPem: clientCA.keyPem, commonName: '' }).certPem;
    await assert.rejects(async () => x509.authenticate(fakeRequest({ certChain: [nameless] })), /common name is required/);
  });
});

describe('requestheader authenticator', () => {
  const rh = createRequestHeaderAuthenticator({ clientCA: poolOf(proxyCA.certPem), allowedNames: ['front-proxy-client'], ...defaultRequestHeaders() });
  const headers: [string, string][] = [
    ['X-Remote-User', 'carol'],
    ['X-Remote-Group', 'a'],
    ['X-Remote-Group', 'b,c'],
    ['X-Remote-Extra-Scopes', 's1'],
    ['x-remote-extra-scopes', 's2'],
    ['X-Remote-Extra-Example.com%2fkey', 'v'],
  ];

  it('takes user, every group header line, and extras (keys lower-cased and unescaped) from the proxy', async () => {
    assert.deepEqual(await rh.authenticate(fakeRequest({ certChain: [proxy], headers })), {
      name: 'carol',
      groups: ['a', 'b,c'],
      extra: { scopes: ['s1', 's2'], 'example.com/key': ['v'] },
    });
  });

  it('ignores the headers without a certificate (a spoofing client)', async () => {
    assert.equal(await rh.authenticate(fakeRequest({ headers })), null);
  });

  it('refuses a client certificate that is not the proxy CA\'s', async () => {
    await assert.rejects(async () => rh.authenticate(fakeRequest({ certChain: [jane], headers })), InvalidCredentialsError);
  });

  it('refuses a proxy certificate whose CN is not allowed', async () => {
    await assert.rejects(async () => rh.authenticate(fakeRequest({ certChain: [otherProxy], headers })), /cn=someone-else is not in the allowed list/);
  });

  it('has nothing to say for a proxy request with no user header', async () => {
    assert.equal(await rh.authenticate(fakeRequest({ certChain: [proxy], headers: [['X-Remote-Group', 'a']] })), null);
  });
});

describe('certificate verdicts cached per connection', () => {
  // One pool object for every request (as a DynamicFileCAContent hands out until its file changes), one socket.
  const fixedPool = (pem: string) => {
    const pool = poolOf(pem).verifyOptions();
    return { verifyOptions: () => pool };
  };
  const janeCert = new X509Certificate(jane);
  const afterExpiry = new Date(new Date(janeCert.validTo).getTime() + 1000);

  it('x509: a certificate that expires under a kept-alive connection is refused from then on', async () => {
    let now = new Date();
    const x509 = createX509Authenticator({ clientCA: fixedPool(clientCA.certPem), now: () => now });
    const req = fakeRequest({ certChain: [jane] });
    assert.equal((await x509.authenticate(req))?.name, 'jane');
    assert.equal((await x509.authenticate(req))?.name, 'jane', 'the cached verdict');
    now = afterExpiry;
    await assert.rejects(async () => x509.authenticate(req), /expired|unknown authority/);
  });

  it('requestheader: names each request\'s user from its own headers on one connection, until the proxy certificate expires', async () => {
    let now = new Date();
    const rh = createRequestHeaderAuthenticator({ clientCA: fixedPool(proxyCA.certPem), allowedNames: ['front-proxy-client'], ...defaultRequestHeaders(), now: () => now });
    const first = fakeRequest({ certChain: [proxy], headers: [['X-Remote-User', 'alice']] });
    const second = { ...first, headers: { 'x-remote-user': 'bob' }, rawHeaders: ['X-Remote-User', 'bob'] } as unknown as typeof first;
    assert.equal((await rh.authenticate(first))?.name, 'alice');
    assert.equal((await rh.authenticate(second))?.name, 'bob', 'same socket, other headers');
    now = new Date(new Date(new X509Certificate(proxy).validTo).getTime() + 1000);
    await assert.rejects(async () => rh.authenticate(second), /requestheader: .*(expired|unknown authority)/);
  });

  it('requestheader: a proxy CA rotated away refuses a connection that was accepted', async () => {
    let pool = poolOf(proxyCA.certPem).verifyOptions();
    const rh = createRequestHeaderAuthenticator({ clientCA: { verifyOptions: () => pool }, allowedNames: [], ...defaultRequestHeaders() });
    const req = fakeRequest({ certChain: [proxy], headers: [['X-Remote-User', 'alice']] });
    assert.equal((await rh.authenticate(req))?.name, 'alice');
    pool = poolOf(clientCA.certPem).verifyOptions();
    await assert.rejects(async () => rh.authenticate(req), InvalidCredentialsError);
  });

  it('requestheader: a CN not allowed stays refused on its connection', async () => {
    const rh = createRequestHeaderAuthenticator({ clientCA: fixedPool(proxyCA.certPem), allowedNames: ['front-proxy-client'], ...defaultRequestHeaders() });
    const req = fakeRequest({ certChain: [otherProxy], headers: [['X-Remote-User', 'alice']] });
    await assert.rejects(async () => rh.authenticate(req), /not in the allowed list/);
    await assert.rejects(async () => rh.authenticate(req), /not in the allowed list/);
  });
});
