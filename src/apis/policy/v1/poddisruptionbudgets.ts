/**
 * policy/v1 poddisruptionbudgets: kube's pkg/registry/policy/poddisruptionbudget
 * strategy, ValidatePodDisruptionBudget* and the PDB printer, as one
 * ResourceDefinition. Stored and validated; nothing computes disruptions.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { validateLabelSelector } from '../../../apimachinery/validation/labels.js';
import { ageColumn } from '../../shared/age.js';
import { isRecord, type IntOrString } from '../../apps/v1/types.js';
import {
  count,
  isNotMoreThan100Percent,
  isSet,
  nonnegativeCounters,
  selectorOf,
  validatePositiveIntOrPercent,
} from '../../apps/v1/workload-helpers.js';

export interface PodDisruptionBudgetSpec {
  minAvailable?: IntOrString | null;
  maxUnavailable?: IntOrString | null;
  selector?: Record<string, unknown> | null;
  unhealthyPodEvictionPolicy?: string | null;
  [field: string]: unknown;
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: PodDisruptionBudgetSpec;
  status?: Record<string, unknown>;
}

const SPEC = FieldPath.of('spec');
const STATUS = FieldPath.of('status');
const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

const specOf = (p: PodDisruptionBudget): PodDisruptionBudgetSpec => (isRecord(p.spec) ? p.spec : {});
const statusOf = (p: PodDisruptionBudget): Record<string, unknown> => (isRecord(p.status) ? p.status : {});

/** kube's ValidatePodDisruptionBudgetSpec. */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): field.FieldError[] {
  const spec = specOf(pdb);
  const errs: field.FieldError[] = [];
  // kube prints the whole spec struct here (%#v, with pointers); JSON stands in for it.
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) errs.push(field.invalid(SPEC, spec, 'minAvailable and maxUnavailable cannot be both set'));
  for (const key of ['minAvailable', 'maxUnavailable'] as const) {
    const v = spec[key];
    if (!isSet(v)) continue;
    errs.push(...validatePositiveIntOrPercent(v, SPEC.child(key)), ...isNotMoreThan100Percent(v, SPEC.child(key)));
  }
  const selector = selectorOf(spec.selector);
  if (selector) errs.push(...validateLabelSelector(selector, { allowInvalidLabelValueInSelector: false }, SPEC.child('selector')));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && !EVICTION_POLICIES.includes(String(policy))) {
    errs.push(field.notSupported(SPEC.child('unhealthyPodEvictionPolicy'), policy, EVICTION_POLICIES));
  }
  return errs;
}

/** The counters of kube's ValidatePodDisruptionBudgetStatusUpdate. */
export const validatePodDisruptionBudgetStatus = (pdb: PodDisruptionBudget): field.FieldError[] =>
  nonnegativeCounters(statusOf(pdb), ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'], STATUS);

export const podDisruptionBudgetStrategy: Strategy<PodDisruptionBudget> = {
  prepareForCreate(pdb) {
    // The empty status as Go serializes it: the four counters are not omitempty.
    pdb.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  validate: validatePodDisruptionBudget,
  validateUpdate: validatePodDisruptionBudget,
};

export const podDisruptionBudgetStatusStrategy: Strategy<PodDisruptionBudget> = {
  prepareForUpdate(pdb, old) {
    pdb.spec = structuredClone(old.spec);
  },
  validateUpdate: validatePodDisruptionBudgetStatus,
};

const intOrStringCell = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : 'N/A');

export const podDisruptionBudgetColumns: TableColumn<PodDisruptionBudget>[] = [
  {
    name: 'Min Available',
    type: 'string',
    description: 'The minimum number of pods that must be available.',
    priority: 0,
    cell: (p) => intOrStringCell(specOf(p).minAvailable),
  },
  {
    name: 'Max Unavailable',
    type: 'string',
    description: 'The maximum number of pods that may be unavailable.',
    priority: 0,
    cell: (p) => intOrStringCell(specOf(p).maxUnavailable),
  },
  {
    name: 'Allowed Disruptions',
    type: 'integer',
    description: 'Calculated number of pods that may be disrupted at this time.',
    priority: 0,
    cell: (p) => count(statusOf(p).disruptionsAllowed),
  },
  ageColumn<PodDisruptionBudget>(),
];

export const podDisruptionBudgets: ResourceDefinition<PodDisruptionBudget> = {
  info: {
    group: 'policy',
    version: 'v1',
    resource: 'poddisruptionbudgets',
    singularName: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: podDisruptionBudgetStrategy,
  generation: 'spec',
  status: { strategy: podDisruptionBudgetStatusStrategy },
  tableColumns: podDisruptionBudgetColumns,
};
