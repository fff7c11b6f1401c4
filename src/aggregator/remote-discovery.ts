/**
 * A backend's discovery document (/apis/<group>/<version>, the legacy
 * meta/v1 APIResourceList every aggregated server answers) as the group-version
 * the DiscoveryManager publishes in /apis and aggregated discovery: resources
 * with their subresources folded in ("pods/status" becomes the status
 * subresource of pods), as kube-aggregator's discovery manager converts it.
 *
 * The document comes from a server we do not control: anything that is not
 * the expected shape is dropped, never trusted.
 */
import type { DiscoveryGroupVersion, DiscoveryResource, DiscoverySubresource } from '../endpoints/discovery/index.js';
import { isJSONObject as isObject } from '../apimachinery/json.js';

type Json = Record<string, unknown>;

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Bounds on what one backend may make the aggregator publish. */
const MAX_RESOURCES = 5000;

export class DiscoveryDocumentError extends Error {}

/** Parses an APIResourceList body into a group-version; throws DiscoveryDocumentError when it is not one for this group-version. */
export function groupVersionFromAPIResourceList(body: string, group: string, version: string): DiscoveryGroupVersion {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new DiscoveryDocumentError('the discovery document is not JSON');
  }
  if (!isObject(doc)) throw new DiscoveryDocumentError('the discovery document is not an object');
  const groupVersion = group ? `${group}/${version}` : version;
  if (doc.groupVersion !== groupVersion) throw new DiscoveryDocumentError(`the discovery document is for ${JSON.stringify(doc.groupVersion)}, not ${groupVersion}`);
  const list = Array.isArray(doc.resources) ? doc.resources.filter(isObject).slice(0, MAX_RESOURCES) : [];
  const resources = new Map<string, DiscoveryResource>();
  const subresources: { parent: string; sub: DiscoverySubresource }[] = [];
  for (const r of list) {
    const name = str(r.name);
    if (!name) continue;
    const slash = name.indexOf('/');
    const verbs = strings(r.verbs) ?? [];
    if (slash >= 0) {
      const sub: DiscoverySubresource = { subresource: name.slice(slash + 1), kind: str(r.kind), verbs };
      if (typeof r.group === 'string' && r.group !== group) sub.group = r.group;
      if (typeof r.version === 'string' && r.version !== version) sub.version = r.version;
      subresources.push({ parent: name.slice(0, slash), sub });
      continue;
    }
    const resource: DiscoveryResource = {
      resource: name,
      singularName: str(r.singularName),
      kind: str(r.kind),
      namespaced: r.namespaced === true,
      verbs,
    };
    const shortNames = strings(r.shortNames);
    if (shortNames?.length) resource.shortNames = shortNames;
    const categories = strings(r.categories);
    if (categories?.length) resource.categories = categories;
    if (typeof r.storageVersionHash === 'string') resource.storageVersionHash = r.storageVersionHash;
    resources.set(name, resource);
  }
  for (const { parent, sub } of subresources) {
    const owner = resources.get(parent);
    if (owner) (owner.subresources ??= []).push(sub);
  }
  return { group, version, resources: [...resources.values()], freshness: 'Current' };
}
