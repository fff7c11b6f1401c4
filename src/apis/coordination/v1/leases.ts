/**
 * coordination.k8s.io/v1 leases: kube's pkg/registry/coordination/lease and
 * coordination validation (1.32, CoordinatedLeaderElection off, as by default).
 */
import type { KubeObject } from '../../../registry/object.js';
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { ageColumn } from '../../shared/age.js';

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number | null;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number | null;
  strategy?: string | null;
  preferredHolder?: string | null;
  [field: string]: unknown;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

const SPEC = FieldPath.of('spec');
const VALID_LEASE_STRATEGIES = ['OldestEmulationVersion'];

const specOf = (l: Lease): LeaseSpec =>
  typeof l.spec === 'object' && l.spec !== null && !Array.isArray(l.spec) ? l.spec : {};

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** kube's ValidateCoordinatedLeaseStrategy; kube appends "strategy" to a path that already ends in it. */
function validateCoordinatedLeaseStrategy(strategy: string, path: FieldPath): field.FieldError[] {
  const p = path.child('strategy');
  if (strategy.split('/').length === 1) {
    return VALID_LEASE_STRATEGIES.includes(strategy) ? [] : [field.notSupported(p, strategy, VALID_LEASE_STRATEGIES)];
  }
  return isQualifiedName(strategy).map((msg) => field.invalid(p, strategy, msg));
}

/** kube's ValidateLeaseSpec. */
export function validateLeaseSpec(spec: LeaseSpec, path: FieldPath = SPEC): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) {
    errs.push(field.invalid(path.child('leaseDurationSeconds'), duration, 'must be greater than 0'));
  }
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) {
    errs.push(field.invalid(path.child('leaseTransitions'), transitions, 'must be greater than or equal to 0'));
  }
  if (typeof spec.strategy === 'string') errs.push(...validateCoordinatedLeaseStrategy(spec.strategy, path.child('strategy')));
  if (spec.preferredHolder && !spec.strategy) {
    errs.push(field.forbidden(path.child('preferredHolder'), 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const leaseStrategy: Strategy<Lease> = {
  prepareForCreate(l) {
    // The CoordinatedLeaderElection fields are dropped while the (alpha) gate is off.
    const spec = specOf(l);
    delete spec.strategy;
    delete spec.preferredHolder;
  },
  prepareForUpdate(l, old) {
    // Kept only when the stored object already uses them.
    const spec = specOf(l);
    const oldSpec = specOf(old);
    if (!isSet(oldSpec.strategy)) delete spec.strategy;
    if (!isSet(oldSpec.preferredHolder)) delete spec.preferredHolder;
  },
  validate: (l) => validateLeaseSpec(specOf(l)),
  validateUpdate: (l) => validateLeaseSpec(specOf(l)),
};

export const leaseColumns: TableColumn<Lease>[] = [
  {
    name: 'Holder',
    type: 'string',
    description:
      'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, ' +
      'the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
    priority: 0,
    cell: (l) => (typeof specOf(l).holderIdentity === 'string' ? (specOf(l).holderIdentity as string) : ''),
  },
  ageColumn<Lease>(),
];

export const leases: ResourceDefinition<Lease> = {
  info: {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    singularName: 'lease',
    kind: 'Lease',
    namespaced: true,
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: leaseStrategy,
  generation: 'none',
  tableColumns: leaseColumns,
  // kube: a Lease may be created with PUT, and a PUT must carry a resourceVersion.
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: false,
};
