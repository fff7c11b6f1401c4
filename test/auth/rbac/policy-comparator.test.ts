import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactRules, compactString, covers } from '../../../src/auth/authorizer/rbac/policy-comparator.js';

describe('covers', () => {
  it('is covered by a wildcard owner', () => {
    assert.equal(covers([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'] }]).covered, true);
  });

  it('lists each missing verb/resource atom', () => {
    const { covered, missing } = covers(
      [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
      [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }],
    );
    assert.equal(covered, false);
    assert.deepEqual(missing, [
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['delete'] },
    ]);
  });

  it('covers a subresource with */subresource and names only with names or none', () => {
    assert.equal(covers([{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/status'] }], [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/status'] }]).covered, true);
    assert.equal(covers([{ verbs: ['get'], apiGroups: [''], resources: ['cm'], resourceNames: ['a'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['cm'] }]).covered, false);
    assert.equal(covers([{ verbs: ['get'], apiGroups: [''], resources: ['cm'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['cm'], resourceNames: ['a'] }]).covered, true);
  });

  it('covers URLs by prefix', () => {
    assert.equal(covers([{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }]).covered, true);
    assert.equal(covers([{ verbs: ['get'], nonResourceURLs: ['/apis'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }]).covered, false);
  });
});

describe('compactRules and compactString', () => {
  it('merges atoms that differ only by verb, in kube\'s text', () => {
    const rules = compactRules([
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
      { nonResourceURLs: ['/x'], verbs: ['get'] },
    ]);
    assert.deepEqual(rules.map(compactString), ['{NonResourceURLs:["/x"], Verbs:["get"]}', '{APIGroups:[""], Resources:["pods"], Verbs:["get" "delete"]}']);
  });

  it('keeps one resource name in a simple rule', () => {
    assert.equal(compactString(compactRules([{ apiGroups: ['x'], resources: ['y'], resourceNames: ['n'], verbs: ['use'] }])[0]!), '{APIGroups:["x"], Resources:["y"], ResourceNames:["n"], Verbs:["use"]}');
  });
});
