import type { StoredObject } from '../storage/interfaces.js';
import type { ObjectMeta } from '../apimachinery/validation/object-meta.js';

/** An API object as the registry handles it: JSON with apiVersion, kind and kube's metadata. */
export interface KubeObject extends StoredObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObjectMeta;
}

export interface KubeObjectMeta extends ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  [field: string]: unknown;
}

export const metaOf = (obj: KubeObject): KubeObjectMeta => (obj.metadata ??= {});
