/**
 * fieldValidation for built-in kinds, as kube-apiserver's create and update
 * handlers apply it: kube decodes the body strictly (Warn, Strict) or not
 * (Ignore); unknown and duplicate fields become Warning headers (Warn) or a
 * 400 (Strict); a value of the wrong JSON type is a 400 in every mode.
 *
 * Call order in a write handler, after the body is decoded:
 *   1. checkTypes → throw the StatusError if any (every mode);
 *   2. findUnknownAndDuplicateFields (skip it for Ignore);
 *   3. applyFieldValidation → throws in Strict; add the warnings otherwise.
 * Patches: see patch.ts.
 */
import { newBadRequest, type StatusError } from '../../apimachinery/status-error.js';
import { goQuote } from '../../apimachinery/validation/go-format.js';
import { findDecodeError } from './decode-errors.js';
import { parseJSONTree, treeFromValue, type JNode } from './json-tree.js';
import type { KindSchema, TypeNode } from './schema.js';
import { strictErrorText, walkStrict } from './strict.js';
import { findYAMLDuplicates, yamlUnmarshalErrorsText, type YAMLDuplicate } from './yaml-duplicates.js';

export { schemaForKind, schemaForDefinition, type KindSchema, type TypeNode } from './schema.js';
export { parseJSONTree, type JNode } from './json-tree.js';
export { warningHeaderValues } from './warning-header.js';
export { toTypedValue } from './typed.js';
export type { YAMLDuplicate } from './yaml-duplicates.js';
export * from './patch.js';

export type FieldValidationMode = 'Ignore' | 'Warn' | 'Strict';

export interface RequestBodyText {
  text: string;
  mediaType: 'application/json' | 'application/yaml';
  /** A YAML body's duplicate keys when the decoder found them already (one parse instead of two). */
  yamlDuplicates?: YAMLDuplicate[];
}

/** The kind and version the body was decoded as (its own, defaulted from the endpoint), for kube's 400 text. */
export interface DecodedAs {
  kind: string;
  version: string;
}

export interface FieldFindings {
  /** Paths of unknown fields, as kube prints them ("spec.template.spec.containers[0].imagee"). */
  unknown: string[];
  /** Paths of keys given more than once. */
  duplicates: string[];
  /**
   * kube's strict decoding errors, in its order, each the text of one Go error
   * (`unknown field "spec.x"`, or for YAML one go-yaml error listing every
   * duplicate key). These make the 400 and the warnings.
   */
  errors: string[];
}

export const noFindings = (): FieldFindings => ({ unknown: [], duplicates: [], errors: [] });

const ANY: TypeNode = { kind: 'any' };

/**
 * What kube's strict decoder finds in a request body. JSON is walked as
 * written (key order, duplicates). YAML is walked as kube walks it: its
 * duplicate keys come from go-yaml, first, as one error; its unknown fields
 * from the JSON that YAMLToJSON produced, whose keys Go's map sorted. With
 * no schema (not a built-in kind) only duplicates count. `tree`: the JSON
 * body's parseJSONTree, when the caller has it already.
 */
export function findUnknownAndDuplicateFields(body: RequestBodyText, obj: unknown, schema: KindSchema | undefined, tree?: JNode): FieldFindings {
  const root = schema ?? ANY;
  const out = noFindings();
  if (body.mediaType === 'application/yaml') {
    const dups = body.yamlDuplicates ?? findYAMLDuplicates(body.text);
    if (dups.length > 0) {
      out.duplicates.push(...dups.map((d) => d.path));
      out.errors.push(yamlUnmarshalErrorsText(dups.map((d) => d.message)));
    }
    tree = treeFromValue(obj, true);
  } else {
    tree ??= parseJSONTree(body.text);
  }
  for (const f of walkStrict(tree, root)) {
    (f.type === 'unknown field' ? out.unknown : out.duplicates).push(f.path);
    out.errors.push(strictErrorText(f));
  }
  return out;
}

/** kube's transformDecodeError: `Deployment in version "v1" cannot be handled as a Deployment: <why>`. */
export const decodeFailure = (as: DecodedAs, why: string): StatusError =>
  newBadRequest(`${as.kind} in version ${goQuote(as.version)} cannot be handled as a ${as.kind}: ${why}`);

/**
 * The 400 kube's decoder gives a body with a value of the wrong JSON type
 * (every fieldValidation mode), or undefined. With the JSON text, number
 * literals and the order of the first error are exactly the client's.
 * `tree`: the JSON body's parseJSONTree, when the caller has it already.
 */
export function checkTypes(obj: unknown, schema: KindSchema | undefined, as: DecodedAs, body?: RequestBodyText, tree?: JNode): StatusError | undefined {
  if (!schema) return undefined;
  tree ??= body?.mediaType === 'application/json' ? parseJSONTree(body.text) : treeFromValue(obj, true);
  const why = findDecodeError(tree, schema);
  return why === undefined ? undefined : decodeFailure(as, why);
}

/** The texts kube's addStrictDecodingWarnings makes of strict errors: go-yaml's list is split, one warning a line. */
export function strictWarnings(errors: readonly string[]): string[] {
  return errors.flatMap((e) => {
    for (const prefix of ['yaml: unmarshal errors:\n', 'error converting YAML to JSON: yaml: unmarshal errors:\n']) {
      if (e.startsWith(prefix)) return e.slice(prefix.length).split('\n').map((s) => s.trim());
    }
    return [e];
  });
}

/** runtime.NewStrictDecodingError's text. */
export const strictDecodingErrorText = (errors: readonly string[]): string => `strict decoding error: ${errors.join(', ')}`;

/**
 * Create and update: Strict throws kube's 400 when anything was found; Warn
 * returns the Warning texts (pass them to warningHeaderValues); Ignore returns none.
 */
export function applyFieldValidation(mode: FieldValidationMode, findings: FieldFindings, as: DecodedAs): { warnings: string[] } {
  if (mode === 'Ignore' || findings.errors.length === 0) return { warnings: [] };
  if (mode === 'Strict') throw decodeFailure(as, strictDecodingErrorText(findings.errors));
  return { warnings: strictWarnings(findings.errors) };
}
