import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaces, namespaceFinalizeStrategy, type Namespace } from '../../../../src/apis/core/v1/namespaces.js';
import { endpoints, type Endpoints } from '../../../../src/apis/core/v1/endpoints.js';
import { events, type Event } from '../../../../src/apis/core/v1/events.js';
import { serviceAccounts } from '../../../../src/apis/core/v1/serviceaccounts.js';
import { coreV1Resources } from '../../../../src/apis/core/v1/index.js';
import { ago, cells, create, NOW, update } from './helpers.js';

test('namespace: Active, kubernetes finalizer and name label on create; spec.finalizers only via /finalize', () => {
  const { obj, errs } = create<Namespace>(namespaces, { metadata: { name: 'team-a' } });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.status, { phase: 'Active' });
  assert.deepEqual(obj.spec, { finalizers: ['kubernetes'] });
  assert.equal(obj.metadata?.labels?.['kubernetes.io/metadata.name'], 'team-a');
  const kept = update(namespaces, { metadata: { name: 'team-a' }, spec: { finalizers: [] } }, obj);
  assert.deepEqual(kept.obj.spec, { finalizers: ['kubernetes'] });
  const finalized: Namespace = { metadata: { name: 'team-a', labels: { x: 'y' } }, spec: { finalizers: [] } };
  namespaceFinalizeStrategy.prepareForUpdate?.(finalized, obj);
  assert.deepEqual(finalized.spec, { finalizers: [] });
  assert.equal(finalized.metadata?.labels?.x, undefined, 'finalize changes nothing but spec.finalizers');
  assert.equal(namespaces.pendingDeletion?.(obj), true);
  assert.equal(namespaces.pendingDeletion?.(finalized), false);
});

test('namespace validation: DNS label names and kube finalizer names', () => {
  assert.deepEqual(namespaces.nameValidator('a.b', false), ['must not contain dots']);
  assert.deepEqual(create(namespaces, { metadata: { name: 'n' }, spec: { finalizers: ['custom'] } }).errs, [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  assert.deepEqual(create(namespaces, { metadata: { name: 'n' }, spec: { finalizers: ['example.com/x'] } }).errs, []);
  const status = namespaces.status?.strategy?.validateUpdate?.({ metadata: { name: 'n' }, status: { phase: 'Terminating' } }, {});
  assert.deepEqual(status?.map(String), ['status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty']);
});

test('namespace table and field labels', () => {
  const ns: Namespace = { metadata: { name: 'n', creationTimestamp: ago(30_000) }, status: { phase: 'Active' } };
  assert.deepEqual(cells(namespaces, ns, NOW), ['Active', '30s']);
  assert.deepEqual(namespaces.fieldLabels?.(ns), { 'status.phase': 'Active' });
  assert.equal(namespaces.info.namespaced, false);
});

const epMeta = { name: 'web', namespace: 'default' };

test('endpoints: addresses and ports validated, ENDPOINTS column as kube prints it', () => {
  const ep: Endpoints = {
    metadata: epMeta,
    subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443, name: 'https' }] }],
  };
  assert.deepEqual(create(endpoints, ep).errs, ['subsets[0].ports[0].name: Required value']);
  const bad: Endpoints = { metadata: epMeta, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80 }] }, { ports: [{ port: 0 }] }] };
  assert.deepEqual(create(endpoints, bad).errs, [
    'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
    'subsets[1].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(cells(endpoints, { ...ep, metadata: { ...epMeta, creationTimestamp: ago(60_000) } }, NOW), [
    '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...',
    '60s',
  ]);
  assert.equal(cells(endpoints, { metadata: epMeta }, NOW)[0], '<none>');
  assert.equal(endpoints.storagePrefix, '/services/endpoints');
  assert.equal(endpoints.allowCreateOnUpdate, true);
});

const evMeta = { name: 'web.1', namespace: 'default' };

test('events: involvedObject namespace must match; table without a leading name', () => {
  const ev: Event = {
    metadata: evMeta,
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    reason: 'Started',
    message: ' Started container \n',
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(3600_000),
    lastTimestamp: ago(120_000),
    count: 4,
  };
  assert.deepEqual(create(events, ev).errs, []);
  assert.deepEqual(create(events, { ...ev, involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' } }).errs, [
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
  ]);
  assert.deepEqual(events.tableColumns.map((c) => [c.name, c.priority]), [
    ['Last Seen', 0], ['Type', 0], ['Reason', 0], ['Object', 0], ['Subobject', 1], ['Source', 1],
    ['Message', 0], ['First Seen', 1], ['Count', 1], ['Name', 1],
  ]);
  assert.equal(events.tableColumns.at(-1)?.format, 'name');
  assert.deepEqual(cells(events, ev, NOW), ['2m', 'Normal', 'Started', 'pod/web', '', 'kubelet, node-1', 'Started container', '60m', 4, 'web.1']);
  const labels = events.fieldLabels?.(ev);
  assert.equal(labels?.['involvedObject.kind'], 'Pod');
  assert.equal(labels?.source, 'kubelet');
  assert.equal(labels?.reason, 'Started');
  assert.equal(events.storagePrefix, '/events');
});

test('serviceaccounts: SECRETS counts references', () => {
  const sa = { metadata: { name: 'default', namespace: 'default', creationTimestamp: ago(0) }, secrets: [{ name: 'a' }] };
  assert.deepEqual(create(serviceAccounts, sa).errs, []);
  assert.deepEqual(cells(serviceAccounts, sa, NOW), [1, '0s']);
});

test('every core/v1 kind is exported with kube discovery names', () => {
  const byResource = Object.fromEntries(coreV1Resources.map((d) => [d.info.resource, d.info]));
  assert.deepEqual(Object.keys(byResource).sort(), ['configmaps', 'endpoints', 'events', 'limitranges', 'namespaces', 'pods', 'resourcequotas', 'secrets', 'serviceaccounts', 'services']);
  const shortNames = Object.fromEntries(coreV1Resources.map((d) => [d.info.resource, d.info.shortNames ?? []]));
  assert.deepEqual(shortNames, {
    namespaces: ['ns'], configmaps: ['cm'], secrets: [], services: ['svc'], endpoints: ['ep'], serviceaccounts: ['sa'], events: ['ev'], pods: ['po'], limitranges: ['limits'], resourcequotas: ['quota'],
  });
  for (const d of coreV1Resources) {
    assert.equal(d.info.group, '');
    assert.equal(d.info.version, 'v1');
    assert.equal(d.generation, 'none', d.info.resource);
  }
});
