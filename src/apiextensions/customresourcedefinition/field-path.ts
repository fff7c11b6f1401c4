/**
 * kube's cel.ValidFieldPath: resolves a `.a.b` / `['a.b']` path against a
 * schema's properties (or additionalProperties), as used by selectableFields
 * and x-kubernetes-validations fieldPath. Returns the canonical path's root
 * and the schema found, or kube's error text.
 */
import type { JSONSchemaProps } from './types.js';
import { isPlainObject } from './schema-walk.js';

export type FieldPathResult =
  | { ok: true; segments: string[]; schema: JSONSchemaProps | undefined }
  | { ok: false; error: string };

function tokenize(path: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '.' || c === '[' || c === ']') {
      tokens.push(c);
      i++;
      continue;
    }
    let j = i;
    if (c === "'") {
      // A quoted token runs to the next unescaped quote.
      j = i + 1;
      while (j < path.length && !(path[j] === "'" && path[j - 1] !== '\\')) j++;
      j = Math.min(j + 1, path.length);
    } else {
      while (j < path.length && !'.[]'.includes(path[j])) j++;
    }
    tokens.push(path.slice(i, j));
    i = j;
  }
  return tokens;
}

const unescapeSingleQuote = (s: string): string => s.replace(/\\(['\\])/g, '$1');

export function resolveFieldPath(jsonPath: string, root: JSONSchemaProps, allowArrayNotation = true): FieldPathResult {
  const tokens = tokenize(jsonPath);
  const segments: string[] = [];
  let schema: JSONSchemaProps | undefined = root;
  const step = (name: string): string | undefined => {
    if (!schema) return 'does not refer to a valid field';
    if (isPlainObject(schema.properties)) {
      const next: JSONSchemaProps | undefined = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
      if (!next) return 'does not refer to a valid field';
      schema = next;
    } else if (schema.additionalProperties !== undefined) {
      schema = isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
    } else {
      return 'does not refer to a valid field';
    }
    segments.push(name);
    return undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok === '[') {
      if (!allowArrayNotation) return { ok: false, error: 'array notation is not allowed' };
      const quoted = tokens[++i];
      if (quoted === undefined) return { ok: false, error: 'unexpected end of JSON path' };
      if (quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'")) {
        return { ok: false, error: `expected single quoted string but got ${quoted}` };
      }
      const err = step(unescapeSingleQuote(quoted.slice(1, -1)));
      if (err) return { ok: false, error: err };
      const close = tokens[++i];
      if (close === undefined) return { ok: false, error: 'unexpected end of JSON path' };
      if (close !== ']') return { ok: false, error: `expected ] but got ${close}` };
    } else if (tok === '.') {
      const name = tokens[++i];
      if (name === undefined) return { ok: false, error: 'unexpected end of JSON path' };
      const err = step(name);
      if (err) return { ok: false, error: err };
    } else {
      return { ok: false, error: `expected [ or . but got: ${tok}` };
    }
  }
  return { ok: true, segments, schema };
}
