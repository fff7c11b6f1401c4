/**
 * The Warning a deprecated CRD version answers every request with (kube's
 * crdHandler adds it before serving): the version's deprecationWarning, or
 * kube's default text naming the most preferred served, not deprecated
 * version above it.
 */
import { compareKubeAwareVersions } from '../../endpoints/discovery/index.js';
import type { CustomResourceDefinition } from '../customresourcedefinition/types.js';

/** The warnings of `version` (none unless it is deprecated). */
export function deprecationWarnings(crd: CustomResourceDefinition, version: string): string[] {
  const v = crd.spec.versions.find((x) => x.name === version);
  if (!v?.deprecated) return [];
  return [v.deprecationWarning ?? defaultDeprecationWarning(crd, version)];
}

/** kube's defaultDeprecationWarning, word for word. */
export function defaultDeprecationWarning(crd: CustomResourceDefinition, deprecatedVersion: string): string {
  const { group, names } = crd.spec;
  const msg = `${group}/${deprecatedVersion} ${names.kind} is deprecated`;
  const better = crd.spec.versions
    .filter((v) => v.served && !v.deprecated && compareKubeAwareVersions(deprecatedVersion, v.name) < 0)
    .map((v) => v.name)
    .sort((a, b) => compareKubeAwareVersions(b, a));
  return better.length === 0 ? msg : `${msg}; use ${group}/${better[0]} ${names.kind}`;
}
