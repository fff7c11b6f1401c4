import type { PolicyRule } from '../../../apis/rbac/v1/types.js';
import type { Attributes } from '../authorizer.js';

/** kube's wildcards: "*" in verbs, apiGroups, resources and nonResourceURLs. */
export const VERB_ALL = '*';
export const API_GROUP_ALL = '*';
export const RESOURCE_ALL = '*';
export const NON_RESOURCE_ALL = '*';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return list(rule.verbs).some((v) => v === VERB_ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return list(rule.apiGroups).some((g) => g === API_GROUP_ALL || g === group);
}

/**
 * `combined` is "resource" or "resource/subresource". A rule matches with "*",
 * the exact combined name, or "*\/subresource" for any resource's subresource.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return list(rule.resources).some(
    (r) => r === RESOURCE_ALL || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

/** A rule without resourceNames matches any name (including none, as a list or create has). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = list(rule.resourceNames);
  return names.length === 0 || names.includes(name);
}

/** Exact, "*", or a prefix ending in "*" ("/apis/*" matches "/apis/apps"). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return list(rule.nonResourceURLs).some(
    (u) => u === NON_RESOURCE_ALL || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))),
  );
}

/** kube's RuleAllows: whether one policy rule grants the request. */
export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  if (attrs.isResourceRequest) {
    const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, combined, attrs.subresource) &&
      resourceNameMatches(rule, attrs.name)
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

export const rulesAllow = (attrs: Attributes, rules: readonly PolicyRule[]): boolean => rules.some((r) => ruleAllows(attrs, r));

export { list as stringList };
