import type { ResourceDefinition } from '../../registry/resource-definition.js';
import type { DiscoveryGroupVersion, DiscoveryResource } from './types.js';

/** The verbs the installer serves for every stored resource (its handlers), as discovery and OpenAPI list them. */
export const MAIN_VERBS: readonly string[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const UPDATE_VERBS = ['get', 'patch', 'update'];

/** What discovery says of installed resources, grouped by group-version. `extra` names further subresources by "group/resource". */
export function groupVersionsOf(
  defs: ResourceDefinition[],
  extra: Record<string, Record<string, string[]>> = {},
): DiscoveryGroupVersion[] {
  const byGV = new Map<string, DiscoveryGroupVersion>();
  for (const def of defs) {
    const { group, version, resource, singularName, kind, namespaced, shortNames, categories } = def.info;
    const key = `${group}/${version}`;
    let gv = byGV.get(key);
    if (!gv) byGV.set(key, (gv = { group, version, resources: [] }));
    const subresources: DiscoveryResource['subresources'] = [];
    if (def.status) subresources.push({ subresource: 'status', kind, verbs: UPDATE_VERBS });
    if (def.scale) subresources.push({ subresource: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: UPDATE_VERBS });
    for (const [name, sub] of Object.entries(def.subresources ?? {})) subresources.push({ subresource: name, kind, verbs: [...sub.verbs].sort() });
    for (const [name, verbs] of Object.entries(extra[`${group}/${resource}`] ?? {})) {
      subresources.push({ subresource: name, kind: name === 'binding' ? 'Binding' : kind, verbs: [...verbs].sort() });
    }
    gv.resources.push({
      resource,
      singularName,
      kind,
      namespaced,
      verbs: [...MAIN_VERBS],
      ...(shortNames?.length ? { shortNames } : {}),
      ...(categories?.length ? { categories } : {}),
      ...(subresources.length ? { subresources } : {}),
    });
  }
  return [...byGV.values()];
}
