import type { PolicyRule } from '../../../apis/rbac/v1/types.js';
import { API_GROUP_ALL, RESOURCE_ALL, VERB_ALL, stringList as list } from './rule-matching.js';

/**
 * kube's escalation arithmetic (component-helpers rbac/validation and
 * pkg/registry/rbac/validation): whether one set of rules covers another,
 * and the compact text of what is missing.
 */

/** One rule per (group, resource, verb[, name]) and per (url, verb): the atoms a rule grants. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const names = list(rule.resourceNames);
  for (const group of list(rule.apiGroups)) {
    for (const resource of list(rule.resources)) {
      for (const verb of list(rule.verbs)) {
        if (names.length > 0) {
          for (const name of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of list(rule.nonResourceURLs)) {
    for (const verb of list(rule.verbs)) out.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return out;
}

const hasAll = (set: string[], wanted: string[]): boolean => wanted.every((w) => set.includes(w));

function resourceCoversAll(owner: string[], wanted: string[]): boolean {
  if (owner.includes(RESOURCE_ALL) || hasAll(owner, wanted)) return true;
  return wanted.every((path) => {
    if (owner.includes(path)) return true;
    const slash = path.indexOf('/');
    // "*/status" covers the status subresource of every resource.
    return slash >= 0 && owner.includes(`*/${path.slice(slash + 1)}`);
  });
}

const nonResourceURLCovers = (owner: string, path: string): boolean =>
  owner === path || (owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, '')));

/** Whether ownerRule grants all of subRule (an atom from breakdownRule). */
function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const ownerVerbs = list(owner.verbs);
  const ownerGroups = list(owner.apiGroups);
  const ownerNames = list(owner.resourceNames);
  const subNames = list(sub.resourceNames);
  const verbs = ownerVerbs.includes(VERB_ALL) || hasAll(ownerVerbs, list(sub.verbs));
  const groups = ownerGroups.includes(API_GROUP_ALL) || hasAll(ownerGroups, list(sub.apiGroups));
  const resources = resourceCoversAll(list(owner.resources), list(sub.resources));
  const urls = list(sub.nonResourceURLs).every((p) => list(owner.nonResourceURLs).some((o) => nonResourceURLCovers(o, p)));
  const names = subNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, subNames);
  return verbs && groups && resources && urls && names;
}

/** kube's Covers: whether `owner` grants everything `servant` does, and the atoms it does not. */
export function covers(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing = servant.flatMap(breakdownRule).filter((atom) => !owner.some((o) => ruleCovers(o, atom)));
  return { covered: missing.length === 0, missing };
}

/**
 * kube's CompactRules: atoms that name one group, one resource and at most one
 * resource name, and differ only by verb, become one rule with those verbs.
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const key = simpleKey(rule);
    if (key === undefined) {
      compacted.push(rule);
      continue;
    }
    const existing = simple.get(key);
    if (existing) existing.verbs = [...list(existing.verbs), ...list(rule.verbs)];
    else simple.set(key, structuredClone(rule));
  }
  return [...compacted, ...simple.values()];
}

function simpleKey(rule: PolicyRule): string | undefined {
  const groups = list(rule.apiGroups);
  const resources = list(rule.resources);
  const names = list(rule.resourceNames);
  if (list(rule.nonResourceURLs).length > 0 || names.length > 1) return undefined;
  if (groups.length !== 1 || resources.length !== 1) return undefined;
  const known = new Set(['apiGroups', 'resources', 'resourceNames', 'verbs', 'nonResourceURLs']);
  if (Object.keys(rule).some((k) => !known.has(k) && rule[k] !== undefined)) return undefined;
  return JSON.stringify([groups[0], resources[0], names.length === 1, names[0] ?? '']);
}

/** Go's %q of a []string: ["a" "b"]. */
export const goQuoteList = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

/** kube's CompactString: {APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  const field = (name: string, v: unknown) => {
    const xs = list(v);
    if (xs.length > 0) parts.push(`${name}:${goQuoteList(xs)}`);
  };
  field('APIGroups', rule.apiGroups);
  field('Resources', rule.resources);
  field('NonResourceURLs', rule.nonResourceURLs);
  field('ResourceNames', rule.resourceNames);
  field('Verbs', rule.verbs);
  return `{${parts.join(', ')}}`;
}
