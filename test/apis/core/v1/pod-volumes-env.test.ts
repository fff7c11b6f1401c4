import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pods, type Pod } from '../../../../src/apis/core/v1/pods.js';
import { deployments, type Deployment } from '../../../../src/apis/apps/v1/index.js';
import { create } from './helpers.js';
import { VALID_ENV, VALID_VOLUMES } from './volume-env-fixtures.js';

type Obj = Record<string, unknown>;
const pod = (spec: Obj): Pod => ({ metadata: { name: 'p', namespace: 'default' }, spec });
const errsOf = (spec: Obj): string[] => create(pods, pod(spec)).errs;
const withVolumes = (...volumes: Obj[]): Obj => ({ containers: [{ name: 'c', image: 'nginx:1.27' }], volumes });
const withEnv = (container: Obj): Obj => ({ containers: [{ name: 'c', image: 'nginx:1.27', ...container }] });
const V0 = 'spec.volumes[0]';
const E0 = 'spec.containers[0].env[0].valueFrom';
const FILE_MODE = 'must be a number between 0 and 0777 (octal), both inclusive';
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

test('every common volume type and every env source, as kube accepts them, is valid', () => {
  const spec = withVolumes(...VALID_VOLUMES);
  (spec.containers as Obj[])[0] = { name: 'c', image: 'nginx:1.27', ...VALID_ENV, volumeMounts: VALID_VOLUMES.map((v, i) => ({ name: v.name, mountPath: `/m/${i}` })) };
  const { obj, errs } = create(pods, pod(spec));
  assert.deepEqual(errs, []);
  // kube's v1 defaults: a volume without a source is an emptyDir, fieldRefs get apiVersion v1.
  const volumes = obj.spec?.volumes as Obj[];
  assert.deepEqual(volumes.at(-1), { name: 'legacy', emptyDir: {} });
  const env = (obj.spec?.containers as Obj[])[0].env as Array<{ valueFrom: { fieldRef?: Obj } }>;
  assert.equal(env[0].valueFrom.fieldRef?.apiVersion, 'v1');
  const sources = (volumes[6].projected as { sources: Obj[] }).sources;
  assert.deepEqual(sources[0].serviceAccountToken, { path: 'token', audience: 'vault', expirationSeconds: 600 });
});

test('a volume has exactly one source (kube paths and messages, its own spellings included)', () => {
  assert.deepEqual(errsOf(withVolumes({ name: 'v', emptyDir: {}, hostPath: { path: '/x' }, configMap: { name: 'c' } })), [
    `${V0}.hostPath: Forbidden: may not specify more than 1 volume type`,
    `${V0}.configMap: Forbidden: may not specify more than 1 volume type`,
  ]);
  assert.deepEqual(errsOf(withVolumes({ name: 'v', emptyDir: {}, downwardAPI: {} })), [`${V0}.downwarAPI: Forbidden: may not specify more than 1 volume type`]);
  assert.deepEqual(errsOf(withVolumes({ name: 'v', nfs: { server: 's', path: '/p' }, cephfs: { monitors: ['m'] } })), [
    `${V0}.cephFS: Forbidden: may not specify more than 1 volume type`,
  ]);
  // The image source is behind a gate that is off in 1.32: kube drops it after defaulting.
  assert.deepEqual(errsOf(withVolumes({ name: 'v', image: { reference: 'x' } })), [`${V0}: Required value: must specify a volume type`]);
});

test('a volume with errors is not one a mount may name', () => {
  const spec = withVolumes({ name: 'v', persistentVolumeClaim: {} });
  (spec.containers as Obj[])[0].volumeMounts = [{ name: 'v', mountPath: '/v' }];
  assert.deepEqual(errsOf(spec), [`${V0}.persistentVolumeClaim.claimName: Required value`, 'spec.containers[0].volumeMounts[0].name: Not found: "v"']);
});

test('common sources: kube checks and messages', () => {
  const cases: [Obj, string[]][] = [
    [{ hostPath: {} }, [`${V0}.hostPath.path: Required value`]],
    [
      { hostPath: { path: '/a/../b', type: 'Dir' } },
      [
        `${V0}.hostPath.path: Invalid value: "/a/../b": must not contain '..'`,
        `${V0}.hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"`,
      ],
    ],
    [{ emptyDir: { sizeLimit: '-1Gi' } }, [`${V0}.emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity`]],
    [{ secret: {} }, [`${V0}.secret.secretName: Required value`]],
    [{ secret: { secretName: 's', defaultMode: 0o1000 } }, [`${V0}.secret.defaultMode: Invalid value: 512: ${FILE_MODE}`]],
    [{ configMap: {} }, [`${V0}.configMap.name: Required value`]],
    [
      { configMap: { name: 'c', items: [{ path: '../x' }, { key: 'k', path: '/abs', mode: -1 }, { key: 'k', path: '..data' }, { key: 'k' }] } },
      [
        `${V0}.configMap.items[0].key: Required value`,
        `${V0}.configMap.items[0].path: Invalid value: "../x": must not contain '..'`,
        `${V0}.configMap.items[1].path: Invalid value: "/abs": must be a relative path`,
        `${V0}.configMap.items[1].mode: Invalid value: -1: ${FILE_MODE}`,
        `${V0}.configMap.items[2].path: Invalid value: "..data": must not start with '..'`,
        `${V0}.configMap.items[3].path: Required value`,
      ],
    ],
    [{ persistentVolumeClaim: { claimName: '' } }, [`${V0}.persistentVolumeClaim.claimName: Required value`]],
    [{ nfs: { server: 'nfs', path: 'exports' } }, [`${V0}.nfs.path: Invalid value: "exports": must be an absolute path`]],
    [{ nfs: {} }, [`${V0}.nfs.server: Required value`, `${V0}.nfs.path: Required value`, `${V0}.nfs.path: Invalid value: "": must be an absolute path`]],
    [{ csi: { driver: 'x'.repeat(64) } }, [`${V0}.csi.driver: Too long: may not be more than 63 bytes`]],
    [{ csi: { driver: 'csi.example.com', nodePublishSecretRef: {} } }, [`${V0}.csi.nodePublishSecretRef.name: Required value`]],
    [{ ephemeral: {} }, [`${V0}.ephemeral.volumeClaimTemplate: Required value`]],
    [
      { ephemeral: { volumeClaimTemplate: { spec: {} } } },
      [`${V0}.ephemeral.volumeClaimTemplate.spec.accessModes: Required value: at least 1 access mode is required`, `${V0}.ephemeral.volumeClaimTemplate.spec.resources[storage]: Required value`],
    ],
    [
      { ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
      [`${V0}.ephemeral.volumeClaimTemplate.spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes`],
    ],
    [
      { ephemeral: { volumeClaimTemplate: { metadata: { uid: 'x', name: 'n', labels: { a: 'b' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
      [`${V0}.ephemeral.volumeClaimTemplate.metadata.name: Forbidden: cannot be set`, `${V0}.ephemeral.volumeClaimTemplate.metadata.uID: Forbidden: cannot be set`],
    ],
    [{ gcePersistentDisk: {} }, [`${V0}.persistentDisk.pdName: Required value`]],
    [{ azureDisk: { diskName: 'd' } }, [`${V0}.azureDisk.diskURI: Required value`]],
  ];
  for (const [source, want] of cases) assert.deepEqual(errsOf(withVolumes({ name: 'v', ...source })), want, JSON.stringify(source));
});

test('downwardAPI and projected volumes: kube checks and messages', () => {
  const cases: [Obj, string[]][] = [
    [
      { downwardAPI: { items: [{ path: 'node', fieldRef: { fieldPath: 'spec.nodeName' } }] } },
      [
        `${V0}.downwardAPI.fieldRef.fieldPath: Unsupported value: "spec.nodeName": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"`,
      ],
    ],
    [{ downwardAPI: { items: [{ path: 'x' }] } }, [`${V0}.downwardAPI: Required value: one of fieldRef and resourceFieldRef is required`]],
    [{ downwardAPI: { items: [{ path: 'x', resourceFieldRef: { resource: 'limits.cpu' } }] } }, [`${V0}.downwardAPI.resourceFieldRef.containerName: Required value`]],
    [
      { projected: { sources: [{ secret: { name: 's' }, configMap: { name: 'c' } }] } },
      [`${V0}.projected.sources[0]: Forbidden: may not specify more than 1 volume type per source`],
    ],
    [
      { projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 60 } }] } },
      [`${V0}.projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes`],
    ],
    [{ projected: { sources: [{ serviceAccountToken: {} }] } }, [`${V0}.projected.path: Required value`]],
    [
      { projected: { sources: [{ secret: { name: 's1', items: [{ key: 'a', path: 'a' }] } }, { secret: { name: 's2', items: [{ key: 'a', path: 'a' }] } }] } },
      [`${V0}.projected: Invalid value: "s2": conflicting duplicate paths`],
    ],
  ];
  for (const [source, want] of cases) assert.deepEqual(errsOf(withVolumes({ name: 'v', ...source })), want, JSON.stringify(source));
});

test('env valueFrom: one source, not with a value, kube field paths and selectors', () => {
  const env = (ev: Obj): string[] => errsOf(withEnv({ env: [{ name: 'A', ...ev }] }));
  const field = (fieldPath: string, apiVersion = 'v1'): Obj => ({ valueFrom: { fieldRef: { apiVersion, fieldPath } } });
  assert.deepEqual(env({ valueFrom: {} }), [`${E0}: Invalid value: "": must specify one of: \`fieldRef\`, \`resourceFieldRef\`, \`configMapKeyRef\` or \`secretKeyRef\``]);
  assert.deepEqual(env({ value: 'x', ...field('metadata.name') }), [`${E0}: Invalid value: "": may not be specified when \`value\` is not empty`]);
  assert.deepEqual(env({ valueFrom: { fieldRef: { fieldPath: 'metadata.name' }, secretKeyRef: { name: 's', key: 'k' } } }), [
    `${E0}: Invalid value: "": may not have more than one field specified at a time`,
  ]);
  assert.deepEqual(env(field('metadata.labels')), [
    `${E0}.fieldRef.fieldPath: Unsupported value: "metadata.labels": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"`,
  ]);
  assert.deepEqual(env(field('spec.containers')), [`${E0}.fieldRef.fieldPath: Invalid value: "spec.containers": error converting fieldPath: field label not supported: spec.containers`]);
  assert.deepEqual(env(field('metadata.name', 'v2')), [`${E0}.fieldRef.fieldPath: Invalid value: "metadata.name": error converting fieldPath: unsupported pod version: v2`]);
  assert.deepEqual(env(field("metadata.name['x']")), [
    `${E0}.fieldRef.fieldPath: Invalid value: "metadata.name['x']": error converting fieldPath: field label does not support subscript: metadata.name['x']`,
  ]);
  assert.deepEqual(env(field("metadata.labels['a b']")), [
    `${E0}.fieldRef: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
  ]);
  assert.deepEqual(env({ valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }), [
    `${E0}.resourceFieldRef.resource: Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"`,
  ]);
  assert.deepEqual(env({ valueFrom: { resourceFieldRef: {} } }), [`${E0}.resourceFieldRef.resource: Required value`]);
  assert.deepEqual(env({ valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '2' } } }), [
    `${E0}.resourceFieldRef.divisor: Invalid value: "limits.cpu": only divisor's values 1m and 1 are supported with the cpu resource`,
  ]);
  assert.deepEqual(env({ valueFrom: { configMapKeyRef: { name: 'c' } } }), [`${E0}.configMapKeyRef.key: Required value`]);
  assert.deepEqual(env({ valueFrom: { secretKeyRef: { name: 'Bad', key: 'a/b' } } }), [
    `${E0}.secretKeyRef.name: Invalid value: "Bad": ${SUBDOMAIN}`,
    `${E0}.secretKeyRef.key: Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
  ]);
});

test('envFrom: one of configMapRef or secretRef (reported at envFrom), a printable prefix', () => {
  const P = 'spec.containers[0].envFrom';
  assert.deepEqual(errsOf(withEnv({ envFrom: [{ prefix: 'X_' }] })), [`${P}: Invalid value: "": must specify one of: \`configMapRef\` or \`secretRef\``]);
  assert.deepEqual(errsOf(withEnv({ envFrom: [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }] })), [
    `${P}: Invalid value: "": may not have more than one field specified at a time`,
  ]);
  assert.deepEqual(errsOf(withEnv({ envFrom: [{ prefix: 'A=', configMapRef: {} }] })), [
    `${P}[0].prefix: Invalid value: "A=": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    `${P}[0].configMapRef.name: Required value`,
  ]);
});

test('Deployment templates get the same checks at spec.template.spec', () => {
  const deployment = (spec: Obj): Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec } },
  });
  const ok = withVolumes(...VALID_VOLUMES);
  (ok.containers as Obj[])[0] = { name: 'c', image: 'nginx:1.27', ...VALID_ENV };
  assert.deepEqual(create(deployments, deployment(ok)).errs, []);
  const bad = withVolumes({ name: 'v', secret: {}, emptyDir: {} });
  (bad.containers as Obj[])[0] = { name: 'c', image: 'nginx:1.27', env: [{ name: 'A', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] };
  assert.deepEqual(create(deployments, deployment(bad)).errs, [
    'spec.template.spec.volumes[0].secret: Forbidden: may not specify more than 1 volume type',
    'spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
  ]);
});

test('volume mounts: subPath inside the volume, propagation and recursive read-only (kube paths, some at the list)', () => {
  const M = 'spec.containers[0].volumeMounts';
  const mount = (extra: Obj, container: Obj = {}): string[] => {
    const spec = withVolumes({ name: 'v', emptyDir: {} });
    (spec.containers as Obj[])[0] = { name: 'c', image: 'nginx:1.27', ...container, volumeMounts: [{ name: 'v', mountPath: '/v', ...extra }] };
    return errsOf(spec);
  };
  assert.deepEqual(mount({ subPath: 'logs/app', readOnly: true, recursiveReadOnly: 'IfPossible', mountPropagation: 'None' }), []);
  assert.deepEqual(mount({ mountPropagation: 'Bidirectional' }, { securityContext: { privileged: true } }), []);
  assert.deepEqual(mount({ subPath: '/etc' }), [`${M}.subPath: Invalid value: "/etc": must be a relative path`]);
  assert.deepEqual(mount({ subPath: 'a', subPathExpr: '../$(POD)' }), [
    `${M}[0].subPathExpr: Invalid value: "../$(POD)": subPathExpr and subPath are mutually exclusive`,
    `${M}.subPathExpr: Invalid value: "../$(POD)": must not contain '..'`,
  ]);
  assert.deepEqual(mount({ mountPropagation: 'Shared' }), [`${M}.mountPropagation: Unsupported value: "Shared": supported values: "Bidirectional", "HostToContainer", "None"`]);
  assert.deepEqual(mount({ mountPropagation: 'Bidirectional' }), [`${M}.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers`]);
  assert.deepEqual(mount({ recursiveReadOnly: 'Enabled' }), [`${M}.recursiveReadOnly: Forbidden: may only be specified when readOnly is true`]);
  assert.deepEqual(mount({ recursiveReadOnly: 'Always' }), [`${M}.recursiveReadOnly: Unsupported value: "Always": supported values: "Disabled", "Enabled", "IfPossible"`]);
});

test('volume devices: claim-backed volumes only, unique, apart from the mounts', () => {
  const D = 'spec.containers[0].volumeDevices';
  const devices = (container: Obj): string[] => {
    const spec = withVolumes({ name: 'blk', persistentVolumeClaim: { claimName: 'c' } }, { name: 'tmp', emptyDir: {} });
    (spec.containers as Obj[])[0] = { name: 'c', image: 'nginx:1.27', ...container };
    return errsOf(spec);
  };
  assert.deepEqual(devices({ volumeDevices: [{ name: 'blk', devicePath: '/dev/xvda' }] }), []);
  assert.deepEqual(devices({ volumeDevices: [{ name: 'tmp', devicePath: '/dev/x/../y' }] }), [
    `${D}[0].name: Invalid value: "tmp": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode`,
    `${D}[0].devicePath: Invalid value: "/dev/x/../y": can not contain backsteps ('..')`,
  ]);
  assert.deepEqual(devices({ volumeDevices: [{ name: 'nope' }] }), [`${D}[0].name: Not found: "nope"`, `${D}[0].devicePath: Required value`]);
  assert.deepEqual(devices({ volumeMounts: [{ name: 'blk', mountPath: '/data' }], volumeDevices: [{ name: 'blk', devicePath: '/data' }] }), [
    'spec.containers[0].volumeMounts[0].name: Invalid value: "blk": must not already exist in volumeDevices',
    'spec.containers[0].volumeMounts[0].mountPath: Invalid value: "/data": must not already exist as a path in volumeDevices',
    `${D}[0].name: Invalid value: "blk": must not already exist in volumeMounts`,
    `${D}[0].devicePath: Invalid value: "/data": must not already exist as a path in volumeMounts`,
  ]);
});
