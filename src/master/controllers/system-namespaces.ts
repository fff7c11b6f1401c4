import { isAlreadyExists } from '../../apimachinery/status-error.js';
import type { Store } from '../../registry/store.js';
import { SYSTEM_NAMESPACES } from '../namespace-lifecycle.js';

/** Creates the system namespaces that are missing (kube's system namespaces controller, run once at start). */
export async function ensureSystemNamespaces(namespaces: Store): Promise<string[]> {
  const created: string[] = [];
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      created.push(name);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  return created;
}
