/**
 * What the API says about one resource: its names (for routes and discovery),
 * its scope, and its kind. One per group-version-resource.
 */
export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural, lower case: "configmaps". */
  resource: string;
  singularName: string;
  kind: string;
  /** The list kind, "ConfigMapList" unless said otherwise. */
  listKind?: string;
  namespaced: boolean;
  shortNames?: string[];
  /** kubectl's `get all` and friends: "all" for the kinds kube puts there. */
  categories?: string[];
}

export const apiVersionOf = (info: Pick<ResourceInfo, 'group' | 'version'>): string =>
  info.group ? `${info.group}/${info.version}` : info.version;

export const listKindOf = (info: ResourceInfo): string => info.listKind ?? `${info.kind}List`;

/** kube's GroupResource string: "configmaps", "deployments.apps". */
export const groupResourceOf = (info: Pick<ResourceInfo, 'group' | 'resource'>): { group: string; resource: string } => ({
  group: info.group,
  resource: info.resource,
});
