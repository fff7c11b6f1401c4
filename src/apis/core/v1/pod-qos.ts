/**
 * kube's qos.GetPodQOS: BestEffort with no cpu/memory requests or limits
 * anywhere, Guaranteed when every container limits both and requests equal
 * limits, Burstable otherwise. Quantities are compared by value.
 */
import { isRecord, recordsOf, type JsonObject } from './values.js';

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource.Quantity's value ("500m" → 0.5, "1Gi" → 1073741824, "1e3" → 1000); NaN when unreadable. */
export function quantityValue(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return Number.NaN;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !Object.hasOwn(SUFFIX, m[2])) return Number.NaN;
  return Number(m[1]) * SUFFIX[m[2]];
}

const COMPUTE = ['cpu', 'memory'] as const;

/** The non-zero cpu and memory entries of a resource list. */
function computeOf(list: unknown): Map<string, number> {
  const out = new Map<string, number>();
  if (!isRecord(list)) return out;
  for (const name of COMPUTE) {
    const v = quantityValue(list[name]);
    if (!Number.isNaN(v) && v !== 0) out.set(name, v);
  }
  return out;
}

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export function podQOSClass(spec: JsonObject): QOSClass {
  const containers = [...recordsOf(spec.initContainers), ...recordsOf(spec.containers)];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const resources = isRecord(c.resources) ? c.resources : {};
    const requests = computeOf(resources.requests);
    const limits = computeOf(resources.limits);
    if (requests.size > 0 || limits.size > 0) any = true;
    if (limits.size < COMPUTE.length) guaranteed = false;
    for (const [name, value] of requests) if (limits.get(name) !== value) guaranteed = false;
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
