import type { KubeObject } from '../../registry/object.js';

/**
 * kube's finalizer on a deleted CRD: set when the CRD is first deleted, and
 * removed by the CRD controller once every custom resource of it is gone, so
 * that deleting a CRD never leaves its objects behind in storage.
 */
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export const hasCleanupFinalizer = (obj: KubeObject | { metadata?: { finalizers?: string[] } }): boolean =>
  (obj.metadata?.finalizers ?? []).includes(CLEANUP_FINALIZER);

/**
 * For the CRD resource definition: a CRD not yet marked must wait on its first
 * delete (pendingDeletion), and marking it adds the finalizer (onMarkDeleting),
 * as kube's CRD REST Delete does; once the finalizer is removed it goes.
 */
export const crdPendingDeletion = (obj: KubeObject): boolean => !obj.metadata?.deletionTimestamp;

export function addCleanupFinalizer(obj: KubeObject): void {
  const meta = (obj.metadata ??= {});
  const finalizers = meta.finalizers ?? [];
  if (!finalizers.includes(CLEANUP_FINALIZER)) meta.finalizers = [...finalizers, CLEANUP_FINALIZER];
}
