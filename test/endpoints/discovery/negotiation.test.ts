import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregatedOnly,
  aggregatedVersionOf,
  negotiateMediaType,
  parseAccept,
  plainOnly,
} from '../../../src/endpoints/discovery/negotiation.js';
import { compareKubeAwareVersions } from '../../../src/endpoints/discovery/order.js';
import { AGG_V2, AGG_V2BETA1, KUBECTL_ACCEPT } from './fixtures.js';

const PROTO_V2 = 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

describe('parseAccept', () => {
  it('sorts by quality, keeps the client order among equals, drops q=0 and malformed ranges', () => {
    const clauses = parseAccept('text/plain;q=0.5, application/json;q=0, bogus, application/yaml, */*;q=0.5, application/*;q=0.5');
    assert.deepEqual(
      clauses.map((c) => `${c.type}/${c.subtype};${c.q}`),
      ['application/yaml;1', 'text/plain;0.5', 'application/*;0.5', '*/*;0.5'],
    );
  });

  it('keeps parameters, trimmed', () => {
    const [clause] = parseAccept(' application/json ; g=apidiscovery.k8s.io ;v=v2; as=APIGroupDiscoveryList ');
    assert.deepEqual(Object.fromEntries(clause!.params), { g: 'apidiscovery.k8s.io', v: 'v2', as: 'APIGroupDiscoveryList' });
  });
});

describe('negotiateMediaType', () => {
  const cases: { name: string; accept: string | undefined; aggregated?: string; plain?: string }[] = [
    { name: 'no Accept: plain JSON', accept: undefined, plain: 'json' },
    { name: 'kubectl 1.32: aggregated v2', accept: KUBECTL_ACCEPT, aggregated: 'json:v2', plain: 'json' },
    { name: 'v2beta1 first: aggregated v2beta1', accept: `${AGG_V2BETA1},${AGG_V2}`, aggregated: 'json:v2beta1', plain: undefined },
    { name: 'quality beats order', accept: `${AGG_V2BETA1};q=0.5,${AGG_V2};q=0.9`, aggregated: 'json:v2' },
    { name: 'YAML aggregated', accept: 'application/yaml;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', aggregated: 'yaml:v2' },
    { name: 'wildcard with conversion picks JSON', accept: '*/*;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', aggregated: 'json:v2' },
    { name: 'protobuf is skipped for the next clause', accept: `${PROTO_V2},application/json`, aggregated: undefined, plain: 'json' },
    { name: 'protobuf only: nothing', accept: PROTO_V2, aggregated: undefined, plain: undefined },
    { name: 'protobuf then aggregated JSON', accept: `${PROTO_V2},${AGG_V2}`, aggregated: 'json:v2' },
    { name: 'v1 of apidiscovery is not served', accept: 'application/json;g=apidiscovery.k8s.io;v=v1;as=APIGroupDiscoveryList', aggregated: undefined, plain: undefined },
    { name: 'Table is not a discovery conversion', accept: 'application/json;as=Table;v=v1;g=meta.k8s.io, application/yaml', aggregated: undefined, plain: 'yaml' },
    { name: 'sv is refused', accept: 'application/json;sv=v1, application/yaml', plain: 'yaml' },
    { name: 'stream=watch only on JSON', accept: 'application/yaml;stream=watch, application/json;stream=watch', plain: 'json' },
    { name: 'unknown parameters are ignored', accept: 'application/json;charset=utf-8', plain: 'json' },
    { name: 'text/html: nothing', accept: 'text/html', plain: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const agg = negotiateMediaType(c.accept, aggregatedOnly);
      const aggregated = agg ? `${agg.format}:${aggregatedVersionOf(agg.convert)}` : undefined;
      if ('aggregated' in c) assert.equal(aggregated, c.aggregated);
      if ('plain' in c) assert.equal(negotiateMediaType(c.accept, plainOnly)?.format, c.plain);
    });
  }

  it('pretty=1 in the media type asks for pretty output', () => {
    assert.equal(negotiateMediaType('application/json;pretty=1', plainOnly)?.pretty, true);
    assert.equal(negotiateMediaType('application/json', plainOnly)?.pretty, false);
  });

  it('the aggregated v2 constant is what kube answers with', () => {
    assert.equal(AGG_V2, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  });
});

describe('compareKubeAwareVersions', () => {
  it('orders as kube: GA, then beta, then alpha, then other strings alphabetically', () => {
    const versions = ['v1alpha1', 'foo', 'v1', 'v10', 'v2beta1', 'v1beta2', 'v11alpha2', 'v1beta1', 'v2', 'bar', 'v12alpha1'];
    const sorted = [...versions].sort((a, b) => compareKubeAwareVersions(b, a));
    assert.deepEqual(sorted, ['v10', 'v2', 'v1', 'v2beta1', 'v1beta2', 'v1beta1', 'v12alpha1', 'v11alpha2', 'v1alpha1', 'bar', 'foo']);
  });
});
