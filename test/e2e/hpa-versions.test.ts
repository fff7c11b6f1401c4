import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFrontdoor } from '../helpers/frontdoor.js';
import { adminCreds, request } from '../helpers/https.js';
import { kubectl, kubectlUntilOk } from '../helpers/kubectl.js';

const HPA_V2 = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
  metrics:
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
`;

describe('HorizontalPodAutoscaler served as autoscaling/v1 and v2, stored once', () => {
  it('reads one object in both versions, and a v1 round trip keeps what v1 cannot say', async () => {
    const fd = await startFrontdoor();
    try {
      const k = (args: string[], stdin?: string) => kubectl(fd.kubeconfig, args, { stdin });
      await kubectlUntilOk(fd.kubeconfig, ['get', 'ns', 'default']);
      // a v1 watch sees the object written in v2, converted
      const watch = request(fd.port, '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers?watch=1&timeoutSeconds=3', adminCreds(fd.dataDir));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await k(['create', '-f', '-'], HPA_V2)).code, 0);
      // kubectl's short-name expansion drops the version (client-go's shortcut expander), so the full name selects v1
      const v1 = JSON.parse((await k(['get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-o', 'json'])).stdout) as {
        apiVersion: string;
        spec: { targetCPUUtilizationPercentage: number };
        metadata: { annotations: Record<string, string> };
      };
      assert.equal(v1.apiVersion, 'autoscaling/v1');
      assert.equal(v1.spec.targetCPUUtilizationPercentage, 70);
      assert.match(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics']!, /memory/);
      const v2 = JSON.parse((await k(['get', 'hpa.v2.autoscaling', 'web', '-o', 'json'])).stdout) as { apiVersion: string; spec: { metrics: unknown[] } };
      assert.equal(v2.apiVersion, 'autoscaling/v2');
      assert.equal(v2.spec.metrics.length, 2);
      // replace through v1: the memory metric, which v1 cannot express, survives
      const { metadata, ...rest } = v1 as unknown as { metadata: Record<string, unknown> };
      const { resourceVersion: _rv, ...meta } = metadata;
      assert.equal((await k(['replace', '-f', '-'], JSON.stringify({ ...rest, metadata: meta, spec: { ...v1.spec, maxReplicas: 6 } }))).code, 0);
      const after = JSON.parse((await k(['get', 'hpa.v2.autoscaling', 'web', '-o', 'json'])).stdout) as { spec: { maxReplicas: number; metrics: { resource: { name: string } }[] } };
      assert.equal(after.spec.maxReplicas, 6);
      assert.deepEqual(after.spec.metrics.map((m) => m.resource.name).sort(), ['cpu', 'memory']);
      const events = (await watch).body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { apiVersion: string } });
      assert.ok(events.length >= 1);
      assert.ok(events.every((e) => e.object.apiVersion === 'autoscaling/v1'), 'the v1 watch sees v1 objects');
      assert.equal(events[0]!.type, 'ADDED');
    } finally {
      await fd.stop();
    }
  });
});
