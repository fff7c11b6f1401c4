import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { createIdentityHeaderScrubber, headerKeyEscape, setAuthProxyHeaders } from '../../../src/aggregator/proxy/auth-proxy-headers.js';
import { outgoingHeaders } from '../../../src/aggregator/proxy/outgoing-headers.js';

describe('headerKeyEscape (client-go)', () => {
  const cases: [string, string][] = [
    ['scopes', 'scopes'],
    ['example.com/scopes', 'example.com%2Fscopes'],
    ['100%', '100%25'],
    ['a b', 'a%20b'],
    ['ünï', '%C3%BCn%C3%AF'],
    ["!#$&'*+-.^_`|~09AZaz", "!#$&'*+-.^_`|~09AZaz"],
    ['a:b"c', 'a%3Ab%22c'],
  ];
  for (const [key, want] of cases) it(JSON.stringify(key), () => assert.equal(headerKeyEscape(key), want));
});

describe('identity headers', () => {
  it('removes credentials and every identity claim, whatever their case', () => {
    const scrub = createIdentityHeaderScrubber({ usernameHeaders: ['X-Custom-User'], uidHeaders: ['X-Custom-Uid'], groupHeaders: ['X-Custom-Group'], extraHeaderPrefixes: ['X-Custom-Extra-'] });
    const headers: IncomingHttpHeaders = {
      authorization: 'Bearer t',
      'impersonate-user': 'root',
      'impersonate-extra-a': 'b',
      'x-remote-user': 'm',
      'x-remote-extra-x': 'y',
      'x-custom-user': 'm',
      'x-custom-uid': 'u',
      'x-custom-group': 'g',
      'x-custom-extra-k': 'v',
      accept: 'application/json',
      'x-customer': 'kept',
    };
    scrub(headers);
    assert.deepEqual(headers, { accept: 'application/json', 'x-customer': 'kept' });
  });

  it('sets the user, one group per line, extras escaped, values as UTF-8 bytes', () => {
    const headers: IncomingHttpHeaders = {};
    setAuthProxyHeaders(headers, { name: 'José', uid: 'u1', groups: ['a', 'b'], extra: { 'k/1': ['x', 'y'], K: ['z'], empty: [] } });
    assert.deepEqual(headers, {
      'x-remote-user': Buffer.from('José', 'utf8').toString('latin1'),
      'x-remote-uid': 'u1',
      'x-remote-group': ['a', 'b'],
      'x-remote-extra-k%2f1': ['x', 'y'],
      'x-remote-extra-k': ['z'],
    });
  });

  it('sends no uid or group header when there is none', () => {
    const headers: IncomingHttpHeaders = {};
    setAuthProxyHeaders(headers, { name: 'system:anonymous', groups: [] });
    assert.deepEqual(headers, { 'x-remote-user': 'system:anonymous' });
  });
});

describe('outgoing headers', () => {
  const request = (headers: IncomingHttpHeaders): IncomingMessage => {
    const socket = new Socket();
    Object.defineProperty(socket, 'remoteAddress', { value: '192.0.2.7' });
    return { headers, socket } as unknown as IncomingMessage;
  };
  const base = { user: { name: 'alice', groups: [] }, scrub: createIdentityHeaderScrubber(), host: '10.0.0.1:8443' };

  it('drops hop-by-hop headers and those Connection names, but never the body\'s framing', () => {
    const out = outgoingHeaders(
      request({ connection: 'keep-alive, x-hop, transfer-encoding', 'keep-alive': 'timeout=5', 'x-hop': '1', te: 'trailers', 'transfer-encoding': 'chunked', expect: '100-continue', upgrade: 'h2c', accept: '*/*', host: 'front:6443' }),
      { ...base, upgrade: false },
    );
    assert.deepEqual(out, {
      'transfer-encoding': 'chunked',
      accept: '*/*',
      host: '10.0.0.1:8443',
      'x-remote-user': 'alice',
      'x-forwarded-for': '192.0.2.7',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'front:6443',
    });
  });

  it('keeps Connection: Upgrade and Upgrade on an upgrade, and passes the audit ID', () => {
    const out = outgoingHeaders(request({ connection: 'keep-alive, Upgrade', upgrade: 'SPDY/3.1', 'x-forwarded-for': '203.0.113.1' }), { ...base, upgrade: true, auditID: 'a-1' });
    assert.equal(out.connection, 'Upgrade');
    assert.equal(out.upgrade, 'SPDY/3.1');
    assert.equal(out['audit-id'], 'a-1');
    assert.equal(out['x-forwarded-for'], '203.0.113.1, 192.0.2.7');
  });

  it('sends an upgrade without a body\'s framing (what follows its head is the new protocol\'s)', () => {
    for (const framing of [{ 'transfer-encoding': 'chunked' }, { 'content-length': '5' }]) {
      const out = outgoingHeaders(request({ connection: 'Upgrade, transfer-encoding', upgrade: 'SPDY/3.1', ...framing }), { ...base, upgrade: true });
      assert.equal(out['transfer-encoding'], undefined);
      assert.equal(out['content-length'], undefined);
    }
  });
});
