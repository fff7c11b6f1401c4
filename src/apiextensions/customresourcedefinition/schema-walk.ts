/**
 * Bounds on hostile schemas, checked before any recursive rule runs. Every
 * other module in this folder recurses over schemas, which is only safe once
 * this iterative pass has shown the nesting is at most MAX_SCHEMA_DEPTH and
 * every subschema is a JSON object.
 *
 * Kube sets no depth limit of its own (its JSON decoder stops at 10,000);
 * real operators' schemas stay well under 40 levels, so 64 refuses nothing
 * real and keeps every recursion shallow.
 */
import { type FieldError, invalid } from '../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { checkShape, SCHEMA_NODE } from './shape.js';
import type { JSONSchemaProps } from './types.js';

/**
 * Subschema levels (properties, items, allOf, ... each count one): a node at
 * this depth below openAPIV3Schema is refused. The schema runtime
 * (src/apiextensions/schema) compiles exactly the nodes above it, so every
 * accepted node is enforced.
 */
export const MAX_SCHEMA_DEPTH = 64;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Children = Array<[unknown, FieldPath]>;

function mapChildren(out: Children, s: JSONSchemaProps, key: 'properties' | 'patternProperties' | 'definitions', path: FieldPath): void {
  const m = s[key];
  if (!isPlainObject(m)) return;
  const base = path.child(key);
  for (const k of Object.keys(m)) out.push([m[k], base.key(k)]);
}

function listChildren(out: Children, list: unknown, path: FieldPath): void {
  if (Array.isArray(list)) list.forEach((x, i) => out.push([x, path.index(i)]));
}

/** The subschemas of one node with the path to each, in kube's path notation. */
export function childSchemas(s: JSONSchemaProps, path: FieldPath): Children {
  const out: Children = [];
  mapChildren(out, s, 'properties', path);
  if (Array.isArray(s.items)) listChildren(out, s.items, path.child('items'));
  else if (s.items !== undefined && s.items !== null) out.push([s.items, path.child('items')]);
  if (isPlainObject(s.additionalProperties)) out.push([s.additionalProperties, path.child('additionalProperties')]);
  if (isPlainObject(s.additionalItems)) out.push([s.additionalItems, path.child('additionalItems')]);
  listChildren(out, s.allOf, path.child('allOf'));
  listChildren(out, s.anyOf, path.child('anyOf'));
  listChildren(out, s.oneOf, path.child('oneOf'));
  if (s.not !== undefined && s.not !== null) out.push([s.not, path.child('not')]);
  mapChildren(out, s, 'patternProperties', path);
  mapChildren(out, s, 'definitions', path);
  if (isPlainObject(s.dependencies)) {
    for (const [k, d] of Object.entries(s.dependencies)) if (isPlainObject(d)) out.push([d, path.child('dependencies').key(k)]);
  }
  return out;
}

export interface SchemaShape {
  /** Deepest subschema level seen (openAPIV3Schema itself is 0). */
  depth: number;
  /** Number of schema nodes. */
  nodes: number;
}

/**
 * Walks the schema with an explicit stack. Returns the errors (the first
 * too-deep node, and every field holding the wrong JSON type) and the shape.
 */
export function checkSchemaShape(root: unknown, path: FieldPath): { errors: FieldError[]; shape: SchemaShape } {
  const errors: FieldError[] = [];
  const shape: SchemaShape = { depth: 0, nodes: 0 };
  const stack: Array<[unknown, FieldPath, number]> = [[root, path, 0]];
  while (stack.length > 0) {
    const [node, p, depth] = stack.pop()!;
    if (!isPlainObject(node)) {
      errors.push(invalid(p, Array.isArray(node) ? 'array' : node === null ? null : typeof node, 'must be a JSON schema object'));
      continue;
    }
    checkShape(node, SCHEMA_NODE, p, errors);
    shape.nodes++;
    if (depth > shape.depth) shape.depth = depth;
    if (depth >= MAX_SCHEMA_DEPTH) {
      errors.push(invalid(p, '', `schemas must nest fewer than ${MAX_SCHEMA_DEPTH} levels deep`));
      return { errors, shape };
    }
    // Children of the wrong type were reported by checkShape above.
    for (const [child, cp] of childSchemas(node as JSONSchemaProps, p)) if (isPlainObject(child)) stack.push([child, cp, depth + 1]);
  }
  return { errors, shape };
}
