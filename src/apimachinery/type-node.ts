/**
 * The Go-side shape of a kind, as kube's JSON decoder sees it (a built-in's
 * Go type, or a custom resource's structural schema): which fields a struct has, what a map or a list holds, which values are Go
 * primitives and which types decode themselves (metav1.Time, Quantity,
 * IntOrString, RawExtension). Built-ins derive theirs from the OpenAPI
 * definitions the server publishes (endpoints/field-validation/schema.ts); a
 * custom resource's comes from its CRD. Field validation, typed decoding and
 * pruning read it from the resource definition.
 */
export type TypeNode =
  | StructNode
  | { kind: 'array'; items: TypeNode }
  | { kind: 'map'; values: TypeNode }
  | { kind: 'primitive'; go: GoPrimitive }
  /** A type with its own UnmarshalJSON: its value is not walked field by field. */
  | { kind: 'custom'; custom: CustomType }
  /** interface{}: anything goes, but duplicates inside an object still count. */
  | { kind: 'any' };

export type GoPrimitive = 'string' | 'bool' | 'int32' | 'int64' | 'float64' | '[]uint8';
export type CustomType = 'time' | 'microtime' | 'quantity' | 'intOrString' | 'raw';

export interface StructNode {
  kind: 'struct';
  /** kube's definition name ("io.k8s.api.apps.v1.DeploymentSpec"). */
  definition: string;
  /** Go's reflect name, as its errors print it ("DeploymentSpec"). */
  goName: string;
  /** Go's Type.String() ("v1.DeploymentSpec"). */
  goType: string;
  field(name: string): TypeNode | undefined;
}

/** The root schema of a kind: its top-level struct. */
export type KindSchema = StructNode;
