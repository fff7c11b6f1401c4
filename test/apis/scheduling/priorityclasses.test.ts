import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { priorityClasses, schedulingV1Resources, type PriorityClass } from '../../../src/apis/scheduling/v1/index.js';
import { ago, cells, create, NOW, update } from '../core/v1/helpers.js';
import { KUBECTL_132, kubectlCreate } from '../batch/kubectl-create.js';

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ metadata: { name }, value, ...extra });

describe('scheduling.k8s.io/v1 priorityclasses', () => {
  it('cluster-scoped, pc, preemptionPolicy defaults to PreemptLowerPriority', () => {
    assert.equal(schedulingV1Resources.length, 1);
    assert.equal(priorityClasses.info.namespaced, false);
    assert.deepEqual(priorityClasses.info.shortNames, ['pc']);
    const { obj, errs } = create(priorityClasses, pc('high', 1000));
    assert.deepEqual(errs, []);
    assert.equal(obj.preemptionPolicy, 'PreemptLowerPriority');
  });

  const cases: [string, PriorityClass, string[]][] = [
    ['value above the user maximum', pc('huge', 1000000001), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
    [
      'system- prefix is reserved',
      pc('system-mine', 10),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"],
    ],
    [
      'a system class must keep its value',
      pc('system-node-critical', 5),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"],
    ],
    ['the system classes themselves are fine', pc('system-cluster-critical', 2000000000), []],
    [
      'preemption policy enum',
      pc('p', 1, { preemptionPolicy: 'Sometimes' }),
      ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"'],
    ],
  ];
  for (const [name, obj, want] of cases) it(`validation: ${name}`, () => assert.deepEqual(create(priorityClasses, obj).errs, want));

  it('value and preemptionPolicy are immutable', () => {
    const old = create(priorityClasses, pc('high', 1000)).obj;
    const next = { ...structuredClone(old), value: 2000, preemptionPolicy: 'Never' };
    assert.deepEqual(update(priorityClasses, next, old).errs, [
      'value: Forbidden: may not be changed in an update.',
      'preemptionPolicy: Invalid value: "Never": field is immutable',
    ]);
    assert.deepEqual(update(priorityClasses, { ...structuredClone(old), description: 'new' }, old).errs, []);
  });

  it('table: Value, Global-Default, Age, and PreemptionPolicy with -o wide', () => {
    const obj = create(priorityClasses, pc('high', 1000, { globalDefault: true })).obj;
    obj.metadata!.creationTimestamp = ago(10_000);
    assert.deepEqual(priorityClasses.tableColumns.map((c) => [c.name, c.type, c.priority]), [
      ['Value', 'integer', 0],
      ['Global-Default', 'boolean', 0],
      ['Age', 'string', 0],
      ['PreemptionPolicy', 'string', 1],
    ]);
    assert.deepEqual(cells(priorityClasses, obj, NOW), [1000, true, '10s', 'PreemptLowerPriority']);
  });

  it('kubectl 1.32 create priorityclass produces valid objects', { skip: KUBECTL_132 ? false : 'kubectl.1.32 not installed' }, () => {
    for (const args of [
      ['priorityclass', 'high', '--value=1000', '--description=high prio'],
      ['priorityclass', 'def', '--value=10', '--global-default', '--preemption-policy=Never'],
    ]) {
      const obj = kubectlCreate(args) as PriorityClass;
      delete obj.metadata!.namespace;
      assert.deepEqual(create(priorityClasses, obj).errs, [], args.join(' '));
    }
  });
});
