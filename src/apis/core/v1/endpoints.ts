/**
 * core/v1 endpoints: kube's pkg/registry/core/endpoint strategy, the v1
 * defaults and ValidateEndpoints, as one ResourceDefinition. Stored beside
 * services, under kube's /services/endpoints prefix.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { ageColumn, stringColumn } from './table-helpers.js';
import { isValidIP, isValidPortNum, validateNonSpecialIP, validateProtocol } from './network.js';
import { numberOf, recordsOf, stringOf, type JsonObject } from './values.js';

export interface Endpoints extends KubeObject {
  subsets?: JsonObject[] | null;
}

const SUBSETS = FieldPath.of('subsets');

function validateAddress(addr: JsonObject, path: FieldPath): field.FieldError[] {
  const ip = stringOf(addr.ip);
  const ipPath = path.child('ip');
  const errs = isValidIP(ip).map((msg) => field.invalid(ipPath, ip, msg));
  const hostname = stringOf(addr.hostname);
  if (hostname) errs.push(...isDNS1123Label(hostname).map((msg) => field.invalid(path.child('hostname'), hostname, msg)));
  if (typeof addr.nodeName === 'string') {
    const node = addr.nodeName;
    errs.push(...isDNS1123Subdomain(node).map((msg) => field.invalid(path.child('nodeName'), node, msg)));
  }
  errs.push(...validateNonSpecialIP(ip, ipPath));
  return errs;
}

function validatePort(port: JsonObject, requireName: boolean, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const name = stringOf(port.name);
  if (requireName && !name) errs.push(field.required(path.child('name')));
  else if (name) errs.push(...isDNS1123Label(name).map((msg) => field.invalid(path.child('name'), name, msg)));
  const num = numberOf(port.port);
  errs.push(...isValidPortNum(num).map((msg) => field.invalid(path.child('port'), num, msg)));
  errs.push(...validateProtocol(port.protocol, path.child('protocol')));
  if (typeof port.appProtocol === 'string') {
    const ap = port.appProtocol;
    errs.push(...isQualifiedName(ap).map((msg) => field.invalid(path.child('appProtocol'), ap, msg)));
  }
  return errs;
}

export function validateEndpoints(ep: Endpoints): field.FieldError[] {
  const errs: field.FieldError[] = [];
  recordsOf(ep.subsets).forEach((ss, i) => {
    const path = SUBSETS.index(i);
    const addresses = recordsOf(ss.addresses);
    const notReady = recordsOf(ss.notReadyAddresses);
    // A headless service's endpoints may have no ports, but never no addresses.
    if (addresses.length === 0 && notReady.length === 0) {
      errs.push(field.required(path, 'must specify `addresses` or `notReadyAddresses`'));
    }
    addresses.forEach((a, j) => errs.push(...validateAddress(a, path.child('addresses').index(j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, path.child('notReadyAddresses').index(j))));
    const ports = recordsOf(ss.ports);
    ports.forEach((p, j) => errs.push(...validatePort(p, ports.length > 1, path.child('ports').index(j))));
  });
  return errs;
}

export const endpointsStrategy: Strategy<Endpoints> = {
  defaults(ep) {
    for (const ss of recordsOf(ep.subsets)) for (const port of recordsOf(ss.ports)) if (!port.protocol) port.protocol = 'TCP';
  },
  validate: validateEndpoints,
  validateUpdate: validateEndpoints,
};

/** kube's formatEndpoints: the first three `ip:port` (or bare IPs for portless subsets), then "+ N more...". */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = recordsOf(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const ss of subsets) {
    const addresses = recordsOf(ss.addresses).map((a) => stringOf(a.ip));
    const ports = recordsOf(ss.ports);
    const groups = ports.length === 0 ? [addresses] : ports.map((p) => addresses.map((ip) => hostPort(ip, numberOf(p.port))));
    for (const group of groups) {
      count += group.length;
      for (const entry of group) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(entry);
      }
    }
  }
  return more ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

export const endpoints: ResourceDefinition<Endpoints> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'endpoints',
    singularName: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    shortNames: ['ep'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: endpointsStrategy,
  generation: 'none',
  tableColumns: [
    stringColumn(
      'Endpoints',
      'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share.',
      formatEndpoints,
    ),
    ageColumn(),
  ],
  allowCreateOnUpdate: true,
  storagePrefix: '/services/endpoints',
};
