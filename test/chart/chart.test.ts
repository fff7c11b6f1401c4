/**
 * charts/frontdoor rendered as `helm template` would (the Go renderer in
 * test/chart/render: text/template + sprig + helm's functions; no helm binary can
 * be installed here), under the default values and each file of the values
 * matrix (test/chart/values/*.yaml):
 * - what each variant renders (kinds, workload, args, probes, security context, volumes);
 * - that the rendered command line is one frontdoor's own flag parser accepts;
 * - that values.schema.json (checked with ajv, as helm checks the coalesced values)
 *   accepts every variant and refuses bad values;
 * - that a running frontdoor accepts every rendered manifest with
 *   `kubectl apply --dry-run=server` (after the namespace and a ServiceMonitor CRD);
 * - that the PKI copy the chart's init container makes lets a second server share
 *   the first one's CAs.
 * Without `go` the suite is skipped, except under CI, where it must run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { parse as parseYAML, parseAllDocuments } from 'yaml';
import { buildCommand } from '../../src/cli/options.js';
import { repoRoot, startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { kubectl, kubectlUntilOk } from '../helpers/kubectl.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';
import { buildRenderer, rendererSkipReason } from './renderer.js';

const run = promisify(execFile);

const chartDir = join(repoRoot, 'charts/frontdoor');
const valuesDir = join(repoRoot, 'test/chart/values');
const crdFixture = join(repoRoot, 'test/chart/fixtures/servicemonitor-crd.yaml');
const NAMESPACE = 'frontdoor-system';

const skip = rendererSkipReason();

type Obj = Record<string, any>;

interface Rendered {
  docs: Obj[];
  /** The `# Source:` header of each document, in order. */
  sources: string[];
  text: string;
  notes: string;
  values: Obj;
}

const variants = (await readdir(valuesDir)).filter((f) => f.endsWith('.yaml')).sort();

describe('charts/frontdoor', { skip }, () => {
  let work: TempDir;
  let renderer: string;

  before(async () => {
    work = await makeTempDir('frontdoor-chart-');
    renderer = await buildRenderer(work.path);
  });
  after(async () => {
    await work?.remove();
  });

  let seq = 0;
  async function render(valueFiles: string[], opts: { namespace?: string } = {}): Promise<Rendered> {
    const id = ++seq;
    const notesFile = join(work.path, `notes-${id}.txt`);
    const valuesFile = join(work.path, `values-${id}.json`);
    const { stdout } = await run(
      renderer,
      ['-chart', chartDir, '-name', 'frontdoor', '-namespace', opts.namespace ?? NAMESPACE, '-notes', notesFile, '-values-json', valuesFile, ...valueFiles.flatMap((f) => ['-f', f])],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const parsed = parseAllDocuments(stdout);
    const docs = parsed.map((d) => {
      assert.equal(d.errors.length, 0, `rendered YAML does not parse: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as Obj;
    });
    const sources = [...stdout.matchAll(/^# Source: (.+)$/gm)].map((m) => m[1]!);
    assert.equal(sources.length, docs.length, 'every document has its # Source header');
    return { docs, sources, text: stdout, notes: await readFile(notesFile, 'utf8'), values: JSON.parse(await readFile(valuesFile, 'utf8')) as Obj };
  }

  async function overrideFile(name: string, values: Obj): Promise<string> {
    const path = join(work.path, `${name}.yaml`);
    await writeFile(path, JSON.stringify(values));
    return path;
  }

  /** The values helm would validate and render with, without rendering (the templates refuse some of them too). */
  async function coalescedValues(file: string): Promise<Obj> {
    const out = join(work.path, `values-${++seq}.json`);
    await run(renderer, ['-chart', chartDir, '-values-json', out, '-values-only', '-f', file]);
    return JSON.parse(await readFile(out, 'utf8')) as Obj;
  }

  async function renderError(values: Obj): Promise<string> {
    const f = await overrideFile(`bad-${++seq}`, values);
    try {
      await run(renderer, ['-chart', chartDir, '-f', f]);
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
    assert.fail(`rendering ${JSON.stringify(values)} succeeded`);
  }

  const kinds = (r: Rendered) => r.docs.map((d) => d.kind as string);
  const one = (r: Rendered, kind: string, name?: string): Obj => {
    const found = r.docs.filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
    assert.equal(found.length, 1, `one ${kind}${name ? ` ${name}` : ''} in ${kinds(r).join(', ')}`);
    return found[0]!;
  };
  const workload = (r: Rendered): Obj => {
    const w = r.docs.filter((d) => d.kind === 'StatefulSet' || d.kind === 'Deployment');
    assert.equal(w.length, 1, `exactly one workload in ${kinds(r).join(', ')}`);
    return w[0]!;
  };
  const server = (w: Obj): Obj => w.spec.template.spec.containers.find((c: Obj) => c.name === 'frontdoor');
  const args = (w: Obj): string[] => server(w).args as string[];

  /** What holds for every variant: the shape helm users and kube rely on. */
  function checkInvariants(r: Rendered, label: string): void {
    const fullname = workload(r).metadata.name as string;
    for (const d of r.docs) {
      assert.ok(d.apiVersion && d.kind && d.metadata?.name, `${label}: ${d.kind} has apiVersion, kind, name`);
      assert.equal(d.metadata.labels['app.kubernetes.io/managed-by'], 'Helm', `${label}: ${d.kind}/${d.metadata.name} labels`);
      if (d.kind !== 'ServiceMonitor' && d.kind !== 'ConfigMap') assert.equal(d.metadata.namespace, NAMESPACE, `${label}: ${d.kind} namespace`);
    }
    const w = workload(r);
    const pod = w.spec.template.spec;
    // The selector picks the pod template (kube refuses a workload otherwise) and the Service and PDB select the same pods.
    for (const [k, v] of Object.entries(w.spec.selector.matchLabels)) assert.equal(w.spec.template.metadata.labels[k], v, `${label}: template has selector label ${k}`);
    assert.deepEqual(one(r, 'Service', fullname).spec.selector, w.spec.selector.matchLabels);
    if (r.docs.some((d) => d.kind === 'PodDisruptionBudget')) assert.deepEqual(one(r, 'PodDisruptionBudget').spec.selector.matchLabels, w.spec.selector.matchLabels);

    const c = server(w);
    assert.deepEqual(c.command, ['frontdoor'], `${label}: the container runs the package bin`);
    const port = c.ports.find((p: Obj) => p.name === 'https');
    assert.ok(port, `${label}: container port https`);
    assert.ok(args(w).includes(`--secure-port=${port.containerPort}`), `${label}: --secure-port matches the container port`);
    for (const [probe, path] of [['startupProbe', '/livez'], ['livenessProbe', '/livez'], ['readinessProbe', '/readyz']] as const) {
      assert.deepEqual(c[probe]?.httpGet, { path, port: 'https', scheme: 'HTTPS' }, `${label}: ${probe}`);
      assert.ok(c[probe].periodSeconds >= 1 && c[probe].failureThreshold >= 1, `${label}: ${probe} timing`);
    }
    assert.equal(c.securityContext.readOnlyRootFilesystem, true, `${label}: read-only root filesystem`);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false, `${label}: no privilege escalation`);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], `${label}: capabilities dropped`);
    assert.equal(pod.securityContext.runAsNonRoot, true, `${label}: runs as non-root`);
    assert.ok(pod.securityContext.runAsUser > 0, `${label}: a non-root uid`);
    assert.equal(pod.automountServiceAccountToken, false, `${label}: the host cluster's token is not mounted`);
    assert.ok(c.resources?.requests?.memory, `${label}: resources set`);

    // Every mount names a volume of the pod (or a claim template), and the paths frontdoor writes are mounted.
    const volumes = new Set<string>([...pod.volumes.map((v: Obj) => v.name), ...(w.spec.volumeClaimTemplates ?? []).map((t: Obj) => t.metadata.name)]);
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
      for (const m of container.volumeMounts) assert.ok(volumes.has(m.name), `${label}: ${container.name} mounts ${m.name}, which is a volume`);
    }
    const mounts = new Map<string, string>(c.volumeMounts.map((m: Obj) => [m.mountPath, m.name]));
    const flag = (name: string) => args(w).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    assert.equal(mounts.get('/tmp'), 'tmp', `${label}: /tmp is writable`);
    assert.equal(mounts.get(flag('data-dir')!), 'data', `${label}: --data-dir is the data volume`);
    if (flag('cert-dir')) assert.equal(mounts.get(flag('cert-dir')!), 'pki', `${label}: --cert-dir is the pki volume`);
    const sans = flag('tls-sans')!.split(',');
    for (const name of [fullname, `${fullname}.${NAMESPACE}.svc`]) assert.ok(sans.includes(name), `${label}: serving certificate names ${name}`);

    // frontdoor's own flag parser takes the command line: every flag exists and every value parses.
    assert.doesNotThrow(() => buildCommand().exitOverride().configureOutput({ writeErr: () => undefined }).parse(args(w), { from: 'user' }), `${label}: frontdoor accepts ${args(w).join(' ')}`);
  }

  test('default values: an embedded-store StatefulSet with a claim for the data dir, its Services, ServiceAccount and PDB; NOTES say how to get the admin kubeconfig', async () => {
    const r = await render([]);
    assert.deepEqual(kinds(r), ['PodDisruptionBudget', 'ServiceAccount', 'Service', 'Service', 'StatefulSet'], 'helm install order');
    assert.ok(r.sources.every((s) => s.startsWith('frontdoor/templates/')), 'Source headers');
    checkInvariants(r, 'default');
    const sts = one(r, 'StatefulSet');
    assert.equal(sts.spec.replicas, 1);
    assert.equal(sts.spec.serviceName, one(r, 'Service', 'frontdoor-headless').metadata.name);
    assert.equal(one(r, 'Service', 'frontdoor-headless').spec.clusterIP, 'None');
    assert.deepEqual(sts.spec.volumeClaimTemplates.map((t: Obj) => [t.metadata.name, t.spec.resources.requests.storage]), [['data', '1Gi']]);
    assert.equal(sts.spec.template.spec.volumes.some((v: Obj) => v.name === 'data'), false, 'data comes from the claim, not an emptyDir');
    const a = args(sts);
    for (const f of ['--data-dir=/var/lib/frontdoor', '--bind-address=0.0.0.0', '--secure-port=6443', '--authorization-mode=RBAC', '--anonymous-auth=true', '--enable-aggregator-routing=true', '--max-requests-inflight=400', '--max-mutating-requests-inflight=200', '--shutdown-delay-duration=5s', '--log-format=json']) {
      assert.ok(a.includes(f), `args include ${f}: ${a.join(' ')}`);
    }
    assert.equal(a.some((f) => f.startsWith('--etcd-servers') || f.startsWith('--cert-dir') || f.startsWith('--audit-')), false, 'no etcd, no cert dir of its own (the PKI lives in the data dir), no audit');
    assert.equal(sts.spec.template.spec.initContainers, undefined, 'nothing to copy: the server generates the PKI into its claim');
    assert.equal(one(r, 'Service', 'frontdoor').spec.ports[0].port, 443);
    assert.equal(one(r, 'PodDisruptionBudget').spec.maxUnavailable, 1);
    assert.match(r.notes, /kubectl -n frontdoor-system exec statefulset\/frontdoor -c frontdoor -- cat \/var\/lib\/frontdoor\/admin\.kubeconfig/);
    assert.match(r.notes, /port-forward service\/frontdoor 6443:443/);
    assert.equal(r.values.storage.mode, 'embedded');
  });

  test('embedded variant: storage class, size, extra SANs and list flags', async () => {
    const r = await render([join(valuesDir, 'embedded.yaml')]);
    checkInvariants(r, 'embedded');
    const sts = one(r, 'StatefulSet');
    const claim = sts.spec.volumeClaimTemplates[0];
    assert.equal(claim.spec.storageClassName, 'fast-ssd');
    assert.equal(claim.spec.resources.requests.storage, '5Gi');
    assert.equal(claim.metadata.annotations['backup.example.com/schedule'], 'daily');
    const a = args(sts);
    assert.ok(a.includes('--tls-sans=frontdoor,frontdoor.frontdoor-system,frontdoor.frontdoor-system.svc,frontdoor.frontdoor-system.svc.cluster.local,frontdoor.example.com,10.0.0.10'), a.join(' '));
    for (const f of ['--authorization-mode=RBAC,AlwaysAllow', '--runtime-config=batch/v1=false', '--service-account-issuer=https://frontdoor.example.com', '--api-audiences=https://frontdoor.example.com,frontdoor']) {
      assert.ok(a.includes(f), `args include ${f}`);
    }
  });

  test('etcd-ha variant: a Deployment of 3 on etcd over TLS (Secret made by the chart), the PKI copied from pki.existingSecret', async () => {
    const r = await render([join(valuesDir, 'etcd-ha.yaml')]);
    checkInvariants(r, 'etcd-ha');
    assert.deepEqual(kinds(r), ['PodDisruptionBudget', 'ServiceAccount', 'Secret', 'Service', 'Deployment']);
    const d = one(r, 'Deployment');
    assert.equal(d.spec.replicas, 3);
    const a = args(d);
    for (const f of [
      '--etcd-servers=https://etcd-0.etcd.storage.svc:2379,https://etcd-1.etcd.storage.svc:2379,https://etcd-2.etcd.storage.svc:2379',
      '--etcd-prefix=/frontdoor', '--compaction-interval=10m',
      '--etcd-cafile=/etc/frontdoor/etcd/ca.crt', '--etcd-certfile=/etc/frontdoor/etcd/tls.crt', '--etcd-keyfile=/etc/frontdoor/etcd/tls.key',
      '--cert-dir=/var/run/frontdoor/pki',
    ]) assert.ok(a.includes(f), `args include ${f}: ${a.join(' ')}`);
    const secret = one(r, 'Secret', 'frontdoor-etcd-tls');
    assert.match(Buffer.from(secret.data['ca.crt'], 'base64').toString(), /^-----BEGIN CERTIFICATE-----\n/);
    assert.match(Buffer.from(secret.data['tls.key'], 'base64').toString(), /PRIVATE KEY/);
    const pod = d.spec.template.spec;
    const vol = (name: string) => pod.volumes.find((v: Obj) => v.name === name);
    assert.equal(vol('etcd-tls').secret.secretName, 'frontdoor-etcd-tls');
    assert.equal(vol('pki-secret').secret.secretName, 'frontdoor-pki');
    assert.deepEqual(vol('data'), { name: 'data', emptyDir: {} }, 'nothing kept per pod in etcd mode');
    assert.equal(vol('pki').emptyDir.medium, 'Memory');
    // The init container runs the chart's copy-pki.js, word for word, from the Secret's mount into the cert dir.
    const init = pod.initContainers.find((c: Obj) => c.name === 'copy-pki');
    assert.deepEqual(init.command, ['node', '-e', await readFile(join(chartDir, 'files/copy-pki.js'), 'utf8'), '/etc/frontdoor/pki-secret', '/var/run/frontdoor/pki']);
    assert.equal(init.securityContext.readOnlyRootFilesystem, true);
    // A changed etcd Secret rolls the pods.
    const checksum = d.spec.template.metadata.annotations['checksum/etcd-tls'];
    assert.match(checksum, /^[0-9a-f]{64}$/);
    const rotated = await render([join(valuesDir, 'etcd-ha.yaml'), await overrideFile('etcd-rotated', { storage: { etcd: { tls: { key: 'another key' } } } })]);
    assert.notEqual(one(rotated, 'Deployment').spec.template.metadata.annotations['checksum/etcd-tls'], checksum);
    assert.equal(r.docs.some((x) => x.kind === 'StatefulSet' || x.metadata.name === 'frontdoor-headless'), false, 'no StatefulSet or headless Service in etcd mode');
    assert.match(r.notes, /exec deployment\/frontdoor/);
    assert.match(r.notes, /Secret frontdoor-pki/);
  });

  test('etcd-existing-tls variant: the etcd TLS Secret is referenced, not made; the PDB keeps minAvailable', async () => {
    const r = await render([join(valuesDir, 'etcd-existing-tls.yaml')]);
    checkInvariants(r, 'etcd-existing-tls');
    assert.equal(r.docs.some((d) => d.kind === 'Secret'), false);
    const d = one(r, 'Deployment');
    assert.equal(d.spec.replicas, 2);
    assert.equal(d.spec.template.spec.volumes.find((v: Obj) => v.name === 'etcd-tls').secret.secretName, 'etcd-client-tls');
    assert.equal(d.spec.template.metadata.annotations?.['checksum/etcd-tls'], undefined);
    assert.deepEqual(Object.keys(one(r, 'PodDisruptionBudget').spec).sort(), ['minAvailable', 'selector']);
  });

  test('servicemonitor variant: a monitoring.coreos.com/v1 ServiceMonitor on the https port with a bearer token; the token file is mounted', async () => {
    const r = await render([join(valuesDir, 'servicemonitor.yaml')]);
    checkInvariants(r, 'servicemonitor');
    const sm = one(r, 'ServiceMonitor');
    assert.equal(sm.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(sm.metadata.labels.release, 'kube-prometheus-stack');
    const ep = sm.spec.endpoints[0];
    assert.deepEqual([ep.port, ep.path, ep.scheme, ep.interval, ep.scrapeTimeout], ['https', '/metrics', 'https', '15s', '5s']);
    assert.deepEqual(ep.bearerTokenSecret, { name: 'frontdoor-metrics-token', key: 'token' });
    assert.deepEqual(ep.tlsConfig, { insecureSkipVerify: true }, 'no PKI Secret to take the CA from');
    assert.equal(ep.metricRelabelings[0].action, 'drop');
    assert.deepEqual(sm.spec.namespaceSelector, { matchNames: [NAMESPACE] });
    // It selects the client Service, not the headless one.
    assert.deepEqual(sm.spec.selector.matchExpressions, [{ key: 'frontdoor/headless', operator: 'DoesNotExist' }]);
    assert.equal(one(r, 'Service', 'frontdoor-headless').metadata.labels['frontdoor/headless'], 'true');
    const sts = one(r, 'StatefulSet');
    assert.ok(args(sts).includes('--token-auth-file=/etc/frontdoor/token-auth/tokens.csv'));
    assert.equal(sts.spec.template.spec.volumes.find((v: Obj) => v.name === 'token-auth').secret.secretName, 'frontdoor-tokens');
    assert.match(r.notes, /ServiceMonitor frontdoor scrapes \/metrics/);

    // With the shared PKI Secret, the scrape verifies the serving certificate against its CA instead.
    const withPKI = await render([join(valuesDir, 'etcd-ha.yaml'), join(valuesDir, 'servicemonitor.yaml')]);
    assert.deepEqual(one(withPKI, 'ServiceMonitor').spec.endpoints[0].tlsConfig, {
      ca: { secret: { name: 'frontdoor-pki', key: 'ca.crt' } },
      serverName: `frontdoor.${NAMESPACE}.svc`,
    });
  });

  test('dashboard variant: a ConfigMap labelled grafana_dashboard "1" holding the dashboard, built on kube\'s metric names', async () => {
    const r = await render([join(valuesDir, 'dashboard.yaml')]);
    checkInvariants(r, 'dashboard');
    const cm = one(r, 'ConfigMap', 'frontdoor-dashboard');
    assert.equal(cm.metadata.labels.grafana_dashboard, '1');
    assert.equal(cm.metadata.labels.team, 'platform');
    assert.equal(cm.metadata.annotations.grafana_folder, 'Control plane');
    const dashboard = JSON.parse(cm.data['frontdoor.json']) as Obj;
    assert.deepEqual(dashboard, JSON.parse(await readFile(join(chartDir, 'dashboards/frontdoor.json'), 'utf8')), 'the file, unchanged');
    assert.equal(dashboard.uid, 'frontdoor-apiserver');
    const exprs: string[] = dashboard.panels.flatMap((p: Obj) => (p.targets ?? []).map((t: Obj) => t.expr as string));
    for (const metric of [
      'apiserver_request_total', 'apiserver_request_duration_seconds_bucket', 'apiserver_current_inflight_requests',
      'apiserver_longrunning_requests', 'apiserver_registered_watchers', 'apiserver_watch_events_total',
      'apiserver_storage_objects', 'etcd_request_duration_seconds_bucket', 'aggregator_unavailable_apiservice',
      'apiserver_tls_handshake_errors_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds',
    ]) assert.ok(exprs.some((e) => new RegExp(`\\b${metric}\\{`).test(e)), `a panel queries ${metric}`);
    assert.ok(exprs.some((e) => /histogram_quantile\(0\.99, sum by \(le, verb\) \(rate\(apiserver_request_duration_seconds_bucket/.test(e)), 'p99 by verb');
    assert.ok(exprs.some((e) => /sum by \(request_kind\) \(apiserver_current_inflight_requests/.test(e)), 'in-flight by request_kind');
    assert.ok(exprs.some((e) => /max by \(resource\) \(apiserver_storage_objects/.test(e)), 'objects by resource');
    const ids = dashboard.panels.map((p: Obj) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  });

  test('audit variant: the policy as a ConfigMap, the --audit-* flags, a writable folder for the log, pods rolled on a policy change', async () => {
    const r = await render([join(valuesDir, 'audit.yaml')]);
    checkInvariants(r, 'audit');
    const cm = one(r, 'ConfigMap', 'frontdoor-audit-policy');
    const policy = parseYAML(cm.data['policy.yaml']) as Obj;
    assert.deepEqual(policy, parseYAML(parseYAML(await readFile(join(valuesDir, 'audit.yaml'), 'utf8')).audit.policy), 'the override replaces the default policy whole');
    const sts = one(r, 'StatefulSet');
    const a = args(sts);
    for (const f of ['--audit-policy-file=/etc/frontdoor/audit/policy.yaml', '--audit-log-path=/var/log/frontdoor/audit.log', '--audit-log-maxage=7', '--audit-log-maxbackup=10', '--audit-log-maxsize=100']) {
      assert.ok(a.includes(f), `args include ${f}`);
    }
    const mounts = server(sts).volumeMounts as Obj[];
    assert.ok(mounts.some((m) => m.name === 'audit-log' && m.mountPath === '/var/log/frontdoor'));
    assert.ok(mounts.some((m) => m.name === 'audit-policy' && m.mountPath === '/etc/frontdoor/audit' && m.readOnly));
    const checksum = sts.spec.template.metadata.annotations['checksum/audit-policy'];
    assert.match(checksum, /^[0-9a-f]{64}$/);
    const other = await render([join(valuesDir, 'audit.yaml'), await overrideFile('audit-other', { audit: { policy: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n' } })]);
    assert.notEqual(one(other, 'StatefulSet').spec.template.metadata.annotations['checksum/audit-policy'], checksum);
  });

  test('custom variant: the operator\'s resources, security context, scheduling, image, certificates from Secrets and extra args', async () => {
    const r = await render([join(valuesDir, 'custom.yaml')]);
    checkInvariants(r, 'custom');
    const values = parseYAML(await readFile(join(valuesDir, 'custom.yaml'), 'utf8')) as Obj;
    const sts = one(r, 'StatefulSet', 'fd');
    const pod = sts.spec.template.spec;
    const c = server(sts);
    assert.equal(c.image, 'registry.example.com/platform/frontdoor:0.1.0-build.7');
    assert.equal(c.imagePullPolicy, 'Always');
    assert.deepEqual(c.resources, values.resources);
    assert.deepEqual(c.securityContext, values.securityContext);
    assert.deepEqual(pod.securityContext, values.podSecurityContext);
    assert.deepEqual([pod.nodeSelector, pod.tolerations, pod.affinity], [values.nodeSelector, values.tolerations, values.affinity]);
    assert.equal(pod.priorityClassName, 'system-cluster-critical');
    assert.equal(pod.serviceAccountName, 'frontdoor-sa');
    assert.equal(one(r, 'ServiceAccount').metadata.name, 'frontdoor-sa');
    assert.equal(pod.terminationGracePeriodSeconds, 120);
    assert.deepEqual(pod.imagePullSecrets, [{ name: 'registry-credentials' }]);
    assert.equal(sts.spec.template.metadata.labels.tier, 'control-plane');
    assert.equal(sts.spec.template.metadata.annotations['example.com/team'], 'platform');
    assert.deepEqual(c.env, values.extraEnv);
    assert.deepEqual(c.startupProbe.periodSeconds, 5);
    assert.equal(c.ports[0].containerPort, 8443);
    const a = args(sts);
    for (const f of [
      '--secure-port=8443', '--max-requests-inflight=800', '--max-mutating-requests-inflight=400', '--request-timeout=30s', '--v=2', '--log-format=text',
      '--tls-cert-file=/etc/frontdoor/serving/tls.crt', '--tls-private-key-file=/etc/frontdoor/serving/tls.key',
      '--client-ca-file=/etc/frontdoor/client-ca/ca.crt',
      '--proxy-client-cert-file=/etc/frontdoor/proxy-client/tls.crt', '--proxy-client-key-file=/etc/frontdoor/proxy-client/tls.key',
      '--requestheader-client-ca-file=/etc/frontdoor/requestheader-ca/ca.crt', '--requestheader-allowed-names=front-proxy-client,aggregator',
      '--requestheader-username-headers=X-Remote-User', '--requestheader-group-headers=X-Remote-Group', '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    ]) assert.ok(a.includes(f), `args include ${f}: ${a.join(' ')}`);
    assert.equal(a.at(-1), '--min-request-timeout=900', 'extraArgs come last, so they win');
    const secretOf = (name: string) => pod.volumes.find((v: Obj) => v.name === name)?.secret?.secretName;
    assert.deepEqual(['serving-cert', 'client-ca', 'proxy-client', 'requestheader-ca'].map(secretOf), ['frontdoor-serving', 'frontdoor-client-ca', 'frontdoor-proxy-client', 'front-proxy-ca']);
    assert.ok(c.volumeMounts.some((m: Obj) => m.name === 'extra-ca' && m.mountPath === '/etc/frontdoor/extra-ca'));
    const svc = one(r, 'Service', 'fd');
    assert.deepEqual([svc.spec.type, svc.spec.ports[0].port, svc.spec.ports[0].targetPort], ['NodePort', 6443, 'https']);
    assert.match(r.notes, /writes no admin\.kubeconfig/);
  });

  test('the templates refuse what the schema refuses, for renders that skip it', async () => {
    assert.match(await renderError({ storage: { mode: 'etcd', etcd: { servers: ['https://etcd:2379'] }, }, replicas: 2 }), /needs pki\.existingSecret/);
    assert.match(await renderError({ storage: { mode: 'etcd' }, pki: { existingSecret: 'p' } }), /needs storage\.etcd\.servers/);
    assert.match(await renderError({ replicas: 3 }), /embedded runs exactly one replica/);
    assert.match(await renderError({ storage: { mode: 'sqlite' } }), /storage\.mode must be embedded or etcd/);
    assert.match(await renderError({ audit: { enabled: true, policy: 'kind: Policy\napiVersion: audit.k8s.io/v2\n' } }), /audit\.policy must be an audit\.k8s\.io\/v1 Policy/);
    assert.match(await renderError({ storage: { mode: 'etcd', etcd: { servers: ['https://e:2379'], tls: { enabled: true } } }, pki: { existingSecret: 'p' } }), /storage\.etcd\.tls\.ca/);
  });

  describe('values.schema.json', () => {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    let validate: ReturnType<Ajv['compile']>;
    before(async () => {
      validate = ajv.compile(JSON.parse(await readFile(join(chartDir, 'values.schema.json'), 'utf8')) as object);
    });

    test('accepts the defaults and every variant of the matrix', async () => {
      for (const files of [[], ...variants.map((v) => [join(valuesDir, v)])]) {
        const { values } = await render(files);
        assert.ok(validate(values), `${files.map((f) => basename(f)).join('+') || 'defaults'}: ${ajv.errorsText(validate.errors)}`);
      }
    });

    const bad: { name: string; values: Obj; error: RegExp }[] = [
      { name: 'replicas as a string', values: { replicas: '3' }, error: /\/replicas must be integer/ },
      { name: 'an unknown storage mode', values: { storage: { mode: 'sqlite' } }, error: /\/storage\/mode must be equal to one of the allowed values/ },
      { name: 'replicas below 1 in etcd mode', values: { storage: { mode: 'etcd', etcd: { servers: ['https://e:2379'] } }, pki: { existingSecret: 'p' }, replicas: 0 }, error: /\/replicas must be >= 1/ },
      { name: 'etcd mode without servers', values: { storage: { mode: 'etcd' }, pki: { existingSecret: 'p' } }, error: /\/storage\/etcd\/servers must NOT have fewer than 1 items/ },
      { name: 'etcd mode without the PKI Secret', values: { storage: { mode: 'etcd', etcd: { servers: ['https://e:2379'] } }, replicas: 3 }, error: /\/pki\/existingSecret must NOT have fewer than 1 characters/ },
      { name: 'two replicas of the embedded store', values: { replicas: 2 }, error: /\/replicas must be equal to constant/ },
      { name: 'an etcd URL without a scheme', values: { storage: { mode: 'etcd', etcd: { servers: ['etcd:2379'] } }, pki: { existingSecret: 'p' } }, error: /\/storage\/etcd\/servers\/0 must match pattern/ },
      { name: 'etcd TLS enabled with neither a Secret nor PEMs', values: { storage: { mode: 'etcd', etcd: { servers: ['https://e:2379'], tls: { enabled: true } } }, pki: { existingSecret: 'p' } }, error: /\/storage\/etcd\/tls\/ca must NOT have fewer than 1 characters/ },
      { name: 'a port out of range', values: { apiserver: { securePort: 70000 } }, error: /\/apiserver\/securePort must be <= 65535/ },
      { name: 'a duration as a number', values: { apiserver: { requestTimeout: 60 } }, error: /\/apiserver\/requestTimeout must be string/ },
      { name: 'a duration without a unit', values: { apiserver: { shutdownDelayDuration: '5' } }, error: /\/apiserver\/shutdownDelayDuration must match pattern/ },
      { name: 'an unknown authorization mode', values: { apiserver: { authorizationMode: ['ABAC'] } }, error: /\/apiserver\/authorizationMode\/0 must be equal to one of the allowed values/ },
      { name: 'a bind address that is no IP', values: { apiserver: { bindAddress: 'localhost' } }, error: /\/apiserver\/bindAddress must match pattern/ },
      { name: 'a misspelt top-level key', values: { replica: 2 }, error: /must NOT have additional properties/ },
      { name: 'a misspelt flag value', values: { apiserver: { maxRequestInflight: 10 } }, error: /\/apiserver must NOT have additional properties/ },
      { name: 'a relative audit log path', values: { audit: { enabled: true, logPath: 'audit.log' } }, error: /\/audit\/logPath must match pattern/ },
      { name: 'a boolean as a string', values: { serviceMonitor: { enabled: 'yes' } }, error: /\/serviceMonitor\/enabled must be boolean/ },
      { name: 'a bad PDB percentage', values: { podDisruptionBudget: { maxUnavailable: 'half' } }, error: /\/podDisruptionBudget\/maxUnavailable must/ },
      { name: 'an extra arg that is no flag', values: { extraArgs: ['v=2'] }, error: /\/extraArgs\/0 must match pattern/ },
      { name: 'an audit policy that is not one', values: { audit: { enabled: true, policy: 'rules: []' } }, error: /\/audit\/policy must match pattern/ },
      { name: 'an unknown log format', values: { apiserver: { logFormat: 'xml' } }, error: /\/apiserver\/logFormat must be equal to one of the allowed values/ },
    ];
    for (const b of bad) {
      test(`refuses ${b.name}`, async () => {
        const values = await coalescedValues(await overrideFile(`schema-${b.name.replace(/\W+/g, '-')}`, b.values));
        assert.equal(validate(values), false, `${JSON.stringify(b.values)} was accepted`);
        assert.match(ajv.errorsText(validate.errors, { separator: '\n' }), b.error);
      });
    }
  });

  describe('kubectl apply --dry-run=server against frontdoor', () => {
    let fd: Frontdoor;
    before(async () => {
      fd = await startFrontdoor();
      const ns = await kubectlUntilOk(fd.kubeconfig, ['create', 'namespace', NAMESPACE]);
      assert.equal(ns.code, 0, ns.stderr);
      const crd = await kubectl(fd.kubeconfig, ['apply', '-f', crdFixture]);
      assert.equal(crd.code, 0, crd.stderr);
      const established = await kubectl(fd.kubeconfig, ['wait', '--for=condition=Established', '--timeout=60s', 'crd/servicemonitors.monitoring.coreos.com']);
      assert.equal(established.code, 0, established.stderr);
    });
    after(async () => {
      await fd?.stop();
    });

    for (const variant of ['', ...variants]) {
      test(`accepts every manifest of ${variant || 'the defaults'}`, async () => {
        const r = await render(variant ? [join(valuesDir, variant)] : []);
        const file = join(work.path, `apply-${variant || 'defaults'}`);
        await writeFile(file, r.text);
        const res = await kubectl(fd.kubeconfig, ['apply', '--dry-run=server', '-f', file]);
        assert.equal(res.code, 0, `kubectl apply --dry-run=server refused ${variant || 'defaults'}:\n${res.stderr}\n${res.stdout}`);
        for (const d of r.docs) {
          const resource = d.kind === 'ServiceMonitor' ? 'servicemonitor.monitoring.coreos.com' : d.kind === 'PodDisruptionBudget' ? 'poddisruptionbudget.policy' : d.kind === 'Deployment' || d.kind === 'StatefulSet' ? `${d.kind.toLowerCase()}.apps` : d.kind.toLowerCase();
          assert.ok(res.stdout.includes(`${resource}/${d.metadata.name} created (server dry run)`), `${resource}/${d.metadata.name} in:\n${res.stdout}`);
        }
        // A dry run stores nothing.
        const left = await kubectl(fd.kubeconfig, ['get', 'statefulsets,deployments,services,configmaps,secrets,poddisruptionbudgets,servicemonitors', '-n', NAMESPACE, '-o', 'name']);
        assert.equal(left.code, 0, left.stderr);
        assert.equal(left.stdout.split('\n').filter((l) => l && !l.endsWith('/kube-root-ca.crt')).join('\n'), '');
      });
    }

    test('refuses a rendered workload broken as kube would refuse it (the acceptance above means something)', async () => {
      const r = await render([join(valuesDir, 'etcd-ha.yaml')]);
      const d = structuredClone(one(r, 'Deployment'));
      d.spec.selector.matchLabels['app.kubernetes.io/name'] = 'something-else';
      const res = await kubectl(fd.kubeconfig, ['apply', '--dry-run=server', '-f', '-'], { stdin: JSON.stringify(d) });
      assert.notEqual(res.code, 0, res.stdout);
      assert.match(res.stderr, /selector.*does not match template labels|`selector` does not match template `labels`/);
      const unmounted = structuredClone(one(r, 'Deployment'));
      unmounted.spec.template.spec.volumes = unmounted.spec.template.spec.volumes.filter((v: Obj) => v.name !== 'tmp');
      const lost = await kubectl(fd.kubeconfig, ['apply', '--dry-run=server', '-f', '-'], { stdin: JSON.stringify(unmounted) });
      assert.notEqual(lost.code, 0, lost.stdout);
      assert.match(lost.stderr, /spec\.template\.spec\.containers\[0\]\.volumeMounts\[1\]\.name: Not found: "tmp"/);
      const sm = structuredClone(one(await render([join(valuesDir, 'servicemonitor.yaml')]), 'ServiceMonitor'));
      sm.spec.endpoints[0].scheme = 'ftp';
      const bad = await kubectl(fd.kubeconfig, ['apply', '--dry-run=server', '-f', '-'], { stdin: JSON.stringify(sm) });
      assert.notEqual(bad.code, 0, bad.stdout);
      assert.match(bad.stderr, /spec\.endpoints\[0\]\.scheme: Unsupported value: "ftp"/);
    });

    test('the init container\'s PKI copy lets a second server serve with the first one\'s CAs', async () => {
      // A Secret volume as kubelet lays it out: the keys are links into a ..data folder.
      const secretDir = join(work.path, 'pki-secret');
      const dataDir = join(secretDir, '..2026_01_01_00_00_00.000000000');
      await mkdir(dataDir, { recursive: true });
      for (const name of await readdir(join(fd.dataDir, 'pki'))) {
        await writeFile(join(dataDir, name), await readFile(join(fd.dataDir, 'pki', name)));
        await symlink(join('..data', name), join(secretDir, name));
      }
      await symlink(basename(dataDir), join(secretDir, '..data'));
      const script = await readFile(join(chartDir, 'files/copy-pki.js'), 'utf8');
      const certDir = join(work.path, 'replica-2-pki');
      await run(process.execPath, ['-e', script, secretDir, certDir]);
      assert.ok(!(await readdir(certDir)).some((n) => n.startsWith('.')), 'kubelet\'s entries are not copied');

      const second = await startFrontdoor({ args: ['--cert-dir', certDir] });
      try {
        const ca = new X509Certificate(await readFile(join(fd.dataDir, 'pki', 'ca.crt')));
        assert.equal(new X509Certificate(await readFile(join(certDir, 'ca.crt'))).fingerprint256, ca.fingerprint256, 'the CA is the first server\'s');
        // The first server's admin kubeconfig, aimed at the second: its CA verifies the second's serving certificate and the second trusts its client certificate.
        const kubeconfig = (await readFile(fd.kubeconfig, 'utf8')).replace(`:${fd.port}`, `:${second.port}`);
        const file = join(work.path, 'first-admin-on-second.kubeconfig');
        await writeFile(file, kubeconfig);
        const res = await kubectlUntilOk(file, ['get', 'namespace', 'kube-system', '-o', 'name']);
        assert.equal(res.code, 0, res.stderr);
        assert.equal(res.stdout.trim(), 'namespace/kube-system');
      } finally {
        await second.stop();
      }

      // A Secret without the CA keys is refused rather than each replica making its own.
      const partial = join(work.path, 'partial-secret');
      await mkdir(partial);
      await writeFile(join(partial, 'ca.crt'), await readFile(join(fd.dataDir, 'pki', 'ca.crt')));
      await assert.rejects(run(process.execPath, ['-e', script, partial, join(work.path, 'partial-copy')]), /the PKI Secret has no ca\.key/);
    });
  });
});
