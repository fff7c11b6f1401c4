import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../../src/auth/bootstrap-policy.js';
import { reconcileClusterRole, reconcileClusterRoleBinding } from '../../../src/auth/authorizer/rbac/reconcile.js';

const byName = <T extends { metadata?: { name?: string } }>(xs: T[], name: string): T => xs.find((x) => x.metadata?.name === name)!;

describe('bootstrap policy', () => {
  it('has kube\'s labels, annotation, aggregation rules and bindings', () => {
    const roles = bootstrapClusterRoles();
    for (const r of roles) {
      assert.equal(r.metadata?.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
      assert.equal(r.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
    }
    assert.deepEqual(byName(roles, 'view').aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
    assert.equal(byName(roles, 'view').metadata?.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
    assert.equal(byName(roles, 'edit').metadata?.labels?.['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
    assert.deepEqual(byName(roles, 'system:public-info-viewer').rules, [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]);
    const bindings = bootstrapClusterRoleBindings();
    assert.deepEqual(byName(bindings, 'cluster-admin').subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
    assert.deepEqual(byName(bindings, 'system:public-info-viewer').subjects?.map((s) => s.name), ['system:authenticated', 'system:unauthenticated']);
    assert.deepEqual(byName(bindings, 'system:discovery').subjects?.map((s) => s.name), ['system:authenticated']);
  });
});

describe('reconcile', () => {
  const expected = byName(bootstrapClusterRoles(), 'system:discovery');

  it('adds missing rules and labels, keeping what the user added', () => {
    const existing = { metadata: { name: 'system:discovery', labels: { mine: 'x' }, annotations: {} }, rules: [{ verbs: ['get'], nonResourceURLs: ['/custom'] }] };
    const next = reconcileClusterRole(existing, expected)!;
    assert.deepEqual(next.rules?.[0], { verbs: ['get'], nonResourceURLs: ['/custom'] });
    assert.deepEqual(next.rules?.[1], expected.rules?.[0]);
    assert.equal(next.metadata?.labels?.mine, 'x');
    assert.equal(next.metadata?.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
  });

  it('changes nothing when all is there', () => {
    assert.equal(reconcileClusterRole(structuredClone(expected), expected), undefined);
  });

  it('adds missing subjects to a binding', () => {
    const want = byName(bootstrapClusterRoleBindings(), 'system:public-info-viewer');
    const existing = { ...structuredClone(want), subjects: [want.subjects![0]!] };
    assert.deepEqual(reconcileClusterRoleBinding(existing, want)?.subjects, want.subjects);
  });
});
