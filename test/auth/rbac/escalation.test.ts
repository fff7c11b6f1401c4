import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confirmNoEscalation, EscalationError } from '../../../src/auth/authorizer/rbac/escalation.js';
import { DefaultRuleResolver } from '../../../src/auth/authorizer/rbac/rule-resolver.js';
import { clusterRole, clusterRoleBinding, role, roleBinding, staticLister, user } from './helpers.js';

const resolver = new DefaultRuleResolver(
  staticLister({
    roles: [role('team', 'pods', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }])],
    roleBindings: [roleBinding('team', 'bob-pods', { kind: 'Role', name: 'pods' }, [user('bob')]), roleBinding('team', 'broken', { kind: 'ClusterRole', name: 'nope' }, [user('bob')])],
    clusterRoles: [clusterRole('cm', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }])],
    clusterRoleBindings: [clusterRoleBinding('bob-cm', 'cm', [user('bob')])],
  }),
);
const bob = { name: 'bob', groups: ['developers', 'system:authenticated'] };

describe('confirmNoEscalation', () => {
  it('passes when the user holds every rule, from cluster and namespace bindings', () => {
    confirmNoEscalation(resolver, bob, 'team', [
      { verbs: ['get'], apiGroups: [''], resources: ['pods', 'configmaps'] },
    ]);
  });

  it('refuses with kube\'s message listing what is missing, compacted and sorted', () => {
    assert.throws(
      () => confirmNoEscalation(resolver, bob, 'other', [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'configmaps'] }]),
      (err: unknown) => {
        assert.ok(err instanceof EscalationError);
        assert.equal(
          err.message,
          'user "bob" (groups=["developers" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
            '{APIGroups:[""], Resources:["configmaps"], Verbs:["delete"]}\n' +
            '{APIGroups:[""], Resources:["pods"], Verbs:["get" "delete"]}',
        );
        return true;
      },
    );
  });

  it('adds resolution errors', () => {
    assert.throws(
      () => confirmNoEscalation(resolver, bob, 'team', [{ verbs: ['create'], apiGroups: [''], resources: ['pods'] }]),
      /not currently held:\n\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["create"\]\}; resolution errors: \[clusterrole.rbac.authorization.k8s.io "nope" not found\]$/,
    );
  });
});
