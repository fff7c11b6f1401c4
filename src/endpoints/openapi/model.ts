/**
 * The neutral form of the built-in type definitions, as derived from
 * @kubernetes/client-node's generated models (scripts/gen-openapi-models.ts).
 * It says what the source says and nothing more; the OpenAPI v2 and v3 schemas
 * are built from it plus the reviewed overlay in extensions.ts.
 */

/** A property's type. `ref` names another definition by kube's name ("io.k8s.api.core.v1.PodSpec"). */
export type ModelType =
  | { type: 'string' | 'integer' | 'number' | 'boolean'; format?: string }
  | { ref: string }
  | { type: 'array'; items: ModelType }
  | { type: 'object'; additionalProperties?: ModelType };

export type ModelProperty = ModelType & { description?: string };

export interface ModelDefinition {
  description?: string;
  /** JSON field names, in the source's order. */
  required?: string[];
  properties: Record<string, ModelProperty>;
}

/** Definitions by kube's OpenAPI name. */
export type ModelTable = Readonly<Record<string, ModelDefinition>>;

export const isRef = (t: ModelType): t is { ref: string } => 'ref' in t;
