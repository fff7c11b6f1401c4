/**
 * A rule's fieldPath as kube's ValidFieldPath normalizes it against the
 * structural schema (`.spec.ports` → `spec.ports`, a map key `['a.b']` →
 * `[a.b]`): what its failures' field is, relative to the rule's node. CRD
 * validation has refused invalid paths; here an invalid one is undefined.
 */
import { type Structural } from '../structural.js';

const TOKEN = /\.([^.[\]]+)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]/y;

export function normalizeRuleFieldPath(path: string, root: Structural): string | undefined {
  let out = '';
  let s: Structural | undefined = root;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < path.length) {
    const m = TOKEN.exec(path);
    if (!m || !s) return undefined;
    const name = m[1] ?? m[2]!.replace(/\\(.)/g, '$1');
    const prop: Structural | undefined = s.properties.get(name);
    if (prop) {
      out = out === '' ? name : `${out}.${name}`;
      s = prop;
    } else if (s.additionalProperties !== undefined) {
      out = `${out}[${name}]`;
      s = s.additionalProperties === true ? undefined : s.additionalProperties;
    } else {
      return undefined;
    }
  }
  return out;
}
