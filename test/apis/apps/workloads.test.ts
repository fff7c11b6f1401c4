import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { daemonSets, replicaSets, statefulSets, type DaemonSet, type ReplicaSet, type StatefulSet } from '../../../src/apis/apps/v1/index.js';
import { TEMPLATE_GENERATION_ANNOTATION } from '../../../src/apis/apps/v1/daemonsets.js';
import { ago, cells, create, NOW, update } from '../core/v1/helpers.js';

const template = () => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } });
const meta = (name = 'web') => ({ name, namespace: 'default' });

const rs = (): ReplicaSet => ({ metadata: meta(), spec: { selector: { matchLabels: { app: 'web' } }, template: template() } });
const sts = (): StatefulSet => ({ metadata: meta(), spec: { serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: template() } });
const ds = (): DaemonSet => ({ metadata: meta(), spec: { selector: { matchLabels: { app: 'web' } }, template: template() } });

describe('apps/v1 workloads: resource info', () => {
  it('names, short names, categories, subresources', () => {
    for (const [def, plural, short] of [
      [replicaSets, 'replicasets', 'rs'],
      [statefulSets, 'statefulsets', 'sts'],
      [daemonSets, 'daemonsets', 'ds'],
    ] as const) {
      assert.equal(def.info.group, 'apps');
      assert.equal(def.info.resource, plural);
      assert.deepEqual(def.info.shortNames, [short]);
      assert.deepEqual(def.info.categories, ['all']);
      assert.equal(def.generation, 'spec');
      assert.ok(def.status?.strategy);
    }
    const scale = { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' };
    assert.deepEqual(replicaSets.scale, scale);
    assert.deepEqual(statefulSets.scale, scale);
    assert.equal(daemonSets.scale, undefined);
    // A StatefulSet's name is a DNS label (its pods' hostnames); the others are subdomains.
    assert.deepEqual(statefulSets.nameValidator('web.v1', false), ['must not contain dots']);
    assert.deepEqual(replicaSets.nameValidator('web.v1', false), []);
  });
});

describe('replicasets', () => {
  it('defaults replicas to 1 and the pod template; status starts at replicas 0', () => {
    const { obj, errs } = create(replicaSets, rs());
    assert.deepEqual(errs, []);
    assert.equal(obj.spec!.replicas, 1);
    assert.equal(obj.spec!.template!.spec!.restartPolicy, 'Always');
    assert.deepEqual(obj.status, { replicas: 0 });
  });

  it("validation with kube's messages", () => {
    const bad = rs();
    bad.spec!.selector = {};
    bad.spec!.replicas = -1;
    assert.deepEqual(create(replicaSets, bad).errs, [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
    const mismatch = rs();
    mismatch.spec!.selector = { matchLabels: { app: 'db' } };
    mismatch.spec!.template!.spec!.restartPolicy = 'Never';
    assert.deepEqual(create(replicaSets, mismatch).errs, [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('selector immutable; status validated', () => {
    const old = create(replicaSets, rs()).obj;
    const next = structuredClone(old);
    next.spec!.selector = { matchLabels: { app: 'web', x: 'y' } };
    next.spec!.template!.metadata!.labels = { app: 'web', x: 'y' };
    assert.deepEqual(update(replicaSets, next, old).errs, [
      'spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "x":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    const status = replicaSets.status!.strategy!;
    const s = structuredClone(old);
    s.status = { replicas: 1, readyReplicas: 2, availableReplicas: 1 };
    assert.deepEqual(status.validateUpdate!(s, old).map(String), ['status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas']);
  });

  it('table: Desired, Current, Ready as integers, Age, wide columns', () => {
    const r = create(replicaSets, rs()).obj;
    r.metadata!.creationTimestamp = ago(45_000);
    r.spec!.replicas = 3;
    r.status = { replicas: 2, readyReplicas: 1 };
    assert.deepEqual(
      replicaSets.tableColumns.map((c) => [c.name, c.type, c.priority]),
      [
        ['Desired', 'integer', 0],
        ['Current', 'integer', 0],
        ['Ready', 'integer', 0],
        ['Age', 'string', 0],
        ['Containers', 'string', 1],
        ['Images', 'string', 1],
        ['Selector', 'string', 1],
      ],
    );
    assert.deepEqual(cells(replicaSets, r, NOW), [3, 2, 1, '45s', 'nginx', 'nginx:1.25', 'app=web']);
  });
});

describe('statefulsets', () => {
  it('defaults: OrderedReady, RollingUpdate partition 0, retention Retain, replicas 1, history 10, claim templates', () => {
    const s = sts();
    s.spec!.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }];
    const { obj, errs } = create(statefulSets, s);
    assert.deepEqual(errs, []);
    assert.equal(obj.spec!.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(obj.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(obj.spec!.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(obj.spec!.replicas, 1);
    assert.equal(obj.spec!.revisionHistoryLimit, 10);
    assert.deepEqual(obj.spec!.volumeClaimTemplates, [
      { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
    ]);
    assert.deepEqual(obj.status, { replicas: 0, availableReplicas: 0 });
  });

  it("validation with kube's messages (the template's pod spec is not validated, as in kube)", () => {
    const s = sts();
    s.spec!.podManagementPolicy = 'Random';
    s.spec!.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } };
    s.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep', whenScaled: 'Delete' };
    s.spec!.template!.spec!.containers = [];
    assert.deepEqual(create(statefulSets, s).errs, [
      "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
      'spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\'',
      'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
    ]);
  });

  it('update: only replicas, template, updateStrategy, minReadySeconds, ordinals and retention may change', () => {
    const old = create(statefulSets, sts()).obj;
    const scaled = structuredClone(old);
    scaled.spec!.replicas = 5;
    scaled.spec!.template!.spec!.containers![0].image = 'nginx:1.26';
    assert.deepEqual(update(statefulSets, scaled, old).errs, []);
    const renamed = structuredClone(old);
    renamed.spec!.serviceName = 'other';
    assert.deepEqual(update(statefulSets, renamed, old).errs, [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it('table: Ready as ready/desired, Age, wide containers and images', () => {
    const s = create(statefulSets, sts()).obj;
    s.metadata!.creationTimestamp = ago(3 * 86400_000);
    s.status = { replicas: 1, readyReplicas: 1 };
    s.spec!.replicas = 2;
    assert.deepEqual(statefulSets.tableColumns.map((c) => c.name), ['Ready', 'Age', 'Containers', 'Images']);
    assert.deepEqual(cells(statefulSets, s, NOW), ['1/2', '3d', 'nginx', 'nginx:1.25']);
  });
});

describe('daemonsets', () => {
  it('defaults: RollingUpdate maxUnavailable 1 maxSurge 0, history 10; template generation 1', () => {
    const { obj, errs } = create(daemonSets, ds());
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(obj.spec!.revisionHistoryLimit, 10);
    assert.equal(obj.metadata!.annotations?.[TEMPLATE_GENERATION_ANNOTATION], '1');
    assert.deepEqual(obj.status, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  });

  it("validation with kube's messages", () => {
    const d = ds();
    d.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } };
    d.spec!.template!.spec!.activeDeadlineSeconds = 5;
    assert.deepEqual(create(daemonSets, d).errs, [
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported',
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}: may not be set when maxUnavailable is non-zero',
    ]);
    const zero = ds();
    zero.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } };
    assert.deepEqual(create(daemonSets, zero).errs, ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
    const noSelector = ds();
    delete noSelector.spec!.selector;
    assert.deepEqual(create(daemonSets, noSelector).errs, [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it('a template change bumps the template generation; other changes keep it', () => {
    const old = create(daemonSets, ds()).obj;
    const same = structuredClone(old);
    same.spec!.minReadySeconds = 5;
    delete same.metadata!.annotations;
    assert.equal(update(daemonSets, same, old).obj.metadata!.annotations?.[TEMPLATE_GENERATION_ANNOTATION], '1');
    const changed = structuredClone(old);
    changed.spec!.template!.spec!.containers![0].image = 'nginx:1.26';
    const { obj, errs } = update(daemonSets, changed, old);
    assert.deepEqual(errs, []);
    assert.equal(obj.metadata!.annotations?.[TEMPLATE_GENERATION_ANNOTATION], '2');
  });

  it('table: the five counters, Node Selector, Age, wide columns', () => {
    const d = create(daemonSets, ds()).obj;
    d.metadata!.creationTimestamp = ago(120_000);
    d.spec!.template!.spec!.nodeSelector = { 'kubernetes.io/os': 'linux' };
    d.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
    assert.deepEqual(
      daemonSets.tableColumns.map((c) => c.name),
      ['Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers', 'Images', 'Selector'],
    );
    assert.deepEqual(cells(daemonSets, d, NOW), [3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '2m', 'nginx', 'nginx:1.25', 'app=web']);
    d.spec!.template!.spec!.nodeSelector = undefined;
    assert.equal(cells(daemonSets, d, NOW)[5], '<none>');
  });
});
