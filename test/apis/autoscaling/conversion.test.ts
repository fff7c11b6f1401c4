import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BEHAVIOR_ANNOTATION, hpaV1ToV2, hpaV2ToV1, METRICS_ANNOTATION } from '../../../src/apis/autoscaling/conversion.js';
import type { KubeObject } from '../../../src/registry/object.js';

const v2: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', annotations: { team: 'a' } },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
  },
  status: {
    currentReplicas: 3,
    desiredReplicas: 4,
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 55 } } }],
    conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' }],
  },
};

describe('HorizontalPodAutoscaler conversion between v2 (storage) and v1', () => {
  it('puts the CPU target in targetCPUUtilizationPercentage and keeps the rest in annotations', () => {
    const v1 = hpaV2ToV1(v2);
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.deepEqual(v1.spec, { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10, minReplicas: 2, targetCPUUtilizationPercentage: 70 });
    assert.equal((v1.status as { currentCPUUtilizationPercentage: number }).currentCPUUtilizationPercentage, 55);
    const ann = v1.metadata!.annotations!;
    assert.equal(ann.team, 'a');
    assert.equal(JSON.parse(ann[METRICS_ANNOTATION]!).length, 2);
    assert.deepEqual(JSON.parse(ann[BEHAVIOR_ANNOTATION]!), { scaleDown: { stabilizationWindowSeconds: 60 } });
  });

  it('round-trips v2 → v1 → v2 without loss (metric order aside: the CPU target comes first)', () => {
    const back = hpaV1ToV2(hpaV2ToV1(v2));
    const spec = back.spec as { metrics: unknown[] };
    const original = v2.spec as { metrics: unknown[] };
    assert.equal(back.apiVersion, 'autoscaling/v2');
    assert.deepEqual(new Set(spec.metrics.map((m) => JSON.stringify(m))), new Set(original.metrics.map((m) => JSON.stringify(m))));
    assert.deepEqual({ ...back.spec as object, metrics: undefined }, { ...v2.spec as object, metrics: undefined });
    assert.deepEqual(back.status, v2.status);
    assert.deepEqual(back.metadata, v2.metadata);
  });

  it('round-trips a plain v1 object exactly', () => {
    const v1: KubeObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'x' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 3, minReplicas: 1, targetCPUUtilizationPercentage: 50 },
    };
    assert.deepEqual(hpaV2ToV1(hpaV1ToV2(v1)), v1);
  });
});

describe('a v1 metrics annotation with elements that are not objects', () => {
  it('reads them as empty metrics, which validation refuses by name (it crashed on null)', async () => {
    const { horizontalPodAutoscalersV2 } = await import('../../../src/apis/autoscaling/horizontalpodautoscalers.js');
    const v1: KubeObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default', annotations: { [METRICS_ANNOTATION]: '[null, 5, "x"]' } },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 },
    };
    const converted = hpaV1ToV2(v1);
    assert.deepEqual((converted.spec as { metrics: unknown[] }).metrics, [{}, {}, {}]);
    const errs = horizontalPodAutoscalersV2.strategy.validate!(converted);
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.detail}`),
      [0, 1, 2].map((i) => `spec.metrics[${i}].type: must specify a metric source type`),
    );
  });
});
