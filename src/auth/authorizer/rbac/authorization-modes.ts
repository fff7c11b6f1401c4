import type { Logger } from '../../../observability/logger.js';
import type { Storage } from '../../../storage/interfaces.js';
import { SYSTEM_MASTERS } from '../../user.js';
import { unionAuthorizer, type Authorizer } from '../authorizer.js';
import { privilegedGroupsAuthorizer } from '../privileged-groups.js';
import { publicInfoAuthorizer } from '../public-info.js';
import { RBACAuthorizer, type RuleResolver, type SubjectRules } from './rbac-authorizer.js';
import { RBACInformers } from './rbac-informers.js';

/** kube's --authorization-mode values that frontdoor serves. */
export const AUTHORIZATION_MODES = ['AlwaysAllow', 'RBAC'] as const;
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];
export const isAuthorizationMode = (m: string): m is AuthorizationMode => (AUTHORIZATION_MODES as readonly string[]).includes(m);

export interface Authorization {
  /** Every request passes through this: system:masters first, then each mode in order. */
  authorizer: Authorizer;
  /** For SelfSubjectRulesReview: the union of the modes' rules. */
  ruleResolver: RuleResolver;
  /** Present when RBAC is a mode: its caches (run them) and authorizer (escalation checks resolve rules with it). */
  rbac?: { informers: RBACInformers; authorizer: RBACAuthorizer };
}

const alwaysAllow: Authorizer & RuleResolver = {
  authorize: () => ({ decision: 'Allow', reason: '' }),
  rulesFor: () => ({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  }),
};

/**
 * kube's authorizer config: a union of system:masters (always first) and the
 * modes in the order given. RBAC reads roles and bindings from `storage`
 * through informers, which the caller runs. Until they have synced RBAC
 * grants nothing, so health and version stay open to everyone through the
 * public-info authorizer (what kube's system:public-info-viewer role grants).
 */
export function createAuthorization(opts: { modes: readonly AuthorizationMode[]; storage: Storage; logger?: Logger }): Authorization {
  const authorizers: Authorizer[] = [privilegedGroupsAuthorizer([SYSTEM_MASTERS])];
  const resolvers: RuleResolver[] = [];
  let rbac: Authorization['rbac'];
  for (const mode of opts.modes) {
    if (mode === 'AlwaysAllow') {
      authorizers.push(alwaysAllow);
      resolvers.push(alwaysAllow);
    } else if (!rbac) {
      const informers = new RBACInformers({ storage: opts.storage, logger: opts.logger });
      rbac = { informers, authorizer: new RBACAuthorizer(informers) };
      authorizers.push(rbac.authorizer, publicInfoAuthorizer());
      resolvers.push(rbac.authorizer);
    }
  }
  return { authorizer: unionAuthorizer(...authorizers), ruleResolver: unionRuleResolver(resolvers), rbac };
}

/** kube's union rule resolver: every resolver's rules, incomplete if any is, errors joined. */
export function unionRuleResolver(resolvers: readonly RuleResolver[]): RuleResolver {
  return {
    rulesFor(user, namespace): SubjectRules {
      const out: SubjectRules = { resourceRules: [], nonResourceRules: [], incomplete: false };
      const errors: string[] = [];
      for (const r of resolvers) {
        const rules = r.rulesFor(user, namespace);
        out.resourceRules.push(...rules.resourceRules);
        out.nonResourceRules.push(...rules.nonResourceRules);
        out.incomplete ||= rules.incomplete;
        if (rules.evaluationError) errors.push(rules.evaluationError);
      }
      if (errors.length > 0) out.evaluationError = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
      return out;
    },
  };
}
