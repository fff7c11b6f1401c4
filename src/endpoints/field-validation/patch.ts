/**
 * fieldValidation for PATCH, as kube's patch handler applies it (Warn and
 * Strict only; Ignore checks nothing):
 *   - the patch text is decoded strictly first: a JSON patch into its list of
 *     operations (unknown and duplicate keys, prefixed "json patch"), a merge
 *     or strategic merge patch into a map (duplicate keys); a patch that does
 *     not decode is a 400;
 *   - the patched object is then decoded strictly into the kind: its unknown
 *     fields, in Go map order (JSON and merge patches re-encode a map) or
 *     sorted by message (strategic merge patches go through the unstructured
 *     converter);
 *   - Strict turns both lists into one 422 on the field "patch" whose value is
 *     the patched object; Warn makes them warnings.
 */
import { newBadRequest, type StatusError } from '../../apimachinery/status-error.js';
import { newInvalid } from '../../apimachinery/invalid.js';
import { invalid } from '../../apimachinery/validation/field-error.js';
import { findDecodeError } from './decode-errors.js';
import { goJSON, goMapString } from './go-value.js';
import { parseJSONTree, treeFromValue } from './json-tree.js';
import type { KindSchema, StructNode, TypeNode } from './schema.js';
import { strictErrorText, walkStrict } from './strict.js';
import { toTypedValue } from './typed.js';
import type { FieldFindings, FieldValidationMode } from './index.js';

export type PatchKind = 'json' | 'merge' | 'strategic';

/** kube's jsonPatchOp (endpoints/handlers/patch.go): what a JSON patch operation may hold. */
const ANY: TypeNode = { kind: 'any' };
const STRING: TypeNode = { kind: 'primitive', go: 'string' };
const JSON_PATCH_OP: StructNode = {
  kind: 'struct',
  definition: 'jsonPatchOp',
  goName: 'jsonPatchOp',
  goType: 'handlers.jsonPatchOp',
  field: (name) => ({ op: STRING, path: STRING, from: STRING, value: ANY })[name],
};
const PATCH_ROOT: Readonly<Record<PatchKind, TypeNode>> = {
  json: { kind: 'array', items: JSON_PATCH_OP },
  merge: { kind: 'map', values: ANY },
  strategic: { kind: 'map', values: ANY },
};

const empty = (): FieldFindings => ({ unknown: [], duplicates: [], errors: [] });

/**
 * Strict decoding of the patch text (Warn and Strict). Throws kube's 400 when
 * it does not decode into the patch's Go type; returns what it found.
 */
export function findPatchFieldErrors(text: string, kind: PatchKind): FieldFindings {
  let tree;
  try {
    tree = parseJSONTree(text);
  } catch {
    // Not JSON at all: the handler's own parse reports that.
    return empty();
  }
  const why = findDecodeError(tree, PATCH_ROOT[kind]);
  if (why !== undefined) throw newBadRequest(kind === 'strategic' ? why : `error decoding patch: ${why}`);
  const out = empty();
  for (const f of walkStrict(tree, PATCH_ROOT[kind])) {
    (f.type === 'unknown field' ? out.unknown : out.duplicates).push(f.path);
    out.errors.push(kind === 'json' ? `json patch ${strictErrorText(f)}` : strictErrorText(f));
  }
  return out;
}

/** Unknown fields of the patched object, in the order kube reports them for this kind of patch. */
export function findPatchedObjectUnknownFields(patched: unknown, schema: KindSchema | undefined, kind: PatchKind): FieldFindings {
  const out = empty();
  if (!schema) return out;
  const found = walkStrict(treeFromValue(patched, true), schema).filter((f) => f.type === 'unknown field');
  const texts = found.map(strictErrorText);
  // The unstructured converter sorts its errors by text (byte order, as Go's < on strings).
  const order = kind === 'strategic' ? texts.map((_, i) => i).sort((a, b) => (texts[a]! < texts[b]! ? -1 : texts[a]! > texts[b]! ? 1 : 0)) : texts.map((_, i) => i);
  for (const i of order) {
    out.unknown.push(found[i]!.path);
    out.errors.push(texts[i]!);
  }
  return out;
}

/** The Invalid value kube shows for the patched object. */
export const patchedObjectText = (patched: unknown, kind: PatchKind): string => (kind === 'strategic' ? goMapString(patched) : goJSON(patched));

/**
 * PATCH: Strict throws kube's 422 (` "" is invalid: patch: Invalid value:
 * "<patched object>": strict decoding error: ...`); Warn returns the warnings.
 * `patchFindings` first, then the object's, as kube appends them.
 */
export function applyPatchFieldValidation(
  mode: FieldValidationMode,
  patchFindings: FieldFindings,
  objectFindings: FieldFindings,
  patched: unknown,
  kind: PatchKind,
): { warnings: string[] } {
  const errors = [...patchFindings.errors, ...objectFindings.errors];
  if (mode === 'Ignore' || errors.length === 0) return { warnings: [] };
  if (mode === 'Warn') return { warnings: errors };
  throw patchStrictError(errors, patchedObjectText(patched, kind));
}

export function patchStrictError(errors: readonly string[], patchedText: string): StatusError {
  return newInvalid({ group: '', kind: '' }, '', [invalid('patch', patchedText, `strict decoding error: ${errors.join(', ')}`)]);
}

/**
 * The patched object as kube's decoding into the kind leaves it: a value of
 * the wrong JSON type anywhere (or a patch that made the whole object
 * something other than an object) is kube's 422 on the field "patch", shown
 * as the patched JSON (JSON and merge patches) or the patch map (strategic);
 * otherwise unknown fields are dropped and nulls read as Go reads them. With
 * no schema (no built-in definition) only the object check applies.
 */
export function typedPatchedObject(
  patched: unknown,
  patch: unknown,
  schema: KindSchema | undefined,
  kind: PatchKind,
  /** A custom resource's structural pruning, which replaces the type check and typing (its validation refuses wrong types). */
  prune?: (obj: Record<string, unknown>) => { pruned: Record<string, unknown> },
): Record<string, unknown> {
  const shown = (): string => (kind === 'strategic' ? goMapString(patch) : goJSON(patched));
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) {
    const what = patched === null ? 'null' : Array.isArray(patched) ? 'array' : typeof patched === 'boolean' ? 'bool' : typeof patched;
    const into = schema ? schema.goType : 'map[string]interface {}';
    throw newInvalid({ group: '', kind: '' }, '', [invalid('patch', shown(), `json: cannot unmarshal ${what} into Go value of type ${into}`)]);
  }
  if (prune) return prune(patched as Record<string, unknown>).pruned;
  if (!schema) return patched as Record<string, unknown>;
  const why = findDecodeError(treeFromValue(patched, true), schema);
  if (why !== undefined) throw newInvalid({ group: '', kind: '' }, '', [invalid('patch', shown(), why)]);
  return (toTypedValue(patched, schema) as Record<string, unknown> | undefined) ?? {};
}
