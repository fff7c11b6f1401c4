import { readFileSync } from 'node:fs';
import { parse as parseYAML } from 'yaml';
import { FieldPath } from '../apimachinery/validation/path.js';
import { aggregateMessage, invalid, notSupported, required, type FieldError } from '../apimachinery/validation/field-error.js';
import { isDNS1123Subdomain } from '../apimachinery/validation/names.js';
import { AUDIT_API_VERSION, LEVELS, STAGES, type GroupResources, type Level, type Policy, type PolicyRule, type Stage } from './types.js';
import { isJSONObject as isRecord } from '../apimachinery/json.js';

/** A policy file that cannot be used: the message is one line naming the file and what is wrong. */
export class PolicyError extends Error {}

export interface LoadedPolicy {
  policy: Policy;
  /** Unknown fields, which kube ignores after warning (its lenient fallback). */
  warnings: string[];
}

/** kube's LoadPolicyFromFile: read, decode (YAML or JSON), check apiVersion/kind, validate, refuse 0 rules. */
export function loadPolicyFile(path: string): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(`failed to read file path ${JSON.stringify(path)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return parsePolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) throw new PolicyError(`${err.message}: from file ${path}`);
    throw err;
  }
}

/** kube's LoadPolicyFromBytes. */
export function parsePolicy(text: string): LoadedPolicy {
  let doc: unknown;
  try {
    doc = parseYAML(text);
  } catch (err) {
    throw new PolicyError(`failed decoding: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(doc)) throw new PolicyError('failed decoding: the policy must be an object');
  if (doc.apiVersion !== AUDIT_API_VERSION || doc.kind !== 'Policy') {
    throw new PolicyError(`unknown group version field ${JSON.stringify(`${String(doc.apiVersion ?? '')}, Kind=${String(doc.kind ?? '')}`)} in policy (want apiVersion ${AUDIT_API_VERSION}, kind Policy)`);
  }
  const warnings: string[] = [];
  const errs: FieldError[] = [];
  const d = new Decoder(warnings, errs);
  const root = FieldPath.of('');
  d.unknownFields(doc, root, ['apiVersion', 'kind', 'metadata', 'rules', 'omitStages', 'omitManagedFields']);
  const rulesRaw = doc.rules ?? [];
  const rules: PolicyRule[] = [];
  if (!Array.isArray(rulesRaw)) errs.push(invalid('rules', typeName(rulesRaw), 'must be a list'));
  else rulesRaw.forEach((r, i) => {
    const rule = d.rule(r, FieldPath.of('rules').index(i));
    if (rule) rules.push(rule);
  });
  const policy: Policy = {
    apiVersion: AUDIT_API_VERSION,
    kind: 'Policy',
    rules,
    omitStages: d.stages(doc.omitStages, FieldPath.of('omitStages')),
    omitManagedFields: d.bool(doc.omitManagedFields, FieldPath.of('omitManagedFields')),
  };
  const message = aggregateMessage(errs);
  if (message) throw new PolicyError(message);
  if (rules.length === 0) throw new PolicyError('loaded illegal policy with 0 rules');
  return { policy, warnings };
}

const RULE_FIELDS = ['level', 'users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs', 'omitStages', 'omitManagedFields'];
const GROUP_RESOURCE_FIELDS = ['group', 'resources', 'resourceNames'];

/** Shape checks (kube's strict decoding) and kube's ValidatePolicy, collecting every error. */
class Decoder {
  constructor(
    private readonly warnings: string[],
    private readonly errs: FieldError[],
  ) {}

  rule(raw: unknown, path: FieldPath): PolicyRule | undefined {
    if (!isRecord(raw)) {
      this.errs.push(invalid(path, typeName(raw), 'must be an object'));
      return undefined;
    }
    this.unknownFields(raw, path, RULE_FIELDS);
    const level = this.level(raw.level, path.child('level'));
    const rule: PolicyRule = {
      level: level ?? 'None',
      users: this.strings(raw.users, path.child('users')),
      userGroups: this.strings(raw.userGroups, path.child('userGroups')),
      verbs: this.strings(raw.verbs, path.child('verbs')),
      resources: this.groupResources(raw.resources, path.child('resources')),
      namespaces: this.strings(raw.namespaces, path.child('namespaces')),
      nonResourceURLs: this.nonResourceURLs(raw.nonResourceURLs, path.child('nonResourceURLs')),
      omitStages: this.stages(raw.omitStages, path.child('omitStages')),
      omitManagedFields: this.bool(raw.omitManagedFields, path.child('omitManagedFields')),
    };
    if (rule.nonResourceURLs?.length && (rule.resources?.length || rule.namespaces?.length)) {
      this.errs.push(invalid(path.child('nonResourceURLs'), rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return rule;
  }

  level(raw: unknown, path: FieldPath): Level | undefined {
    if (raw === undefined || raw === null || raw === '') {
      this.errs.push(required(path));
      return undefined;
    }
    if (!LEVELS.includes(raw as Level)) {
      this.errs.push(notSupported(path, raw, LEVELS));
      return undefined;
    }
    return raw as Level;
  }

  stages(raw: unknown, path: FieldPath): Stage[] | undefined {
    const list = this.strings(raw, path);
    if (!list) return undefined;
    list.forEach((s, i) => {
      if (!STAGES.includes(s as Stage)) this.errs.push(invalid(path.index(i), s, `allowed stages are ${STAGES.join(',')}`));
    });
    return list as Stage[];
  }

  nonResourceURLs(raw: unknown, path: FieldPath): string[] | undefined {
    const urls = this.strings(raw, path);
    urls?.forEach((url, i) => {
      if (url === '*') return;
      if (!url.startsWith('/')) this.errs.push(invalid(path.index(i), url, "non-resource URL rules must begin with a '/' character"));
      if (url !== '' && url.slice(0, -1).includes('*')) {
        this.errs.push(invalid(path.index(i), url, "non-resource URL wildcards '*' must be the final character of the rule"));
      }
    });
    return urls;
  }

  groupResources(raw: unknown, path: FieldPath): GroupResources[] | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (!Array.isArray(raw)) {
      this.errs.push(invalid(path, typeName(raw), 'must be a list'));
      return undefined;
    }
    const out: GroupResources[] = [];
    raw.forEach((g, i) => {
      const p = path.index(i);
      if (!isRecord(g)) {
        this.errs.push(invalid(p, typeName(g), 'must be an object'));
        return;
      }
      this.unknownFields(g, p, GROUP_RESOURCE_FIELDS);
      const group = g.group === undefined || g.group === null ? '' : g.group;
      if (typeof group !== 'string') {
        this.errs.push(invalid(p.child('group'), typeName(group), 'must be a string'));
        return;
      }
      const gr: GroupResources = {
        group,
        resources: this.strings(g.resources, p.child('resources')),
        resourceNames: this.strings(g.resourceNames, p.child('resourceNames')),
      };
      // kube reports these two at resources.group / resources.resourceNames (no index).
      if (group !== '' && group !== '*') {
        const msgs = isDNS1123Subdomain(group);
        if (msgs.length > 0) this.errs.push(invalid(path.child('group'), group, msgs.join(',')));
      }
      if (gr.resourceNames?.length && !gr.resources?.length) {
        this.errs.push(invalid(path.child('resourceNames'), gr.resourceNames, 'using resourceNames requires at least one resource'));
      }
      out.push(gr);
    });
    return out;
  }

  strings(raw: unknown, path: FieldPath): string[] | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (!Array.isArray(raw) || raw.some((s) => typeof s !== 'string')) {
      this.errs.push(invalid(path, raw, 'must be a list of strings'));
      return undefined;
    }
    return raw as string[];
  }

  bool(raw: unknown, path: FieldPath): boolean | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'boolean') {
      this.errs.push(invalid(path, raw, 'must be true or false'));
      return undefined;
    }
    return raw;
  }

  unknownFields(obj: Record<string, unknown>, path: FieldPath, known: string[]): void {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) this.warnings.push(`unknown field ${JSON.stringify(String(path.child(k)))}`);
    }
  }
}

const typeName = (v: unknown): string => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);
