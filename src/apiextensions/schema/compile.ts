import type { FieldError } from '../../apimachinery/validation/field-error.js';
import * as field from '../../apimachinery/validation/field-error.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { type ObjectMeta, validateObjectMeta, validateObjectMetaUpdate } from '../../apimachinery/validation/object-meta.js';
import type { TypeNode } from '../../endpoints/field-validation/schema.js';
import { NIL_PATH_TEXT } from '../../apimachinery/validation/path.js';
import { newCelValidator } from './cel/validator.js';
import { applyDefaults } from './default.js';
import { validateListTypes } from './list-type.js';
import { coerceObjectMeta } from './object-meta-coerce.js';
import { validateEmbeddedResources } from './object-meta-validate.js';
import { type PruneResult, pruneObject } from './prune.js';
import { type Structural, deepCopyJSON, isObject, toStructural } from './structural.js';
import { toTypeNode } from './type-node.js';
import { underRoot, validateValue } from './value-validate.js';
import { toValueSchema } from './value-schema.js';

export interface CustomResourceSchemaOptions {
  /** The resource's group, version and kind: the expected apiVersion and kind, and the type tree's names. */
  group: string;
  version: string;
  kind: string;
  /** Namespaced resources need metadata.namespace; cluster-scoped ones refuse it. */
  namespaced: boolean;
}

/**
 * A CRD version's structural schema, compiled once: what the custom
 * resource's decoder, strategy and field validation run per request. Pure:
 * nothing here touches storage or HTTP, and no method changes its input.
 */
export interface CustomResourceSchema {
  /**
   * kube's validation of a custom resource as its strategy runs it: kind and
   * apiVersion, the root's ObjectMeta (on update, against `old`'s), the
   * schema's value validations (kube-openapi's wording; on update ratcheting:
   * values unchanged from `old` are not checked), embedded resources, and
   * list-type set/map duplicates, then the x-kubernetes-validations rules
   * (cel/), in that order. Run it on the pruned and defaulted object, as kube
   * does.
   */
  validate(obj: unknown, old?: unknown): FieldError[];
  /**
   * The status subresource's update (kube's statusStrategy.ValidateUpdate):
   * kind and apiVersion, metadata against `old`'s, `status` against the
   * schema's status (ratcheting; paths under `status`), and list-type
   * duplicates unless `old` had some already, then the whole object's
   * x-kubernetes-validations rules (ratcheting spares an unchanged spec).
   */
  validateStatus(obj: unknown, old: unknown): FieldError[];
  /** kube's pruning; the unknown fields are what fieldValidation Warn/Strict report, in kube's order. */
  prune(obj: unknown): PruneResult;
  /** kube's structural defaulting, on a copy. */
  default(obj: unknown): unknown;
  /** The schema as field-validation's type tree. */
  toTypeNode(): TypeNode;
  /** The parsed schema (for OpenAPI publication and the scale subresource's paths). */
  readonly structural: Structural;
}

export function compileCustomResourceSchema(openAPIV3Schema: unknown, opts: CustomResourceSchemaOptions): CustomResourceSchema {
  const structural = toStructural(openAPIV3Schema);
  const values = toValueSchema(openAPIV3Schema);
  const statusValues = toValueSchema(isObject(openAPIV3Schema) && isObject(openAPIV3Schema.properties) ? openAPIV3Schema.properties.status : undefined);
  let typeNode: TypeNode | undefined;
  // Every rule compiles here, once per version; CRD validation has refused rules that do not.
  const cel = newCelValidator(structural);
  // kube's hasBlockingErr: rules assume the types, so type errors leave them unchecked.
  const withRules = (errs: FieldError[], obj: unknown, old: unknown): FieldError[] => {
    if (!cel) return errs;
    if (errs.some((e) => BLOCKING.has(e.type))) return [...errs, field.invalid(NIL_PATH_TEXT, null, RULES_NOT_CHECKED)];
    return [...errs, ...cel.validate(obj, old)];
  };
  // On update list-type duplicates ratchet: an object that had some already may keep them.
  const listTypes = (obj: unknown, old: unknown): FieldError[] => {
    const errs = validateListTypes(obj, structural);
    return errs.length > 0 && old !== undefined && validateListTypes(old, structural).length > 0 ? [] : errs;
  };
  return {
    structural,
    validate(obj, old) {
      if (!isObject(obj)) return [field.invalid('', '', 'must be an object')];
      const typeMeta = validateTypeMeta(obj, opts);
      if (typeMeta.length > 0) return typeMeta;
      const errs: FieldError[] = [];
      if (old !== undefined) errs.push(...validateObjectMetaUpdate(metaOf(obj), metaOf(old)));
      else errs.push(...validateObjectMeta(metaOf(obj), { namespaced: opts.namespaced, nameValidator: nameIsDNSSubdomain }));
      errs.push(...validateValue(obj, values, old));
      errs.push(...validateEmbeddedResources(obj, structural));
      errs.push(...listTypes(obj, old));
      return withRules(errs, obj, old);
    },
    validateStatus(obj, old) {
      if (!isObject(obj)) return [field.invalid('', '', 'must be an object')];
      const typeMeta = validateTypeMeta(obj, opts);
      if (typeMeta.length > 0) return typeMeta;
      const errs = validateObjectMetaUpdate(metaOf(obj), metaOf(old));
      if (Object.hasOwn(obj, 'status')) {
        const oldStatus = isObject(old) && Object.hasOwn(old, 'status') ? old.status : undefined;
        errs.push(...underRoot(validateValue(obj.status, statusValues, oldStatus), 'status'));
      }
      errs.push(...listTypes(obj, old));
      return withRules(errs, obj, old);
    },
    prune: (obj) => pruneObject(obj, structural),
    default(obj) {
      const copy = deepCopyJSON(obj);
      applyDefaults(copy, structural);
      return copy;
    },
    toTypeNode() {
      typeNode ??= toTypeNode(structural, { definition: `${reverseDomain(opts.group)}.${opts.version}.${opts.kind}`, kind: opts.kind });
      return typeNode;
    },
  };
}

const BLOCKING = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);
const RULES_NOT_CHECKED = 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

/** kube's ValidateTypeMeta: when these fail, nothing else is checked. */
function validateTypeMeta(obj: Record<string, unknown>, opts: CustomResourceSchemaOptions): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = `${opts.group}/${opts.version}`;
  if (obj.kind !== opts.kind) errs.push(field.invalid('kind', typeof obj.kind === 'string' ? obj.kind : '', `must be ${opts.kind}`));
  if (obj.apiVersion !== apiVersion) {
    errs.push(field.invalid('apiVersion', typeof obj.apiVersion === 'string' ? obj.apiVersion : '', `must be ${apiVersion}`));
  }
  return errs;
}

/** The metadata decoded as ObjectMeta, so a field of the wrong type cannot reach the metadata checks. */
const metaOf = (obj: unknown): ObjectMeta => coerceObjectMeta(isObject(obj) ? obj.metadata : undefined, 'metadata').meta as ObjectMeta;

/** kube names CRD definitions in OpenAPI by the reversed group ("com.example.v1.Widget"). */
const reverseDomain = (group: string): string => group.split('.').reverse().join('.');
