import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject } from '../../../apis/rbac/v1/types.js';
import type { UserInfo } from '../../user.js';

/** What the resolver reads: kube's RoleGetter, RoleBindingLister, ClusterRoleGetter, ClusterRoleBindingLister. */
export interface RBACLister {
  getRole(namespace: string, name: string): Role | undefined;
  listRoleBindings(namespace: string): readonly RoleBinding[];
  getClusterRole(name: string): ClusterRole | undefined;
  listClusterRoleBindings(): readonly ClusterRoleBinding[];
}

/** Thrown (and collected) when a binding names a role that cannot be resolved; kube's lister NotFound text. */
export class RoleResolutionError extends Error {}

/**
 * A visitor gets each rule that applies with the binding that granted it, or
 * an error met while resolving; it returns false to stop.
 */
export type RuleVisitor = (source: string | undefined, rule: PolicyRule | undefined, err: Error | undefined) => boolean;

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
const rulesOf = (r: Role): PolicyRule[] => (Array.isArray(r.rules) ? r.rules : []);
const subjectsOf = (b: RoleBinding): Subject[] => (Array.isArray(b.subjects) ? b.subjects : []);

/** kube's DefaultRuleResolver over a lister (the informer caches in the server, plain arrays in tests). */
export class DefaultRuleResolver {
  constructor(private readonly lister: RBACLister) {}

  /** The rules of the role a binding refers to; `bindingNamespace` is "" for a ClusterRoleBinding. */
  getRoleReferenceRules(roleRef: RoleRef | undefined, bindingNamespace: string): PolicyRule[] {
    const name = roleRef?.name ?? '';
    switch (roleRef?.kind) {
      case 'Role': {
        const role = this.lister.getRole(bindingNamespace, name);
        if (!role) throw new RoleResolutionError(`role.rbac.authorization.k8s.io ${JSON.stringify(name)} not found`);
        return rulesOf(role);
      }
      case 'ClusterRole': {
        const role = this.lister.getClusterRole(name);
        if (!role) throw new RoleResolutionError(`clusterrole.rbac.authorization.k8s.io ${JSON.stringify(name)} not found`);
        return rulesOf(role);
      }
      default:
        throw new RoleResolutionError(`unsupported role reference kind: ${JSON.stringify(roleRef?.kind ?? '')}`);
    }
  }

  /** Cluster role bindings first, then the namespace's role bindings (when a namespace is given), as kube. */
  visitRulesFor(user: UserInfo, namespace: string, visitor: RuleVisitor): void {
    for (const binding of this.lister.listClusterRoleBindings()) {
      const subject = appliesTo(user, subjectsOf(binding), '');
      if (!subject) continue;
      let rules: PolicyRule[];
      try {
        rules = this.getRoleReferenceRules(binding.roleRef, '');
      } catch (err) {
        if (!visitor(undefined, undefined, err as Error)) return;
        continue;
      }
      const source = `ClusterRoleBinding ${JSON.stringify(binding.metadata?.name ?? '')} of ${binding.roleRef?.kind ?? ''} ${JSON.stringify(binding.roleRef?.name ?? '')} to ${describeSubject(subject, '')}`;
      for (const rule of rules) if (!visitor(source, rule, undefined)) return;
    }
    if (!namespace) return;
    for (const binding of this.lister.listRoleBindings(namespace)) {
      const subject = appliesTo(user, subjectsOf(binding), namespace);
      if (!subject) continue;
      let rules: PolicyRule[];
      try {
        rules = this.getRoleReferenceRules(binding.roleRef, namespace);
      } catch (err) {
        if (!visitor(undefined, undefined, err as Error)) return;
        continue;
      }
      const ns = binding.metadata?.namespace ?? namespace;
      const source = `RoleBinding ${JSON.stringify(`${binding.metadata?.name ?? ''}/${ns}`)} of ${binding.roleRef?.kind ?? ''} ${JSON.stringify(binding.roleRef?.name ?? '')} to ${describeSubject(subject, ns)}`;
      for (const rule of rules) if (!visitor(source, rule, undefined)) return;
    }
  }

  /** Every rule that applies, and the errors met (the rules found are still valid: RBAC only adds). */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: Error[] } {
    const rules: PolicyRule[] = [];
    const errors: Error[] = [];
    this.visitRulesFor(user, namespace, (_source, rule, err) => {
      if (rule) rules.push(rule);
      if (err) errors.push(err);
      return true;
    });
    return { rules, errors };
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name ?? ''}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind ?? ''} ${JSON.stringify(s.name ?? '')}`;
}

/** The first subject that names this user, directly, by group, or as a service account. */
export function appliesTo(user: UserInfo, subjects: readonly Subject[], namespace: string): Subject | undefined {
  return subjects.find((s) => appliesToUser(user, s, namespace));
}

function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return typeof subject.name === 'string' && user.groups.includes(subject.name);
    case 'ServiceAccount': {
      // A binding may leave the namespace out for a service account of its own namespace.
      const ns = subject.namespace || namespace;
      if (!ns) return false;
      return user.name === `${SERVICE_ACCOUNT_PREFIX}${ns}:${subject.name ?? ''}`;
    }
    default:
      return false;
  }
}

/** kube's utilerrors.NewAggregate text: one error as is, several as "[a, b]". */
export function aggregateErrors(errors: readonly Error[]): string {
  if (errors.length === 1) return errors[0]!.message;
  return `[${errors.map((e) => e.message).join(', ')}]`;
}
