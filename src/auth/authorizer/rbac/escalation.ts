import { newForbidden, newNotFound } from '../../../apimachinery/status-error.js';
import { RBAC_GROUP, type ClusterRole, type PolicyRule, type RoleBinding } from '../../../apis/rbac/v1/types.js';
import type { KubeObject } from '../../../registry/object.js';
import type { Admit } from '../../../registry/store.js';
import { SYSTEM_MASTERS, type UserInfo } from '../../user.js';
import type { Attributes, Authorizer } from '../authorizer.js';
import { compactRules, compactString, covers, goQuoteList } from './policy-comparator.js';
import { aggregateErrors, RoleResolutionError, type DefaultRuleResolver } from './rule-resolver.js';

export type RBACResource = 'roles' | 'clusterroles' | 'rolebindings' | 'clusterrolebindings';

export const isRBACResource = (group: string, resource: string): resource is RBACResource =>
  group === RBAC_GROUP && ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].includes(resource);

/** Everything, as cluster-admin has it: what an aggregationRule may gather. */
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** Thrown by confirmNoEscalation; its message is kube's, the caller wraps it in a Forbidden. */
export class EscalationError extends Error {}

/**
 * kube's ConfirmNoEscalation: the rules the user holds in `namespace` must
 * cover `rules`; else the error lists what is missing, compacted and sorted.
 */
export function confirmNoEscalation(resolver: DefaultRuleResolver, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): void {
  const owner = resolver.rulesFor(user, namespace);
  const { covered, missing } = covers(owner.rules, rules);
  if (covered) return;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
  if (owner.errors.length > 0) msg += `; resolution errors: [${aggregateErrors(owner.errors)}]`;
  throw new EscalationError(msg);
}

export interface EscalationCheckOptions {
  /** The server's authorizer: asked whether the user may `escalate` roles or `bind` the referenced role. */
  authorizer: Authorizer;
  resolver: DefaultRuleResolver;
}

/**
 * kube's policy-based RBAC storage as an admission hook on the four RBAC
 * stores: creating or updating a (Cluster)Role with rules the requester does
 * not hold needs `escalate` on it; a (Cluster)RoleBinding to a role granting
 * more than the requester holds needs `bind` on that role. Members of
 * system:masters, and writes made outside a request (bootstrap, controllers),
 * are not checked, as kube.
 */
export function rbacEscalationAdmit(resource: RBACResource, opts: EscalationCheckOptions): Admit {
  const gr = { group: RBAC_GROUP, resource };
  return async (op, obj, namespace, requester) => {
    if (op === 'delete') return;
    const user = requester?.user;
    if (!user || user.groups.includes(SYSTEM_MASTERS)) return;
    const name = obj.metadata?.name ?? '';
    const ask = async (attrs: Omit<Attributes, 'user' | 'isResourceRequest' | 'path' | 'apiVersion' | 'subresource'>) =>
      (await opts.authorizer.authorize({ ...attrs, user, isResourceRequest: true, path: '', apiVersion: '*', subresource: '' })).decision === 'Allow';

    if (resource === 'roles' || resource === 'clusterroles') {
      const info = requester?.request;
      // kube asks about the request's own resource and name: escalate on roles, or on clusterroles.
      if (info?.isResourceRequest && isRBACResource(info.apiGroup, info.resource) && (info.resource === 'roles' || info.resource === 'clusterroles')) {
        if (await ask({ verb: 'escalate', apiGroup: info.apiGroup, resource: info.resource, name: info.name, namespace: info.namespace })) return;
      }
      check(() => confirmNoEscalation(opts.resolver, user, namespace, Array.isArray((obj as ClusterRole).rules) ? (obj as ClusterRole).rules! : []), gr, name);
      if (resource === 'clusterroles' && hasAggregationRule(obj)) {
        try {
          confirmNoEscalation(opts.resolver, user, namespace, FULL_AUTHORITY);
        } catch {
          throw newForbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
        }
      }
      return;
    }

    const roleRef = (obj as RoleBinding).roleRef;
    const refResource = roleRef?.kind === 'ClusterRole' ? 'clusterroles' : roleRef?.kind === 'Role' ? 'roles' : undefined;
    if (refResource && (await ask({ verb: 'bind', apiGroup: roleRef?.apiGroup ?? '', resource: refResource, name: roleRef?.name ?? '', namespace }))) return;
    let rules: PolicyRule[];
    try {
      rules = opts.resolver.getRoleReferenceRules(roleRef, namespace);
    } catch (err) {
      if (err instanceof RoleResolutionError && refResource) throw newNotFound({ group: RBAC_GROUP, resource: refResource }, roleRef?.name ?? '');
      throw err;
    }
    check(() => confirmNoEscalation(opts.resolver, user, namespace, rules), gr, name);
  };
}

function check(fn: () => void, gr: { group: string; resource: string }, name: string): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof EscalationError) throw newForbidden(gr, name, err.message);
    throw err;
  }
}

const hasAggregationRule = (obj: KubeObject): boolean => {
  const rule = (obj as ClusterRole).aggregationRule;
  return typeof rule === 'object' && rule !== null;
};

/** For the core server's extraAdmit: the escalation check of each RBAC resource, nothing for the others. */
export function rbacEscalationAdmission(opts: EscalationCheckOptions): (def: { info: { group: string; resource: string } }) => Admit | undefined {
  return ({ info }) => (isRBACResource(info.group, info.resource) ? rbacEscalationAdmit(info.resource, opts) : undefined);
}
