import { isAlreadyExists, isConflict, isNotFound } from '../../../apimachinery/status-error.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../../../apis/rbac/v1/types.js';
import type { KubeObject } from '../../../registry/object.js';
import type { Store } from '../../../registry/store.js';
import { AUTOUPDATE_ANNOTATION, bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../bootstrap-policy.js';
import { covers } from './policy-comparator.js';

type Stores = { clusterRoles: Store; clusterRoleBindings: Store };

export interface ReconcileResult {
  created: string[];
  updated: string[];
}

const autoUpdate = (obj: KubeObject): boolean => obj.metadata?.annotations?.[AUTOUPDATE_ANNOTATION] !== 'false';

/** Labels and annotations the expected object has and the existing one lacks (existing values win, as kube). */
function mergeMeta(existing: KubeObject, expected: KubeObject): boolean {
  let changed = false;
  const meta = (existing.metadata ??= {});
  for (const field of ['labels', 'annotations'] as const) {
    for (const [k, v] of Object.entries(expected.metadata?.[field] ?? {})) {
      const into: Record<string, string> = { ...meta[field] };
      if (!(k in into)) {
        meta[field] = { ...into, [k]: v };
        changed = true;
      }
    }
  }
  return changed;
}

/** The existing role with expected rules and selectors it lacks added; undefined if nothing is missing. */
export function reconcileClusterRole(existing: ClusterRole, expected: ClusterRole): ClusterRole | undefined {
  const next = structuredClone(existing);
  let changed = mergeMeta(next, expected);
  const have: PolicyRule[] = Array.isArray(next.rules) ? next.rules : [];
  const missing = (expected.rules ?? []).filter((r) => !covers(have, [r]).covered);
  if (missing.length > 0) {
    next.rules = [...have, ...structuredClone(missing)];
    changed = true;
  }
  const want = expected.aggregationRule?.clusterRoleSelectors ?? [];
  if (want.length > 0) {
    const selectors = next.aggregationRule?.clusterRoleSelectors ?? [];
    const absent = want.filter((w) => !selectors.some((s) => JSON.stringify(s) === JSON.stringify(w)));
    if (absent.length > 0) {
      next.aggregationRule = { ...next.aggregationRule, clusterRoleSelectors: [...selectors, ...structuredClone(absent)] };
      changed = true;
    }
  }
  return changed ? next : undefined;
}

/** The existing binding with expected subjects it lacks added; undefined if nothing is missing. */
export function reconcileClusterRoleBinding(existing: ClusterRoleBinding, expected: ClusterRoleBinding): ClusterRoleBinding | undefined {
  const next = structuredClone(existing);
  let changed = mergeMeta(next, expected);
  const subjects: Subject[] = Array.isArray(next.subjects) ? next.subjects : [];
  const same = (a: Subject, b: Subject) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
  const absent = (expected.subjects ?? []).filter((s) => !subjects.some((e) => same(e, s)));
  if (absent.length > 0) {
    next.subjects = [...subjects, ...structuredClone(absent)];
    changed = true;
  }
  return changed ? next : undefined;
}

/**
 * kube's rbac/bootstrap-roles: creates each bootstrap cluster role and binding
 * that is missing and adds what an existing one lacks, unless it is annotated
 * autoupdate "false". A binding whose roleRef changed is recreated. Runs on
 * every start; idempotent.
 */
export async function reconcileBootstrapPolicy(stores: Stores): Promise<ReconcileResult> {
  const result: ReconcileResult = { created: [], updated: [] };
  for (const role of bootstrapClusterRoles()) await ensure(stores.clusterRoles, role, (e) => reconcileClusterRole(e as ClusterRole, role), result);
  for (const binding of bootstrapClusterRoleBindings()) {
    await ensure(
      stores.clusterRoleBindings,
      binding,
      (e) => reconcileClusterRoleBinding(e as ClusterRoleBinding, binding),
      result,
      (e) => JSON.stringify((e as ClusterRoleBinding).roleRef) !== JSON.stringify(binding.roleRef),
    );
  }
  return result;
}

async function ensure(
  store: Store,
  expected: KubeObject,
  reconcile: (existing: KubeObject) => KubeObject | undefined,
  result: ReconcileResult,
  mustRecreate: (existing: KubeObject) => boolean = () => false,
): Promise<void> {
  const name = expected.metadata!.name!;
  for (let attempt = 0; attempt < 5; attempt++) {
    let existing: KubeObject | undefined;
    try {
      existing = await store.get('', name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      if (!existing) {
        await store.create('', structuredClone(expected));
        result.created.push(name);
        return;
      }
      if (!autoUpdate(existing)) return;
      if (mustRecreate(existing)) {
        await store.delete('', name, { preconditions: { uid: existing.metadata?.uid } });
        continue;
      }
      const next = reconcile(existing);
      if (!next) return;
      await store.update('', name, () => next);
      result.updated.push(name);
      return;
    } catch (err) {
      // Someone else wrote it in between (another replica starting): look again.
      if (isConflict(err) || isAlreadyExists(err) || isNotFound(err)) continue;
      throw err;
    }
  }
  throw new Error(`could not reconcile ${name}: it kept changing`);
}
