import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { kubectl, kubectlPath, type KubectlResult, kubectlUntilOk } from '../helpers/kubectl.js';

/** One metadata.managedFields entry as kube writes it. */
interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: ManagedFieldsEntry[];
  };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const configMap = (name: string, data: Record<string, string>, labels?: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${labels ? `  labels: ${JSON.stringify(labels)}\n` : ''}${
    Object.keys(data).length ? `data: ${JSON.stringify(data)}\n` : ''
  }`;

const deployment = (name: string, containers: { name: string; image: string }[], full = true) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
${full ? `  replicas: 1\n  selector: {matchLabels: {app: ${name}}}\n` : ''}  template:
${full ? `    metadata: {labels: {app: ${name}}}\n` : ''}    spec:
      containers:
${containers.map((c) => `      - {name: ${c.name}, image: "${c.image}"}`).join('\n')}
`;

/** A CRD whose schema uses each of kube's list and map types (x-kubernetes-list-type map/set/atomic, map-type atomic). */
const ROUTER_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: routers.ssa.example.com
spec:
  group: ssa.example.com
  scope: Namespaced
  names: {plural: routers, singular: router, kind: Router}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              routes:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [protocol, port]
                items:
                  type: object
                  required: [port, protocol]
                  properties:
                    port: {type: integer}
                    protocol: {type: string}
                    target: {type: string}
              tags:
                type: array
                x-kubernetes-list-type: set
                items: {type: string}
              hosts:
                type: array
                x-kubernetes-list-type: atomic
                items: {type: string}
              selector:
                type: object
                x-kubernetes-map-type: atomic
                additionalProperties: {type: string}
`;

const router = (name: string, spec: string) => `apiVersion: ssa.example.com/v1
kind: Router
metadata: {name: ${name}}
spec: ${spec}
`;

/**
 * A CRD whose YAML is over 256 KiB: client-side apply cannot store it (its
 * last-applied annotation alone exceeds kube's 256 KiB limit on annotations),
 * which is why large operators' docs say `kubectl apply --server-side`.
 */
function bigCRD(): string {
  const props: string[] = [];
  for (let i = 0; i < 1400; i++) {
    const n = String(i).padStart(4, '0');
    props.push(
      `              field${n}:\n                type: string\n                description: "Field ${n} of the big kind. ${'It is described at length so that the schema grows the way generated operator CRDs do. '.repeat(2)}"`,
    );
  }
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: bigs.ssa.example.com
spec:
  group: ssa.example.com
  scope: Namespaced
  names: {plural: bigs, singular: big, kind: Big}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
${props.join('\n')}
`;
}

/** The fieldsV1 of the entry for `manager` (Apply unless told), or undefined. */
function fieldsOf(obj: Obj, manager: string, operation: 'Apply' | 'Update' = 'Apply'): Record<string, unknown> | undefined {
  return obj.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation)?.fieldsV1;
}

/**
 * Issue 14 with kubectl 1.32: `kubectl apply --server-side` against frontdoor,
 * checked against what kube-apiserver answers for the same commands
 * (structured-merge-diff's ownership, kube's conflict wording, kubectl's
 * client-side-apply migration). Run on the embedded store and on etcd.
 */
function suite(backend: 'embedded store' | 'etcd'): void {
  describe(`kubectl apply --server-side (${backend})`, { timeout: 600_000 }, () => {
    let etcd: EtcdServer | undefined;
    let fd: Frontdoor;
    let k: (args: string[], stdin?: string) => Promise<KubectlResult>;
    const ok = (r: KubectlResult) => {
      assert.equal(r.code, 0, `kubectl failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    };
    const get = async (kind: string, name: string): Promise<Obj> =>
      JSON.parse(ok(await k(['get', kind, name, '-o', 'json', '--show-managed-fields']))) as Obj;
    const ssa = (manifest: string, ...flags: string[]) => k(['apply', '--server-side', ...flags, '-f', '-'], manifest);

    before(async () => {
      if (backend === 'etcd') etcd = await startEtcd();
      fd = await startFrontdoor({ args: etcd ? ['--etcd-servers', etcd.endpoint] : [] });
      k = (args, stdin) => kubectl(fd.kubeconfig, args, { stdin, timeoutMs: 120_000 });
      await kubectlUntilOk(fd.kubeconfig, ['get', 'ns', 'default']);
    });
    after(async () => {
      await fd?.stop();
      await etcd?.stop();
    });

    it('creates with 201 and re-applies an unchanged manifest without a write (same resourceVersion)', async () => {
      const manifest = configMap('ssa-create', { a: '1', b: '2' });
      const first = await k(['apply', '--server-side', '-v=6', '-f', '-'], manifest);
      assert.match(ok(first), /^configmap\/ssa-create serverside-applied$/m);
      assert.match(first.stderr, /PATCH https:\/\/\S+\/api\/v1\/namespaces\/default\/configmaps\/ssa-create\?\S*fieldManager=kubectl\S* 201 Created/);
      const created = await get('cm', 'ssa-create');
      assert.deepEqual(created.data, { a: '1', b: '2' });
      assert.equal(created.metadata.annotations?.[LAST_APPLIED], undefined, 'server-side apply keeps no last-applied annotation');
      const entries = created.metadata.managedFields ?? [];
      assert.equal(entries.length, 1, JSON.stringify(entries));
      const [e] = entries;
      assert.deepEqual({ ...e, time: undefined }, {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: undefined,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      });
      assert.match(e!.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      const again = await k(['apply', '--server-side', '-v=6', '-f', '-'], manifest);
      assert.match(ok(again), /^configmap\/ssa-create serverside-applied$/m);
      assert.match(again.stderr, /PATCH \S+\/configmaps\/ssa-create\?\S* 200 OK/);
      const unchanged = await get('cm', 'ssa-create');
      assert.equal(unchanged.metadata.resourceVersion, created.metadata.resourceVersion);
      assert.deepEqual(unchanged.metadata.managedFields, created.metadata.managedFields, 'not even the time moves');
    });

    it('owns the labels and annotations it applies: a label it drops goes', async () => {
      ok(await ssa(configMap('ssa-labels', { a: '1' }, { app: 'demo', tier: 'front' }).replace('metadata:\n', 'metadata:\n  annotations: {note: kept}\n')));
      const applied = await get('cm', 'ssa-labels');
      assert.deepEqual(fieldsOf(applied, 'kubectl'), {
        'f:data': { 'f:a': {} },
        'f:metadata': { 'f:annotations': { 'f:note': {} }, 'f:labels': { 'f:app': {}, 'f:tier': {} } },
      });
      ok(await ssa(configMap('ssa-labels', { a: '1' }, { app: 'demo' })));
      const dropped = await get('cm', 'ssa-labels');
      assert.deepEqual(dropped.metadata.labels, { app: 'demo' });
      assert.equal(dropped.metadata.annotations?.note, undefined);
    });

    it('refuses a manifest with a misspelt field and names it (kubectl sends fieldValidation=Strict)', async () => {
      const r = await ssa('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa-typo}\ndataa: {a: b}\n');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /dataa/);
      assert.notEqual((await k(['get', 'cm', 'ssa-typo'])).code, 0, 'nothing was created');
    });

    it('re-applies an unchanged Deployment without a write', async () => {
      const manifest = deployment('ssa-idem', [{ name: 'nginx', image: 'nginx:1.27' }]);
      assert.match(ok(await ssa(manifest)), /deployment\.apps\/ssa-idem serverside-applied/);
      const rv = (await get('deploy', 'ssa-idem')).metadata.resourceVersion;
      ok(await ssa(manifest));
      assert.equal((await get('deploy', 'ssa-idem')).metadata.resourceVersion, rv);
    });

    it('--dry-run=server changes nothing, neither an existing object nor an absent one', async () => {
      ok(await ssa(configMap('ssa-dry', { a: '1' })));
      const before = await get('cm', 'ssa-dry');
      const out = ok(await ssa(configMap('ssa-dry', { a: '2', b: '3' }), '--dry-run=server'));
      assert.match(out, /^configmap\/ssa-dry serverside-applied \(server dry run\)$/m);
      const afterDry = await get('cm', 'ssa-dry');
      assert.deepEqual(afterDry.data, { a: '1' });
      assert.equal(afterDry.metadata.resourceVersion, before.metadata.resourceVersion);
      assert.deepEqual(afterDry.metadata.managedFields, before.metadata.managedFields);

      assert.match(ok(await ssa(configMap('ssa-dry-new', { a: '1' }), '--dry-run=server')), /serverside-applied \(server dry run\)/);
      const absent = await k(['get', 'cm', 'ssa-dry-new']);
      assert.notEqual(absent.code, 0);
      assert.match(absent.stderr, /configmaps "ssa-dry-new" not found/);
    });

    it('two managers: a conflict names the owner and the field, the same value is shared, --force-conflicts takes over', async () => {
      ok(await ssa(configMap('ssa-two', { x: '1', y: '1' }), '--field-manager=a'));
      const before = await get('cm', 'ssa-two');

      const conflict = await ssa(configMap('ssa-two', { x: '2' }), '--field-manager=b');
      assert.equal(conflict.code, 1, conflict.stderr);
      assert.match(conflict.stderr, /^error: Apply failed with 1 conflict: conflict with "a": \.data\.x$/m);
      assert.match(conflict.stderr, /Please review the fields above--they currently have other managers/);
      const afterConflict = await get('cm', 'ssa-two');
      assert.equal(afterConflict.metadata.resourceVersion, before.metadata.resourceVersion, 'a conflict changes nothing');
      assert.deepEqual(afterConflict.data, { x: '1', y: '1' });

      // The same value as the owner's: no conflict, both own it.
      ok(await ssa(configMap('ssa-two', { x: '1' }), '--field-manager=b'));
      const shared = await get('cm', 'ssa-two');
      assert.deepEqual(fieldsOf(shared, 'a'), { 'f:data': { 'f:x': {}, 'f:y': {} } });
      assert.deepEqual(fieldsOf(shared, 'b'), { 'f:data': { 'f:x': {} } });

      // Forced: b takes x from a.
      ok(await ssa(configMap('ssa-two', { x: '2' }), '--field-manager=b', '--force-conflicts'));
      const forced = await get('cm', 'ssa-two');
      assert.deepEqual(forced.data, { x: '2', y: '1' });
      assert.deepEqual(fieldsOf(forced, 'a'), { 'f:data': { 'f:y': {} } });
      assert.deepEqual(fieldsOf(forced, 'b'), { 'f:data': { 'f:x': {} } });
    });

    it('a conflict with a field another command changed names it with its API version; --force-conflicts takes it back', async () => {
      ok(await ssa(configMap('ssa-upd', { x: '1' })));
      ok(await k(['patch', 'cm', 'ssa-upd', '--type=merge', '-p', '{"data":{"x":"patched"}}']));
      const patched = await get('cm', 'ssa-upd');
      assert.deepEqual(fieldsOf(patched, 'kubectl-patch', 'Update'), { 'f:data': { 'f:x': {} } });
      assert.equal(fieldsOf(patched, 'kubectl'), undefined, 'the apply lost its only field to the patch');

      const conflict = await ssa(configMap('ssa-upd', { x: '1' }));
      assert.equal(conflict.code, 1);
      assert.match(conflict.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: \.data\.x$/m);
      ok(await ssa(configMap('ssa-upd', { x: '1' }), '--force-conflicts'));
      const forced = await get('cm', 'ssa-upd');
      assert.deepEqual(forced.data, { x: '1' });
      assert.deepEqual(fieldsOf(forced, 'kubectl'), { 'f:data': { 'f:x': {} } });
      assert.equal(fieldsOf(forced, 'kubectl-patch', 'Update'), undefined, 'an entry left with no fields is dropped');
    });

    it('a field goes only when its last owner stops applying it; fields set by updates stay', async () => {
      ok(await ssa(configMap('ssa-rm', { x: '1', y: '1' }), '--field-manager=a'));
      ok(await ssa(configMap('ssa-rm', { x: '1' }), '--field-manager=b'));
      ok(await k(['patch', 'cm', 'ssa-rm', '--type=merge', '-p', '{"data":{"w":"by-patch"}}']));

      ok(await ssa(configMap('ssa-rm', { y: '1' }), '--field-manager=a'));
      const kept = await get('cm', 'ssa-rm');
      assert.deepEqual(kept.data, { w: 'by-patch', x: '1', y: '1' }, 'b still owns x');
      assert.deepEqual(fieldsOf(kept, 'a'), { 'f:data': { 'f:y': {} } });

      ok(await ssa(configMap('ssa-rm', { z: '1' }), '--field-manager=b'));
      const gone = await get('cm', 'ssa-rm');
      assert.deepEqual(gone.data, { w: 'by-patch', y: '1', z: '1' }, 'x had no owner left');

      ok(await ssa(configMap('ssa-rm', {}, { only: 'labels' }), '--field-manager=a'));
      const last = await get('cm', 'ssa-rm');
      assert.deepEqual(last.data, { w: 'by-patch', z: '1' }, 'y went with a; w, owned by an update, stays');
      assert.deepEqual(last.metadata.labels, { only: 'labels' });
    });

    it('a Deployment whose two containers two managers apply: both stay, each manager owns its own element by name', async () => {
      ok(await ssa(deployment('ssa-web', [{ name: 'nginx', image: 'nginx:1.27' }]), '--field-manager=a'));
      ok(await ssa(deployment('ssa-web', [{ name: 'sidecar', image: 'busybox:1.36' }], false), '--field-manager=b'));
      const both = await get('deploy', 'ssa-web');
      const containers = (both.spec as { template: { spec: { containers: { name: string; image: string }[] } } }).template.spec.containers;
      assert.deepEqual(containers.map((c) => `${c.name}=${c.image}`).sort(), ['nginx=nginx:1.27', 'sidecar=busybox:1.36']);
      assert.deepEqual(fieldsOf(both, 'b'), {
        'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
      });
      assert.deepEqual(fieldsOf(both, 'a'), {
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
          },
        },
      });

      // a re-applies its own manifest: b's container stays.
      ok(await ssa(deployment('ssa-web', [{ name: 'nginx', image: 'nginx:1.28' }]), '--field-manager=a'));
      const stays = await get('deploy', 'ssa-web');
      const names = (stays.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers.map((c) => c.name).sort();
      assert.deepEqual(names, ['nginx', 'sidecar']);

      // b touching a's container conflicts on that element's field, keyed by name.
      const conflict = await ssa(deployment('ssa-web', [{ name: 'sidecar', image: 'busybox:1.36' }, { name: 'nginx', image: 'nginx:1.29' }], false), '--field-manager=b');
      assert.equal(conflict.code, 1);
      assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "a": \.spec\.template\.spec\.containers\[name="nginx"\]\.image/);

      // b stops applying its container: it goes, a's stays.
      ok(await ssa('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa-web\n  labels: {owner: b}\n', '--field-manager=b'));
      const after = await get('deploy', 'ssa-web');
      const left = (after.spec as { template: { spec: { containers: { name: string; image: string }[] } } }).template.spec.containers;
      assert.deepEqual(left.map((c) => `${c.name}=${c.image}`), ['nginx=nginx:1.28']);
    });

    it('a custom resource with x-kubernetes-list-type map (two keys), set, atomic and an atomic map', async () => {
      assert.match(ok(await ssa(ROUTER_CRD)), /customresourcedefinition\.apiextensions\.k8s\.io\/routers\.ssa\.example\.com serverside-applied/);
      ok(await k(['wait', '--for=condition=Established', 'crd/routers.ssa.example.com', '--timeout=60s']));
      await kubectlUntilOk(fd.kubeconfig, ['get', 'routers']);

      ok(await ssa(router('r1', '{routes: [{port: 80, protocol: TCP, target: web}], tags: [red], hosts: [a.example], selector: {app: web}}'), '--field-manager=a'));
      ok(await ssa(router('r1', '{routes: [{port: 53, protocol: UDP, target: dns}], tags: [blue]}'), '--field-manager=b'));
      const both = await get('router', 'r1');
      const spec = both.spec as { routes: { port: number; protocol: string; target: string }[]; tags: string[]; hosts: string[] };
      assert.deepEqual(spec.routes.map((r) => `${r.protocol}/${r.port}=${r.target}`).sort(), ['TCP/80=web', 'UDP/53=dns']);
      assert.deepEqual([...spec.tags].sort(), ['blue', 'red']);
      assert.deepEqual(spec.hosts, ['a.example']);
      // Keys of a list-map element: compact JSON, sorted by key name (not in list-map-keys order).
      assert.deepEqual(fieldsOf(both, 'a'), {
        'f:spec': {
          'f:hosts': {},
          'f:routes': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {}, 'f:target': {} } },
          'f:selector': {},
          'f:tags': { 'v:"red"': {} },
        },
      });
      assert.deepEqual(fieldsOf(both, 'b'), {
        'f:spec': {
          'f:routes': { 'k:{"port":53,"protocol":"UDP"}': { '.': {}, 'f:port': {}, 'f:protocol': {}, 'f:target': {} } },
          'f:tags': { 'v:"blue"': {} },
        },
      });

      const onElement = await ssa(router('r1', '{routes: [{port: 80, protocol: TCP, target: other}]}'), '--field-manager=b');
      assert.equal(onElement.code, 1);
      assert.match(onElement.stderr, /conflict with "a": \.spec\.routes\[port=80,protocol="TCP"\]\.target/);
      const onAtomic = await ssa(router('r1', '{hosts: [b.example], selector: {app: other}}'), '--field-manager=b');
      assert.equal(onAtomic.code, 1);
      assert.match(onAtomic.stderr, /Apply failed with 2 conflicts: conflicts with "a":\n- \.spec\.hosts\n- \.spec\.selector/);

      // a drops its route and tag: only b's remain.
      ok(await ssa(router('r1', '{hosts: [a.example], selector: {app: web}}'), '--field-manager=a'));
      const after = (await get('router', 'r1')).spec as typeof spec;
      assert.deepEqual(after.routes.map((r) => `${r.protocol}/${r.port}`), ['UDP/53']);
      assert.deepEqual(after.tags, ['blue']);
    });

    it('migrates from client-side apply without a conflict, taking over its fields, and back', async () => {
      ok(await k(['apply', '-f', '-'], configMap('ssa-mig', { a: '1', b: '2' })));
      const csa = await get('cm', 'ssa-mig');
      assert.ok(csa.metadata.annotations?.[LAST_APPLIED]);
      assert.deepEqual(fieldsOf(csa, 'kubectl-client-side-apply', 'Update'), {
        'f:data': { '.': {}, 'f:a': {}, 'f:b': {} },
        'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST_APPLIED}`]: {} } },
      });

      // kubectl 1.32 first moves kubectl-client-side-apply's fields to its Apply manager (a JSON patch of
      // managedFields), then applies: no conflict on b, and a, which it took over and no longer applies, goes.
      const up = await ssa(configMap('ssa-mig', { b: '3', c: '4' }));
      assert.match(ok(up), /configmap\/ssa-mig serverside-applied/);
      const ssaObj = await get('cm', 'ssa-mig');
      assert.deepEqual(ssaObj.data, { b: '3', c: '4' });
      // kubectl also applies the annotation alone as "kubectl-last-applied" (kubectl's
      // fieldManagerLastAppliedAnnotation), so it stays, kept in step with what kubectl applied.
      assert.deepEqual(ssaObj.metadata.managedFields?.map((e) => `${e.manager}/${e.operation}`), ['kubectl-last-applied/Apply', 'kubectl/Apply']);
      assert.deepEqual(fieldsOf(ssaObj, 'kubectl'), { 'f:data': { 'f:b': {}, 'f:c': {} } });
      assert.deepEqual(fieldsOf(ssaObj, 'kubectl-last-applied'), { 'f:metadata': { 'f:annotations': { [`f:${LAST_APPLIED}`]: {} } } });
      const synced = JSON.parse(ssaObj.metadata.annotations?.[LAST_APPLIED] ?? '{}') as { data?: unknown };
      assert.deepEqual(synced.data, { b: '3', c: '4' });

      // Back to client-side apply: the annotation says what was applied, so c, no longer applied, goes.
      const down = await k(['apply', '-f', '-'], configMap('ssa-mig', { b: '3', d: '5' }));
      assert.match(ok(down), /configmap\/ssa-mig configured/);
      const back = await get('cm', 'ssa-mig');
      assert.deepEqual(back.data, { b: '3', d: '5' });
      assert.deepEqual(fieldsOf(back, 'kubectl-client-side-apply', 'Update')?.['f:data'], { 'f:d': {} });
      ok(await k(['apply', '-f', '-'], configMap('ssa-mig', { b: '3' })));
      assert.deepEqual((await get('cm', 'ssa-mig')).data, { b: '3' });
    });

    it('kubectl scale takes spec.replicas through /scale: an apply of another count then conflicts with it', async () => {
      const manifest = deployment('ssa-scale', [{ name: 'nginx', image: 'nginx:1.27' }]);
      ok(await ssa(manifest));
      // kubectl scale sends a merge patch to /scale with no fieldManager: the manager is its User-Agent's prefix,
      // which kubectl builds from its own file name ("kubectl.1.32" here, "kubectl" when installed as such).
      const scaler = basename(kubectlPath());
      ok(await k(['scale', 'deploy', 'ssa-scale', '--replicas=3']));
      const scaled = await get('deploy', 'ssa-scale');
      const viaScale = scaled.metadata.managedFields?.filter((e) => e.subresource === 'scale') ?? [];
      // kube's ScaleHandler.ToParent writes the entry in the parent's version and path.
      assert.deepEqual(viaScale.map(({ time: _t, ...e }) => e), [
        { manager: scaler, operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale' },
      ]);
      assert.equal((fieldsOf(scaled, 'kubectl') as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], undefined, 'the apply lost replicas to the scale');

      const conflict = await ssa(manifest);
      assert.equal(conflict.code, 1);
      assert.ok(
        conflict.stderr.includes(`Apply failed with 1 conflict: conflict with "${scaler}" with subresource "scale" using apps/v1: .spec.replicas`),
        conflict.stderr,
      );
      ok(await ssa(manifest, '--force-conflicts'));
      const forced = await get('deploy', 'ssa-scale');
      assert.equal((forced.spec as { replicas: number }).replicas, 1);
      assert.equal(forced.metadata.managedFields?.some((e) => e.subresource === 'scale'), false);
    });

    it('installs a CRD over 256 KiB with --server-side (client-side apply cannot) and serves its kind', async () => {
      const crd = bigCRD();
      assert.ok(Buffer.byteLength(crd) > 256 * 1024, `the CRD is ${Buffer.byteLength(crd)} bytes`);
      const csa = await k(['apply', '-f', '-'], crd);
      assert.notEqual(csa.code, 0, 'client-side apply stored a last-applied annotation over 256 KiB');
      assert.match(csa.stderr, /metadata\.annotations: Too long: .*262144 bytes/);

      assert.match(ok(await ssa(crd)), /customresourcedefinition\.apiextensions\.k8s\.io\/bigs\.ssa\.example\.com serverside-applied/);
      ok(await k(['wait', '--for=condition=Established', 'crd/bigs.ssa.example.com', '--timeout=60s']));
      const stored = await get('crd', 'bigs.ssa.example.com');
      assert.equal(stored.metadata.annotations?.[LAST_APPLIED], undefined);
      // Unchanged: no write.
      ok(await ssa(crd));
      assert.equal((await get('crd', 'bigs.ssa.example.com')).metadata.resourceVersion, stored.metadata.resourceVersion);

      await kubectlUntilOk(fd.kubeconfig, ['get', 'bigs']);
      ok(await ssa('apiVersion: ssa.example.com/v1\nkind: Big\nmetadata: {name: b1}\nspec: {field0001: one, field1399: last}\n'));
      assert.equal(ok(await k(['get', 'big', 'b1', '-o', 'jsonpath={.spec.field0001}/{.spec.field1399}'])), 'one/last');
    });

    it('a CRD\'s apply entry owns its spec field by field (the served OpenAPI of CustomResourceDefinition)', async () => {
      const stored = await get('crd', 'bigs.ssa.example.com');
      assert.deepEqual(fieldsOf(stored, 'kubectl'), {
        'f:spec': { 'f:group': {}, 'f:names': { 'f:kind': {}, 'f:plural': {}, 'f:singular': {} }, 'f:scope': {}, 'f:versions': {} },
      });
    });
  });
}

suite('embedded store');
suite('etcd');
