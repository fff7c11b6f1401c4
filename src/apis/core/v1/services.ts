/**
 * core/v1 services: kube's SetDefaults_Service, the service strategy and
 * REST's allocation step (cluster IPs and node ports, see cluster-ip.ts),
 * ValidateService*, and the service printer, as one ResourceDefinition.
 * Stored under kube's own prefix, /services/specs.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy } from '../../../registry/strategy.js';
import { nameIsDNS1035Label } from '../../../apimachinery/validation/names.js';
import { ageColumn, formatLabels, stringColumn } from './table-helpers.js';
import { clusterIPFor, nodePortFor } from './cluster-ip.js';
import {
  clusterIPsOf,
  needsClusterIP,
  needsHealthCheckNodePort,
  needsNodePort,
  portsOf,
  selectorOf,
  specOf,
  typeOf,
  type Service,
} from './service-types.js';
import { validateService, validateServiceStatus, validateServiceUpdate } from './service-validation.js';
import { isIPv6String } from './network.js';
import { isRecord, numberOf, objectAt, recordsOf, stringOf, stringsOf, type JsonObject } from './values.js';

export type { Service } from './service-types.js';

/** kube's DefaultClientIPServiceAffinitySeconds (three hours). */
const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

const absent = (v: unknown): boolean => v === undefined || v === null;

/** kube's SetDefaults_Service. */
export function defaultService(svc: Service): void {
  const spec = objectAt(svc as JsonObject, 'spec');
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const config = isRecord(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const clientIP = config && isRecord(config.clientIP) ? config.clientIP : undefined;
    if (!clientIP || absent(clientIP.timeoutSeconds)) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT } };
    }
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const port of recordsOf(spec.ports)) {
    if (!port.protocol) port.protocol = 'TCP';
    if (absent(port.targetPort) || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  const type = spec.type;
  const externallyAccessible =
    type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && stringsOf(spec.externalIPs).length > 0);
  if (externallyAccessible && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (absent(spec.internalTrafficPolicy) && (type === 'ClusterIP' || type === 'NodePort' || type === 'LoadBalancer')) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (type === 'LoadBalancer' && absent(spec.allocateLoadBalancerNodePorts)) spec.allocateLoadBalancerNodePorts = true;
}

/** What kube's allocators would fill in: a cluster IP with its family fields, node ports, a health-check port. */
function allocate(svc: Service): void {
  const spec = objectAt(svc as JsonObject, 'spec');
  const namespace = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  if (needsClusterIP(svc)) {
    // An old client sets only clusterIP; the plural follows it.
    if (stringOf(spec.clusterIP) && clusterIPsOf(svc).length === 0) spec.clusterIPs = [spec.clusterIP];
    if (!spec.clusterIP && clusterIPsOf(svc).length === 0) {
      const ip = clusterIPFor(namespace, name);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    }
    const headless = spec.clusterIP === 'None';
    if (stringsOf(spec.ipFamilies).length === 0) {
      const ips = clusterIPsOf(svc).filter((ip) => ip !== 'None');
      spec.ipFamilies = ips.length > 0 ? ips.map((ip) => (isIPv6String(ip) ? 'IPv6' : 'IPv4')) : ['IPv4'];
    }
    if (absent(spec.ipFamilyPolicy)) {
      // A headless service without a selector is dual-stack by default, as in kube.
      spec.ipFamilyPolicy = headless && Object.keys(selectorOf(svc)).length === 0 ? 'RequireDualStack' : 'SingleStack';
    }
  }
  if (needsNodePort(svc)) {
    for (const port of portsOf(svc)) {
      if (!numberOf(port.nodePort)) port.nodePort = nodePortFor(namespace, name, stringOf(port.protocol), numberOf(port.port));
    }
  }
  if (needsHealthCheckNodePort(svc) && !numberOf(spec.healthCheckNodePort)) {
    spec.healthCheckNodePort = nodePortFor(namespace, name, 'health-check', 0);
  }
}

const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * kube's patchAllocatedValues, NormalizeClusterIPs and dropTypeDependentFields:
 * an update that leaves allocated values out keeps them; one that changes type
 * sheds what the new type does not use.
 */
function carryOver(svc: Service, old: Service): void {
  const spec = objectAt(svc as JsonObject, 'spec');
  const oldSpec = specOf(old);
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    const clusterIPGiven = Boolean(spec.clusterIP);
    if (!spec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (clusterIPsOf(svc).length === 0 && clusterIPsOf(old).length > 0) spec.clusterIPs = [...clusterIPsOf(old)];
    // A changed clusterIP with untouched clusterIPs means the caller meant the singular.
    if (clusterIPGiven && spec.clusterIP !== oldSpec.clusterIP && sameList(clusterIPsOf(svc), clusterIPsOf(old))) {
      spec.clusterIPs = [spec.clusterIP];
    }
    if (stringsOf(spec.ipFamilies).length === 0 && stringsOf(oldSpec.ipFamilies).length > 0) {
      spec.ipFamilies = [...stringsOf(oldSpec.ipFamilies)];
    }
    if (absent(spec.ipFamilyPolicy) && !absent(oldSpec.ipFamilyPolicy)) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
  }
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if (spec.clusterIP === oldSpec.clusterIP) delete spec.clusterIP;
    if (sameList(clusterIPsOf(svc), clusterIPsOf(old))) delete spec.clusterIPs;
    if (sameList(stringsOf(spec.ipFamilies), stringsOf(oldSpec.ipFamilies))) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === oldSpec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  const oldNodePorts = new Map(portsOf(old).map((p) => [stringOf(p.name), numberOf(p.nodePort)]));
  if (needsNodePort(old) && needsNodePort(svc)) {
    const used = new Set(portsOf(svc).map((p) => numberOf(p.nodePort)).filter((n) => n !== 0));
    for (const port of portsOf(svc)) {
      const before = oldNodePorts.get(stringOf(port.name)) ?? 0;
      if (!numberOf(port.nodePort) && before && !used.has(before)) port.nodePort = before;
    }
  }
  if (needsNodePort(old) && !needsNodePort(svc)) {
    for (const port of portsOf(svc)) {
      if (numberOf(port.nodePort) && numberOf(port.nodePort) === oldNodePorts.get(stringOf(port.name))) delete port.nodePort;
    }
  }
  if (needsHealthCheckNodePort(old)) {
    if (!needsHealthCheckNodePort(svc)) {
      if (spec.healthCheckNodePort === oldSpec.healthCheckNodePort) delete spec.healthCheckNodePort;
    } else if (!numberOf(spec.healthCheckNodePort)) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
  if (typeOf(old) === 'LoadBalancer' && typeOf(svc) !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === oldSpec.loadBalancerClass) delete spec.loadBalancerClass;
  }
}

export const serviceStrategy: Strategy<Service> = {
  defaults: defaultService,
  prepareForCreate: allocate,
  prepareForUpdate(svc, old) {
    carryOver(svc, old);
    allocate(svc);
  },
  validate: validateService,
  validateUpdate: validateServiceUpdate,
};

export const serviceStatusStrategy: Strategy<Service> = {
  validateUpdate: validateServiceStatus,
};

/** kube's loadBalancerStatusStringer at full width (the server always prints wide): sorted, distinct. */
function loadBalancerIngress(svc: Service): string {
  const status = isRecord(svc.status) ? svc.status : {};
  const lb = isRecord(status.loadBalancer) ? status.loadBalancer : {};
  const points = new Set<string>();
  for (const ing of recordsOf(lb.ingress)) {
    const point = stringOf(ing.ip) || stringOf(ing.hostname);
    if (point) points.add(point);
  }
  return [...points].sort().join(',');
}

/** kube's getServiceExternalIP. */
export function externalIPCell(svc: Service): string {
  const externalIPs = stringsOf(specOf(svc).externalIPs);
  switch (typeOf(svc)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return stringOf(specOf(svc).externalName);
    default:
      return '<unknown>';
  }
}

/** kube's makePortString: "80/TCP", "443:30443/TCP", "<none>" for no ports. */
export function portsCell(svc: Service): string {
  const pieces = portsOf(svc).map((p) => {
    const nodePort = numberOf(p.nodePort);
    const protocol = stringOf(p.protocol);
    return nodePort > 0 ? `${numberOf(p.port)}:${nodePort}/${protocol}` : `${numberOf(p.port)}/${protocol}`;
  });
  return pieces.length > 0 ? pieces.join(',') : '<none>';
}

export const services: ResourceDefinition<Service> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'services',
    singularName: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
  },
  nameValidator: nameIsDNS1035Label,
  strategy: serviceStrategy,
  generation: 'none',
  status: { strategy: serviceStatusStrategy },
  tableColumns: [
    stringColumn(
      'Type',
      'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.',
      (svc) => typeOf(svc),
    ),
    stringColumn(
      'Cluster-IP',
      'clusterIP is the IP address of the service and is usually assigned randomly.',
      (svc) => stringOf(specOf(svc).clusterIP) || '<none>',
    ),
    stringColumn(
      'External-IP',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
      externalIPCell,
    ),
    stringColumn('Port(s)', 'The list of ports that are exposed by this service.', portsCell),
    ageColumn(),
    stringColumn(
      'Selector',
      'Route service traffic to pods with label keys and values matching this selector.',
      (svc) => formatLabels(selectorOf(svc)),
      1,
    ),
  ],
  fieldLabels: (svc) => ({ 'spec.clusterIP': stringOf(specOf(svc).clusterIP), 'spec.type': typeOf(svc) }),
  allowCreateOnUpdate: true,
  returnDeletedObject: true,
  storagePrefix: '/services/specs',
};
