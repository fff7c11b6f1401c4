import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { VALID_ENV, VALID_VOLUMES } from '../apis/core/v1/volume-env-fixtures.js';
import { startedClient, statusOf, type Client, type Obj } from './api-helpers.js';

type Json = Record<string, unknown>;
const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

const podSpec = (container: Json, volumes: Json[]): Json => ({ containers: [{ name: 'c', image: 'nginx:1.27', ...container }], volumes });
const pod = (name: string, spec: Json): Json => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
const deployment = (name: string, spec: Json): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
});

/** Pods and Deployments with bad volumes or env are refused with kube's 422; every common kind is stored. */
describe('pod volume sources and env sources over HTTPS', () => {
  let fd: Frontdoor;
  let c: Client;
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
  });
  after(async () => {
    await fd.stop();
  });

  const expectInvalid = async (path: string, body: Json, message: string, fields: string[]): Promise<void> => {
    const r = await c.post(path, body);
    assert.equal(r.status, 422, r.body);
    const s = statusOf(r);
    assert.equal(s.reason, 'Invalid');
    assert.equal(s.message, message);
    assert.deepEqual(s.details?.causes?.map((x) => x.field), fields);
    // Nothing was stored.
    const name = (body.metadata as { name: string }).name;
    assert.equal((await c.get(`${path}/${name}`)).status, 404);
  };

  it('stores a Pod and a Deployment using every common volume type and every env source (201)', async () => {
    const mounts = VALID_VOLUMES.map((v, i) => ({ name: v.name, mountPath: `/m/${i}` }));
    const spec = podSpec({ ...VALID_ENV, volumeMounts: mounts }, VALID_VOLUMES);
    const created = await c.post(PODS, pod('all-sources', spec));
    assert.equal(created.status, 201, created.body);
    const stored = created.json<Obj>();
    const volumes = (stored.spec as { volumes: Json[] }).volumes;
    assert.deepEqual(volumes.map((v) => v.name), VALID_VOLUMES.map((v) => v.name));
    assert.deepEqual(volumes.at(-1), { name: 'legacy', emptyDir: {} });
    const d = await c.post(DEPLOYMENTS, deployment('all-sources', spec));
    assert.equal(d.status, 201, d.body);
  });

  it('refuses a volume with two sources, or a bad source, with kube messages (422)', async () => {
    await expectInvalid(
      PODS,
      pod('two-sources', podSpec({}, [{ name: 'v', emptyDir: {}, hostPath: { path: '/var/log' } }])),
      'Pod "two-sources" is invalid: spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
      ['spec.volumes[0].hostPath'],
    );
    await expectInvalid(
      PODS,
      pod('bad-items', podSpec({ volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] }, [{ name: 'cfg', configMap: { name: 'c', items: [{ key: 'k', path: '../etc/passwd' }] } }])),
      'Pod "bad-items" is invalid: [spec.volumes[0].configMap.items[0].path: Invalid value: "../etc/passwd": must not contain \'..\', spec.containers[0].volumeMounts[0].name: Not found: "cfg"]',
      ['spec.volumes[0].configMap.items[0].path', 'spec.containers[0].volumeMounts[0].name'],
    );
    await expectInvalid(
      PODS,
      pod('short-token', podSpec({}, [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 60 } }] } }])),
      'Pod "short-token" is invalid: spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
      ['spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds'],
    );
    await expectInvalid(
      DEPLOYMENTS,
      deployment('no-claim', podSpec({}, [{ name: 'data', persistentVolumeClaim: {} }])),
      'Deployment.apps "no-claim" is invalid: spec.template.spec.volumes[0].persistentVolumeClaim.claimName: Required value',
      ['spec.template.spec.volumes[0].persistentVolumeClaim.claimName'],
    );
  });

  it('refuses bad env valueFrom and envFrom with kube messages (422)', async () => {
    await expectInvalid(
      PODS,
      pod('value-and-from', podSpec({ env: [{ name: 'A', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }, [])),
      'Pod "value-and-from" is invalid: spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      ['spec.containers[0].env[0].valueFrom'],
    );
    await expectInvalid(
      PODS,
      pod('bad-field', podSpec({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.containers' } } }] }, [])),
      'Pod "bad-field" is invalid: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.containers": error converting fieldPath: field label not supported: spec.containers',
      ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath'],
    );
    await expectInvalid(
      DEPLOYMENTS,
      deployment('no-key', podSpec({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c' } } }], envFrom: [{ prefix: 'P_' }] }, [])),
      'Deployment.apps "no-key" is invalid: [spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Required value, spec.template.spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`]',
      ['spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.key', 'spec.template.spec.containers[0].envFrom'],
    );
  });
});
