/** The parts of a core/v1 Service that its strategy reads and writes. */
import type { KubeObject } from '../../../registry/object.js';
import { isRecord, recordsOf, stringMapOf, stringOf, stringsOf, type JsonObject } from './values.js';

export interface Service extends KubeObject {
  spec?: JsonObject | null;
  status?: JsonObject | null;
}

export const specOf = (svc: Service): JsonObject => (isRecord(svc.spec) ? svc.spec : {});
export const typeOf = (svc: Service): string => stringOf(specOf(svc).type);
export const portsOf = (svc: Service): JsonObject[] => recordsOf(specOf(svc).ports);
export const clusterIPsOf = (svc: Service): string[] => stringsOf(specOf(svc).clusterIPs);
export const selectorOf = (svc: Service): Record<string, string> => stringMapOf(specOf(svc).selector);

/** kube's isHeadlessService: clusterIPs is exactly ["None"]. */
export function isHeadless(svc: Service): boolean {
  const ips = clusterIPsOf(svc);
  return ips.length === 1 && ips[0] === 'None';
}

/** Every type but ExternalName gets a cluster IP (or is headless). */
export const needsClusterIP = (svc: Service): boolean => typeOf(svc) !== 'ExternalName';

/** NodePort, and LoadBalancer unless it opted out of node ports. */
export function needsNodePort(svc: Service): boolean {
  const t = typeOf(svc);
  return t === 'NodePort' || (t === 'LoadBalancer' && specOf(svc).allocateLoadBalancerNodePorts !== false);
}

export const needsHealthCheckNodePort = (svc: Service): boolean =>
  typeOf(svc) === 'LoadBalancer' && specOf(svc).externalTrafficPolicy === 'Local';
