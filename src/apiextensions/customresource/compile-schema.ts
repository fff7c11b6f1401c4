import { setOwnProperty } from '../../apimachinery/own-property.js';
import type { KindSchema } from '../../apimachinery/type-node.js';
import type { KubeObject } from '../../registry/object.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from '../customresourcedefinition/types.js';
import { compileCustomResourceSchema } from '../schema/index.js';
import type { CompiledSchema } from './definition.js';

/** A version without a schema keeps what it is sent (kube requires one in v1; validation refuses its absence first). */
const PRESERVE_ALL = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

/**
 * A CRD version's structural schema, compiled once when the version is
 * installed (src/apiextensions/schema/): typing (the TypeNode built-ins have,
 * so field validation reads a custom resource as a built-in), pruning,
 * defaulting and validation, in kube's order on a write: unknown fields found,
 * pruned, defaulted, validated.
 */
export function compileVersionSchema(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion): CompiledSchema {
  const compiled = compileCustomResourceSchema(version.schema?.openAPIV3Schema ?? PRESERVE_ALL, {
    group: crd.spec.group,
    version: version.name,
    kind: crd.spec.names.kind,
    namespaced: crd.spec.scope === 'Namespaced',
  });
  const typeNode = compiled.toTypeNode();
  return {
    typeNode: typeNode.kind === 'struct' ? (typeNode as KindSchema) : undefined,
    validate: (obj, old) => compiled.validate(obj, old),
    validateStatus: (obj, old) => compiled.validateStatus(obj, old),
    prune: (obj) => {
      const { pruned, unknownFields } = compiled.prune(obj);
      return { pruned: pruned as KubeObject, unknownFields };
    },
    applyDefaults: (obj) => {
      // The schema's defaulting works on a copy; the Store's strategy changes the object in place. Metadata
      // is never defaulted (CRD validation forbids it) and stays the same object: the Store holds on to it.
      const defaulted = compiled.default(obj) as KubeObject;
      for (const [key, value] of Object.entries(defaulted)) if (key !== 'metadata') setOwnProperty(obj, key, value);
    },
  };
}
