import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pods, type Pod } from '../../../../src/apis/core/v1/pods.js';
import { create } from './helpers.js';

type Obj = Record<string, unknown>;
const pod = (spec: Obj): Pod => ({ metadata: { name: 'p', namespace: 'default' }, spec });
const web = (extra: Obj = {}): Obj => ({ name: 'web', image: 'nginx:1.27', ...extra });
const errsOf = (spec: Obj): string[] => create(pods, pod(spec)).errs;
const C0 = 'spec.containers[0]';

test('a pod using probes, hooks, security contexts and resources as kube allows is valid', () => {
  const spec = {
    securityContext: { runAsUser: 1000, runAsGroup: 0, fsGroup: 2000, supplementalGroups: [0, 2147483647], fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [
      { name: 'init', image: 'busybox:1', command: ['true'] },
      { name: 'sidecar', image: 'envoy:1', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 9901 } }, startupProbe: { grpc: { port: 9902 } } },
    ],
    containers: [
      web({
        ports: [{ name: 'http', containerPort: 80, hostPort: 8080 }],
        env: [{ name: 'my.var-1', value: 'x' }],
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '0.5', memory: '64Mi', 'nvidia.com/gpu': '1' } },
        securityContext: { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'] }, procMount: 'Default' },
        livenessProbe: { httpGet: { port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, terminationGracePeriodSeconds: 5 },
        readinessProbe: { exec: { command: ['cat', '/ready'] }, successThreshold: 3, initialDelaySeconds: 0 },
        lifecycle: { postStart: { httpGet: { port: 80 } }, preStop: { sleep: { seconds: 30 } } },
      }),
      web({ name: 'other', ports: [{ containerPort: 81, hostPort: 8080, protocol: 'UDP' }] }),
    ],
  };
  const { obj, errs } = create(pods, pod(spec));
  assert.deepEqual(errs, []);
  // A hook's httpGet gets the same defaults as a probe's.
  const lifecycle = (obj.spec?.containers as Obj[])[0].lifecycle as { postStart: { httpGet: Obj } };
  assert.deepEqual(lifecycle.postStart.httpGet, { port: 80, path: '/', scheme: 'HTTP' });
});

test('probes: one handler, non-negative numbers, kind rules (kube paths and messages)', () => {
  const cases: [Obj, string[]][] = [
    [{ readinessProbe: { periodSeconds: 1 } }, [`${C0}.readinessProbe: Required value: must specify a handler type`]],
    [
      { livenessProbe: { exec: { command: ['x'] }, httpGet: { port: 80 }, grpc: { port: 81 } } },
      [`${C0}.livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type`, `${C0}.livenessProbe.grpc: Forbidden: may not specify more than 1 handler type`],
    ],
    [{ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }, [`${C0}.livenessProbe.successThreshold: Invalid value: 2: must be 1`]],
    [{ startupProbe: { tcpSocket: { port: 80 }, successThreshold: 3 } }, [`${C0}.startupProbe.successThreshold: Invalid value: 3: must be 1`]],
    [
      { startupProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: -1, failureThreshold: -2 } },
      [
        `${C0}.startupProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0`,
        `${C0}.startupProbe.failureThreshold: Invalid value: -2: must be greater than or equal to 0`,
      ],
    ],
    [{ livenessProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 0 } }, [`${C0}.livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0`]],
    [{ readinessProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 10 } }, [`${C0}.readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not be set for readinessProbes`]],
    [{ livenessProbe: { exec: {} } }, [`${C0}.livenessProbe.exec.command: Required value`]],
    [{ livenessProbe: { httpGet: {} } }, [`${C0}.livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive`]],
    [
      { livenessProbe: { tcpSocket: { port: 'HTTP' } } },
      [
        `${C0}.livenessProbe.tcpSocket.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
        `${C0}.livenessProbe.tcpSocket.port: Invalid value: "HTTP": must contain at least one letter (a-z)`,
      ],
    ],
    [{ livenessProbe: { grpc: { port: 70000 } } }, [`${C0}.livenessProbe.grpc.port: Invalid value: 70000: must be between 1 and 65535, inclusive`]],
    [{ livenessProbe: { httpGet: { port: 80, scheme: 'FTP' } } }, [`${C0}.livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`]],
    [
      { livenessProbe: { httpGet: { port: 80, httpHeaders: [{ name: 'X Bad', value: '' }] } } },
      [
        `${C0}.livenessProbe.httpGet.httpHeaders: Invalid value: "X Bad": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')`,
      ],
    ],
  ];
  for (const [extra, want] of cases) assert.deepEqual(errsOf({ containers: [web(extra)] }), want, JSON.stringify(extra));
});

test('lifecycle hooks: one handler each, sleep within the grace period', () => {
  assert.deepEqual(errsOf({ containers: [web({ lifecycle: { preStop: {} } })] }), [`${C0}.lifecycle.preStop: Required value: must specify a handler type`]);
  assert.deepEqual(errsOf({ containers: [web({ lifecycle: { postStart: { exec: { command: ['a'] }, sleep: { seconds: 1 } } } })] }), [
    `${C0}.lifecycle.postStart.sleep: Forbidden: may not specify more than 1 handler type`,
  ]);
  assert.deepEqual(errsOf({ containers: [web({ lifecycle: { postStart: { grpc: { port: 80 } } } })] }), [
    `${C0}.lifecycle.postStart: Required value: must specify a handler type`,
  ]);
  const sleepMsg = 'must be greater than 0 and less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.';
  assert.deepEqual(errsOf({ containers: [web({ lifecycle: { preStop: { sleep: { seconds: 31 } } } })] }), [`${C0}.lifecycle.preStop.sleep: Invalid value: 31: ${sleepMsg}`]);
  assert.deepEqual(errsOf({ containers: [web({ lifecycle: { preStop: { sleep: { seconds: 0 } } } })] }), [`${C0}.lifecycle.preStop.sleep: Invalid value: 0: ${sleepMsg}`]);
});

test('init containers: no hooks or probes unless restartPolicy Always; regular containers have no restartPolicy', () => {
  const I0 = 'spec.initContainers[0]';
  const forbidden = 'Forbidden: may not be set for init containers without restartPolicy=Always';
  assert.deepEqual(errsOf({ initContainers: [web({ name: 'i', readinessProbe: { tcpSocket: { port: 1 } }, lifecycle: {} })], containers: [web()] }), [
    `${I0}.lifecycle: ${forbidden}`,
    `${I0}.readinessProbe: ${forbidden}`,
  ]);
  assert.deepEqual(errsOf({ initContainers: [web({ name: 'i', restartPolicy: 'Always', readinessProbe: {} })], containers: [web()] }), [
    `${I0}.readinessProbe: Required value: must specify a handler type`,
  ]);
  assert.deepEqual(errsOf({ initContainers: [web({ name: 'i', restartPolicy: 'OnFailure' })], containers: [web()] }), [
    `${I0}.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`,
  ]);
  assert.deepEqual(errsOf({ containers: [web({ restartPolicy: 'Always' })] }), [`${C0}.restartPolicy: Forbidden: may not be set for non-init containers`]);
});

test('security contexts: IDs in range, seccomp, procMount, privilege contradictions', () => {
  const range = 'must be between 0 and 2147483647, inclusive';
  const S = 'spec.securityContext';
  assert.deepEqual(errsOf({ securityContext: { runAsUser: -1 }, containers: [web()] }), [`${S}.runAsUser: Invalid value: -1: ${range}`]);
  assert.deepEqual(
    errsOf({ securityContext: { fsGroup: 2147483648, runAsGroup: -2, supplementalGroups: [1, -5] }, containers: [web()] }),
    [`${S}.fsGroup: Invalid value: 2147483648: ${range}`, `${S}.runAsGroup: Invalid value: -2: ${range}`, `${S}.supplementalGroups[1]: Invalid value: -5: ${range}`],
  );
  assert.deepEqual(errsOf({ securityContext: { fsGroupChangePolicy: 'Sometimes', seccompProfile: { type: 'Localhost' } }, containers: [web()] }), [
    `${S}.fsGroupChangePolicy: Unsupported value: "Sometimes": supported values: "Always", "OnRootMismatch"`,
    `${S}.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost`,
  ]);
  assert.deepEqual(errsOf({ hostPID: true, shareProcessNamespace: true, containers: [web()] }), [
    `${S}.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled`,
  ]);
  const CS = `${C0}.securityContext`;
  assert.deepEqual(errsOf({ containers: [web({ securityContext: { runAsUser: -1, runAsGroup: 2147483648 } })] }), [
    `${CS}.runAsUser: Invalid value: -1: ${range}`,
    `${CS}.runAsGroup: Invalid value: 2147483648: ${range}`,
  ]);
  assert.deepEqual(errsOf({ containers: [web({ securityContext: { procMount: 'Unmasked', seccompProfile: {} } })] }), [
    `${CS}.procMount: Invalid value: "Unmasked": \`hostUsers\` must be false to use \`Unmasked\``,
    `${CS}.seccompProfile.type: Required value: type is required when seccompProfile is set`,
  ]);
  assert.deepEqual(errsOf({ containers: [web({ securityContext: { procMount: 'Masked', seccompProfile: { type: 'Bogus' } } })] }), [
    `${CS}.procMount: Unsupported value: "Masked": supported values: "Default", "Unmasked"`,
    `${CS}.seccompProfile.type: Unsupported value: "Bogus": supported values: "Localhost", "RuntimeDefault", "Unconfined"`,
  ]);
  const sc = { allowPrivilegeEscalation: false, privileged: true, capabilities: { add: ['CAP_SYS_ADMIN'] } };
  const errs = errsOf({ containers: [web({ securityContext: sc })] });
  assert.equal(errs.length, 2);
  assert.match(errs[0], /^spec\.containers\[0\]\.securityContext: Invalid value: .*: cannot set `allowPrivilegeEscalation` to false and `privileged` to true$/);
  assert.match(errs[1], /^spec\.containers\[0\]\.securityContext: Invalid value: .*: cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN$/);
});

test('resources: requests at most limits, names and quantities checked', () => {
  const R = `${C0}.resources`;
  const res = (resources: Obj): Obj => ({ containers: [web({ resources })] });
  assert.deepEqual(errsOf(res({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '250m', memory: '512Mi' } })), [
    `${R}.requests: Invalid value: "500m": must be less than or equal to cpu limit of 250m`,
    `${R}.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi`,
  ]);
  assert.deepEqual(errsOf(res({ requests: { memory: '-1' } })), [`${R}.requests[memory]: Invalid value: "-1": must be greater than or equal to 0`]);
  assert.deepEqual(errsOf(res({ requests: { 'example.com/dongle': '1' } })), [`${R}.limits: Required value: Limit must be set for non overcommitable resources`]);
  assert.deepEqual(errsOf(res({ requests: { 'example.com/dongle': '1' }, limits: { 'example.com/dongle': '2' } })), [
    `${R}.requests: Invalid value: "1": must be equal to example.com/dongle limit of 2`,
  ]);
  assert.deepEqual(errsOf(res({ limits: { cpus: '1' } })), [
    `${R}.limits[cpus]: Invalid value: "cpus": must be a standard resource type or fully qualified`,
    `${R}.limits[cpus]: Invalid value: "cpus": must be a standard resource for containers`,
    // Pod defaults copy the limit into requests, which kube then checks the same way.
    `${R}.requests[cpus]: Invalid value: "cpus": must be a standard resource type or fully qualified`,
    `${R}.requests[cpus]: Invalid value: "cpus": must be a standard resource for containers`,
  ]);
  assert.deepEqual(errsOf(res({ limits: { 'hugepages-2Mi': '2Mi' } })), [`${R}: Forbidden: HugePages require cpu or memory`]);
  // Malformed or absurd quantities (no decoder refuses them first here) are field errors, found without exact 10^300000 arithmetic.
  assert.deepEqual(errsOf(res({ requests: { cpu: 'lots', memory: '1E300000', 'ephemeral-storage': '9'.repeat(2000) } })), [
    `${R}.requests[cpu]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    `${R}.requests[memory]: Invalid value: "1E300000": unable to parse quantity's numeric part`,
    `${R}.requests[ephemeral-storage]: Invalid value: "${'9'.repeat(2000)}": unable to parse quantity's numeric part`,
  ]);
});

test('env names, container ports and host-port conflicts', () => {
  assert.deepEqual(errsOf({ containers: [web({ env: [{ name: 'A=B' }, { value: 'x' }] })] }), [
    `${C0}.env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    `${C0}.env[1].name: Required value`,
  ]);
  assert.deepEqual(errsOf({ containers: [web({ ports: [{ name: 'http', containerPort: 0 }, { name: 'http', containerPort: 65536 }] })] }), [
    `${C0}.ports[0].containerPort: Required value`,
    `${C0}.ports[1].name: Duplicate value: "http"`,
    `${C0}.ports[1].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive`,
  ]);
  assert.deepEqual(errsOf({ containers: [web({ ports: [{ containerPort: 80, hostPort: 8080 }] }), web({ name: 'b', ports: [{ containerPort: 81, hostPort: 8080 }] })] }), [
    'spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"',
  ]);
});

test('volume mounts, restartPolicy and dnsPolicy of pods', () => {
  assert.deepEqual(errsOf({ initContainers: [web({ name: 'i', volumeMounts: [{ name: 'gone', mountPath: '/x' }] })], containers: [web()] }), [
    'spec.initContainers[0].volumeMounts[0].name: Not found: "gone"',
  ]);
  assert.deepEqual(
    errsOf({ volumes: [{ name: 'data', emptyDir: {} }], containers: [web({ volumeMounts: [{ name: 'data', mountPath: '/d' }, { name: 'data', mountPath: '/d' }] })] }),
    [`${C0}.volumeMounts[1].mountPath: Invalid value: "/d": must be unique`],
  );
  assert.deepEqual(errsOf({ containers: [web()], dnsPolicy: 'Host' }), [
    'spec.dnsPolicy: Unsupported value: "Host": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  ]);
});
