import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pods, type Pod } from '../../../../src/apis/core/v1/pods.js';
import { defaultPullPolicy } from '../../../../src/apis/core/v1/pod-defaults.js';
import { podQOSClass } from '../../../../src/apis/core/v1/pod-qos.js';
import { ago, cells, create, NOW, update } from './helpers.js';

const meta = { name: 'p', namespace: 'default' };
const pod = (spec: Record<string, unknown>): Pod => ({ metadata: meta, spec });
const nginx = { name: 'web', image: 'nginx:1.27' };

test('pod defaults, admission defaults and status on create', () => {
  const { obj, errs } = create(pods, pod({ containers: [nginx, { name: 'side', image: 'busybox' }] }));
  assert.deepEqual(errs, []);
  const spec = obj.spec ?? {};
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.priority, 0);
  assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
  assert.equal((spec.tolerations as unknown[]).length, 2);
  const [web, side] = spec.containers as Record<string, unknown>[];
  assert.equal(web.imagePullPolicy, 'IfNotPresent');
  assert.equal(side.imagePullPolicy, 'Always');
  assert.equal(web.terminationMessagePath, '/dev/termination-log');
  assert.equal(web.terminationMessagePolicy, 'File');
  assert.deepEqual(obj.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('image pull policy: Always for latest or untagged, else IfNotPresent', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('localhost:5000/nginx'), 'Always');
  assert.equal(defaultPullPolicy('localhost:5000/nginx:1.2'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('nginx@sha256:abcd'), 'IfNotPresent');
});

test('QoS class', () => {
  const res = (requests: object, limits: object): Record<string, unknown> => ({ containers: [{ ...nginx, resources: { requests, limits } }] });
  assert.equal(podQOSClass(res({}, {})), 'BestEffort');
  assert.equal(podQOSClass(res({ cpu: '500m', memory: '1Gi' }, { cpu: '0.5', memory: '1024Mi' })), 'Guaranteed');
  assert.equal(podQOSClass(res({ cpu: '100m' }, {})), 'Burstable');
  assert.equal(create(pods, pod(res({}, { cpu: '1', memory: '1Gi' }))).obj.status?.qosClass, 'Guaranteed');
});

test('pod validation: kube paths and messages', () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ containers: [] }, ['spec.containers: Required value']],
    [{ containers: [{ name: 'web' }] }, ['spec.containers[0].image: Required value']],
    [{ containers: [{ image: 'x' }] }, ['spec.containers[0].name: Required value']],
    [{ containers: [nginx, nginx] }, ['spec.containers[1].name: Duplicate value: "web"']],
    [{ containers: [{ ...nginx, name: 'Web' }] }, [
      `spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]],
    [{ containers: [{ ...nginx, ports: [{ containerPort: 70000 }] }] }, ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    [{ containers: [nginx], restartPolicy: 'Sometimes' }, ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    [{ containers: [{ ...nginx, volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }, ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
  ];
  for (const [spec, want] of cases) assert.deepEqual(create(pods, pod(spec)).errs, want, JSON.stringify(spec));
});

test('pod update: image may change, anything else in spec is forbidden with kube message', () => {
  const old = create(pods, pod({ containers: [nginx] })).obj;
  const imageChange = structuredClone(old);
  ((imageChange.spec ?? {}).containers as Record<string, unknown>[])[0].image = 'nginx:1.28';
  assert.deepEqual(update(pods, imageChange, old).errs, []);
  const other = structuredClone(old);
  (other.spec ?? {}).restartPolicy = 'Never';
  const errs = update(pods, other, old).errs;
  assert.equal(errs.length, 1);
  assert.ok(
    errs[0].startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    ),
    errs[0],
  );
  assert.match(errs[0], /spec\.restartPolicy/);
  const more = structuredClone(old);
  ((more.spec ?? {}).containers as unknown[]).push({ name: 'b', image: 'b' });
  assert.ok(update(pods, more, old).errs.includes('spec.containers: Forbidden: pod updates may not add or remove containers'));
  const tolerations = structuredClone(old);
  ((tolerations.spec ?? {}).tolerations as unknown[]).push({ key: 'k', operator: 'Exists' });
  assert.deepEqual(update(pods, tolerations, old).errs, []);
});

test('pod table: READY STATUS RESTARTS AGE and the wide columns', () => {
  const p: Pod = {
    metadata: { ...meta, creationTimestamp: ago(10 * 3600_000) },
    spec: { containers: [nginx, { name: 'b', image: 'b' }], nodeName: 'node-1' },
    status: {
      phase: 'Running',
      podIPs: [{ ip: '10.244.0.5' }],
      containerStatuses: [
        { name: 'web', ready: true, restartCount: 0, state: { running: {} } },
        {
          name: 'b',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { finishedAt: ago(5 * 60_000) } },
        },
      ],
    },
  };
  assert.deepEqual(cells(pods, p, NOW), ['1/2', 'CrashLoopBackOff', '3 (5m ago)', '10h', '10.244.0.5', 'node-1', '<none>', '<none>']);
  const pending: Pod = { metadata: meta, spec: { containers: [nginx] }, status: { phase: 'Pending' } };
  assert.deepEqual(cells(pods, pending, NOW).slice(0, 4), ['0/1', 'Pending', '0', '<unknown>']);
  const deleting: Pod = { ...pending, metadata: { ...meta, deletionTimestamp: ago(0) } };
  assert.equal(cells(pods, deleting, NOW)[1], 'Terminating');
  const init: Pod = {
    metadata: meta,
    spec: { initContainers: [{ name: 'i', image: 'i' }], containers: [nginx] },
    status: { phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { running: {} } }] },
  };
  assert.equal(cells(pods, init, NOW)[1], 'Init:0/1');
  assert.deepEqual(pods.tableColumns.map((c) => [c.name, c.priority]), [
    ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
  ]);
});

test('pod field labels and discovery facts', () => {
  const p = create(pods, pod({ containers: [nginx], nodeName: 'n1', serviceAccountName: 'sa' })).obj;
  assert.deepEqual(pods.fieldLabels?.(p), {
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'sa',
    'spec.hostNetwork': 'false',
    'status.phase': 'Pending',
    'status.podIP': '',
    'status.nominatedNodeName': '',
  });
  assert.deepEqual(pods.info.shortNames, ['po']);
  assert.deepEqual(pods.info.categories, ['all']);
  assert.equal(pods.generation, 'none');
});
