/**
 * What a server tells the DiscoveryManager (the input types), and the
 * documents it answers with (meta/v1 and apidiscovery.k8s.io/v2 wire shapes,
 * field names and order as kube serializes them).
 */

/** A subresource of a resource: "status" (kind of its parent), "scale" (autoscaling/v1 Scale). */
export interface DiscoverySubresource {
  subresource: string;
  kind: string;
  /** Set only when the subresource answers with a kind of another group-version (scale). */
  group?: string;
  version?: string;
  verbs: string[];
}

/** One resource of a group-version, with its subresources. */
export interface DiscoveryResource {
  /** Plural, lower case: "configmaps". */
  resource: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: DiscoverySubresource[];
  storageVersionHash?: string;
}

export type DiscoveryFreshness = 'Current' | 'Stale';

/** Everything a group-version serves; the unit that is set and removed as resources come and go. */
export interface DiscoveryGroupVersion {
  /** "" is the core (legacy) group, served under /api. */
  group: string;
  version: string;
  resources: DiscoveryResource[];
  /** Current unless the server behind it could not be asked (aggregated APIServices). */
  freshness?: DiscoveryFreshness;
}

// ---- meta/v1 (legacy discovery) ----

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface ServerAddressByClientCIDR {
  clientCIDR: string;
  serverAddress: string;
}

export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
}

export interface APIGroup {
  kind?: 'APIGroup';
  apiVersion?: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: APIGroup[];
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: 'APIResourceList';
  /** Absent for the core group, whose discovery kube serves "unversioned". */
  apiVersion?: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

// ---- apidiscovery.k8s.io (aggregated discovery) ----

/** The aggregated discovery versions kube 1.32 serves. */
export type AggregatedVersion = 'v2' | 'v2beta1';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources?: APIResourceDiscovery[];
  freshness?: DiscoveryFreshness;
}

export interface APIGroupDiscovery {
  /** Go's ObjectMeta: an empty name (the core group) is left out; creationTimestamp is always null. */
  metadata: { name?: string; creationTimestamp: null };
  versions?: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: `apidiscovery.k8s.io/${AggregatedVersion}`;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}
