import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, parseQuantity, QUANTITY_FORMAT_ERROR } from '../../../../src/apis/core/v1/quantity.js';
import { resourceQuotas, type ResourceQuota } from '../../../../src/apis/core/v1/resourcequotas.js';
import { limitRanges, type LimitRange } from '../../../../src/apis/core/v1/limitranges.js';
import { coreV1Resources } from '../../../../src/apis/core/v1/index.js';
import { StatusError } from '../../../../src/apimachinery/status-error.js';
import { ago, cells, create, NOW } from './helpers.js';
import { KUBECTL_132, kubectlCreate } from '../../batch/kubectl-create.js';

describe('quantities as kube parses and prints them', () => {
  const canonical: [string, string][] = [
    ['1', '1'],
    ['1000m', '1'],
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['100m', '100m'],
    ['1G', '1G'],
    ['1000M', '1G'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['512', '512'],
    ['1e3', '1e3'],
    ['1E6', '1e6'],
    ['0.1Gi', '107374182400m'],
    ['1n', '1n'],
    ['0.0000000001', '1n'],
    ['-2k', '-2k'],
    ['0', '0'],
    ['00100', '100'],
  ];
  for (const [input, want] of canonical) it(`${input} → ${want}`, () => assert.equal(canonicalQuantity(input), want));

  it('malformed quantities fail with kube\'s errors', () => {
    assert.throws(() => parseQuantity('abc'), { message: QUANTITY_FORMAT_ERROR });
    assert.throws(() => parseQuantity(''), { message: QUANTITY_FORMAT_ERROR });
    assert.throws(() => parseQuantity('1Qi'), { message: QUANTITY_FORMAT_ERROR });
    assert.throws(() => parseQuantity('1ki'), { message: "unable to parse quantity's suffix" });
  });
});

describe('core/v1 resourcequotas', () => {
  const quota = (spec: Record<string, unknown>): ResourceQuota => ({ metadata: { name: 'q', namespace: 'default' }, spec });

  it('listed with short name quota; hard quantities stored canonical; status starts empty', () => {
    assert.ok(coreV1Resources.some((d) => d.info.resource === 'resourcequotas'));
    assert.deepEqual(resourceQuotas.info.shortNames, ['quota']);
    const { obj, errs } = create(resourceQuotas, quota({ hard: { cpu: '1000m', memory: '1024Mi', pods: 2 } }));
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.spec, { hard: { cpu: '1', memory: '1Gi', pods: '2' } });
    assert.deepEqual(obj.status, {});
  });

  it('a malformed quantity is a 400 from decoding, as in kube', () => {
    assert.throws(
      () => create(resourceQuotas, quota({ hard: { cpu: 'lots' } })),
      (err: unknown) =>
        err instanceof StatusError &&
        err.status.code === 400 &&
        err.message === `ResourceQuota in version "v1" cannot be handled as a ResourceQuota: ${QUANTITY_FORMAT_ERROR}`,
    );
  });

  it("validation: resource names, negative and fractional counts, scopes, with kube's messages", () => {
    const { errs } = create(
      resourceQuotas,
      quota({ hard: { pods: '1500m', cpu: '-1', widgets: '1', 'example.com/gpu': '2' }, scopes: ['BestEffort', 'NotBestEffort', 'Sometimes'] }),
    );
    assert.deepEqual(errs, [
      'spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.hard[pods]: Invalid value: "1500m": must be an integer',
      'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified',
      'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota',
      'spec.scopes: Invalid value: []string{"BestEffort", "NotBestEffort", "Sometimes"}: unsupported scope',
      'spec.scopes: Invalid value: []string{"BestEffort", "NotBestEffort", "Sometimes"}: conflicting scopes',
    ]);
  });

  it('table: Age, then Request and Limit from status', () => {
    const q = create(resourceQuotas, quota({ hard: { cpu: '1' } })).obj;
    q.metadata!.creationTimestamp = ago(30_000);
    assert.deepEqual(resourceQuotas.tableColumns.map((c) => c.name), ['Age', 'Request', 'Limit']);
    assert.deepEqual(cells(resourceQuotas, q, NOW), ['30s', '', '']);
    q.status = { hard: { pods: '10', 'limits.cpu': '2', 'requests.memory': '1Gi' }, used: { pods: '3', 'limits.cpu': '500m' } };
    assert.deepEqual(cells(resourceQuotas, q, NOW), ['30s', 'pods: 3/10, requests.memory: 0/1Gi', 'limits.cpu: 500m/2']);
  });

  it('kubectl 1.32 create quota produces a valid object', { skip: KUBECTL_132 ? false : 'kubectl.1.32 not installed' }, () => {
    const { obj, errs } = create(resourceQuotas, kubectlCreate(['quota', 'q1', '--hard=cpu=1,memory=1G,pods=2,services=3,requests.storage=10Gi']) as ResourceQuota);
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.spec, { hard: { cpu: '1', memory: '1G', pods: '2', 'requests.storage': '10Gi', services: '3' } });
  });
});

describe('core/v1 limitranges', () => {
  const lr = (limits: Record<string, unknown>[]): LimitRange => ({ metadata: { name: 'l', namespace: 'default' }, spec: { limits } });

  it('Container defaults: default from max, defaultRequest from default then min', () => {
    assert.deepEqual(limitRanges.info.shortNames, ['limits']);
    const { obj, errs } = create(limitRanges, lr([{ type: 'Container', max: { cpu: '2', memory: '1Gi' }, min: { cpu: '100m', 'ephemeral-storage': '1Mi' } }]));
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.spec!.limits, [
      {
        type: 'Container',
        max: { cpu: '2', memory: '1Gi' },
        min: { cpu: '100m', 'ephemeral-storage': '1Mi' },
        default: { cpu: '2', memory: '1Gi' },
        defaultRequest: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '1Mi' },
      },
    ]);
  });

  it("validation with kube's messages", () => {
    const { errs } = create(
      limitRanges,
      lr([
        { type: 'Container', min: { cpu: '2' }, max: { cpu: '1' }, maxLimitRequestRatio: { memory: '500m' } },
        { type: 'Pod', default: { cpu: '1' } },
        { type: 'PersistentVolumeClaim', max: { cpu: '1' } },
        { type: 'Pod' },
        { type: 'Gadget' },
      ]),
    );
    assert.deepEqual(errs, [
      'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
      'spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than default request value 1',
      'spec.limits[0].default[cpu]: Invalid value: "2": min value 2 is greater than default value 1',
      'spec.limits[0].maxLimitRequestRatio[memory]: Invalid value: "500m": ratio 500m is less than 1',
      "spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'",
      'spec.limits[2].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
      'spec.limits[3].type: Duplicate value: "Pod"',
      'spec.limits[4].type: Invalid value: "Gadget": must be a standard limit type or fully qualified',
    ]);
  });

  it('table: only CREATED AT, a date', () => {
    const obj = lr([]);
    obj.metadata!.creationTimestamp = '2025-01-01T11:00:00Z';
    assert.deepEqual(limitRanges.tableColumns.map((c) => [c.name, c.type]), [['Created At', 'date']]);
    assert.deepEqual(cells(limitRanges, obj, NOW), ['2025-01-01T11:00:00Z']);
  });
});
