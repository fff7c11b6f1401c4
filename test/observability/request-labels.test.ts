import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequestInfoResolver } from '../../src/endpoints/request/request-info.js';
import { boundedSubresource, dryRunLabel, reportedVerb, requestScope } from '../../src/observability/metrics/request-labels.js';

const resolve = createRequestInfoResolver();

describe("request metric labels (kube's endpoints/metrics)", () => {
  const cases: { method: string; url: string; contentType?: string; verb: string; scope: string }[] = [
    { method: 'GET', url: '/api/v1/namespaces/ns/configmaps/a', verb: 'GET', scope: 'resource' },
    { method: 'HEAD', url: '/api/v1/namespaces/ns/configmaps/a', verb: 'GET', scope: 'resource' },
    { method: 'GET', url: '/api/v1/namespaces/ns/configmaps', verb: 'LIST', scope: 'namespace' },
    { method: 'GET', url: '/api/v1/configmaps', verb: 'LIST', scope: 'cluster' },
    { method: 'GET', url: '/api/v1/namespaces', verb: 'LIST', scope: 'cluster' },
    { method: 'GET', url: '/api/v1/namespaces/ns', verb: 'GET', scope: 'resource' },
    // A field selector naming one object is still the collection's route.
    { method: 'GET', url: '/api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3Da', verb: 'LIST', scope: 'namespace' },
    { method: 'GET', url: '/api/v1/namespaces/ns/configmaps?watch=true', verb: 'WATCH', scope: 'namespace' },
    { method: 'GET', url: '/api/v1/watch/namespaces/ns/configmaps', verb: 'WATCH', scope: 'namespace' },
    { method: 'POST', url: '/api/v1/namespaces/ns/configmaps', verb: 'POST', scope: 'resource' },
    { method: 'PUT', url: '/apis/apps/v1/namespaces/ns/deployments/d/status', verb: 'PUT', scope: 'resource' },
    { method: 'PATCH', url: '/api/v1/namespaces/ns/configmaps/a', contentType: 'application/merge-patch+json', verb: 'PATCH', scope: 'resource' },
    { method: 'PATCH', url: '/api/v1/namespaces/ns/configmaps/a', contentType: 'application/apply-patch+yaml', verb: 'APPLY', scope: 'resource' },
    { method: 'DELETE', url: '/api/v1/namespaces/ns/configmaps/a', verb: 'DELETE', scope: 'resource' },
    // kube reports a collection delete by its method.
    { method: 'DELETE', url: '/api/v1/namespaces/ns/configmaps', verb: 'DELETE', scope: 'namespace' },
    { method: 'GET', url: '/api/v1/namespaces/ns/pods/p/log', verb: 'CONNECT', scope: 'resource' },
    { method: 'POST', url: '/api/v1/namespaces/ns/pods/p/exec', verb: 'CONNECT', scope: 'resource' },
    { method: 'OPTIONS', url: '/api/v1/namespaces/ns/configmaps', verb: 'other', scope: 'namespace' },
    { method: 'GET', url: '/healthz', verb: 'GET', scope: '' },
  ];
  for (const c of cases) {
    it(`${c.method} ${c.url}${c.contentType ? ` (${c.contentType})` : ''} → ${c.verb}, scope ${JSON.stringify(c.scope)}`, () => {
      const info = resolve(c.method, c.url);
      const scope = requestScope(info);
      assert.equal(scope, c.scope);
      assert.equal(reportedVerb(c.method, scope, info, c.contentType), c.verb);
    });
  }

  it('dry_run: empty without it, "All" (deduplicated) when valid, "invalid" otherwise', () => {
    assert.equal(dryRunLabel('/api/v1/namespaces/ns/configmaps'), '');
    assert.equal(dryRunLabel('/api/v1/namespaces/ns/configmaps?dryRun=All'), 'All');
    assert.equal(dryRunLabel('/api/v1/namespaces/ns/configmaps?dryRun=All&dryRun=All'), 'All');
    assert.equal(dryRunLabel('/api/v1/namespaces/ns/configmaps?dryRun=Some'), 'invalid');
    assert.equal(dryRunLabel('/api/v1/namespaces/ns/configmaps?dryRun=All&dryRun=x'), 'invalid');
  });

  it("keeps only kube's subresource names on a refused request", () => {
    assert.equal(boundedSubresource('status'), 'status');
    assert.equal(boundedSubresource('scale'), 'scale');
    assert.equal(boundedSubresource('anything-a-client-says'), '');
  });
});
