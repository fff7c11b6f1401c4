import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCABundle, ProxyTransport, serverNameFor, TransportBuildError } from '../../../src/aggregator/proxy/transport.js';
import { ListenerSet, type CertKeyContent, type CertKeyContentProvider, type Listener } from '../../../src/dynamiccertificates/interfaces.js';
import { base64, makePKI } from './helpers.js';

class SwappableCertKey implements CertKeyContentProvider {
  private readonly listeners = new ListenerSet();
  constructor(private content: CertKeyContent) {}
  name(): string {
    return 'test-proxy-client';
  }
  addListener(l: Listener): void {
    this.listeners.addListener(l);
  }
  currentCertKeyContent(): CertKeyContent {
    return this.content;
  }
  swap(content: CertKeyContent): void {
    this.content = content;
    this.listeners.notify();
  }
}

describe('proxy transport', () => {
  const pki = makePKI();

  it('names the backend <service>.<namespace>.svc', () => {
    assert.equal(serverNameFor({ namespace: 'kube-system', name: 'metrics-server' }), 'metrics-server.kube-system.svc');
  });

  it('accepts a base64 PEM bundle, with line breaks as Go does', () => {
    const b64 = base64(pki.servingCA.certPem + pki.otherCA.certPem);
    assert.equal(decodeCABundle(b64.replace(/(.{64})/g, '$1\n')), pki.servingCA.certPem + pki.otherCA.certPem);
  });

  it('refuses a caBundle that is not base64 or not PEM certificates', () => {
    const refused = (caBundle: string, pattern: RegExp) =>
      assert.throws(() => decodeCABundle(caBundle), (err: unknown) => err instanceof TransportBuildError && pattern.test(err.message));
    refused('%%%', /not valid base64/);
    refused(base64('hello'), /unable to load root certificates: unable to parse bytes as PEM block/);
    refused(base64(pki.servingCA.keyPem), /unable to load root certificates/);
    assert.throws(() => new ProxyTransport({ service: { namespace: 'a', name: 'b' }, caBundle: base64('junk') }), TransportBuildError);
  });

  it('ignores the caBundle with insecureSkipTLSVerify', () => {
    const t = new ProxyTransport({ service: { namespace: 'a', name: 'b' }, caBundle: base64('junk'), insecureSkipTLSVerify: true });
    assert.equal(t.agent().options.rejectUnauthorized, false);
    t.close();
  });

  it('builds a new agent when the client certificate changes, with no limit per host', () => {
    const provider = new SwappableCertKey({ cert: pki.proxyClient.certPem, key: pki.proxyClient.keyPem });
    const t = new ProxyTransport({ service: { namespace: 'a', name: 'b' }, caBundle: base64(pki.servingCA.certPem), clientCert: provider });
    const first = t.agent();
    assert.equal(first.maxSockets, Infinity);
    assert.equal(first.options.servername, 'b.a.svc');
    assert.equal(first.options.rejectUnauthorized, true);
    provider.swap({ cert: pki.proxyClient2.certPem, key: pki.proxyClient2.keyPem });
    assert.notEqual(t.agent(), first);
    t.close();
    const afterClose = t.agent();
    provider.swap({ cert: pki.proxyClient.certPem, key: pki.proxyClient.keyPem });
    assert.equal(t.agent(), afterClose, 'a closed transport no longer follows the provider');
  });

  it('keeps the old agent when the new pair cannot be used', () => {
    const provider = new SwappableCertKey({ cert: pki.proxyClient.certPem, key: pki.proxyClient.keyPem });
    const t = new ProxyTransport({ service: { namespace: 'a', name: 'b' }, clientCert: provider });
    const first = t.agent();
    provider.swap({ cert: pki.proxyClient2.certPem, key: pki.proxyClient.keyPem }); // key of another certificate
    assert.equal(t.agent(), first);
    t.close();
  });
});
