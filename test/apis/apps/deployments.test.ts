import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appsV1Resources, deployments, type Deployment } from '../../../src/apis/apps/v1/index.js';
import { imageTag } from '../../../src/apis/apps/v1/pod-template-defaults.js';
import type { FieldError } from '../../../src/apimachinery/validation/field-error.js';

const strategy = deployments.strategy;

/** A deployment as `kubectl create deployment web --image=nginx` sends it, before defaults. */
function minimal(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    },
  };
}

const defaulted = (d: Deployment = minimal()): Deployment => {
  strategy.defaults?.(d);
  return d;
};

const texts = (errs: FieldError[]): string[] => errs.map(String);

describe('deployments: resource info', () => {
  it('names, scope, short names and categories as kube has them', () => {
    assert.deepEqual(deployments.info, {
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      singularName: 'deployment',
      kind: 'Deployment',
      namespaced: true,
      shortNames: ['deploy'],
      categories: ['all'],
    });
    assert.equal(appsV1Resources.length, 4);
    assert.equal(appsV1Resources[0].info.resource, 'deployments');
  });

  it('DNS-subdomain names, generation from the spec, status and scale subresources', () => {
    assert.deepEqual(deployments.nameValidator('web.v1', false), []);
    assert.equal(deployments.nameValidator('Web', false).length, 1);
    assert.deepEqual(deployments.nameValidator('web-', true), []);
    assert.equal(deployments.generation, 'spec');
    assert.ok(deployments.status?.strategy);
    assert.deepEqual(deployments.scale, {
      specReplicasPath: 'spec.replicas',
      statusReplicasPath: 'status.replicas',
      labelSelectorPath: 'spec.selector',
    });
    assert.equal(deployments.allowCreateOnUpdate, false);
    assert.equal(deployments.allowUnconditionalUpdate, true);
    assert.equal(deployments.fieldLabels, undefined);
  });
});

describe('deployments: defaults', () => {
  it("fills apps/v1's and the pod template's defaults", () => {
    const d = defaulted();
    assert.deepEqual(d.spec, {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx',
              imagePullPolicy: 'Always',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              resources: {},
            },
          ],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
          terminationGracePeriodSeconds: 30,
          schedulerName: 'default-scheduler',
          securityContext: {},
        },
      },
    });
  });

  it('keeps what the user set, including replicas 0 and a Recreate strategy without rollingUpdate', () => {
    const d = minimal();
    d.spec!.replicas = 0;
    d.spec!.strategy = { type: 'Recreate' };
    d.spec!.revisionHistoryLimit = 0;
    d.spec!.template!.spec!.restartPolicy = 'Always';
    d.spec!.template!.spec!.terminationGracePeriodSeconds = 0;
    defaulted(d);
    assert.equal(d.spec!.replicas, 0);
    assert.deepEqual(d.spec!.strategy, { type: 'Recreate' });
    assert.equal(d.spec!.revisionHistoryLimit, 0);
    assert.equal(d.spec!.template!.spec!.terminationGracePeriodSeconds, 0);
  });

  it('defaults a partly given rollingUpdate', () => {
    const d = minimal();
    d.spec!.strategy = { rollingUpdate: { maxSurge: 2 } };
    defaulted(d);
    assert.deepEqual(d.spec!.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: '25%' } });
  });

  it('imagePullPolicy: Always for :latest or no tag, else IfNotPresent', () => {
    const cases: [string, string][] = [
      ['nginx', 'Always'],
      ['nginx:latest', 'Always'],
      ['nginx:1.25', 'IfNotPresent'],
      ['registry:5000/team/nginx', 'Always'],
      ['registry:5000/team/nginx:v2', 'IfNotPresent'],
      ['nginx@sha256:0123456789abcdef', 'IfNotPresent'],
      ['nginx:latest@sha256:0123456789abcdef', 'Always'],
    ];
    for (const [image, policy] of cases) {
      const d = minimal();
      d.spec!.template!.spec!.containers![0].image = image;
      defaulted(d);
      assert.equal(d.spec!.template!.spec!.containers![0].imagePullPolicy, policy, image);
    }
    assert.equal(imageTag('localhost:5000/app'), 'latest');
  });

  it('container ports, probes, env fieldRefs and volumes get their core/v1 defaults', () => {
    const d = minimal();
    const c = d.spec!.template!.spec!.containers![0];
    c.ports = [{ containerPort: 80 }];
    c.livenessProbe = { httpGet: { port: 80 } };
    c.env = [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
    d.spec!.template!.spec!.volumes = [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cfg' } }];
    defaulted(d);
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(c.livenessProbe, {
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    assert.deepEqual(c.env![0].valueFrom, { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } });
    assert.deepEqual(d.spec!.template!.spec!.volumes, [
      { name: 'scratch', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
    ]);
  });
});

describe('deployments: validation on create', () => {
  it('a defaulted minimal deployment is valid', () => {
    assert.deepEqual(texts(strategy.validate!(defaulted())), []);
  });

  /** Each case mutates a defaulted deployment and expects exactly kube's errors. */
  const cases: { name: string; mutate: (d: Deployment) => void; want: string[] }[] = [
    {
      name: 'selector required (and then nothing matches the template)',
      mutate: (d) => delete d.spec!.selector,
      want: [
        'spec.selector: Required value',
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      ],
    },
    {
      name: 'selector must match the template labels',
      mutate: (d) => (d.spec!.selector = { matchLabels: { app: 'other' } }),
      want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    },
    {
      name: 'an empty selector is refused',
      mutate: (d) => (d.spec!.selector = {}),
      want: [
        'spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
      ],
    },
    {
      name: 'a selector with a bad operator',
      mutate: (d) => (d.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'Near', values: ['web'] }] }),
      want: [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
        'spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Near", Values:[]string{"web"}}}}: invalid label selector',
      ],
    },
    {
      name: 'replicas may not be negative',
      mutate: (d) => (d.spec!.replicas = -1),
      want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    },
    {
      name: 'containers required',
      mutate: (d) => (d.spec!.template!.spec!.containers = []),
      want: ['spec.template.spec.containers: Required value'],
    },
    {
      name: 'container name and image required',
      mutate: (d) => {
        const c = d.spec!.template!.spec!.containers![0];
        delete c.name;
        delete c.image;
      },
      want: ['spec.template.spec.containers[0].name: Required value', 'spec.template.spec.containers[0].image: Required value'],
    },
    {
      name: 'container names are DNS labels and unique',
      mutate: (d) => {
        const containers = d.spec!.template!.spec!.containers!;
        containers.push({ ...containers[0] });
        containers.push({ ...containers[0], name: 'Bad_Name' });
      },
      want: [
        'spec.template.spec.containers[1].name: Duplicate value: "nginx"',
        `spec.template.spec.containers[2].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      ],
    },
    {
      name: 'imagePullPolicy and terminationMessagePolicy are enums',
      mutate: (d) => {
        const c = d.spec!.template!.spec!.containers![0];
        c.imagePullPolicy = 'Sometimes';
        c.terminationMessagePolicy = 'Log';
      },
      want: [
        'spec.template.spec.containers[0].terminationMessagePolicy: Unsupported value: "Log": supported values: "File", "FallbackToLogsOnError"',
        'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      ],
    },
    {
      name: 'ports: range, protocol, names',
      mutate: (d) => {
        d.spec!.template!.spec!.containers![0].ports = [
          { containerPort: 70000, protocol: 'TCP' },
          { name: 'http', containerPort: 80, protocol: 'ICMP' },
        ];
      },
      want: [
        'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.template.spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    },
    {
      name: 'a deployment restarts its pods Always',
      mutate: (d) => (d.spec!.template!.spec!.restartPolicy = 'OnFailure'),
      want: ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    },
    {
      name: 'activeDeadlineSeconds is forbidden',
      mutate: (d) => (d.spec!.template!.spec!.activeDeadlineSeconds = 10),
      want: ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
    },
    {
      name: 'template labels are validated at kube\'s path',
      mutate: (d) => {
        d.spec!.template!.metadata!.labels = { app: 'web', 'bad key!': 'x' };
      },
      want: [
        `spec.template.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      ],
    },
    {
      name: 'strategy type is Recreate or RollingUpdate',
      mutate: (d) => (d.spec!.strategy = { type: 'BlueGreen' }),
      want: [
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
      ],
    },
    {
      name: 'rollingUpdate is forbidden with Recreate',
      mutate: (d) => (d.spec!.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }),
      want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    },
    {
      name: 'maxSurge and maxUnavailable may not both be 0',
      mutate: (d) => (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }),
      want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0'],
    },
    {
      name: 'percentages must be well formed and at most 100%',
      mutate: (d) => (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots', maxUnavailable: '150%' } }),
      want: [
        `spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"lots"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
      ],
    },
    {
      name: 'negative surge',
      mutate: (d) => (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: -1, maxUnavailable: 1 } }),
      want: ['spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0'],
    },
    {
      name: 'progressDeadlineSeconds must exceed minReadySeconds',
      mutate: (d) => {
        d.spec!.minReadySeconds = 30;
        d.spec!.progressDeadlineSeconds = 30;
      },
      want: ['spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds'],
    },
    {
      name: 'revisionHistoryLimit and minReadySeconds may not be negative',
      mutate: (d) => {
        d.spec!.minReadySeconds = -5;
        d.spec!.revisionHistoryLimit = -1;
      },
      want: [
        'spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0',
        'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
      ],
    },
    {
      name: 'a volume mount names a volume of the pod, with a mount path given once',
      mutate: (d) => {
        const pod = d.spec!.template!.spec!;
        pod.volumes = [{ name: 'data', emptyDir: {} }];
        pod.containers![0].volumeMounts = [{ name: 'data', mountPath: '/d' }, { name: 'nope', mountPath: '/d' }, { name: 'data' }];
      },
      want: [
        'spec.template.spec.containers[0].volumeMounts[1].name: Not found: "nope"',
        'spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique',
        'spec.template.spec.containers[0].volumeMounts[2].mountPath: Required value',
      ],
    },
    {
      name: 'volume names are DNS labels and unique, and a bad one cannot be mounted',
      mutate: (d) => {
        const pod = d.spec!.template!.spec!;
        pod.volumes = [{ name: 'Bad_Name', emptyDir: {} }, { name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }];
        pod.initContainers = [{ ...pod.containers![0], name: 'init', volumeMounts: [{ name: 'Bad_Name', mountPath: '/b' }, { name: 'data', mountPath: '/d' }] }];
      },
      want: [
        `spec.template.spec.volumes[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        'spec.template.spec.volumes[2].name: Duplicate value: "data"',
        'spec.template.spec.initContainers[0].volumeMounts[0].name: Not found: "Bad_Name"',
      ],
    },
    {
      name: 'wrongly typed lists validate instead of throwing',
      mutate: (d) => {
        (d.spec!.template!.spec as Record<string, unknown>).containers = 'nginx';
      },
      want: ['spec.template.spec.containers: Required value'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = defaulted();
      c.mutate(d);
      assert.deepEqual(texts(strategy.validate!(d)), c.want);
    });
  }
});

describe('deployments: update', () => {
  it('the selector is immutable', () => {
    const old = defaulted();
    const next = defaulted();
    next.spec!.selector = { matchLabels: { app: 'web', tier: 'front' } };
    next.spec!.template!.metadata!.labels = { app: 'web', tier: 'front' };
    assert.deepEqual(texts(strategy.validateUpdate!(next, old)), [
      'spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('an empty list and a missing one are the same selector', () => {
    const old = defaulted();
    const next = defaulted();
    next.spec!.selector = { matchLabels: { app: 'web' }, matchExpressions: [] };
    assert.deepEqual(texts(strategy.validateUpdate!(next, old)), []);
  });

  it('an annotation change bumps the generation (the Store bumps it for spec changes)', () => {
    const old = defaulted();
    old.metadata!.generation = 4;
    const same = structuredClone(old);
    strategy.prepareForUpdate!(same, old);
    assert.equal(same.metadata!.generation, 4);
    const annotated = structuredClone(old);
    annotated.metadata!.annotations = { 'kubernetes.io/change-cause': 'rollout' };
    strategy.prepareForUpdate!(annotated, old);
    assert.equal(annotated.metadata!.generation, 5);
  });

  it('status starts empty on create', () => {
    const d = defaulted();
    d.status = { replicas: 3 };
    strategy.prepareForCreate!(d);
    assert.deepEqual(d.status, {});
  });
});

describe('deployments: status subresource', () => {
  const status = deployments.status!.strategy!;

  it('keeps spec and labels of the stored object', () => {
    const old = defaulted();
    const next = defaulted();
    next.spec!.replicas = 9;
    next.metadata!.labels = { changed: 'yes' };
    next.status = { replicas: 1 };
    status.prepareForUpdate!(next, old);
    assert.equal(next.spec!.replicas, 1);
    assert.deepEqual(next.metadata!.labels, { app: 'web' });
    assert.deepEqual(next.status, { replicas: 1 });
  });

  it("validates the status with kube's messages", () => {
    const old = defaulted();
    old.status = { collisionCount: 2 };
    const next = defaulted();
    next.status = { replicas: 1, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 2, observedGeneration: -1, collisionCount: 1 };
    assert.deepEqual(texts(status.validateUpdate!(next, old)), [
      'status.observedGeneration: Invalid value: -1: must be greater than or equal to 0',
      'status.updatedReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas',
      'status.collisionCount: Invalid value: 1: cannot be decremented',
    ]);
  });
});

describe('deployments: table', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const columns = deployments.tableColumns;

  it("has kube's columns, the last three only with -o wide", () => {
    assert.deepEqual(
      columns.map((c) => [c.name, c.type, c.priority]),
      [
        ['Ready', 'string', 0],
        ['Up-to-date', 'string', 0],
        ['Available', 'string', 0],
        ['Age', 'string', 0],
        ['Containers', 'string', 1],
        ['Images', 'string', 1],
        ['Selector', 'string', 1],
      ],
    );
  });

  it('fills the cells as kubectl shows them', () => {
    const d = defaulted();
    d.spec!.replicas = 3;
    d.spec!.selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] };
    d.spec!.template!.spec!.containers!.push({ name: 'sidecar', image: 'busybox:1.36' });
    d.metadata!.creationTimestamp = '2024-05-01T11:00:00Z';
    d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 1 };
    assert.deepEqual(
      columns.map((c) => c.cell(d, now)),
      ['2/3', 3, 1, '60m', 'nginx,sidecar', 'nginx,busybox:1.36', 'app=web,tier in (a,b)'],
    );
  });

  it('a fresh deployment reads 0/1 with zero counts', () => {
    const d = defaulted();
    d.status = {};
    assert.deepEqual(columns.slice(0, 3).map((c) => c.cell(d, now)), ['0/1', 0, 0]);
  });
});
