/**
 * networking.k8s.io/v1 networkpolicies: networking/v1 defaults (policyTypes,
 * port protocols), ValidateNetworkPolicy* and the network policy printer, as
 * one ResourceDefinition. Nothing enforces them.
 */
import { isIP } from 'node:net';
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { validateLabelSelector } from '../../../apimachinery/validation/labels.js';
import type { LabelSelectorSpec } from '../../../apimachinery/labels.js';
import { ageColumn } from '../../shared/age.js';
import { formatLabelSelector } from '../../apps/v1/workload-helpers.js';
import { isValidPortName, isValidPortNum } from '../../core/v1/network.js';
import { isRecord, recordsOf, stringOf, stringsOf, type JsonObject } from '../../core/v1/values.js';

export interface NetworkPolicy extends KubeObject {
  spec?: JsonObject;
}

const SPEC = FieldPath.of('spec');
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];
const INVALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

const specOf = (np: NetworkPolicy): JsonObject => (isRecord(np.spec) ? np.spec : {});

/** kube's SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort. */
export function defaultNetworkPolicy(np: NetworkPolicy): void {
  if (!isRecord(np.spec)) np.spec = {};
  const spec = np.spec;
  if (!isRecord(spec.podSelector)) spec.podSelector = {};
  for (const [rules] of [[recordsOf(spec.ingress)], [recordsOf(spec.egress)]]) {
    for (const rule of rules) for (const port of recordsOf(rule.ports)) port.protocol ??= 'TCP';
  }
  if (stringsOf(spec.policyTypes).length === 0) {
    spec.policyTypes = recordsOf(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

/** A CIDR as Go's net.ParseCIDR reads it: address and prefix length, or undefined. */
function parseCIDR(cidr: string): { bits: bigint; prefix: number; width: number } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return undefined;
  const family = isIP(m[1]);
  const prefix = Number(m[2]);
  const width = family === 4 ? 32 : family === 6 ? 128 : 0;
  if (width === 0 || prefix > width) return undefined;
  return { bits: addressBits(m[1], family), prefix, width };
}

function addressBits(ip: string, family: number): bigint {
  if (family === 4) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  const [head, tail = ''] = ip.includes('::') ? ip.split('::') : [ip, undefined as unknown as string];
  const parse = (s: string): number[] =>
    s === '' ? [] : s.split(':').flatMap((g) => (g.includes('.') ? [(addressBits(g, 4) >> 16n) & 0xffffn, addressBits(g, 4) & 0xffffn].map(Number) : [parseInt(g, 16)]));
  const h = parse(head);
  const t = ip.includes('::') ? parse(tail) : [];
  const groups = ip.includes('::') ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function contains(net: { bits: bigint; prefix: number; width: number }, ip: bigint): boolean {
  const shift = BigInt(net.width - net.prefix);
  return net.bits >> shift === ip >> shift;
}

function validateIPBlock(block: JsonObject, path: FieldPath): field.FieldError[] {
  const cidr = stringOf(block.cidr);
  if (!cidr) return [field.required(path.child('cidr'))];
  const net = parseCIDR(cidr);
  if (!net) return [field.invalid(path.child('cidr'), cidr, INVALID_CIDR)];
  const errs: field.FieldError[] = [];
  stringsOf(block.except).forEach((except, i) => {
    const p = path.child('except').index(i);
    const sub = parseCIDR(except);
    if (!sub) errs.push(field.invalid(p, except, INVALID_CIDR));
    else if (sub.width !== net.width || !contains(net, sub.bits) || net.prefix >= sub.prefix) {
      errs.push(field.invalid(p, except, 'must be a strict subset of `cidr`'));
    }
  });
  return errs;
}

function validatePeer(peer: JsonObject, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  let peers = 0;
  for (const key of ['podSelector', 'namespaceSelector'] as const) {
    if (!isRecord(peer[key])) continue;
    peers++;
    errs.push(...validateLabelSelector(peer[key] as LabelSelectorSpec, { allowInvalidLabelValueInSelector: false }, path.child(key)));
  }
  const ipBlock = isRecord(peer.ipBlock) ? peer.ipBlock : undefined;
  if (ipBlock) {
    peers++;
    errs.push(...validateIPBlock(ipBlock, path.child('ipBlock')));
  }
  if (peers === 0) errs.push(field.required(path, 'must specify a peer'));
  else if (peers > 1 && ipBlock) errs.push(field.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validatePort(port: JsonObject, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const protocol = port.protocol;
  if (protocol !== undefined && protocol !== null && !PROTOCOLS.includes(String(protocol))) {
    errs.push(field.notSupported(path.child('protocol'), protocol, PROTOCOLS));
  }
  const p = port.port;
  const endPort = typeof port.endPort === 'number' ? port.endPort : undefined;
  if (typeof p === 'number') {
    errs.push(...isValidPortNum(p).map((msg) => field.invalid(path.child('port'), p, msg)));
    if (endPort !== undefined) {
      if (endPort < p) errs.push(field.invalid(path.child('endPort'), p, 'must be greater than or equal to `port`'));
      errs.push(...isValidPortNum(endPort).map((msg) => field.invalid(path.child('endPort'), endPort, msg)));
    }
  } else if (typeof p === 'string') {
    if (endPort !== undefined) errs.push(field.invalid(path.child('endPort'), endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...isValidPortName(p).map((msg) => field.invalid(path.child('port'), p, msg)));
  } else if (endPort !== undefined) {
    errs.push(field.invalid(path.child('endPort'), endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

/** kube's ValidateNetworkPolicySpec. */
export function validateNetworkPolicy(np: NetworkPolicy): field.FieldError[] {
  const spec = specOf(np);
  const errs = validateLabelSelector(
    (isRecord(spec.podSelector) ? spec.podSelector : {}) as LabelSelectorSpec,
    { allowInvalidLabelValueInSelector: false },
    SPEC.child('podSelector'),
  );
  for (const [key, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    recordsOf(spec[key]).forEach((rule, i) => {
      const p = SPEC.child(key).index(i);
      recordsOf(rule.ports).forEach((port, j) => errs.push(...validatePort(port, p.child('ports').index(j))));
      recordsOf(rule[peersKey]).forEach((peer, j) => errs.push(...validatePeer(peer, p.child(peersKey).index(j))));
    });
  }
  const types = Array.isArray(spec.policyTypes) ? (spec.policyTypes as unknown[]) : [];
  if (types.length > POLICY_TYPES.length) {
    errs.push(field.invalid(SPEC.child('policyTypes'), types, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(String(t))) errs.push(field.notSupported(SPEC.child('policyTypes').index(i), t, POLICY_TYPES));
  });
  return errs;
}

export const networkPolicyStrategy: Strategy<NetworkPolicy> = {
  defaults: defaultNetworkPolicy,
  validate: validateNetworkPolicy,
  validateUpdate: validateNetworkPolicy,
};

export const networkPolicyColumns: TableColumn<NetworkPolicy>[] = [
  {
    name: 'Pod-Selector',
    type: 'string',
    description:
      "Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.",
    priority: 0,
    cell: (np) => formatLabelSelector((isRecord(specOf(np).podSelector) ? specOf(np).podSelector : {}) as LabelSelectorSpec),
  },
  ageColumn<NetworkPolicy>(),
];

export const networkPolicies: ResourceDefinition<NetworkPolicy> = {
  info: {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    singularName: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: networkPolicyStrategy,
  generation: 'spec',
  tableColumns: networkPolicyColumns,
};
