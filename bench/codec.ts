/**
 * The cost of writing a list in each wire format, in process: JSON.stringify
 * (V8's native serializer, the physical limit here) beside the protobuf
 * encoder client-go's informers get, for a 500-pod list and a 1,000-ConfigMap
 * list. Ratio = JSON time / protobuf time (1.0 would be as fast as JSON).
 */
import { encodeProtobuf } from '../src/endpoints/protobuf/codec.js';
import { installProtobufCodec } from '../src/endpoints/protobuf/install.js';
import { fmt, median, printTable } from './table.js';

type Obj = Record<string, unknown>;

const META = (i: number, namespace: string): Obj => ({
  name: `obj-${i}`,
  namespace,
  uid: `1b2c3d4e-aaaa-bbbb-cccc-${String(i).padStart(12, '0')}`,
  resourceVersion: String(1000 + i),
  creationTimestamp: '2026-01-01T00:00:00Z',
  labels: { app: 'web', tier: 'front' },
});

const pod = (i: number): Obj => ({
  metadata: { ...META(i, 'default'), annotations: { note: 'x'.repeat(100) } },
  spec: {
    containers: [{
      name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }],
      env: [{ name: 'A', value: 'x' }, { name: 'B', value: 'y' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    }],
    restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30,
  },
  status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
});

const configMap = (i: number): Obj => ({ metadata: META(i, 'default'), data: { key: 'v'.repeat(200), other: String(i) } });

/** Median ms per call over rounds of about 300 ms each. */
function timeIt(fn: () => unknown): number {
  for (let i = 0; i < 5; i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < 300) {
      fn();
      n++;
    }
    rounds.push((performance.now() - start) / n);
  }
  return median(rounds);
}

export async function benchCodec(): Promise<void> {
  installProtobufCodec();
  const lists: [string, Obj][] = [
    ['PodList, 500 pods', { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '5000' }, items: Array.from({ length: 500 }, (_, i) => pod(i)) }],
    ['ConfigMapList, 1,000', { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '5000' }, items: Array.from({ length: 1000 }, (_, i) => configMap(i)) }],
  ];
  const rows = lists.map(([name, list]) => {
    const json = timeIt(() => Buffer.from(JSON.stringify(list)));
    const pb = timeIt(() => encodeProtobuf(list));
    return [name, fmt(json, 2), fmt(pb, 2), `${Buffer.byteLength(JSON.stringify(list))}`, `${encodeProtobuf(list).length}`, fmt(json / pb, 2)];
  });
  printTable('Encoding a list (in process, median ms per list)', ['list', 'JSON ms', 'protobuf ms', 'JSON bytes', 'protobuf bytes', 'JSON/protobuf time'], rows);
}
