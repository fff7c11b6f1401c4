import assert from 'node:assert/strict';
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
