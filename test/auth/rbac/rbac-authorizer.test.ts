import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RBACAuthorizer } from '../../../src/auth/authorizer/rbac/rbac-authorizer.js';
import { clusterRole, clusterRoleBinding, group, pathAttrs, resourceAttrs, role, roleBinding, staticLister, user } from './helpers.js';

const jane = { name: 'jane', groups: ['devs', 'system:authenticated'] };
const bob = { name: 'bob', groups: ['system:authenticated'] };
const sa = { name: 'system:serviceaccount:team:builder', groups: ['system:serviceaccounts'] };

const lister = staticLister({
  roles: [role('team', 'pod-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }])],
  roleBindings: [
    roleBinding('team', 'jane-reads-pods', { kind: 'Role', name: 'pod-reader' }, [user('jane')]),
    roleBinding('team', 'builder', { kind: 'ClusterRole', name: 'deployer' }, [{ kind: 'ServiceAccount', name: 'builder' }]),
    roleBinding('team', 'dangling', { kind: 'Role', name: 'gone' }, [user('bob')]),
  ],
  clusterRoles: [
    clusterRole('discovery', [{ verbs: ['get'], nonResourceURLs: ['/apis', '/apis/*'] }]),
    clusterRole('deployer', [{ verbs: ['create'], apiGroups: ['apps'], resources: ['deployments'] }]),
  ],
  clusterRoleBindings: [clusterRoleBinding('devs-discover', 'discovery', [group('devs')])],
});
const authz = new RBACAuthorizer(lister);

describe('RBACAuthorizer', () => {
  it('allows through a RoleBinding in the namespace, naming it as kube does', () => {
    const d = authz.authorize(resourceAttrs(jane, 'list', 'pods', { namespace: 'team' }));
    assert.deepEqual(d, { decision: 'Allow', reason: 'RBAC: allowed by RoleBinding "jane-reads-pods/team" of Role "pod-reader" to User "jane"' });
  });

  it('has no opinion outside the binding\'s namespace or verbs', () => {
    assert.equal(authz.authorize(resourceAttrs(jane, 'list', 'pods', { namespace: 'other' })).decision, 'NoOpinion');
    assert.equal(authz.authorize(resourceAttrs(jane, 'delete', 'pods', { namespace: 'team' })).decision, 'NoOpinion');
    assert.equal(authz.authorize(resourceAttrs(jane, 'list', 'pods')).decision, 'NoOpinion');
  });

  it('allows a path through a ClusterRoleBinding to a group', () => {
    assert.deepEqual(authz.authorize(pathAttrs(jane, 'get', '/apis/apps')), {
      decision: 'Allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "devs-discover" of ClusterRole "discovery" to Group "devs"',
    });
    assert.equal(authz.authorize(pathAttrs(bob, 'get', '/apis')).decision, 'NoOpinion');
  });

  it('matches a service account subject in the binding\'s namespace', () => {
    const d = authz.authorize(resourceAttrs(sa, 'create', 'deployments', { namespace: 'team', apiGroup: 'apps' }));
    assert.deepEqual(d, { decision: 'Allow', reason: 'RBAC: allowed by RoleBinding "builder/team" of ClusterRole "deployer" to ServiceAccount "builder/team"' });
  });

  it('gives resolution errors as the reason of a denial', () => {
    assert.deepEqual(authz.authorize(resourceAttrs(bob, 'get', 'pods', { namespace: 'team' })), {
      decision: 'NoOpinion',
      reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found',
    });
  });

  it('lists the rules a user has in a namespace', () => {
    const rules = authz.rulesFor(jane, 'team');
    assert.deepEqual(rules.resourceRules, [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]);
    assert.deepEqual(rules.nonResourceRules, [{ verbs: ['get'], nonResourceURLs: ['/apis', '/apis/*'] }]);
    assert.equal(rules.incomplete, false);
    assert.equal(authz.rulesFor(bob, 'team').evaluationError, 'role.rbac.authorization.k8s.io "gone" not found');
  });
});
