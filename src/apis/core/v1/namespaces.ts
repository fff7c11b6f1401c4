/**
 * core/v1 namespaces: kube's pkg/registry/core/namespace strategy (main,
 * status and finalize), its defaults and ValidateNamespace*, as one
 * ResourceDefinition. Deletion waits for spec.finalizers (the namespace
 * controller empties them through /finalize).
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import { metaOf } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { validateNamespaceName } from '../../../apimachinery/validation/names.js';
import {
  FINALIZER_KUBERNETES,
  validateFinalizerName,
  validateKubeFinalizerName,
} from '../../../apimachinery/validation/metadata-fields.js';
import { ageColumn, stringColumn } from './table-helpers.js';
import { isRecord, objectAt, stringOf, stringsOf } from './values.js';

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] | null; [k: string]: unknown } | null;
  status?: { phase?: string; [k: string]: unknown } | null;
}

/** The label kube keeps equal to a namespace's name (v1.LabelMetadataName). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const finalizersOf = (ns: Namespace): string[] => stringsOf(isRecord(ns.spec) ? ns.spec.finalizers : undefined);

/** kube's SetDefaults_Namespace and the namespace strategy's Canonicalize: the name label follows the name. */
function labelWithName(ns: Namespace): void {
  const meta = metaOf(ns);
  if (!meta.name) return;
  meta.labels = { ...(meta.labels ?? {}), [NAMESPACE_NAME_LABEL]: meta.name };
}

/** spec.finalizers hold kube finalizer names: qualified names, and a bare name must be a standard one. */
function validateSpecFinalizers(ns: Namespace, indexed: boolean): field.FieldError[] {
  const path = FieldPath.of('spec', 'finalizers');
  return finalizersOf(ns).flatMap((name, i) => {
    const p = indexed ? path.index(i) : path;
    return [...validateFinalizerName(name, p), ...validateKubeFinalizerName(name, p)];
  });
}

export const namespaceStrategy: Strategy<Namespace> = {
  defaults(ns) {
    labelWithName(ns);
    const status = objectAt(ns as Record<string, unknown>, 'status');
    if (!status.phase) status.phase = 'Active';
  },
  prepareForCreate(ns) {
    // A new namespace is Active and always carries the kubernetes finalizer, which only the namespace controller removes.
    ns.status = { phase: 'Active' };
    const finalizers = finalizersOf(ns);
    if (!finalizers.includes(FINALIZER_KUBERNETES)) finalizers.push(FINALIZER_KUBERNETES);
    ns.spec = { ...(isRecord(ns.spec) ? ns.spec : {}), finalizers };
  },
  prepareForUpdate(ns, old) {
    // spec.finalizers change only through /finalize.
    ns.spec = { ...(isRecord(ns.spec) ? ns.spec : {}), finalizers: finalizersOf(old) };
  },
  validate: (ns) => validateSpecFinalizers(ns, false),
  validateUpdate: (ns) => validateSpecFinalizers(ns, false),
  canonicalize: labelWithName,
};

/** /status: only status.phase moves, and it must agree with deletionTimestamp. */
export const namespaceStatusStrategy: Strategy<Namespace> = {
  validateUpdate(ns) {
    const phase = isRecord(ns.status) ? stringOf(ns.status.phase) : '';
    const path = FieldPath.of('status', 'Phase');
    if (!ns.metadata?.deletionTimestamp) {
      if (phase !== 'Active') return [field.invalid(path, phase, "may only be 'Active' if `deletionTimestamp` is empty")];
    } else if (phase !== 'Terminating') {
      return [field.invalid(path, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
    }
    return [];
  },
};

/** /finalize: only spec.finalizers move; everything else stays as stored. */
export const namespaceFinalizeStrategy: Strategy<Namespace> = {
  prepareForUpdate(ns, old) {
    const finalizers = finalizersOf(ns);
    const keep = structuredClone(old);
    for (const key of Object.keys(ns)) delete (ns as Record<string, unknown>)[key];
    Object.assign(ns, keep);
    ns.spec = { ...(isRecord(keep.spec) ? keep.spec : {}), finalizers };
  },
  validateUpdate: (ns) => validateSpecFinalizers(ns, true),
};

export const namespaces: ResourceDefinition<Namespace> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
  },
  nameValidator: validateNamespaceName,
  strategy: namespaceStrategy,
  generation: 'none',
  status: { strategy: namespaceStatusStrategy },
  subresources: { finalize: { verbs: ['update'], strategy: namespaceFinalizeStrategy } },
  tableColumns: [
    stringColumn('Status', 'The status of the namespace', (ns) => (isRecord(ns.status) ? stringOf(ns.status.phase) : '')),
    ageColumn(),
  ],
  fieldLabels: (ns) => ({ 'status.phase': isRecord(ns.status) ? stringOf(ns.status.phase) : '' }),
  pendingDeletion: (ns) => finalizersOf(ns).length > 0,
  onMarkDeleting(ns) {
    ns.status = { ...(isRecord(ns.status) ? ns.status : {}), phase: 'Terminating' };
  },
  returnDeletedObject: true,
  allowCreateOnUpdate: false,
};
