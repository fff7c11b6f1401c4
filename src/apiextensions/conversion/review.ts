/**
 * The ConversionReview a conversion webhook is sent and the checks its answer
 * must pass, as kube's webhook_converter.go makes them: the review version is
 * the first of conversionReviewVersions this server speaks, a v1 answer must
 * be a v1 ConversionReview echoing the request's uid, each converted object
 * must be in the desired group-version with the kind, name, namespace and uid
 * it had, and of its metadata only labels and annotations are taken
 * (restoreObjectMeta). Pure functions; a failed check throws
 * ConversionCheckError with kube's text, which the converter wraps.
 */
import { isJSONObject } from '../../apimachinery/json.js';
import { aggregateMessage } from '../../apimachinery/validation/field-error.js';
import { validateLabels } from '../../apimachinery/validation/labels.js';
import { validateAnnotations } from '../../apimachinery/validation/metadata-fields.js';
import { FieldPath } from '../../apimachinery/validation/path.js';
import type { KubeObject } from '../../registry/object.js';

type JsonMap = Record<string, unknown>;

export const CONVERSION_REVIEW_GROUP = 'apiextensions.k8s.io';

export type ReviewVersion = 'v1' | 'v1beta1';

/**
 * kube's text for a check that failed: a reason for the response checks (the
 * caller prefixes "conversion webhook for … failed: "), the whole message for
 * a converted object's.
 */
export class ConversionCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionCheckError';
  }
}

/** The first version of the list this server speaks (kube: in the CRD's order), or undefined. */
export function reviewVersionFor(versions: readonly string[]): ReviewVersion | undefined {
  return versions.find((v): v is ReviewVersion => v === 'v1' || v === 'v1beta1');
}

export function conversionReview(version: ReviewVersion, uid: string, desiredAPIVersion: string, objects: readonly KubeObject[]): JsonMap {
  return {
    kind: 'ConversionReview',
    apiVersion: `${CONVERSION_REVIEW_GROUP}/${version}`,
    request: { uid, desiredAPIVersion, objects },
  };
}

/**
 * kube's getConvertedObjectsFromResponse: the converted objects of a decoded
 * answer. v1beta1 answers are not checked for kind or uid (kube keeps that
 * for compatibility).
 */
export function convertedObjectsOf(version: ReviewVersion, expectedUID: string, review: unknown): unknown[] {
  if (!isJSONObject(review)) throw new ConversionCheckError(`couldn't get version/kind; json parse error: json: cannot unmarshal ${goJSONType(review)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  if (version === 'v1') {
    const got = gvkString(str(review.apiVersion), str(review.kind));
    const want = gvkString(`${CONVERSION_REVIEW_GROUP}/v1`, 'ConversionReview');
    if (got !== want) throw new ConversionCheckError(`expected webhook response of ${want}, got ${got}`);
  }
  const response = review.response;
  if (!isJSONObject(response)) throw new ConversionCheckError('no response provided');
  if (version === 'v1' && str(response.uid) !== expectedUID) {
    throw new ConversionCheckError(`expected response.uid=${JSON.stringify(expectedUID)}, got ${JSON.stringify(str(response.uid))}`);
  }
  const result = isJSONObject(response.result) ? response.result : {};
  if (result.status !== 'Success') {
    const message = str(result.message);
    throw new ConversionCheckError(message !== '' ? message : `response.result.status was '${str(result.status)}', not 'Success'`);
  }
  return Array.isArray(response.convertedObjects) ? response.convertedObjects : [];
}

/** Go's schema.GroupVersionKind.String(): "group/version, Kind=Kind" ("/version, …" for the core group). */
export function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  return `${group}/${version}, Kind=${kind}`;
}

/**
 * The converted object at `index` checked against its original and given the
 * original's metadata but for labels and annotations. `single`: kube's
 * wording for one object rather than a list's.
 */
export function checkConverted(original: KubeObject, converted: unknown, desiredAPIVersion: string, index: number, single: boolean): KubeObject {
  const gvk = gvkString(str(original.apiVersion), str(original.kind));
  const invalidAt = single ? `conversion webhook for ${gvk} returned invalid object at index 0` : `conversion webhook for ${gvk} returned invalid converted object at index ${index}`;
  if (!isJSONObject(converted) || str(converted.kind) === '') {
    // Unstructured's decoding error; kube passes it on bare for one object. A JSON null is a RawExtension with
    // no bytes (nothing to decode); another non-object fails encoding/json's decode into a map.
    const missing = converted === null || converted === undefined
      ? 'unexpected end of JSON input'
      : !isJSONObject(converted)
        ? `json: cannot unmarshal ${goJSONType(converted)} into Go value of type map[string]interface {}`
        : `Object 'Kind' is missing in '${JSON.stringify(converted)}'`;
    throw new ConversionCheckError(single ? missing : `conversion webhook for ${gvk} returned invalid converted object at index ${index}: ${missing}`);
  }
  const gotGV = groupVersionString(str(converted.apiVersion));
  if (gotGV !== groupVersionString(desiredAPIVersion)) {
    throw new ConversionCheckError(`${invalidAt}: invalid groupVersion (expected ${groupVersionString(desiredAPIVersion)}, received ${gotGV})`);
  }
  if (str(converted.kind) !== str(original.kind)) {
    throw new ConversionCheckError(`${invalidAt}: invalid kind (expected ${str(original.kind)}, received ${str(converted.kind)})`);
  }
  const sameMeta = sameIdentity(original, converted);
  if (sameMeta) {
    throw new ConversionCheckError(single ? `conversion webhook for ${gvk} returned invalid object: ${sameMeta}` : `${invalidAt}: ${sameMeta}`);
  }
  const out = { ...converted } as KubeObject;
  const metaErr = restoreObjectMeta(original, out);
  if (metaErr) {
    throw new ConversionCheckError(
      single ? `conversion webhook for ${gvk} returned invalid metadata: ${metaErr}` : `conversion webhook for ${gvk} returned invalid metadata in object at index ${index}: ${metaErr}`,
    );
  }
  return out;
}

/** kube's validateConvertedObject: the error text, or undefined when kind, name, namespace and uid are kept. */
function sameIdentity(original: KubeObject, converted: JsonMap): string | undefined {
  if (str(original.kind) !== str(converted.kind)) return `must have the same kind: ${str(original.kind)} != ${str(converted.kind)}`;
  const a = isJSONObject(original.metadata) ? original.metadata : {};
  const b = isJSONObject(converted.metadata) ? converted.metadata : {};
  for (const [key, label] of [
    ['name', 'name'],
    ['namespace', 'namespace'],
    ['uid', 'UID'],
  ] as const) {
    if (str(a[key]) !== str(b[key])) return `must have the same ${label}: ${str(a[key])} != ${str(b[key])}`;
  }
  return undefined;
}

/**
 * kube's restoreObjectMeta, in place on `converted`: its metadata becomes a
 * copy of the original's, keeping the webhook's labels and annotations
 * (validated when they changed). Returns the error text, if any.
 */
export function restoreObjectMeta(original: KubeObject, converted: KubeObject): string | undefined {
  if (!('metadata' in converted)) return 'missing metadata in converted object';
  const answered: unknown = converted.metadata;
  if (!isJSONObject(answered)) return `invalid metadata of type ${goTypeName(answered)} in converted object`;
  const meta: JsonMap = isJSONObject(original.metadata) ? structuredClone(original.metadata) : {};
  for (const fld of ['labels', 'annotations'] as const) {
    const given = answered[fld];
    if (given === undefined || given === null) {
      delete meta[fld];
      continue;
    }
    if (!isJSONObject(given)) return `invalid metadata.${fld} of type ${goTypeName(given)} in converted object`;
    const before = meta[fld];
    if (before !== undefined && before !== null && !isJSONObject(before)) return `invalid metadata.${fld} of type ${goTypeName(before)} in original object`;
    const old = isJSONObject(before) ? before : {};
    let changed = Object.keys(old).length !== Object.keys(given).length;
    for (const [k, v] of Object.entries(given)) {
      if (typeof v !== 'string') return `metadata.${fld}[${k}] must be a string, but is ${goTypeName(v)} in converted object`;
      if (old[k] !== v) changed = true;
    }
    if (changed) {
      const map = given as Record<string, string>;
      // kube's own paths, "annotation" singular included.
      const errs = fld === 'labels' ? validateLabels(map, FieldPath.of('metadata', 'labels')) : validateAnnotations(map, FieldPath.of('metadata', 'annotation'));
      const msg = aggregateMessage(errs);
      if (msg) return msg;
    }
    meta[fld] = given;
  }
  converted.metadata = meta as KubeObject['metadata'];
  return undefined;
}

/** schema.ParseGroupVersion(...).String(): "v1" for the core group, "group/version" otherwise. */
function groupVersionString(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return apiVersion;
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return group === '' ? version : `${group}/${version}`;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** How Go's %T names a decoded JSON value. */
function goTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v === null || v === undefined) return '<nil>';
  return 'map[string]interface {}';
}

/** encoding/json's name of a JSON value's type, for its UnmarshalTypeError. */
function goJSONType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (Array.isArray(v)) return 'array';
  return 'null';
}
