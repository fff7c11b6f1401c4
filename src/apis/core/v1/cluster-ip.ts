/**
 * Cluster IPs and node ports without an allocator: frontdoor runs no
 * kube-proxy, so an address only has to look like kube's and stay put. Each
 * service gets a deterministic address in kube's default service CIDR
 * 10.96.0.0/12 from a hash of namespace/name (default/kubernetes gets
 * 10.96.0.1, as in kube), and each node port one in 30000-32767 from a hash
 * of the service and port. Collisions are possible and not checked.
 */

export const SERVICE_CIDR = '10.96.0.0/12';
const BASE = (10 << 24) | (96 << 16);
const SIZE = 1 << 20;
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/** 32-bit FNV-1a: small, stable across runs and machines. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** The cluster IP a service is given: never the network address, .1 (kube's own service) or the broadcast address. */
export function clusterIPFor(namespace: string, name: string): string {
  if (namespace === 'default' && name === 'kubernetes') return dotted(BASE + 1);
  const offset = 2 + (fnv1a(`${namespace}/${name}`) % (SIZE - 3));
  return dotted(BASE + offset);
}

/** The node port a service's port is given when the caller left it 0. */
export function nodePortFor(namespace: string, name: string, protocol: string, port: number): number {
  return NODE_PORT_MIN + (fnv1a(`${namespace}/${name}/${protocol}/${port}`) % (NODE_PORT_MAX - NODE_PORT_MIN + 1));
}
