import { newForbidden, newNotFound } from '../apimachinery/status-error.js';
import type { KubeObject } from '../registry/object.js';
import type { Admit } from '../registry/store.js';

/** Namespaces that exist from the start and may never be deleted (kube's immortal namespaces). */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export const isTerminating = (ns: KubeObject): boolean =>
  Boolean(ns.metadata?.deletionTimestamp) || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating';

/**
 * kube's NamespaceLifecycle admission: content may only be created in a
 * namespace that exists and is not terminating, and the system namespaces may
 * not be deleted. `lookup` answers from the watch cache first, then from
 * storage, so a namespace created a moment ago is found. It resolves
 * undefined only when the namespace does not exist; a failed lookup (storage
 * unavailable) rejects, and that error is the request's answer (a 503), as
 * kube's admission never reports an outage as "not found".
 */
export function namespaceLifecycle(
  resource: { group: string; resource: string; namespaced: boolean },
  lookup: (name: string) => Promise<KubeObject | undefined>,
): Admit {
  return async (op, obj, namespace) => {
    if (resource.group === '' && resource.resource === 'namespaces') {
      const name = obj.metadata?.name ?? '';
      if (op === 'delete' && SYSTEM_NAMESPACES.includes(name)) {
        throw newForbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
      }
      return;
    }
    if (op !== 'create' || !resource.namespaced || !namespace) return;
    const ns = await lookup(namespace);
    if (!ns) throw newNotFound({ group: '', resource: 'namespaces' }, namespace);
    if (isTerminating(ns)) {
      throw newForbidden(
        { group: resource.group, resource: resource.resource },
        obj.metadata?.name ?? '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  };
}
