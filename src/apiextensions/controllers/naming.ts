import type { CustomResourceDefinition, CustomResourceDefinitionNames } from '../customresourcedefinition/types.js';

export type NamingVerdict = { accepted: true; names: CustomResourceDefinitionNames } | { accepted: false; message: string };

/**
 * kube's naming controller: a CRD's names are accepted unless another CRD of
 * the same group already has one of them accepted (its plural, singular,
 * short names, kind or list kind). Names a CRD holds stay its own: an older
 * CRD keeps them when a newer one asks for the same.
 */
export function acceptedNamesFor(crd: CustomResourceDefinition, all: readonly CustomResourceDefinition[]): NamingVerdict {
  const want = crd.spec.names;
  const taken = { resources: new Set<string>(), kinds: new Set<string>() };
  for (const other of all) {
    if (other.metadata.name === crd.metadata.name || other.spec?.group !== crd.spec.group) continue;
    const names = other.status?.acceptedNames;
    if (!names?.plural) continue;
    for (const n of [names.plural, names.singular, ...(names.shortNames ?? [])]) if (n) taken.resources.add(n);
    for (const n of [names.kind, names.listKind]) if (n) taken.kinds.add(n);
  }
  if (taken.resources.has(want.plural)) return { accepted: false, message: `"${want.plural}" is already in use` };
  if (want.singular && taken.resources.has(want.singular)) return { accepted: false, message: `"${want.singular}" is already in use` };
  for (const s of want.shortNames ?? []) if (taken.resources.has(s)) return { accepted: false, message: `"${s}" is already in use` };
  if (taken.kinds.has(want.kind)) return { accepted: false, message: `"${want.kind}" is already in use` };
  const listKind = want.listKind ?? `${want.kind}List`;
  if (taken.kinds.has(listKind)) return { accepted: false, message: `"${listKind}" is already in use` };
  return { accepted: true, names: { ...want, singular: want.singular ?? want.kind.toLowerCase(), listKind } };
}
