import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { daemonSets, deployments, type Deployment } from '../../../src/apis/apps/v1/index.js';
import { cronJobs, jobs } from '../../../src/apis/batch/v1/index.js';
import { create } from '../core/v1/helpers.js';

type Obj = Record<string, unknown>;
const T = 'spec.template.spec';

/** A Deployment as a client sends it (before defaults), with the given pod spec fields. */
function deployment(spec: Obj): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }], ...spec } },
    },
  };
}

const container = (extra: Obj): Obj[] => [{ name: 'nginx', image: 'nginx:1.27', ...extra }];
const errsOf = (spec: Obj): string[] => create(deployments, deployment(spec)).errs;

describe('pod template rules shared with Pods (kube paths under spec.template.spec)', () => {
  it('a probe without a handler (found by kubectl apply --dry-run=server)', () => {
    assert.deepEqual(errsOf({ containers: container({ readinessProbe: { periodSeconds: 1 } }) }), [
      `${T}.containers[0].readinessProbe: Required value: must specify a handler type`,
    ]);
  });

  it('probes: one handler, liveness successThreshold 1', () => {
    assert.deepEqual(errsOf({ containers: container({ livenessProbe: { tcpSocket: { port: 80 }, exec: { command: ['x'] }, successThreshold: 2 } }) }), [
      `${T}.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type`,
      `${T}.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1`,
    ]);
  });

  it('lifecycle hooks need a handler; a hook httpGet gets its defaults', () => {
    assert.deepEqual(errsOf({ containers: container({ lifecycle: { preStop: {} } }) }), [
      `${T}.containers[0].lifecycle.preStop: Required value: must specify a handler type`,
    ]);
    const { obj, errs } = create(deployments, deployment({ containers: container({ lifecycle: { postStart: { httpGet: { port: 80 } } } }) }));
    assert.deepEqual(errs, []);
    const c = (obj.spec?.template?.spec?.containers ?? [])[0] as { lifecycle: { postStart: { httpGet: Obj } } };
    assert.deepEqual(c.lifecycle.postStart.httpGet, { port: 80, path: '/', scheme: 'HTTP' });
  });

  it('securityContext.runAsUser -1 at pod and container level', () => {
    assert.deepEqual(errsOf({ securityContext: { runAsUser: -1 }, containers: container({ securityContext: { runAsUser: -1, runAsGroup: -1 } }) }), [
      `${T}.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive`,
      `${T}.containers[0].securityContext.runAsGroup: Invalid value: -1: must be between 0 and 2147483647, inclusive`,
      `${T}.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive`,
    ]);
    assert.deepEqual(errsOf({ securityContext: { fsGroup: -1, supplementalGroups: [-1] } }), [
      `${T}.securityContext.fsGroup: Invalid value: -1: must be between 0 and 2147483647, inclusive`,
      `${T}.securityContext.supplementalGroups[0]: Invalid value: -1: must be between 0 and 2147483647, inclusive`,
    ]);
  });

  it('requests above limits', () => {
    assert.deepEqual(errsOf({ containers: container({ resources: { requests: { cpu: '1' }, limits: { cpu: '500m' } } }) }), [
      `${T}.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m`,
    ]);
  });

  it('init containers: probes only for sidecars, restartPolicy only Always', () => {
    assert.deepEqual(
      errsOf({
        initContainers: [
          { name: 'a', image: 'busybox', livenessProbe: { exec: { command: ['true'] } } },
          { name: 'b', image: 'busybox', restartPolicy: 'Never' },
          { name: 'c', image: 'busybox', restartPolicy: 'Always', startupProbe: { exec: { command: ['true'] }, successThreshold: 2 } },
        ],
      }),
      [
        `${T}.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always`,
        `${T}.initContainers[1].restartPolicy: Unsupported value: "Never": supported values: "Always"`,
        `${T}.initContainers[2].startupProbe.successThreshold: Invalid value: 2: must be 1`,
      ],
    );
  });

  it('a template using all of it correctly is valid', () => {
    const spec = {
      securityContext: { runAsUser: 1000, runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: container({
        ports: [{ name: 'http', containerPort: 8080 }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        livenessProbe: { httpGet: { path: '/livez', port: 'http' } },
        readinessProbe: { httpGet: { path: '/readyz', port: 8080, scheme: 'HTTPS' }, successThreshold: 2 },
        startupProbe: { tcpSocket: { port: 8080 }, failureThreshold: 30 },
        lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
      }),
    };
    assert.deepEqual(errsOf(spec), []);
  });
});

describe('other workloads validate their templates the same way', () => {
  it('DaemonSet, Job and CronJob', () => {
    const probe = { readinessProbe: { periodSeconds: 1 } };
    const ds = create(daemonSets, {
      metadata: { name: 'd', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: container(probe) } } },
    });
    assert.deepEqual(ds.errs, [`${T}.containers[0].readinessProbe: Required value: must specify a handler type`]);
    const job = create(jobs, {
      metadata: { name: 'j', namespace: 'default', uid: '6f3b4a3e-0000-4000-8000-000000000001' },
      spec: { template: { spec: { containers: container({ securityContext: { runAsUser: -1 } }), restartPolicy: 'Never' } } },
    });
    assert.ok(job.errs.includes(`${T}.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive`), job.errs.join('\n'));
    const cj = create(cronJobs, {
      metadata: { name: 'c', namespace: 'default' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: container(probe), restartPolicy: 'OnFailure' } } } } },
    });
    assert.ok(cj.errs.includes(`spec.jobTemplate.${T}.containers[0].readinessProbe: Required value: must specify a handler type`), cj.errs.join('\n'));
  });
});
