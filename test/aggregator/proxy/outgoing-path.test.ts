import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toURL, urlJoin } from 'http-proxy-3/dist/lib/http-proxy/common.js';
import { outgoingPath } from '../../../src/aggregator/proxy/proxy-handler.js';

/** What http-proxy-3 sends for a target without a path (setupOutgoing: getPath, then urlJoin with "/"). */
const httpProxyPath = (path: string): string => {
  const u = toURL(path);
  return urlJoin('/', `${u.pathname}${u.search}`);
};

/** The path, or the error's name when it cannot be sent (the proxy answers 503 then, as it did through http-proxy). */
const outcome = (fn: (p: string) => string, p: string): string => {
  try {
    return fn(p);
  } catch (err) {
    return `throws ${(err as Error).name}`;
  }
};

const SEEDS = [20261207, Number(process.env.FRONTDOOR_FC_SEED ?? Math.floor(Math.random() * 2 ** 31))];

/**
 * The proxy sends plain requests without http-proxy, and skips its URL parse
 * for paths that parse as themselves: the path the backend gets must be the
 * one http-proxy sent, whatever the client asked for.
 */
describe('the path a proxied request goes out with', () => {
  it('is the path itself for ordinary API paths', () => {
    for (const p of ['/apis/g.example.io/v1', '/apis/g.example.io/v1/namespaces/default/things/a%2Fb?b=2&a=1&x=%2F%20y', '/apis/g/v1/things?watch=true&resourceVersion=5']) {
      assert.equal(outgoingPath(p), p);
      assert.equal(outgoingPath(p), httpProxyPath(p));
    }
  });

  it('is http-proxy\'s normalised path for the rest (dot segments, escapes, empty query, "//")', () => {
    for (const p of ['/apis/g/v1/../../api/v1/secrets', '/apis/g/v1/%2e%2e/x', '/apis/g/v1/a b', '/apis/g/v1?', '//evil.example/x', "/apis/g/v1?q='x'", '/apis/g/v1/a\\b', '/apis/g/v1/#frag']) {
      assert.equal(outcome(outgoingPath, p), outcome(httpProxyPath, p), p);
    }
    assert.equal(outcome(outgoingPath, '/\\'), 'throws TypeError');
  });

  for (const seed of SEEDS) {
    it(`agrees with http-proxy on any path (seed ${seed})`, () => {
      const char = fc.constantFrom(...'abcXYZ019-._~!$&\'()*+,;=:@/%?#\\ "<>`{}|^[]\t'.split(''), '%2e', '%2E', '/..', '/.', '//', 'é', '\u0000');
      fc.assert(
        fc.property(fc.array(char, { maxLength: 40 }), (chars) => {
          const p = `/${chars.join('')}`;
          assert.equal(outcome(outgoingPath, p), outcome(httpProxyPath, p), JSON.stringify(p));
        }),
        { seed, numRuns: 5000 },
      );
    });
  }
});
