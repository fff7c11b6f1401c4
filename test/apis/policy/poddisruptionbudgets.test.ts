import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { podDisruptionBudgets, policyV1Resources, type PodDisruptionBudget } from '../../../src/apis/policy/v1/index.js';
import { ago, cells, create, NOW, update } from '../core/v1/helpers.js';
import { KUBECTL_132, kubectlCreate } from '../batch/kubectl-create.js';

const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({ metadata: { name: 'web', namespace: 'default' }, spec });

describe('policy/v1 poddisruptionbudgets', () => {
  it('info and status on create', () => {
    assert.equal(policyV1Resources.length, 1);
    assert.deepEqual(podDisruptionBudgets.info.shortNames, ['pdb']);
    assert.equal(podDisruptionBudgets.generation, 'spec');
    const { obj, errs } = create(podDisruptionBudgets, pdb({ minAvailable: 1, selector: { matchLabels: { app: 'web' } } }));
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  });

  const cases: [string, PodDisruptionBudget['spec'], string[]][] = [
    [
      'minAvailable and maxUnavailable are exclusive',
      { minAvailable: 1, maxUnavailable: 1 },
      ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set'],
    ],
    ['negative', { minAvailable: -1 }, ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']],
    ['over 100%', { maxUnavailable: '150%' }, ['spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%']],
    [
      'eviction policy enum',
      { minAvailable: '50%', unhealthyPodEvictionPolicy: 'Never' },
      ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"'],
    ],
  ];
  for (const [name, spec, want] of cases) it(`validation: ${name}`, () => assert.deepEqual(create(podDisruptionBudgets, pdb(spec)).errs, want));

  it('the spec may change; status is kept by the main endpoint and checked by /status', () => {
    const old = create(podDisruptionBudgets, pdb({ minAvailable: 1 })).obj;
    const next = structuredClone(old);
    next.spec = { maxUnavailable: 2 };
    assert.deepEqual(update(podDisruptionBudgets, next, old).errs, []);
    const s = structuredClone(old);
    s.status = { disruptionsAllowed: -1 };
    assert.deepEqual(podDisruptionBudgets.status!.strategy!.validateUpdate!(s, old).map(String), [
      'status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('table: Min Available, Max Unavailable (N/A when unset), Allowed Disruptions, Age', () => {
    const p = pdb({ maxUnavailable: '25%' });
    p.metadata!.creationTimestamp = ago(5000);
    p.status = { disruptionsAllowed: 2 };
    assert.deepEqual(podDisruptionBudgets.tableColumns.map((c) => [c.name, c.type]), [
      ['Min Available', 'string'],
      ['Max Unavailable', 'string'],
      ['Allowed Disruptions', 'integer'],
      ['Age', 'string'],
    ]);
    assert.deepEqual(cells(podDisruptionBudgets, p, NOW), ['N/A', '25%', 2, '5s']);
  });

  it('kubectl 1.32 create pdb produces valid objects', { skip: KUBECTL_132 ? false : 'kubectl.1.32 not installed' }, () => {
    for (const args of [
      ['poddisruptionbudget', 'p1', '--selector=app=web', '--min-available=1'],
      ['pdb', 'p2', '--selector=app=web', '--max-unavailable=50%'],
    ]) {
      assert.deepEqual(create(podDisruptionBudgets, kubectlCreate(args) as PodDisruptionBudget).errs, [], args.join(' '));
    }
  });
});
