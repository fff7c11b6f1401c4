/**
 * scheduling.k8s.io/v1 priorityclasses: defaults, ValidatePriorityClass* and
 * the priority class printer, as one ResourceDefinition. The admission rule
 * that only one class may be the global default needs a list and is not here.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import { metaOf, type KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { FIELD_IMMUTABLE_ERROR_MSG } from '../../../apimachinery/validation/metadata-fields.js';
import { ageColumn } from '../../shared/age.js';

export interface PriorityClass extends KubeObject {
  value?: number;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy?: string | null;
}

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
const SYSTEM_PREFIX = 'system-';
const SYSTEM_CLASSES: Record<string, { value: number; globalDefault: boolean }> = {
  'system-node-critical': { value: 2000001000, globalDefault: false },
  'system-cluster-critical': { value: 2000000000, globalDefault: false },
};
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];

const valueOf = (pc: PriorityClass): number => (typeof pc.value === 'number' ? pc.value : 0);

/** kube's IsKnownSystemPriorityClass, as the error it returns (undefined when known and matching). */
function systemClassError(pc: PriorityClass): string | undefined {
  const name = metaOf(pc).name ?? '';
  const known = SYSTEM_CLASSES[name];
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== valueOf(pc)) return `value of ${name} PriorityClass must be ${known.value}`;
  if (known.globalDefault !== (pc.globalDefault === true)) return `globalDefault of ${name} PriorityClass must be ${known.globalDefault}`;
  return undefined;
}

/** kube's ValidatePriorityClass (metadata aside). */
export function validatePriorityClass(pc: PriorityClass): field.FieldError[] {
  const errs: field.FieldError[] = [];
  if ((metaOf(pc).name ?? '').startsWith(SYSTEM_PREFIX)) {
    const why = systemClassError(pc);
    if (why) {
      errs.push(
        field.forbidden(FieldPath.of('metadata', 'name'), `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${why}`),
      );
    }
  } else if (valueOf(pc) > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(field.forbidden(FieldPath.of('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy = pc.preemptionPolicy;
  if (policy !== undefined && policy !== null) {
    if (policy === '') errs.push(field.required(FieldPath.of('preemptionPolicy')));
    else if (!PREEMPTION_POLICIES.includes(policy)) errs.push(field.notSupported(FieldPath.of('preemptionPolicy'), policy, PREEMPTION_POLICIES));
  }
  return errs;
}

/** kube's ValidatePriorityClassUpdate: value and preemptionPolicy never change. */
export function validatePriorityClassUpdate(pc: PriorityClass, old: PriorityClass): field.FieldError[] {
  const errs: field.FieldError[] = [];
  if (valueOf(pc) !== valueOf(old)) errs.push(field.forbidden(FieldPath.of('value'), 'may not be changed in an update.'));
  if ((pc.preemptionPolicy ?? null) !== (old.preemptionPolicy ?? null)) {
    errs.push(field.invalid(FieldPath.of('preemptionPolicy'), pc.preemptionPolicy ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  }
  return errs;
}

export const priorityClassStrategy: Strategy<PriorityClass> = {
  defaults(pc) {
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate: validatePriorityClass,
  validateUpdate: validatePriorityClassUpdate,
};

export const priorityClassColumns: TableColumn<PriorityClass>[] = [
  {
    name: 'Value',
    type: 'integer',
    description:
      'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.',
    priority: 0,
    cell: valueOf,
  },
  {
    name: 'Global-Default',
    type: 'boolean',
    description:
      'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.',
    priority: 0,
    cell: (pc) => pc.globalDefault === true,
  },
  ageColumn<PriorityClass>(),
  {
    name: 'PreemptionPolicy',
    type: 'string',
    description:
      'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.',
    priority: 1,
    cell: (pc) => (typeof pc.preemptionPolicy === 'string' ? pc.preemptionPolicy : ''),
  },
];

export const priorityClasses: ResourceDefinition<PriorityClass> = {
  info: {
    group: 'scheduling.k8s.io',
    version: 'v1',
    resource: 'priorityclasses',
    singularName: 'priorityclass',
    kind: 'PriorityClass',
    namespaced: false,
    shortNames: ['pc'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: priorityClassStrategy,
  generation: 'none',
  tableColumns: priorityClassColumns,
};
