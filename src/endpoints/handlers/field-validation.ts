import type { Response } from 'express';
import * as fv from '../field-validation/index.js';
import type { KubeObject } from '../../registry/object.js';

/**
 * fieldValidation for a create or update body: wrong JSON types are kube's
 * decode error (400) in every mode; unknown and duplicate fields are refused
 * (Strict), reported as Warning headers (Warn, the default) or ignored. In
 * every mode the object that goes on is what kube's typed decoding keeps:
 * unknown fields dropped, nulls read as Go reads them. Protobuf bodies are
 * typed already and have no field names to check.
 */
export function validateBodyFields(
  res: Response,
  body: KubeObject,
  /** The body's text (JSON and YAML), as decodeObjectBodyWithRaw read it. */
  bodyText: string | undefined,
  mediaType: string,
  mode: fv.FieldValidationMode,
  served: { apiVersion: string; kind: string; schema: fv.KindSchema | undefined; prune?: (obj: KubeObject) => { pruned: KubeObject } },
  /** A YAML body's duplicate keys, found while it was decoded. */
  yamlDuplicates?: fv.YAMLDuplicate[],
): KubeObject {
  if ((mediaType !== 'application/json' && mediaType !== 'application/yaml') || bodyText === undefined) return body;
  // A body without type fields is read as the kind the URL names; one of the wrong JSON type is
  // checked against the served kind's schema, which reports it.
  const apiVersion = typeof body.apiVersion === 'string' && body.apiVersion !== '' ? body.apiVersion : served.apiVersion;
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : served.kind;
  // Another built-in kind named in the body (a mismatch the Store refuses) is checked as itself.
  const schema = (kind !== served.kind ? fv.schemaForKind(apiVersion, kind) : undefined) ?? served.schema;
  const as = { kind, version: apiVersion.split('/').pop() ?? '' };
  const text = { text: bodyText, mediaType, yamlDuplicates } as const;
  // The text is read once for both checks (a JSON body keeps its duplicates and number literals there).
  const tree = mediaType === 'application/json' ? fv.parseJSONTree(text.text) : undefined;
  // A custom resource has no Go type: a wrong type is its schema validation's 422, not a decode error.
  const typeError = served.prune ? undefined : fv.checkTypes(body, schema, as, text, tree);
  if (typeError) throw typeError;
  if (mode !== 'Ignore') {
    const { warnings } = fv.applyFieldValidation(mode, fv.findUnknownAndDuplicateFields(text, body, schema, tree), as);
    for (const w of fv.warningHeaderValues(warnings)) res.append('Warning', w);
  }
  if (served.prune) return served.prune(body).pruned;
  return schema ? (fv.toTypedValue(body, schema) as KubeObject | undefined) ?? {} : body;
}
