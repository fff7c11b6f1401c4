/**
 * discovery.k8s.io/v1 endpointslices: kube's pkg/registry/discovery/endpointslice
 * strategy, the v1 defaults and pkg/apis/discovery/validation, as one
 * ResourceDefinition. An EndpointSlice names its Service by the label
 * kubernetes.io/service-name (the aggregator finds a Service's backends
 * through it); nothing here requires that label, as in kube.
 */
import { isIP } from 'node:net';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FIELD_IMMUTABLE_ERROR_MSG } from '../../../apimachinery/validation/metadata-fields.js';
import { validateLabels } from '../../../apimachinery/validation/labels.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
} from '../../../apimachinery/validation/names.js';
import type { KubeObject } from '../../../registry/object.js';
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import { isValidPortNum, SUPPORTED_PORT_PROTOCOLS, validateNonSpecialIP } from '../../core/v1/network.js';
import { isRecord, recordsOf, type JsonObject } from '../../core/v1/values.js';
import { ageColumn } from '../../shared/age.js';

/** The label that ties a slice to its Service (discovery/v1 LabelServiceName). */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** The label naming the controller that manages a slice (discovery/v1 LabelManagedBy). */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN';

export interface EndpointConditions {
  ready?: boolean | null;
  serving?: boolean | null;
  terminating?: boolean | null;
}

export interface Endpoint extends JsonObject {
  addresses?: string[];
  conditions?: EndpointConditions;
  hostname?: string | null;
  nodeName?: string | null;
  zone?: string | null;
}

export interface EndpointPort extends JsonObject {
  name?: string | null;
  protocol?: string | null;
  port?: number | null;
  appProtocol?: string | null;
}

export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: Endpoint[] | null;
  ports?: EndpointPort[] | null;
}

const SUPPORTED_ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'] as const;
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ZONE_HINTS = 8;
const MAX_NODE_HINTS = 8;
const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

const ADDRESS_TYPE = FieldPath.of('addressType');
const ENDPOINTS = FieldPath.of('endpoints');
const PORTS = FieldPath.of('ports');

const stringMap = (v: unknown): Record<string, string> => {
  if (!isRecord(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

/** kube's IsFullyQualifiedDomainName: a DNS subdomain of two labels at least; one trailing dot is allowed. */
export function validateFullyQualifiedDomainName(value: string, path: FieldPath): field.FieldError[] {
  if (value === '') return [field.required(path)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const errs = isDNS1123Subdomain(name).map((msg) => field.invalid(path, value, msg));
  if (errs.length > 0) return errs;
  const labels = name.split('.');
  if (labels.length < 2) return [field.invalid(path, value, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) errs.push(...isDNS1123Label(label).map((msg) => field.invalid(path, label, msg)));
  return errs;
}

/** One address as its slice's addressType says; an unknown type leaves it unchecked (the type is refused itself). */
function validateAddress(addressType: string, address: unknown, path: FieldPath): field.FieldError[] {
  const value = typeof address === 'string' ? address : '';
  switch (addressType) {
    case 'IPv4':
      if (isIP(value) !== 4) return [field.invalid(path, value, 'must be a valid IPv4 address')];
      return validateNonSpecialIP(value, path);
    case 'IPv6':
      if (isIP(value) !== 6) return [field.invalid(path, value, 'must be a valid IPv6 address')];
      return validateNonSpecialIP(value, path);
    case 'FQDN':
      return validateFullyQualifiedDomainName(value, path);
    default:
      return [];
  }
}

function validateHints(hints: JsonObject, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const lists: [string, number][] = [
    ['forZones', MAX_ZONE_HINTS],
    ['forNodes', MAX_NODE_HINTS],
  ];
  for (const [key, max] of lists) {
    const listPath = path.child(key);
    const items = recordsOf(hints[key]);
    if (items.length > max) {
      errs.push(field.tooMany(listPath, items.length, max));
      continue;
    }
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const namePath = listPath.index(i).child('name');
      const name = typeof item.name === 'string' ? item.name : '';
      if (seen.has(name)) errs.push(field.duplicate(namePath, name));
      seen.add(name);
      const check = key === 'forZones' ? isValidLabelValue(name) : isDNS1123Subdomain(name);
      errs.push(...check.map((msg) => field.invalid(namePath, name, msg)));
    });
  }
  return errs;
}

function validateEndpoints(endpoints: unknown, addressType: string): field.FieldError[] {
  const list = recordsOf(endpoints);
  if (list.length > MAX_ENDPOINTS) return [field.tooMany(ENDPOINTS, list.length, MAX_ENDPOINTS)];
  const errs: field.FieldError[] = [];
  list.forEach((ep, i) => {
    const path = ENDPOINTS.index(i);
    const addrPath = path.child('addresses');
    const addresses = Array.isArray(ep.addresses) ? (ep.addresses as unknown[]) : [];
    if (addresses.length === 0) errs.push(field.required(addrPath, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errs.push(field.tooMany(addrPath, addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => errs.push(...validateAddress(addressType, a, addrPath.index(j))));
    if (typeof ep.nodeName === 'string') {
      const node = ep.nodeName;
      errs.push(...nameIsDNSSubdomain(node, false).map((msg) => field.invalid(path.child('nodeName'), node, msg)));
    }
    const topology = stringMap(ep.deprecatedTopology);
    const topologyPath = path.child('deprecatedTopology');
    const topologyCount = Object.keys(topology).length;
    if (topologyCount > MAX_TOPOLOGY_LABELS) errs.push(field.tooMany(topologyPath, topologyCount, MAX_TOPOLOGY_LABELS));
    errs.push(...validateLabels(topology, topologyPath));
    if (typeof ep.zone === 'string') errs.push(...validateLabels({ [LABEL_TOPOLOGY_ZONE]: ep.zone }, path.child('zone')));
    if (typeof ep.hostname === 'string') {
      const host = ep.hostname;
      errs.push(...isDNS1123Label(host).map((msg) => field.invalid(path.child('hostname'), host, msg)));
    }
    if (isRecord(ep.hints)) errs.push(...validateHints(ep.hints, path.child('hints')));
  });
  return errs;
}

function validatePorts(ports: unknown): field.FieldError[] {
  const list = recordsOf(ports);
  if (list.length > MAX_PORTS) return [field.tooMany(PORTS, list.length, MAX_PORTS)];
  const errs: field.FieldError[] = [];
  const names = new Set<string>();
  list.forEach((port, i) => {
    const path = PORTS.index(i);
    const name = typeof port.name === 'string' ? port.name : '';
    if (name !== '') errs.push(...isDNS1123Label(name).map((msg) => field.invalid(path.child('name'), name, msg)));
    if (names.has(name)) errs.push(field.duplicate(path.child('name'), name));
    names.add(name);
    const protocol = port.protocol;
    if (protocol === undefined || protocol === null || protocol === '') errs.push(field.required(path.child('protocol')));
    else if (typeof protocol !== 'string' || !(SUPPORTED_PORT_PROTOCOLS as readonly string[]).includes(protocol)) {
      errs.push(field.notSupported(path.child('protocol'), protocol, SUPPORTED_PORT_PROTOCOLS));
    }
    // An unset port means "any port" to the slice's consumers; a set one is a real port number.
    if (typeof port.port === 'number') {
      const num = port.port;
      errs.push(...isValidPortNum(num).map((msg) => field.invalid(path.child('port'), num, msg)));
    }
    if (typeof port.appProtocol === 'string') {
      const ap = port.appProtocol;
      errs.push(...isQualifiedName(ap).map((msg) => field.invalid(path.child('appProtocol'), ap, msg)));
    }
  });
  return errs;
}

function validateAddressType(addressType: unknown): field.FieldError[] {
  if (addressType === undefined || addressType === null || addressType === '') return [field.required(ADDRESS_TYPE)];
  if (typeof addressType !== 'string' || !(SUPPORTED_ADDRESS_TYPES as readonly string[]).includes(addressType)) {
    return [field.notSupported(ADDRESS_TYPE, addressType, SUPPORTED_ADDRESS_TYPES)];
  }
  return [];
}

/** kube's ValidateEndpointSlice (metadata is the Store's). */
export function validateEndpointSlice(slice: EndpointSlice): field.FieldError[] {
  const addressType = typeof slice.addressType === 'string' ? slice.addressType : '';
  return [...validateAddressType(slice.addressType), ...validateEndpoints(slice.endpoints, addressType), ...validatePorts(slice.ports)];
}

/** kube's ValidateEndpointSliceUpdate: as on create, and addressType may not change. */
export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): field.FieldError[] {
  const errs = validateEndpointSlice(slice);
  if ((slice.addressType ?? '') !== (old.addressType ?? '')) errs.push(field.invalid(ADDRESS_TYPE, slice.addressType ?? '', FIELD_IMMUTABLE_ERROR_MSG));
  return errs;
}

export const endpointSliceStrategy: Strategy<EndpointSlice> = {
  defaults(slice) {
    // discovery/v1 defaults: a port's protocol is TCP and its name "".
    for (const port of recordsOf(slice.ports)) {
      if (port.protocol === undefined || port.protocol === null) port.protocol = 'TCP';
      if (port.name === undefined || port.name === null) port.name = '';
    }
  },
  validate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
};

/** kube's listWithMoreString: at most three, then "+ N more..."; an empty list is "<unset>". */
function listWithMore(items: string[], max = 3): string {
  if (items.length > max) return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
  return items.length === 0 ? '<unset>' : items.join(',');
}

/** kube's formatDiscoveryPorts: a port's number, else its name, else "*". */
export function formatSlicePorts(slice: EndpointSlice): string {
  return listWithMore(
    recordsOf(slice.ports).map((p) => (typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*')),
  );
}

/** kube's formatDiscoveryEndpoints: every address of every endpoint. */
export function formatSliceEndpoints(slice: EndpointSlice): string {
  return listWithMore(recordsOf(slice.endpoints).flatMap((e) => (Array.isArray(e.addresses) ? e.addresses.filter((a): a is string => typeof a === 'string') : [])));
}

export const endpointSliceColumns: TableColumn<EndpointSlice>[] = [
  {
    name: 'AddressType',
    type: 'string',
    description:
      'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. ' +
      'This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. ' +
      '* IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.',
    priority: 0,
    cell: (s) => (typeof s.addressType === 'string' ? s.addressType : ''),
  },
  {
    name: 'Ports',
    type: 'string',
    description:
      'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. ' +
      'When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, ' +
      'it indicates "all ports". Each slice may include a maximum of 100 ports.',
    priority: 0,
    cell: formatSlicePorts,
  },
  {
    name: 'Endpoints',
    type: 'string',
    description: 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.',
    priority: 0,
    cell: formatSliceEndpoints,
  },
  ageColumn<EndpointSlice>(),
];

export const endpointSlices: ResourceDefinition<EndpointSlice> = {
  info: {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    singularName: 'endpointslice',
    kind: 'EndpointSlice',
    namespaced: true,
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: endpointSliceStrategy,
  // kube bumps a slice's generation on every change outside metadata.
  generation: 'spec',
  tableColumns: endpointSliceColumns,
};
