/**
 * kube's ValidateService, ValidateServiceUpdate and ValidateServiceStatusUpdate
 * (Kubernetes 1.32) for the fields clients set: type, ports, selector,
 * session affinity, cluster IPs and families, external IPs, traffic policies.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../../apimachinery/validation/names.js';
import { validateLabels } from '../../../apimachinery/validation/labels.js';
import {
  isIPv6String,
  isValidIP,
  isValidPortNum,
  validateNonSpecialIP,
  validatePortNumOrName,
  validateProtocol,
} from './network.js';
import { NODE_PORT_MAX, NODE_PORT_MIN } from './cluster-ip.js';
import {
  clusterIPsOf,
  isHeadless,
  portsOf,
  specOf,
  typeOf,
  type Service,
} from './service-types.js';
import { isRecord, numberOf, recordsOf, stringOf, stringsOf, type JsonObject } from './values.js';

const SPEC = FieldPath.of('spec');
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const MAX_CLIENT_IP_TIMEOUT = 86400;

const dns1123Label = (value: string, path: FieldPath): field.FieldError[] =>
  isDNS1123Label(value).map((msg) => field.invalid(path, value, msg));

function validateServicePort(
  port: JsonObject,
  requireName: boolean,
  names: Set<string>,
  path: FieldPath,
): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const name = stringOf(port.name);
  if (requireName && !name) errs.push(field.required(path.child('name')));
  else if (name) {
    errs.push(...dns1123Label(name, path.child('name')));
    if (names.has(name)) errs.push(field.duplicate(path.child('name'), name));
    else names.add(name);
  }
  const num = numberOf(port.port);
  errs.push(...isValidPortNum(num).map((msg) => field.invalid(path.child('port'), num, msg)));
  errs.push(...validateProtocol(port.protocol, path.child('protocol')));
  errs.push(...validatePortNumOrName(port.targetPort, path.child('targetPort')));
  if (typeof port.appProtocol === 'string') {
    const ap = port.appProtocol;
    errs.push(...isQualifiedName(ap).map((msg) => field.invalid(path.child('appProtocol'), ap, msg)));
  }
  return errs;
}

function validatePorts(svc: Service): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const ports = portsOf(svc);
  const portsPath = SPEC.child('ports');
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, portsPath.index(i))));
  const type = typeOf(svc);
  const nodePorts = new Set<string>();
  const pairs = new Set<string>();
  ports.forEach((p, i) => {
    const nodePort = numberOf(p.nodePort);
    const path = portsPath.index(i);
    if (nodePort !== 0) {
      if (type === 'ClusterIP') errs.push(field.forbidden(path.child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
      else if (nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX) {
        errs.push(
          field.invalid(
            path.child('nodePort'),
            nodePort,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
          ),
        );
      }
      const key = `${stringOf(p.protocol)}/${nodePort}`;
      if (nodePorts.has(key)) errs.push(field.duplicate(path.child('nodePort'), nodePort));
      nodePorts.add(key);
    }
    const pair = `${stringOf(p.protocol)}/${numberOf(p.port)}`;
    if (pairs.has(pair)) errs.push(field.duplicate(path, { port: numberOf(p.port), protocol: stringOf(p.protocol) }));
    pairs.add(pair);
  });
  return errs;
}

function validateTypeSpecific(svc: Service): field.FieldError[] {
  const spec = specOf(svc);
  const errs: field.FieldError[] = [];
  const ips = clusterIPsOf(svc);
  switch (typeOf(svc)) {
    case 'LoadBalancer':
    case 'NodePort':
      if (isHeadless(svc)) {
        errs.push(field.invalid(SPEC.child('clusterIPs').index(0), ips[0], `may not be set to 'None' for ${typeOf(svc)} services`));
      }
      break;
    case 'ExternalName': {
      if (ips.length > 0) errs.push(field.forbidden(SPEC.child('clusterIPs'), 'may not be set for ExternalName services'));
      if (stringsOf(spec.ipFamilies).length > 0) {
        errs.push(field.forbidden(SPEC.child('ipFamilies'), 'may not be set for ExternalName services'));
      }
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) {
        errs.push(field.forbidden(SPEC.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
      }
      // A trailing dot marks the CNAME fully qualified.
      const cname = stringOf(spec.externalName).replace(/\.$/, '');
      if (cname) errs.push(...isDNS1123Subdomain(cname).map((msg) => field.invalid(SPEC.child('externalName'), cname, msg)));
      else errs.push(field.required(SPEC.child('externalName')));
      break;
    }
  }
  return errs;
}

function validateSessionAffinity(spec: JsonObject): field.FieldError[] {
  const affinity = stringOf(spec.sessionAffinity);
  const path = SPEC.child('sessionAffinity');
  if (!affinity) return [field.required(path)];
  if (!SESSION_AFFINITIES.includes(affinity)) return [field.notSupported(path, affinity, SESSION_AFFINITIES)];
  const configPath = SPEC.child('sessionAffinityConfig');
  if (affinity === 'None') {
    return spec.sessionAffinityConfig ? [field.forbidden(configPath, 'must not be set when session affinity is None')] : [];
  }
  const config = isRecord(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
  const clientIP = config && isRecord(config.clientIP) ? config.clientIP : undefined;
  if (!config) return [field.required(configPath, 'when session affinity type is ClientIP')];
  if (!clientIP) return [field.required(configPath.child('clientIP'), 'when session affinity type is ClientIP')];
  const timeout = clientIP.timeoutSeconds;
  const timeoutPath = configPath.child('clientIP', 'timeoutSeconds');
  if (timeout === undefined || timeout === null) return [field.required(timeoutPath, 'when session affinity type is ClientIP')];
  if (typeof timeout !== 'number' || timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT) {
    return [field.invalid(timeoutPath, timeout, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}s`)];
  }
  return [];
}

/** kube's ValidateServiceClusterIPsRelatedFields. */
function validateClusterIPs(svc: Service): field.FieldError[] {
  if (typeOf(svc) === 'ExternalName') return [];
  const spec = specOf(svc);
  const errs: field.FieldError[] = [];
  const ipsPath = SPEC.child('clusterIPs');
  const clusterIP = stringOf(spec.clusterIP);
  const ips = clusterIPsOf(svc);
  if (clusterIP) {
    if (ips.length === 0) errs.push(field.required(ipsPath));
    else if (ips[0] !== clusterIP) errs.push(field.invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(field.invalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }
  const families = stringsOf(spec.ipFamilies);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(field.notSupported(SPEC.child('ipFamilies').index(i), f, IP_FAMILIES));
    if (seen.has(f)) errs.push(field.duplicate(SPEC.child('ipFamilies').index(i), f));
    seen.add(f);
  });
  const policy = spec.ipFamilyPolicy;
  if (policy !== undefined && policy !== null && !IP_FAMILY_POLICIES.includes(stringOf(policy))) {
    errs.push(field.notSupported(SPEC.child('ipFamilyPolicy'), policy, IP_FAMILY_POLICIES));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(field.invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const msgs = isValidIP(ip);
    if (msgs.length > 0) badIPs = true;
    errs.push(...msgs.map((msg) => field.invalid(ipsPath.index(i), ip, msg)));
  });
  if (ips.length > 2) errs.push(field.invalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length > 1 && isIPv6String(ips[0]) === isIPv6String(ips[1])) {
    errs.push(field.invalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(svc)) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === 'IPv4' && isIPv6String(ip)) {
        errs.push(field.invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (families[i] === 'IPv6' && !isIPv6String(ip)) {
        errs.push(field.invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}

function validateTrafficPolicies(svc: Service): field.FieldError[] {
  const spec = specOf(svc);
  const errs: field.FieldError[] = [];
  const internal = spec.internalTrafficPolicy;
  if (internal === undefined || internal === null) {
    // Other types may leave it unset: kube never checked them, and kept it so.
    if (['ClusterIP', 'NodePort', 'LoadBalancer'].includes(typeOf(svc))) {
      errs.push(
        field.required(SPEC.child('internalTrafficPolicy'), "must be specified when `type` is 'ClusterIP', 'NodePort', or 'LoadBalancer'"),
      );
    }
  } else if (!TRAFFIC_POLICIES.includes(stringOf(internal))) {
    errs.push(field.notSupported(SPEC.child('internalTrafficPolicy'), internal, TRAFFIC_POLICIES));
  }
  const external = spec.externalTrafficPolicy;
  if (typeof external === 'string' && external !== '' && !TRAFFIC_POLICIES.includes(external)) {
    errs.push(field.notSupported(SPEC.child('externalTrafficPolicy'), external, TRAFFIC_POLICIES));
  }
  return errs;
}

export function validateService(svc: Service): field.FieldError[] {
  const spec = specOf(svc);
  const errs: field.FieldError[] = [];
  const type = typeOf(svc);
  if (portsOf(svc).length === 0 && !isHeadless(svc) && type !== 'ExternalName') errs.push(field.required(SPEC.child('ports')));
  errs.push(...validateTypeSpecific(svc));
  if (isRecord(spec.selector)) errs.push(...validateLabels(spec.selector as Record<string, string>, SPEC.child('selector')));
  errs.push(...validateSessionAffinity(spec));
  errs.push(...validateClusterIPs(svc));
  stringsOf(spec.externalIPs).forEach((ip, i) => {
    const path = SPEC.child('externalIPs').index(i);
    const msgs = isValidIP(ip);
    errs.push(...msgs.map((msg) => field.invalid(path, ip, msg)));
    if (msgs.length === 0) errs.push(...validateNonSpecialIP(ip, path));
  });
  if (!type) errs.push(field.required(SPEC.child('type')));
  else if (!SERVICE_TYPES.includes(type)) errs.push(field.notSupported(SPEC.child('type'), type, SERVICE_TYPES));
  errs.push(...validatePorts(svc));
  errs.push(...validateTrafficPolicies(svc));
  return errs;
}

/** The primary cluster IP never changes, except to or from ExternalName. */
function validateClusterIPsUpdate(svc: Service, old: Service): field.FieldError[] {
  if (typeOf(svc) === 'ExternalName' || typeOf(old) === 'ExternalName') return [];
  if (isHeadless(svc) && isHeadless(old)) return [];
  const ips = clusterIPsOf(svc);
  const oldIPs = clusterIPsOf(old);
  const path = SPEC.child('clusterIPs');
  const errs: field.FieldError[] = [];
  if (ips.length === oldIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(field.invalid(path.index(i), ips, 'may not change once set'));
    });
  } else if (ips.length < oldIPs.length) {
    if (ips.length === 0) errs.push(field.invalid(path.index(0), ips, 'primary clusterIP can not be unset'));
    else if (ips[0] !== oldIPs[0]) errs.push(field.invalid(path.index(0), ips, 'may not change once set'));
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(field.invalid(path.index(0), ips, 'may not change once set'));
  }
  return errs;
}

export const validateServiceUpdate = (svc: Service, old: Service): field.FieldError[] => [
  ...validateClusterIPsUpdate(svc, old),
  ...validateService(svc),
];

/** /status: load-balancer ingress points are IPs or DNS names. */
export function validateServiceStatus(svc: Service): field.FieldError[] {
  const status = isRecord(svc.status) ? svc.status : {};
  const lb = isRecord(status.loadBalancer) ? status.loadBalancer : {};
  const errs: field.FieldError[] = [];
  recordsOf(lb.ingress).forEach((ing, i) => {
    const path = FieldPath.of('status', 'loadBalancer', 'ingress').index(i);
    const ip = stringOf(ing.ip);
    if (ip) errs.push(...isValidIP(ip).map((msg) => field.invalid(path.child('ip'), ip, msg)));
    const host = stringOf(ing.hostname);
    if (host) {
      errs.push(...isDNS1123Subdomain(host).map((msg) => field.invalid(path.child('hostname'), host, msg)));
      if (isValidIP(host).length === 0) errs.push(field.invalid(path.child('hostname'), host, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}
