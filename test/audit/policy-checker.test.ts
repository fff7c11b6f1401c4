import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPolicyRuleEvaluator, type AuditAttributes } from '../../src/audit/policy-checker.js';
import type { Policy, PolicyRule } from '../../src/audit/types.js';

const alice = { name: 'alice', groups: ['devs', 'system:authenticated'] };

const resourceAttrs = (over: Partial<AuditAttributes> = {}): AuditAttributes => ({
  user: alice,
  verb: 'get',
  isResourceRequest: true,
  path: '/api/v1/namespaces/default/pods/web',
  namespace: 'default',
  apiGroup: '',
  resource: 'pods',
  subresource: '',
  name: 'web',
  ...over,
});

const nonResourceAttrs = (path: string, over: Partial<AuditAttributes> = {}): AuditAttributes => ({
  user: alice,
  verb: 'get',
  isResourceRequest: false,
  path,
  namespace: '',
  apiGroup: '',
  resource: '',
  subresource: '',
  name: '',
  ...over,
});

const policy = (rules: PolicyRule[], more: Partial<Policy> = {}): Policy => ({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, ...more });
const levelFor = (rule: PolicyRule, attrs: AuditAttributes) => newPolicyRuleEvaluator(policy([rule]))(attrs).level;

describe('audit policy rule matching (kube\'s checker)', () => {
  const cases: { name: string; rule: Omit<PolicyRule, 'level'>; attrs: AuditAttributes; matches: boolean }[] = [
    { name: 'an empty rule matches everything', rule: {}, attrs: resourceAttrs(), matches: true },
    { name: 'an empty rule matches non-resource requests', rule: {}, attrs: nonResourceAttrs('/version'), matches: true },
    { name: 'users: by name', rule: { users: ['alice'] }, attrs: resourceAttrs(), matches: true },
    { name: 'users: another name', rule: { users: ['bob'] }, attrs: resourceAttrs(), matches: false },
    { name: 'users: no user (failed authentication)', rule: { users: ['alice'] }, attrs: resourceAttrs({ user: undefined }), matches: false },
    { name: 'userGroups: any one group', rule: { userGroups: ['ops', 'devs'] }, attrs: resourceAttrs(), matches: true },
    { name: 'userGroups: none in common', rule: { userGroups: ['ops'] }, attrs: resourceAttrs(), matches: false },
    { name: 'userGroups: no user', rule: { userGroups: ['devs'] }, attrs: resourceAttrs({ user: undefined }), matches: false },
    { name: 'verbs: listed', rule: { verbs: ['get', 'list'] }, attrs: resourceAttrs(), matches: true },
    { name: 'verbs: not listed', rule: { verbs: ['watch'] }, attrs: resourceAttrs(), matches: false },
    { name: 'verbs: lowercase HTTP method of a non-resource request', rule: { verbs: ['post'] }, attrs: nonResourceAttrs('/x', { verb: 'post' }), matches: true },
    { name: 'namespaces: listed', rule: { namespaces: ['default'] }, attrs: resourceAttrs(), matches: true },
    { name: 'namespaces: other', rule: { namespaces: ['kube-system'] }, attrs: resourceAttrs(), matches: false },
    { name: 'namespaces: "" is cluster scope', rule: { namespaces: [''] }, attrs: resourceAttrs({ namespace: '', resource: 'nodes' }), matches: true },
    { name: 'namespaces never match non-resource requests', rule: { namespaces: ['default'] }, attrs: nonResourceAttrs('/version'), matches: false },
    { name: 'resources: group and resource', rule: { resources: [{ group: '', resources: ['pods'] }] }, attrs: resourceAttrs(), matches: true },
    { name: 'resources: another group', rule: { resources: [{ group: 'apps', resources: ['pods'] }] }, attrs: resourceAttrs(), matches: false },
    { name: 'resources: group "*"', rule: { resources: [{ group: '*', resources: ['pods'] }] }, attrs: resourceAttrs(), matches: true },
    { name: 'resources: no list is the whole group', rule: { resources: [{ group: 'apps' }] }, attrs: resourceAttrs({ apiGroup: 'apps', resource: 'deployments' }), matches: true },
    { name: 'resources: "*"', rule: { resources: [{ resources: ['*'] }] }, attrs: resourceAttrs(), matches: true },
    { name: 'resources: a plain resource does not match its subresource', rule: { resources: [{ resources: ['pods'] }] }, attrs: resourceAttrs({ subresource: 'log' }), matches: false },
    { name: 'resources: "pods/log"', rule: { resources: [{ resources: ['pods/log'] }] }, attrs: resourceAttrs({ subresource: 'log' }), matches: true },
    { name: 'resources: "pods/log" is not pods/status', rule: { resources: [{ resources: ['pods/log'] }] }, attrs: resourceAttrs({ subresource: 'status' }), matches: false },
    { name: 'resources: "*/status"', rule: { resources: [{ resources: ['*/status'] }] }, attrs: resourceAttrs({ resource: 'deployments', subresource: 'status' }), matches: true },
    { name: 'resources: "*/status" is not the resource itself', rule: { resources: [{ resources: ['*/status'] }] }, attrs: resourceAttrs(), matches: false },
    { name: 'resources: "pods/*" covers subresources', rule: { resources: [{ resources: ['pods/*'] }] }, attrs: resourceAttrs({ subresource: 'exec' }), matches: true },
    { name: 'resources: "*" covers subresources', rule: { resources: [{ resources: ['*'] }] }, attrs: resourceAttrs({ subresource: 'exec' }), matches: true },
    { name: 'resourceNames: listed', rule: { resources: [{ resources: ['pods'], resourceNames: ['web'] }] }, attrs: resourceAttrs(), matches: true },
    { name: 'resourceNames: other name', rule: { resources: [{ resources: ['pods'], resourceNames: ['db'] }] }, attrs: resourceAttrs(), matches: false },
    { name: 'resourceNames: a list has no name', rule: { resources: [{ resources: ['pods'], resourceNames: ['web'] }] }, attrs: resourceAttrs({ verb: 'list', name: '' }), matches: false },
    { name: 'resources never match non-resource requests', rule: { resources: [{ resources: ['*'] }] }, attrs: nonResourceAttrs('/version'), matches: false },
    { name: 'nonResourceURLs: exact', rule: { nonResourceURLs: ['/version'] }, attrs: nonResourceAttrs('/version'), matches: true },
    { name: 'nonResourceURLs: exact is not a prefix', rule: { nonResourceURLs: ['/healthz'] }, attrs: nonResourceAttrs('/healthz/etcd'), matches: false },
    { name: 'nonResourceURLs: trailing "*" prefix', rule: { nonResourceURLs: ['/healthz*'] }, attrs: nonResourceAttrs('/healthz/etcd'), matches: true },
    { name: 'nonResourceURLs: "*"', rule: { nonResourceURLs: ['*'] }, attrs: nonResourceAttrs('/anything'), matches: true },
    { name: 'nonResourceURLs never match resource requests', rule: { nonResourceURLs: ['*'] }, attrs: resourceAttrs(), matches: false },
    {
      name: 'every condition must hold',
      rule: { users: ['alice'], verbs: ['get'], namespaces: ['default'], resources: [{ resources: ['pods'] }] },
      attrs: resourceAttrs({ verb: 'delete' }),
      matches: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(levelFor({ level: 'Metadata', ...c.rule }, c.attrs), c.matches ? 'Metadata' : 'None');
    });
  }
});

describe('audit policy evaluation', () => {
  it('uses the first rule that matches, even when it is None', () => {
    const evaluate = newPolicyRuleEvaluator(
      policy([
        { level: 'None', users: ['system:kube-proxy'] },
        { level: 'None', nonResourceURLs: ['/healthz*'] },
        { level: 'RequestResponse', namespaces: ['default'], resources: [{ resources: ['pods'] }] },
        { level: 'Metadata' },
      ]),
    );
    assert.equal(evaluate(resourceAttrs()).level, 'RequestResponse');
    assert.equal(evaluate(resourceAttrs({ user: { name: 'system:kube-proxy', groups: [] } })).level, 'None');
    assert.equal(evaluate(resourceAttrs({ namespace: 'other' })).level, 'Metadata');
    assert.equal(evaluate(nonResourceAttrs('/healthz')).level, 'None');
    assert.equal(evaluate(nonResourceAttrs('/version')).level, 'Metadata');
  });

  it('is None when no rule matches', () => {
    const config = newPolicyRuleEvaluator(policy([{ level: 'Request', users: ['bob'] }], { omitStages: ['RequestReceived'] }))(resourceAttrs());
    assert.deepEqual(config, { level: 'None', omitStages: ['RequestReceived'], omitManagedFields: false });
  });

  it('omits the union of the policy\'s and the rule\'s stages', () => {
    const evaluate = newPolicyRuleEvaluator(
      policy(
        [
          { level: 'Request', verbs: ['get'], omitStages: ['ResponseStarted', 'RequestReceived'] },
          { level: 'Metadata' },
        ],
        { omitStages: ['RequestReceived'] },
      ),
    );
    assert.deepEqual([...evaluate(resourceAttrs()).omitStages].sort(), ['RequestReceived', 'ResponseStarted']);
    assert.deepEqual(evaluate(resourceAttrs({ verb: 'list' })).omitStages, ['RequestReceived']);
  });

  it('takes omitManagedFields from the rule, else from the policy', () => {
    const evaluate = newPolicyRuleEvaluator(policy([{ level: 'Request', verbs: ['get'], omitManagedFields: false }, { level: 'Metadata' }], { omitManagedFields: true }));
    assert.equal(evaluate(resourceAttrs()).omitManagedFields, false);
    assert.equal(evaluate(resourceAttrs({ verb: 'list' })).omitManagedFields, true);
  });
});
