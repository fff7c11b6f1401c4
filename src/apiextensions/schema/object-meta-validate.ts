import * as field from '../../apimachinery/validation/field-error.js';
import type { FieldError } from '../../apimachinery/validation/field-error.js';
import { isDNS1035Label, validatePathSegmentName } from '../../apimachinery/validation/names.js';
import { type ObjectMeta, validateObjectMeta } from '../../apimachinery/validation/object-meta.js';
import { FieldPath } from '../../apimachinery/validation/path.js';
import { badValue } from './go-value.js';
import { coerceObjectMeta } from './object-meta-coerce.js';
import { type Structural, isObject } from './structural.js';

/**
 * kube's objectmeta.Validate with isResourceRoot=false (the root's metadata
 * is the registry's ValidateObjectMeta): every x-kubernetes-embedded-resource
 * object below the root needs a string apiVersion that parses as a group
 * version and a kind that is a DNS-1035 label in any case, and its metadata
 * passes ValidateObjectMeta (a missing name stands in as "fakename", names
 * are path segments, namespaced when it names a namespace). Paths are
 * field.Path's (map keys in brackets).
 */
export function validateEmbeddedResources(obj: unknown, s: Structural): FieldError[] {
  const errs: FieldError[] = [];
  if (isObject(obj)) walkChildren(obj, s, '', errs);
  return errs;
}

const child = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

function walk(x: unknown, s: Structural | undefined, path: string, errs: FieldError[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    x.forEach((item, i) => walk(item, s.items, `${path}[${i}]`, errs));
    return;
  }
  if (!isObject(x)) return;
  if (s.embeddedResource) errs.push(...validateEmbeddedResource(x, path));
  walkChildren(x, s, path, errs);
}

function walkChildren(x: Record<string, unknown>, s: Structural, path: string, errs: FieldError[]): void {
  for (const k of Object.keys(x)) {
    const prop = s.properties.get(k);
    if (prop) walk(x[k], prop, child(path, k), errs);
    else if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
      walk(x[k], s.additionalProperties, `${path}[${k}]`, errs);
    }
  }
}

function validateEmbeddedResource(x: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Object.hasOwn(x, 'apiVersion')) errs.push(field.required(child(path, 'apiVersion'), ''));
  if (!Object.hasOwn(x, 'kind')) errs.push(field.required(child(path, 'kind'), ''));
  for (const k of Object.keys(x)) {
    const v = x[k];
    const p = child(path, k);
    if (k === 'apiVersion') {
      if (typeof v !== 'string') errs.push(field.invalid(p, badValue(v), 'must be a string'));
      else if (v === '') errs.push(field.invalid(p, v, 'must not be empty'));
      else if (v.split('/').length > 2) errs.push(field.invalid(p, v, `unexpected GroupVersion string: ${v}`));
    } else if (k === 'kind') {
      if (typeof v !== 'string') errs.push(field.invalid(p, badValue(v), 'must be a string'));
      else if (v === '') errs.push(field.invalid(p, v, 'must not be empty'));
      else {
        const bad = isDNS1035Label(v.toLowerCase());
        if (bad.length > 0) errs.push(field.invalid(p, v, `may have mixed case, but should otherwise match: ${bad.join(',')}`));
      }
    } else if (k === 'metadata') {
      errs.push(...validateEmbeddedMeta(v, p));
    }
  }
  return errs;
}

function validateEmbeddedMeta(v: unknown, path: string): FieldError[] {
  if (v === null) return [];
  if (!isObject(v)) {
    const goType = Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v;
    return [field.invalid(path, badValue(v), `json: cannot unmarshal ${goType} into Go value of type v1.ObjectMeta`)];
  }
  // kube decodes into ObjectMeta first; fields of the wrong type are the decoder's to refuse, not these checks'.
  const meta = { ...(coerceObjectMeta(v, path).meta as ObjectMeta) };
  if (!meta.name) meta.name = 'fakename';
  return validateObjectMeta(meta, {
    namespaced: typeof meta.namespace === 'string' && meta.namespace !== '',
    nameValidator: validatePathSegmentName,
    path: pathOf(path),
  });
}

/** A FieldPath printing exactly `text` (the walk builds kube's text itself). */
const pathOf = (text: string): FieldPath => FieldPath.of(text);
