import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncomingMessage } from 'node:http';
import type { RequestInfo } from '../../../src/endpoints/request/request-info.js';
import { listWorkEstimator } from '../../../src/server/filters/list-work-estimator.js';

const ri = (verb: string, namespace = 'default'): RequestInfo => ({
  isResourceRequest: true,
  path: '/api/v1/configmaps',
  verb,
  apiPrefix: 'api',
  apiGroup: '',
  apiVersion: 'v1',
  namespace,
  resource: 'configmaps',
  subresource: '',
  name: '',
  parts: ['configmaps'],
});

describe('listWorkEstimator', () => {
  const cases: { name: string; count: number | undefined; url: string; verb?: string; seats: number }[] = [
    { name: 'an unpaged LIST of 5,000 takes the most seats', count: 5000, url: '/api/v1/configmaps', seats: 10 },
    { name: 'one seat per 100 objects, rounded up', count: 250, url: '/api/v1/configmaps', seats: 3 },
    { name: 'an empty LIST takes one seat', count: 0, url: '/api/v1/configmaps', seats: 1 },
    { name: 'a page of 500 reads 500', count: 5000, url: '/api/v1/configmaps?limit=500', seats: 5 },
    { name: 'a page larger than the collection reads the collection', count: 120, url: '/api/v1/configmaps?limit=500', seats: 2 },
    { name: 'continuing a page reads a page', count: 5000, url: '/api/v1/configmaps?limit=200&continue=abc', seats: 2 },
    { name: 'resourceVersion=0 is served whole from the cache', count: 5000, url: '/api/v1/configmaps?limit=500&resourceVersion=0', seats: 10 },
    { name: 'NotOlderThan is served whole from the cache', count: 5000, url: '/api/v1/configmaps?limit=500&resourceVersion=7&resourceVersionMatch=NotOlderThan', seats: 10 },
    { name: 'an exact read honours the limit', count: 5000, url: '/api/v1/configmaps?limit=500&resourceVersion=7', seats: 5 },
    { name: 'a bad limit is no limit', count: 5000, url: '/api/v1/configmaps?limit=x', seats: 10 },
    { name: 'an unknown count takes the minimum (kube: ObjectCountNotFound)', count: undefined, url: '/api/v1/configmaps', seats: 1 },
    { name: 'a get is one seat', count: 5000, url: '/api/v1/configmaps/a', verb: 'get', seats: 1 },
    { name: 'a watch is one seat', count: 5000, url: '/api/v1/configmaps?watch=1', verb: 'watch', seats: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const estimate = listWorkEstimator(() => c.count);
      assert.equal(estimate({ url: c.url } as IncomingMessage, ri(c.verb ?? 'list')), c.seats);
    });
  }

  it('asks the count for the request\'s resource and namespace', () => {
    const asked: string[] = [];
    const estimate = listWorkEstimator((info) => (asked.push(`${info.resource}/${info.namespace}`), 1));
    estimate({ url: '/x' } as IncomingMessage, ri('list', 'team-a'));
    assert.deepEqual(asked, ['configmaps/team-a']);
  });
});
