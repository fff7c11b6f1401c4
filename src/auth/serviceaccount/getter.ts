import { isNotFound } from '../../apimachinery/status-error.js';
import type { KubeObject } from '../../registry/object.js';
import type { Store } from '../../registry/store.js';

/** Reads one object; undefined when it does not exist (kube's ServiceAccountTokenGetter, per kind). */
export type ObjectGetter = (namespace: string, name: string) => Promise<KubeObject | undefined>;

/** The objects a bound token may name, looked up when it is issued and each time it is used. */
export interface ServiceAccountTokenGetter {
  serviceAccount: ObjectGetter;
  pod: ObjectGetter;
  secret: ObjectGetter;
}

/**
 * A getter over a Store that may not be installed (a resource turned off by
 * --runtime-config, or the chain not built yet): then nothing exists.
 */
export function storeGetter(store: () => Store | undefined): ObjectGetter {
  return async (namespace, name) => {
    const s = store();
    if (!s) return undefined;
    try {
      return await s.get(namespace, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}
