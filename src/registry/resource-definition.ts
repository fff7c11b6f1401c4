import type { KindSchema } from '../apimachinery/type-node.js';
import type { NameValidator } from '../apimachinery/validation/names.js';
import type { KubeObject } from './object.js';
import type { ResourceInfo } from './resource-info.js';
import type { GenerationPolicy, Strategy, TableColumn } from './strategy.js';

/**
 * Everything the generic Store and the installer need to serve one built-in
 * resource: kube's storage.go + strategy.go for a kind, as data. A kind is
 * usually this object and nothing else (see src/apis/<group>/<version>/).
 */
export interface ResourceDefinition<T extends KubeObject = KubeObject> {
  info: ResourceInfo;
  /** The name rule (nameIsDNSSubdomain for most kinds); applied to generateName with prefix=true. */
  nameValidator: NameValidator;
  strategy: Strategy<T>;
  generation: GenerationPolicy;
  /**
   * The `status` subresource. When present, the main endpoint keeps the old
   * status on update and ignores it on create, and `/status` changes only status
   * (the Store does both; `strategy` adds kind-specific rules).
   */
  status?: { strategy?: Strategy<T> };
  /** The `scale` subresource (autoscaling/v1 Scale), as paths into the object ("spec.replicas"). */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** `kubectl get` columns after NAME (kube prints NAME first for every kind); include AGE where kube does. */
  tableColumns: TableColumn<T>[];
  /**
   * Field-selector labels beyond metadata.name and metadata.namespace, as kube's
   * GetAttrs/SelectableFields: {"spec.nodeName": "...", "status.phase": "..."}.
   * A selector on any other field is refused with 400 "field label not supported".
   */
  fieldLabels?: (obj: T) => Record<string, string>;
  /**
   * Labels of fieldLabels that a selector may not use here, and why: the
   * Store matches stored objects, so a label read from a converted shape
   * (a CRD version converted by webhook) cannot be matched. Refused with 400.
   */
  unfilterableFieldLabels?: { labels: string[]; reason: string };
  /** Whether PUT of a missing object creates it (kube: true for a few kinds, e.g. endpoints, leases? see kube). */
  allowCreateOnUpdate?: boolean;
  /** Whether PUT without metadata.resourceVersion overwrites (kube: true for most kinds). Default true. */
  allowUnconditionalUpdate?: boolean;
  /**
   * True while the object may not be removed although it has no
   * metadata.finalizers (a namespace waits for its spec.finalizers). Deleting it
   * then only marks it, as finalizers do.
   */
  pendingDeletion?: (obj: T) => boolean;
  /** Called when an object is marked for deletion (a namespace turns Terminating). */
  onMarkDeleting?: (obj: T) => void;
  /**
   * Further update-like subresources (a namespace's `finalize`): the verbs they
   * answer and the strategy that decides what may change through them. Ones
   * with their own REST shape (a pod's `binding`, `scale`) are handlers the
   * installer is given beside the definition.
   */
  subresources?: Record<string, { verbs: string[]; strategy: Strategy<T> }>;
  /**
   * For a version served beside the storage version of the same objects (HPA
   * v1 beside v2, a CRD's versions): how an object in this version becomes the
   * stored shape and back. The strategy works on the stored shape; conversion
   * happens at the boundary of the Store. Both may be async, so that a
   * conversion webhook can answer them; fromStorage converts a batch, so that
   * a list makes one call, not one per object. It must return as many objects
   * as it is given, in order.
   */
  conversion?: {
    toStorage: (obj: KubeObject) => KubeObject | Promise<KubeObject>;
    fromStorage: (objs: KubeObject[]) => KubeObject[] | Promise<KubeObject[]>;
  };
  /** DELETE answers with the deleted object rather than a Success Status (kube's ReturnDeletedObject). */
  returnDeletedObject?: boolean;
  /**
   * The kind's schema: what typed decoding keeps (unknown fields dropped,
   * nulls read as Go does), what field validation reports, the JSON types
   * checked. A custom resource's comes from its CRD; a built-in without one
   * uses its Go type from the OpenAPI definitions (by group, version and kind).
   */
  schema?: KindSchema;
  /**
   * What decoding keeps of a body, for a kind with no Go type (a custom
   * resource): kube's structural pruning, which drops unknown fields and
   * leaves a value of the wrong type for validation to refuse (422), where a
   * built-in's typed decoding refuses it at once (400). Absent: typed
   * decoding by `schema`.
   */
  prune?: (obj: KubeObject) => { pruned: KubeObject; unknownFields: string[] };
  /**
   * How an object read from storage is seen in this version beyond its
   * apiVersion: a custom resource is pruned and defaulted by its schema as it
   * is now, as kube's decoder does on every read, so objects stored before a
   * schema change read as the new schema says. Must not change its argument.
   */
  decodeStored?: (obj: KubeObject) => KubeObject;
  /**
   * Whether PATCH takes a strategic merge patch (default yes). A kind with no
   * Go type to carry merge keys (a custom resource) takes only JSON and merge
   * patches, as kube's CRD handler does (415 otherwise).
   */
  strategicMergePatch?: boolean;
  /** Storage key prefix; default `/<group>/<resource>`, or `/<resource>` for the core group. */
  storagePrefix?: string;
  /**
   * OpenAPI models of a kind defined at runtime (a custom resource), which the
   * built-in definitions do not have. Built-ins leave it out. A function:
   * the models are made when a document first needs them, not at install.
   */
  openAPIModels?: () => OpenAPIModels;
  /**
   * The other versions of the same objects, for managedFields entries
   * recorded in them: kube compares each manager's fields in the manager's
   * own version, converting the objects there. Absent: every entry is read
   * as if recorded in this version (a kind with one version).
   */
  otherVersions?: OtherVersions;
}

export interface OtherVersions {
  /**
   * How `apiVersion` ("group/version") types the objects: a runtime kind's
   * OpenAPI models, 'builtin' for a built-in kind's definitions, undefined
   * when the objects have no such version.
   */
  models(apiVersion: string): OpenAPIModels | 'builtin' | undefined;
  /** `objs`, in any version of the objects, converted to `apiVersion`; the input is not changed. */
  convert(objs: readonly KubeObject[], apiVersion: string): Promise<KubeObject[]>;
}

/** A JSON (OpenAPI) schema object; `$ref`s point at the document's definitions by kube's model names. */
export type OpenAPISchema = Record<string, unknown>;

/** The OpenAPI models of a kind and its list, by kube's model names, for v2 and v3 documents. */
export interface OpenAPIModels {
  /** "com.example.v1.Gizmo". */
  name: string;
  /** "com.example.v1.GizmoList". */
  listName: string;
  v2: { kind: OpenAPISchema; list: OpenAPISchema };
  v3: { kind: OpenAPISchema; list: OpenAPISchema };
}
