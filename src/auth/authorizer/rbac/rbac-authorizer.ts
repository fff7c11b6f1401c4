import type { UserInfo } from '../../user.js';
import type { Attributes, Authorizer, Decision } from '../authorizer.js';
import { ruleAllows, stringList } from './rule-matching.js';
import { aggregateErrors, DefaultRuleResolver, type RBACLister } from './rule-resolver.js';

/** authorization.k8s.io/v1 ResourceRule and NonResourceRule, as SelfSubjectRulesReview lists them. */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface SubjectRules {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  /** Set when some binding could not be resolved; the rules listed are still granted. */
  evaluationError?: string;
}

/** kube's authorizer.RuleResolver: what a user may do in a namespace, for SelfSubjectRulesReview. */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): SubjectRules;
}

/**
 * kube's RBACAuthorizer: Allow when some rule bound to the user grants the
 * request, naming the binding; otherwise NoOpinion, with the resolution
 * errors (a binding to a missing role) as the reason.
 */
export class RBACAuthorizer implements Authorizer, RuleResolver {
  readonly resolver: DefaultRuleResolver;

  constructor(lister: RBACLister) {
    this.resolver = new DefaultRuleResolver(lister);
  }

  authorize(attrs: Attributes): { decision: Decision; reason: string } {
    let allowedBy: string | undefined;
    const errors: Error[] = [];
    this.resolver.visitRulesFor(attrs.user, attrs.namespace, (source, rule, err) => {
      if (rule && ruleAllows(attrs, rule)) {
        allowedBy = source;
        return false;
      }
      if (err) errors.push(err);
      return true;
    });
    if (allowedBy !== undefined) return { decision: 'Allow', reason: `RBAC: allowed by ${allowedBy}` };
    return { decision: 'NoOpinion', reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : '' };
  }

  rulesFor(user: UserInfo, namespace: string): SubjectRules {
    const { rules, errors } = this.resolver.rulesFor(user, namespace);
    const resourceRules: ResourceRule[] = [];
    const nonResourceRules: NonResourceRule[] = [];
    for (const r of rules) {
      const verbs = stringList(r.verbs);
      if (stringList(r.resources).length > 0) {
        resourceRules.push({
          verbs,
          ...(r.apiGroups ? { apiGroups: stringList(r.apiGroups) } : {}),
          resources: stringList(r.resources),
          ...(stringList(r.resourceNames).length > 0 ? { resourceNames: stringList(r.resourceNames) } : {}),
        });
      }
      const urls = stringList(r.nonResourceURLs);
      if (urls.length > 0) nonResourceRules.push({ verbs, nonResourceURLs: urls });
    }
    return {
      resourceRules,
      nonResourceRules,
      incomplete: false,
      ...(errors.length > 0 ? { evaluationError: aggregateErrors(errors) } : {}),
    };
  }
}
