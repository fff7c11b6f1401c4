import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/https.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import { startedClient, type Client, type List, type Obj } from './api-helpers.js';

const APISERVICES = '/apis/apiregistration.k8s.io/v1/apiservices';
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

type APIService = Obj & {
  spec: { group: string; version: string; service: unknown; groupPriorityMinimum: number; versionPriority: number };
  status?: { conditions?: { type: string; status: string; reason: string; message: string }[] };
};

const available = (s: APIService) => s.status?.conditions?.find((c) => c.type === 'Available');

/**
 * The aggregator's own side of issue 12: apiregistration.k8s.io APIServices
 * as a resource, autoregistration of every local group-version (built-ins at
 * start, CRD group-versions as they come and go), and the Available condition
 * of local ones.
 */
describe('APIServices and autoregistration', () => {
  let fd: Frontdoor;
  let c: Client;
  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
  });
  after(async () => {
    await fd.stop();
  });

  it('registers a local APIService for every built-in group-version, with kube\'s names, labels and priorities', async () => {
    const names = ['v1.', 'v1.apps', 'v2.autoscaling', 'v1.apiregistration.k8s.io', 'v1.rbac.authorization.k8s.io'];
    const list = await eventually(
      () => c.get(APISERVICES),
      (r) => r.status === 200 && names.every((n) => r.json<List<APIService>>().items.some((s) => s.metadata.name === n)),
    );
    const byName = new Map(list.json<List<APIService>>().items.map((s) => [s.metadata.name, s]));
    for (const name of names) assert.ok(byName.has(name), name);
    const core = byName.get('v1.')!;
    assert.equal(core.spec.service, null);
    assert.equal(core.metadata.labels?.['kube-aggregator.kubernetes.io/automanaged'], 'onstart');
    assert.deepEqual([core.spec.groupPriorityMinimum, core.spec.versionPriority], [18000, 1]);
    assert.deepEqual([byName.get('v1.apps')!.spec.groupPriorityMinimum, byName.get('v1.apps')!.spec.versionPriority], [17800, 15]);
    const got = await eventually(() => c.get(`${APISERVICES}/v1.apps`), (r) => available(r.json<APIService>())?.status === 'True');
    assert.deepEqual(
      { ...available(got.json<APIService>())!, lastTransitionTime: undefined },
      { type: 'Available', status: 'True', reason: 'Local', message: 'Local APIServices are always available', lastTransitionTime: undefined },
    );
  });

  it('answers the Table kubectl asks for with NAME, SERVICE, AVAILABLE, AGE', async () => {
    const table = (await c.get(APISERVICES, 'application/json;as=Table;v=v1;g=meta.k8s.io')).json<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>();
    assert.deepEqual(table.columnDefinitions.map((d) => d.name), ['Name', 'Service', 'Available', 'Age']);
    const apps = table.rows.find((r) => r.cells[0] === 'v1.apps')!;
    assert.deepEqual(apps.cells.slice(0, 3), ['v1.apps', 'Local', 'True']);
  });

  it('registers a CRD\'s group-version while the CRD is served, and removes it with the CRD', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.toys.example.com' },
      spec: {
        group: 'toys.example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    assert.equal((await c.post(CRDS, crd)).status, 201);
    const registered = await eventually(() => c.get(`${APISERVICES}/v1.toys.example.com`), (r) => r.status === 200);
    const s = registered.json<APIService>();
    assert.equal(s.metadata.labels?.['kube-aggregator.kubernetes.io/automanaged'], 'true');
    assert.deepEqual([s.spec.groupPriorityMinimum, s.spec.versionPriority, s.spec.service], [1000, 100, null]);
    assert.equal((await c.del(`${CRDS}/gadgets.toys.example.com`)).status < 300, true);
    await eventually(() => c.get(`${APISERVICES}/v1.toys.example.com`), (r) => r.status === 404);
  });

  it('refuses an invalid APIService with 422 and kube\'s field paths', async () => {
    const bad = await c.post(APISERVICES, {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1.wrong.example.com' },
      spec: { group: 'other.example.com', version: 'v1', groupPriorityMinimum: 0, versionPriority: 5000, service: { namespace: 'default', name: 'x' }, caBundle: 'Zm9v', insecureSkipTLSVerify: true },
    });
    assert.equal(bad.status, 422, bad.body);
    assert.match(bad.body, /metadata\.name: Invalid value: \\"v1\.wrong\.example\.com\\": must be `spec\.version\+\\"\.\\"\+spec\.group`/);
    assert.match(bad.body, /spec\.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000/);
    assert.match(bad.body, /spec\.versionPriority: Invalid value: 5000: must be positive and less than 1000/);
    assert.match(bad.body, /spec\.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present/);
  });

  it('a user\'s local APIService is Available (Local), and a deleted onstart one is not put back while running', async () => {
    const mine = { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1alpha1.mine.example.com' }, spec: { group: 'mine.example.com', version: 'v1alpha1', groupPriorityMinimum: 100, versionPriority: 10 } };
    assert.equal((await c.post(APISERVICES, mine)).status, 201);
    const got = await eventually(() => c.get(`${APISERVICES}/v1alpha1.mine.example.com`), (r) => available(r.json<APIService>())?.reason === 'Local');
    assert.equal(available(got.json<APIService>())!.status, 'True');
    assert.equal((await c.del(`${APISERVICES}/v1.scheduling.k8s.io`)).status, 200);
    // The next write to the list proves the controller ran since; the deleted one stays deleted.
    assert.equal((await c.del(`${APISERVICES}/v1alpha1.mine.example.com`)).status, 200);
    const list = (await c.get(APISERVICES)).json<List<APIService>>();
    assert.equal(list.items.some((s) => s.metadata.name === 'v1.scheduling.k8s.io'), false);
  });
});
