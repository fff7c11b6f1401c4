import type { UserInfo } from '../auth/user.js';
import type { Policy, PolicyRule, RequestAuditConfig, Stage } from './types.js';

/** What a rule is matched against: the authorizer's attributes, with no user when authentication failed. */
export interface AuditAttributes {
  user?: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  path: string;
  namespace: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
}

export type PolicyRuleEvaluator = (attrs: AuditAttributes) => RequestAuditConfig;

/**
 * kube's policy checker: the first rule that matches decides the level; no
 * match is None. A rule's omitStages are the union of its own and the policy's.
 */
export function newPolicyRuleEvaluator(policy: Policy): PolicyRuleEvaluator {
  const policyOmit = policy.omitStages ?? [];
  const rules = policy.rules.map((rule) => ({
    rule,
    config: {
      level: rule.level,
      omitStages: union(policyOmit, rule.omitStages ?? []),
      omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
    } satisfies RequestAuditConfig,
  }));
  const fallback: RequestAuditConfig = { level: 'None', omitStages: policyOmit, omitManagedFields: policy.omitManagedFields ?? false };
  return (attrs) => rules.find(({ rule }) => ruleMatches(rule, attrs))?.config ?? fallback;
}

const union = (a: readonly Stage[], b: readonly Stage[]): Stage[] => [...new Set([...a, ...b])];

export function ruleMatches(r: PolicyRule, attrs: AuditAttributes): boolean {
  if (r.users?.length && (!attrs.user || !r.users.includes(attrs.user.name))) return false;
  if (r.userGroups?.length && (!attrs.user || !attrs.user.groups.some((g) => r.userGroups!.includes(g)))) return false;
  if (r.verbs?.length && !r.verbs.includes(attrs.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) return matchesResource(r, attrs);
  if (r.nonResourceURLs?.length) return !attrs.isResourceRequest && r.nonResourceURLs.some((spec) => pathMatches(attrs.path, spec));
  return true;
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function matchesResource(r: PolicyRule, attrs: AuditAttributes): boolean {
  if (!attrs.isResourceRequest) return false;
  // Cluster-scoped resources have the namespace ''.
  if (r.namespaces?.length && !r.namespaces.includes(attrs.namespace)) return false;
  if (!r.resources?.length) return true;
  const { resource, subresource, name } = attrs;
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const gr of r.resources) {
    const group = gr.group ?? '';
    if (group !== attrs.apiGroup && group !== '*') continue;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(name)) continue;
    for (const res of gr.resources) {
      if (res === combined || res === '*') return true;
      if (subresource && res.startsWith('*/') && subresource === res.slice(2)) return true;
      if (res.endsWith('/*') && resource === res.slice(0, -2)) return true;
    }
  }
  return false;
}
