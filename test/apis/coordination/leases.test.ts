import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coordinationV1Resources, leases, type Lease } from '../../../src/apis/coordination/v1/index.js';

const strategy = leases.strategy;
const lease = (spec: Lease['spec']): Lease => ({ metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec });

describe('leases: resource info', () => {
  it('coordination.k8s.io/v1 leases, namespaced, no short names', () => {
    assert.deepEqual(leases.info, {
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      singularName: 'lease',
      kind: 'Lease',
      namespaced: true,
    });
    assert.equal(coordinationV1Resources.length, 1);
    assert.equal(leases.generation, 'none');
    assert.equal(leases.status, undefined);
    assert.equal(leases.scale, undefined);
    assert.equal(leases.allowCreateOnUpdate, true);
    assert.equal(leases.allowUnconditionalUpdate, false);
    assert.equal(leases.fieldLabels, undefined);
    assert.equal(leases.nameValidator('node-1.example', false).length, 0);
    assert.equal(leases.nameValidator('Node_1', false).length, 1);
  });
});

describe('leases: validation', () => {
  const cases: { name: string; spec: Lease['spec']; want: string[] }[] = [
    {
      name: 'a leader-election lease',
      spec: { holderIdentity: 'a_b', leaseDurationSeconds: 15, leaseTransitions: 0, renewTime: '2024-05-01T12:00:00.000000Z' },
      want: [],
    },
    { name: 'an empty spec', spec: {}, want: [] },
    { name: 'no spec', spec: undefined, want: [] },
    {
      name: 'leaseDurationSeconds must be positive',
      spec: { leaseDurationSeconds: 0 },
      want: ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'],
    },
    {
      name: 'leaseTransitions may not be negative',
      spec: { leaseTransitions: -1, leaseDurationSeconds: -3 },
      want: [
        'spec.leaseDurationSeconds: Invalid value: -3: must be greater than 0',
        'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
      ],
    },
    {
      // These fields only arrive here when the stored lease already had them.
      name: 'strategy is an enum (kube repeats "strategy" in the path)',
      spec: { strategy: 'Youngest' },
      want: ['spec.strategy.strategy: Unsupported value: "Youngest": supported values: "OldestEmulationVersion"'],
    },
    {
      name: 'preferredHolder needs a strategy',
      spec: { preferredHolder: 'b' },
      want: ['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(strategy.validate!(lease(c.spec)).map(String), c.want);
      assert.deepEqual(strategy.validateUpdate!(lease(c.spec), lease({})).map(String), c.want);
    });
  }
});

describe('leases: CoordinatedLeaderElection fields (gate off, as in kube 1.32 by default)', () => {
  it('are dropped on create', () => {
    const l = lease({ holderIdentity: 'a', strategy: 'OldestEmulationVersion', preferredHolder: 'a' });
    strategy.prepareForCreate!(l);
    assert.deepEqual(l.spec, { holderIdentity: 'a' });
  });

  it('are kept on update only when the stored lease has them', () => {
    const next = lease({ strategy: 'OldestEmulationVersion', preferredHolder: 'a' });
    strategy.prepareForUpdate!(next, lease({}));
    assert.deepEqual(next.spec, {});
    const kept = lease({ strategy: 'OldestEmulationVersion', preferredHolder: 'b' });
    strategy.prepareForUpdate!(kept, lease({ strategy: 'OldestEmulationVersion', preferredHolder: 'a' }));
    assert.deepEqual(kept.spec, { strategy: 'OldestEmulationVersion', preferredHolder: 'b' });
  });
});

describe('leases: table', () => {
  it('HOLDER and AGE', () => {
    const now = new Date('2024-05-01T12:00:00Z');
    assert.deepEqual(
      leases.tableColumns.map((c) => [c.name, c.type, c.priority]),
      [
        ['Holder', 'string', 0],
        ['Age', 'string', 0],
      ],
    );
    const l = lease({ holderIdentity: 'node-1_4c1d' });
    l.metadata!.creationTimestamp = '2024-05-01T11:59:30Z';
    assert.deepEqual(leases.tableColumns.map((c) => c.cell(l, now)), ['node-1_4c1d', '30s']);
    assert.deepEqual(leases.tableColumns.map((c) => c.cell(lease({}), now)), ['', '<unknown>']);
  });
});
