import type {
  AggregatedVersion,
  APIGroup,
  APIGroupDiscovery,
  APIGroupDiscoveryList,
  APIGroupList,
  APIResource,
  APIResourceDiscovery,
  APIResourceList,
  APIVersionDiscovery,
  APIVersions,
  DiscoveryGroupVersion,
  GroupVersionForDiscovery,
} from './types.js';

/**
 * Builds the discovery documents from what is installed. Pure functions; the
 * manager decides the order of groups and versions and hands them over sorted.
 */

/** A group with its versions, most preferred first. */
export interface GroupView {
  name: string;
  versions: DiscoveryGroupVersion[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** kube's installer sorts every verb list. */
const sortedVerbs = (verbs: readonly string[]): string[] => [...verbs].sort(byName);

const groupVersionString = (group: string, version: string): string => (group ? `${group}/${version}` : version);

const forDiscovery = (group: string, version: string): GroupVersionForDiscovery => ({
  groupVersion: groupVersionString(group, version),
  version,
});

/** GET /api. kube serves it without apiVersion. */
export function apiVersions(versions: string[], serverAddress: string): APIVersions {
  return { kind: 'APIVersions', versions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroupBody(view: GroupView): Omit<APIGroup, 'kind' | 'apiVersion'> {
  const versions = view.versions.map((gv) => forDiscovery(view.name, gv.version));
  return { name: view.name, versions, preferredVersion: { ...versions[0]! } };
}

/** GET /apis/<group>. */
export function apiGroup(view: GroupView): APIGroup {
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroupBody(view) };
}

/** GET /apis: the named groups (the core group is under /api). */
export function apiGroupList(views: GroupView[]): APIGroupList {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: views.filter((v) => v.name !== '').map(apiGroupBody) };
}

/**
 * GET /api/v1 and /apis/<g>/<v>: every resource and every subresource
 * ("deployments/status") as its own entry, sorted by name as kube's installer
 * sorts its paths. The core group's list carries no apiVersion, as kube's.
 */
export function apiResourceList(gv: DiscoveryGroupVersion): APIResourceList {
  const entries: APIResource[] = [];
  for (const r of gv.resources) {
    const entry: APIResource = { name: r.resource, singularName: r.singularName, namespaced: r.namespaced, kind: r.kind, verbs: sortedVerbs(r.verbs) };
    if (r.shortNames?.length) entry.shortNames = [...r.shortNames];
    if (r.categories?.length) entry.categories = [...r.categories];
    if (r.storageVersionHash) entry.storageVersionHash = r.storageVersionHash;
    entries.push(entry);
    for (const sub of r.subresources ?? []) {
      // Field order as kube writes it: group and version (when set) come before kind.
      entries.push({
        name: `${r.resource}/${sub.subresource}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(sub.group ? { group: sub.group } : {}),
        ...(sub.version ? { version: sub.version } : {}),
        kind: sub.kind,
        verbs: sortedVerbs(sub.verbs),
      });
    }
  }
  entries.sort((a, b) => byName(a.name, b.name));
  const list: APIResourceList = { kind: 'APIResourceList', groupVersion: groupVersionString(gv.group, gv.version), resources: entries };
  return gv.group === '' ? list : { kind: list.kind, apiVersion: 'v1', groupVersion: list.groupVersion, resources: entries };
}

/**
 * One group-version in aggregated form. A responseKind names group and version
 * only when they differ from the resource's own (kube leaves them empty then).
 */
export function apiVersionDiscovery(gv: DiscoveryGroupVersion): APIVersionDiscovery {
  const resources: APIResourceDiscovery[] = [...gv.resources]
    .sort((a, b) => byName(a.resource, b.resource))
    .map((r) => {
      const out: APIResourceDiscovery = {
        resource: r.resource,
        responseKind: { group: '', version: '', kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.singularName,
        verbs: sortedVerbs(r.verbs),
      };
      if (r.shortNames?.length) out.shortNames = [...r.shortNames];
      if (r.categories?.length) out.categories = [...r.categories];
      if (r.subresources?.length) {
        out.subresources = [...r.subresources]
          .sort((a, b) => byName(a.subresource, b.subresource))
          .map((s) => ({
            subresource: s.subresource,
            responseKind: { group: s.group ?? '', version: s.version ?? '', kind: s.kind },
            verbs: sortedVerbs(s.verbs),
          }));
      }
      return out;
    });
  const out: APIVersionDiscovery = { version: gv.version };
  if (resources.length > 0) out.resources = resources;
  out.freshness = gv.freshness ?? 'Current';
  return out;
}

function apiGroupDiscovery(view: GroupView): APIGroupDiscovery {
  // Go's ObjectMeta drops an empty name; creationTimestamp is always written, as null.
  const metadata: APIGroupDiscovery['metadata'] = view.name ? { name: view.name, creationTimestamp: null } : { creationTimestamp: null };
  return { metadata, versions: view.versions.map(apiVersionDiscovery) };
}

/** The aggregated document: one item per group, in the order given. */
export function apiGroupDiscoveryList(views: GroupView[], version: AggregatedVersion): APIGroupDiscoveryList {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: views.map(apiGroupDiscovery),
  };
}
