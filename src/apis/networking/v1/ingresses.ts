/**
 * networking.k8s.io/v1 ingresses: kube's pkg/registry/networking/ingress
 * strategy, ValidateIngress* (rules, paths, backends, TLS, class) and the
 * ingress printer, as one ResourceDefinition. Nothing routes traffic.
 */
import { isIP } from 'node:net';
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import { metaOf, type KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import {
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  isDNS1123Subdomain,
  maxLenError,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
  regexError,
} from '../../../apimachinery/validation/names.js';
import { ageColumn } from '../../shared/age.js';
import { isValidPortName, isValidPortNum } from '../../core/v1/network.js';
import { isRecord, recordsOf, stringOf, stringsOf, type JsonObject } from '../../core/v1/values.js';

export interface Ingress extends KubeObject {
  spec?: JsonObject;
  status?: JsonObject;
}

const SPEC = FieldPath.of('spec');
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const WILDCARD_FMT = `\\*\\.${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const WILDCARD_RE = new RegExp(`^${WILDCARD_FMT}$`);

/** kube's IsWildcardDNS1123Subdomain. */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!WILDCARD_RE.test(value)) {
    errs.push(
      regexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        WILDCARD_FMT,
        '*.example.com',
      ),
    );
  }
  return errs;
}

const hostErrors = (host: string): string[] => (host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host));

function validateBackend(backend: JsonObject, path: FieldPath): field.FieldError[] {
  const resource = isRecord(backend.resource) ? backend.resource : undefined;
  const service = isRecord(backend.service) ? backend.service : undefined;
  if (resource && service) return [field.invalid(path, '', 'cannot set both resource and service backends')];
  if (resource) {
    const errs: field.FieldError[] = [];
    if (!stringOf(resource.kind)) errs.push(field.required(path.child('resource', 'kind')));
    if (!stringOf(resource.name)) errs.push(field.required(path.child('resource', 'name')));
    return errs;
  }
  if (!service) return [field.invalid(path, '', 'resource or service backend is required')];
  const errs: field.FieldError[] = [];
  const name = stringOf(service.name);
  if (!name) errs.push(field.required(path.child('service', 'name')));
  else errs.push(...nameIsDNS1035Label(name, false).map((msg) => field.invalid(path.child('service', 'name'), name, msg)));
  const port = isRecord(service.port) ? service.port : {};
  const portName = stringOf(port.name);
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portName && portNumber !== 0) errs.push(field.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...isValidPortName(portName).map((msg) => field.invalid(path.child('service', 'port', 'name'), portName, msg)));
  else if (portNumber !== 0) {
    errs.push(...isValidPortNum(portNumber).map((msg) => field.invalid(path.child('service', 'port', 'number'), portNumber, msg)));
  } else errs.push(field.required(path, 'port name or number is required'));
  return errs;
}

function validatePath(p: JsonObject, path: FieldPath): field.FieldError[] {
  const pathType = p.pathType;
  if (pathType === undefined || pathType === null) return [field.required(path.child('pathType'), 'pathType must be specified')];
  const errs: field.FieldError[] = [];
  const value = stringOf(p.path);
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(field.invalid(path.child('path'), value, 'must be an absolute path'));
    if (value.length > 0) {
      for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(field.invalid(path.child('path'), value, `must not contain '${seq}'`));
      for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.push(field.invalid(path.child('path'), value, `cannot end with '${suffix}'`));
    }
  } else if (pathType === 'ImplementationSpecific') {
    if (value.length > 0 && !value.startsWith('/')) errs.push(field.invalid(path.child('path'), value, 'must be an absolute path'));
  } else {
    errs.push(field.notSupported(path.child('pathType'), pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(isRecord(p.backend) ? p.backend : {}, path.child('backend')));
  return errs;
}

function validateRules(rules: JsonObject[], path: FieldPath): field.FieldError[] {
  return rules.flatMap((rule, i) => {
    const p = path.index(i);
    const errs: field.FieldError[] = [];
    const host = stringOf(rule.host);
    if (host) {
      if (isIP(host) !== 0) errs.push(field.invalid(p.child('host'), host, 'must be a DNS name, not an IP address'));
      errs.push(...hostErrors(host).map((msg) => field.invalid(p.child('host'), host, msg)));
    }
    if (isRecord(rule.http)) {
      const paths = recordsOf(rule.http.paths);
      if (paths.length === 0) errs.push(field.required(p.child('http', 'paths')));
      paths.forEach((hp, j) => errs.push(...validatePath(hp, p.child('http', 'paths').index(j))));
    }
    return errs;
  });
}

function validateTLS(tls: JsonObject[], path: FieldPath): field.FieldError[] {
  return tls.flatMap((t, i) => {
    const p = path.index(i);
    const errs = stringsOf(t.hosts).flatMap((host, j) => hostErrors(host).map((msg) => field.invalid(p.child('hosts').index(j), host, msg)));
    const secret = stringOf(t.secretName);
    if (secret) errs.push(...nameIsDNSSubdomain(secret, false).map((msg) => field.invalid(p.child('secretName'), secret, msg)));
    return errs;
  });
}

/** kube's ValidateIngressSpec. */
export function validateIngressSpec(spec: JsonObject, path: FieldPath = SPEC): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const rules = recordsOf(spec.rules);
  if (rules.length === 0 && !isRecord(spec.defaultBackend)) {
    errs.push(field.invalid(path, Array.isArray(spec.rules) ? spec.rules : null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isRecord(spec.defaultBackend)) errs.push(...validateBackend(spec.defaultBackend, path.child('defaultBackend')));
  errs.push(...validateRules(rules, path.child('rules')));
  errs.push(...validateTLS(recordsOf(spec.tls), path.child('tls')));
  if (typeof spec.ingressClassName === 'string') {
    const name = spec.ingressClassName;
    errs.push(...nameIsDNSSubdomain(name, false).map((msg) => field.invalid(path.child('ingressClassName'), name, msg)));
  }
  return errs;
}

const specOf = (ing: Ingress): JsonObject => (isRecord(ing.spec) ? ing.spec : {});
const statusOf = (ing: Ingress): JsonObject => (isRecord(ing.status) ? ing.status : {});

/** kube's ValidateIngressCreate (metadata aside): the spec, and a class annotation that agrees with ingressClassName. */
export function validateIngress(ing: Ingress): field.FieldError[] {
  const errs = validateIngressSpec(specOf(ing));
  const annotation = metaOf(ing).annotations?.[INGRESS_CLASS_ANNOTATION];
  const className = specOf(ing).ingressClassName;
  if (annotation !== undefined && typeof className === 'string' && annotation !== className) {
    errs.push(field.invalid(FieldPath.of('annotations').child(INGRESS_CLASS_ANNOTATION), annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

function loadBalancerIngress(ing: Ingress): JsonObject[] {
  const lb = statusOf(ing).loadBalancer;
  return recordsOf(isRecord(lb) ? lb.ingress : undefined);
}

/** kube's validateIngressLoadBalancerStatus. */
export function validateIngressStatus(ing: Ingress): field.FieldError[] {
  const path = FieldPath.of('status', 'loadBalancer', 'ingress');
  return loadBalancerIngress(ing).flatMap((entry, i) => {
    const errs: field.FieldError[] = [];
    const ip = stringOf(entry.ip);
    const hostname = stringOf(entry.hostname);
    if (ip && isIP(ip) === 0) errs.push(field.invalid(path.index(i).child('ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    if (hostname) {
      errs.push(...isDNS1123Subdomain(hostname).map((msg) => field.invalid(path.index(i).child('hostname'), hostname, msg)));
      if (isIP(hostname) !== 0) errs.push(field.invalid(path.index(i).child('hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
    return errs;
  });
}

export const ingressStrategy: Strategy<Ingress> = {
  prepareForCreate(ing) {
    // Go serializes the empty IngressStatus with its (non-pointer) loadBalancer.
    ing.status = { loadBalancer: {} };
  },
  validate: validateIngress,
  validateUpdate: (ing) => validateIngressSpec(specOf(ing)),
};

export const ingressStatusStrategy: Strategy<Ingress> = {
  prepareForUpdate(ing, old) {
    ing.spec = structuredClone(old.spec);
  },
  validateUpdate: validateIngressStatus,
};

/** kube's formatHosts: up to three hosts, "*" for none. */
export function formatHosts(rules: JsonObject[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    const host = stringOf(rule.host);
    if (!more && host) list.push(host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

/** kube's ingressLoadBalancerStatusStringer (server tables are always wide: no truncation). */
function addressCell(ing: Ingress): string {
  const seen = new Set<string>();
  for (const entry of loadBalancerIngress(ing)) {
    const v = stringOf(entry.ip) || stringOf(entry.hostname);
    if (v) seen.add(v);
  }
  return [...seen].sort().join(',');
}

export const ingressColumns: TableColumn<Ingress>[] = [
  {
    name: 'Class',
    type: 'string',
    description: 'The name of the IngressClass resource that should be used for additional configuration',
    priority: 0,
    cell: (ing) => (typeof specOf(ing).ingressClassName === 'string' ? (specOf(ing).ingressClassName as string) : '<none>'),
  },
  {
    name: 'Hosts',
    type: 'string',
    description: 'Hosts that incoming requests are matched against before the ingress rule',
    priority: 0,
    cell: (ing) => formatHosts(recordsOf(specOf(ing).rules)),
  },
  { name: 'Address', type: 'string', description: 'Address is a list containing ingress points for the load-balancer', priority: 0, cell: addressCell },
  {
    name: 'Ports',
    type: 'string',
    description: 'Ports of TLS configurations that open',
    priority: 0,
    cell: (ing) => (recordsOf(specOf(ing).tls).length > 0 ? '80, 443' : '80'),
  },
  ageColumn<Ingress>(),
];

export const ingresses: ResourceDefinition<Ingress> = {
  info: {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingresses',
    singularName: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: ingressStrategy,
  generation: 'spec',
  status: { strategy: ingressStatusStrategy },
  tableColumns: ingressColumns,
};
