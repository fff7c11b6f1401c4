import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DiscoveryDocumentError, groupVersionFromAPIResourceList } from '../../src/aggregator/remote-discovery.js';

describe('a backend\'s discovery document as a published group-version', () => {
  it('folds subresources into their resources, keeps names, verbs, short names and categories', () => {
    const body = JSON.stringify({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'metrics.k8s.io/v1beta1',
      resources: [
        { name: 'pods', singularName: 'pod', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'], shortNames: ['pm'], categories: ['all'] },
        { name: 'pods/status', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get'] },
        { name: 'pods/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'update'] },
        { name: 'nodes', singularName: 'node', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
        { name: 'orphans/status', kind: 'X', verbs: [] },
      ],
    });
    const gv = groupVersionFromAPIResourceList(body, 'metrics.k8s.io', 'v1beta1');
    assert.equal(gv.freshness, 'Current');
    assert.deepEqual(gv.resources, [
      {
        resource: 'pods', singularName: 'pod', kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'], shortNames: ['pm'], categories: ['all'],
        subresources: [
          { subresource: 'status', kind: 'PodMetrics', verbs: ['get'] },
          { subresource: 'scale', kind: 'Scale', verbs: ['get', 'update'], group: 'autoscaling', version: 'v1' },
        ],
      },
      { resource: 'nodes', singularName: 'node', kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'] },
    ]);
  });

  it('refuses a document for another group-version, or one that is not JSON', () => {
    assert.throws(() => groupVersionFromAPIResourceList('{"groupVersion":"other/v1","resources":[]}', 'metrics.k8s.io', 'v1beta1'), DiscoveryDocumentError);
    assert.throws(() => groupVersionFromAPIResourceList('<html>', 'metrics.k8s.io', 'v1beta1'), DiscoveryDocumentError);
    assert.throws(() => groupVersionFromAPIResourceList('[]', 'metrics.k8s.io', 'v1beta1'), DiscoveryDocumentError);
  });

  it('never throws anything but DiscoveryDocumentError, whatever a backend sends', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ groupVersion: 'g.io/v1', resources: v }))), (body) => {
        try {
          const gv = groupVersionFromAPIResourceList(body, 'g.io', 'v1');
          for (const r of gv.resources) assert.equal(typeof r.resource, 'string');
        } catch (err) {
          assert.ok(err instanceof DiscoveryDocumentError, String(err));
        }
      }),
      { seed: 20261207, numRuns: 500 },
    );
  });
});
