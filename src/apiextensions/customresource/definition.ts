import type { KindSchema } from '../../apimachinery/type-node.js';
import type { FieldError } from '../../apimachinery/validation/field-error.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import type { KubeObject } from '../../registry/object.js';
import type { OtherVersions, ResourceDefinition } from '../../registry/resource-definition.js';
import type { Strategy } from '../../registry/strategy.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from '../customresourcedefinition/types.js';
import { newConverter, type CRConverter } from '../conversion/converter.js';
import { openAPIModelsFor } from './openapi-models.js';
import { printerColumns } from './printer-columns.js';
import { selectableFieldLabels, selectableFieldName } from './selectable-fields.js';

/**
 * What the CRD server needs of one version's structural schema, compiled once
 * per version (src/apiextensions/schema/): its typed shape (the same TypeNode
 * built-ins have, so typed decoding, field validation and pruning take one
 * code path), validation and defaulting. Absent schema (preserve everything):
 * no type node, nothing to validate.
 */
export interface CompiledSchema {
  typeNode: KindSchema | undefined;
  /** Create (no old) or update (unchanged values are not checked again, kube's ratcheting). */
  validate(obj: KubeObject, old?: KubeObject): FieldError[];
  /** The /status update: status alone. */
  validateStatus(obj: KubeObject, old: KubeObject): FieldError[];
  /** Unknown fields dropped, as kube's decoder prunes a custom resource. */
  prune(obj: KubeObject): { pruned: KubeObject; unknownFields: string[] };
  /** Fills defaults in place. */
  applyDefaults(obj: KubeObject): void;
}

export type SchemaCompiler = (crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion) => CompiledSchema;

/** The names the CRD's naming controller accepted (status), or, before it ran, the ones asked for (spec). */
const namesOf = (crd: CustomResourceDefinition) => ({ ...crd.spec.names, ...(crd.status?.acceptedNames ?? {}) });

export const storageVersionOf = (crd: CustomResourceDefinition): string => crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0]!.name;

/**
 * Whether objects read through `version` may need converting: it is not the
 * storage version, or objects may still be stored in another one
 * (status.storedVersions lists more). A version with nothing to convert
 * keeps the Store's cached, conversion-free reads.
 */
function converts(crd: CustomResourceDefinition, version: string, storageVersion: string): boolean {
  return version !== storageVersion || (crd.status?.storedVersions ?? []).some((v) => v !== storageVersion);
}

/**
 * A served version of a CRD as a resource definition: the same generic Store,
 * watch cache, handlers and discovery as a built-in (kube's crdHandler builds
 * the equivalent per version). Objects are stored in the storage version;
 * another served version reads and writes them through the CRD's converter
 * (strategy None: apiVersion rewritten; Webhook: the webhook, one call per
 * batch). Pass one converter for all versions of a CRD (one webhook agent).
 */
export function customResourceDefinitionFor(
  crd: CustomResourceDefinition,
  version: CustomResourceDefinitionVersion,
  schema: CompiledSchema,
  converter: CRConverter = newConverter(crd),
  storageSchema?: CompiledSchema,
): ResourceDefinition {
  const names = namesOf(crd);
  const group = crd.spec.group;
  const storageVersion = storageVersionOf(crd);
  const rewrite = (v: string) => (obj: KubeObject): KubeObject => ({ ...obj, apiVersion: `${group}/${v}` });
  // The Store hands the strategy the stored shape. With strategy None that shape is this version's but for
  // its apiVersion, so this version's schema reads it (rewritten); a webhook may have changed the shape, so
  // the storage version's schema, which describes it, defaults and validates it (kube does both in the
  // request's version, before converting: the fields named in errors can differ).
  const byStorageSchema = crd.spec.conversion?.strategy === 'Webhook' && version.name !== storageVersion && storageSchema !== undefined;
  const shape = byStorageSchema ? storageSchema : schema;
  const inVersion = byStorageSchema || version.name === storageVersion ? (obj: KubeObject) => obj : rewrite(version.name);
  const strategy: Strategy = {
    defaults: (obj) => shape.applyDefaults(obj),
    validate: (obj) => shape.validate(inVersion(obj)),
    validateUpdate: (obj, old) => shape.validate(inVersion(obj), inVersion(old)),
  };
  const statusStrategy: Strategy = { validateUpdate: (obj, old) => shape.validateStatus(inVersion(obj), inVersion(old)) };
  const scale = version.subresources?.scale;
  const fieldLabels = selectableFieldLabels(version.selectableFields, version.schema?.openAPIV3Schema);
  const convertsObjects = converts(crd, version.name, storageVersion);
  // kube filters objects converted to this version; the Store filters stored ones, whose shape a webhook may differ
  // from this version's, so a selector on this version's fields would read the wrong paths.
  const byWebhook = convertsObjects && crd.spec.conversion?.strategy === 'Webhook';
  return {
    info: {
      group,
      version: version.name,
      resource: names.plural ?? crd.spec.names.plural,
      singularName: names.singular ?? crd.spec.names.singular ?? '',
      kind: names.kind ?? crd.spec.names.kind,
      listKind: names.listKind ?? `${names.kind ?? crd.spec.names.kind}List`,
      namespaced: crd.spec.scope === 'Namespaced',
      ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
      ...(names.categories?.length ? { categories: names.categories } : {}),
    },
    nameValidator: nameIsDNSSubdomain,
    strategy,
    generation: 'spec',
    ...(version.subresources?.status ? { status: { strategy: statusStrategy } } : {}),
    ...(scale
      ? {
          scale: {
            specReplicasPath: scale.specReplicasPath.replace(/^\./, ''),
            statusReplicasPath: scale.statusReplicasPath.replace(/^\./, ''),
            ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath.replace(/^\./, '') } : {}),
          },
        }
      : {}),
    tableColumns: printerColumns(version.additionalPrinterColumns),
    ...(fieldLabels ? { fieldLabels } : {}),
    ...(fieldLabels && byWebhook
      ? {
          unfilterableFieldLabels: {
            labels: (version.selectableFields ?? []).map((f) => selectableFieldName(f.jsonPath)),
            reason: `version ${version.name} is converted by a webhook and selectable fields are matched against stored objects`,
          },
        }
      : {}),
    ...(convertsObjects
      ? {
          conversion: {
            toStorage: async (obj: KubeObject) => (await converter.convert([obj], storageVersion))[0]!,
            fromStorage: (objs: KubeObject[]) => converter.convert(objs, version.name),
          },
        }
      : {}),
    ...(schema.typeNode ? { schema: schema.typeNode } : {}),
    prune: (obj) => schema.prune(obj),
    strategicMergePatch: false,
    decodeStored: (obj) => {
      const read = schema.prune(obj).pruned;
      schema.applyDefaults(read);
      return read;
    },
    storagePrefix: `/${group}/${crd.spec.names.plural}`,
    openAPIModels: once(() => openAPIModelsFor(crd, version)),
    otherVersions: otherVersionsOf(crd, converter),
  };
}

/** Every version of the CRD (served or not, as kube's type converter has them all), by "group/version". */
function otherVersionsOf(crd: CustomResourceDefinition, converter: CRConverter): OtherVersions {
  const prefix = `${crd.spec.group}/`;
  const models = new Map(crd.spec.versions.map((v) => [`${prefix}${v.name}`, once(() => openAPIModelsFor(crd, v))]));
  return {
    models: (apiVersion) => models.get(apiVersion)?.(),
    convert: (objs, apiVersion) => converter.convert(objs, apiVersion.slice(prefix.length)),
  };
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
