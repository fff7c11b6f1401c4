/**
 * The orders kube lists discovery in: groups by their APIService
 * GroupPriorityMinimum (highest first, then by name), versions inside a group
 * by kube-aware version order (GA > beta > alpha, then higher major, then
 * higher minor; other strings after them, alphabetically).
 */

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** alpha < beta < GA: the bigger, the more preferred. */
const STABILITY = { alpha: 0, beta: 1, ga: 2 } as const;

function parseKubeVersion(v: string): { major: number; stability: number; minor: number } | undefined {
  const m = KUBE_VERSION.exec(v);
  if (!m) return undefined;
  const stability = m[2] === 'alpha' ? STABILITY.alpha : m[2] === 'beta' ? STABILITY.beta : STABILITY.ga;
  return { major: Number(m[1]), stability, minor: m[3] === undefined ? 0 : Number(m[3]) };
}

/**
 * kube's CompareKubeAwareVersionStrings: positive when `a` is preferred over
 * `b` ("v2" > "v1" > "v1beta2" > "v1beta1" > "v1alpha1" > "foo").
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (!pa && !pb) return a < b ? 1 : -1;
  if (!pa) return -1;
  if (!pb) return 1;
  if (pa.stability !== pb.stability) return pa.stability - pb.stability;
  if (pa.major !== pb.major) return pa.major - pb.major;
  return pa.minor - pb.minor;
}

/**
 * kube-apiserver 1.32's GroupPriorityMinimum for the built-in groups (its
 * apiVersionPriorities table, and apiregistration.k8s.io above them all, as the
 * aggregator lists its own group first). Any other group (CRDs) gets the
 * default the CRD autoregistration uses.
 */
export const BUILTIN_GROUP_PRIORITIES: Readonly<Record<string, number>> = {
  'apiregistration.k8s.io': 20001,
  '': 18000,
  apps: 17800,
  'events.k8s.io': 17750,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  autoscaling: 17500,
  batch: 17400,
  'certificates.k8s.io': 17300,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'storage.k8s.io': 16800,
  'apiextensions.k8s.io': 16700,
  'admissionregistration.k8s.io': 16700,
  'scheduling.k8s.io': 16600,
  'coordination.k8s.io': 16500,
  'node.k8s.io': 16300,
  'discovery.k8s.io': 16200,
  'resource.k8s.io': 16200,
  'flowcontrol.apiserver.k8s.io': 16100,
  'internal.apiserver.k8s.io': 16000,
  'storagemigration.k8s.io': 15800,
};

export const DEFAULT_GROUP_PRIORITY = 1000;

/** Sorts group names: higher priority first, equal priorities by name. */
export function compareGroups(priorityOf: (group: string) => number, a: string, b: string): number {
  const diff = priorityOf(b) - priorityOf(a);
  if (diff !== 0) return diff;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts a group's versions, most preferred first; an explicitly preferred version leads. */
export function orderVersions(versions: Iterable<string>, preferred?: string): string[] {
  return [...versions].sort((a, b) => {
    if (a === preferred) return -1;
    if (b === preferred) return 1;
    return compareKubeAwareVersions(b, a);
  });
}
