/**
 * apps/v1 deployments: kube's pkg/registry/apps/deployment (strategy and
 * storage), apps/v1 defaults and the deployment printer, as one
 * ResourceDefinition. Stored and validated; nothing reconciles them.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import { metaOf } from '../../../registry/object.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { labelSelectorAsSelector } from '../../../apimachinery/labels.js';
import { deepEqual } from '../../../registry/store.js';
import { ageColumn } from '../../shared/age.js';
import { defaultPodTemplate } from './pod-template-defaults.js';
import { validateDeployment, validateDeploymentStatusUpdate, validateDeploymentUpdate } from './deployment-validation.js';
import { isRecord, listOf, type Container, type Deployment } from './types.js';

/** kube's SetDefaults_Deployment, then the template's pod defaults. */
export function defaultDeployment(d: Deployment): void {
  if (!isRecord(d.spec)) d.spec = {};
  const spec = d.spec;
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (!isRecord(spec.strategy)) spec.strategy = {};
  const strategy = spec.strategy;
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isRecord(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    const ru = strategy.rollingUpdate;
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null) spec.progressDeadlineSeconds = 600;
  defaultPodTemplate(spec.template);
}

export const deploymentStrategy: Strategy<Deployment> = {
  defaults: defaultDeployment,
  prepareForCreate(d) {
    // kube resets status to the empty struct, which Go serializes as `status: {}`.
    d.status = {};
  },
  prepareForUpdate(d, old) {
    // The Store bumps generation for spec changes; kube bumps it for annotation
    // changes too, because a Deployment copies its annotations to its ReplicaSets.
    const meta = metaOf(d);
    const oldMeta = metaOf(old);
    if (!deepEqual(meta.annotations ?? {}, oldMeta.annotations ?? {})) meta.generation = (oldMeta.generation ?? 0) + 1;
  },
  validate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
};

/** `/status`: kube's deploymentStatusStrategy (spec and labels stay; the status is checked). */
export const deploymentStatusStrategy: Strategy<Deployment> = {
  prepareForUpdate(d, old) {
    d.spec = structuredClone(old.spec);
    const meta = metaOf(d);
    const oldLabels = metaOf(old).labels;
    if (oldLabels === undefined) delete meta.labels;
    else meta.labels = structuredClone(oldLabels);
  },
  validateUpdate: validateDeploymentStatusUpdate,
};

const containersOf = (d: Deployment): Container[] =>
  listOf<Container>(isRecord(d.spec) && isRecord(d.spec.template) && isRecord(d.spec.template.spec) ? d.spec.template.spec.containers : undefined).filter(isRecord);

const count = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** kube's deployment printer columns (after NAME); kube declares the counts as strings and fills them with integers. */
export const deploymentColumns: TableColumn<Deployment>[] = [
  {
    name: 'Ready',
    type: 'string',
    description: 'Number of the pod with ready state',
    priority: 0,
    cell: (d) => `${count(d.status?.readyReplicas)}/${count(d.spec?.replicas)}`,
  },
  {
    name: 'Up-to-date',
    type: 'string',
    description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    priority: 0,
    cell: (d) => count(d.status?.updatedReplicas),
  },
  {
    name: 'Available',
    type: 'string',
    description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    priority: 0,
    cell: (d) => count(d.status?.availableReplicas),
  },
  ageColumn<Deployment>(),
  {
    name: 'Containers',
    type: 'string',
    description: 'Names of each container in the template.',
    priority: 1,
    cell: (d) => containersOf(d).map((c) => String(c.name ?? '')).join(','),
  },
  {
    name: 'Images',
    type: 'string',
    description: 'Images referenced by each container in the template.',
    priority: 1,
    cell: (d) => containersOf(d).map((c) => String(c.image ?? '')).join(','),
  },
  {
    name: 'Selector',
    type: 'string',
    description:
      'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
    priority: 1,
    cell: (d) => {
      try {
        return labelSelectorAsSelector(isRecord(d.spec?.selector) ? d.spec.selector : undefined).toString();
      } catch {
        return '<invalid>';
      }
    },
  },
];

export const deployments: ResourceDefinition<Deployment> = {
  info: {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singularName: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: deploymentStrategy,
  generation: 'spec',
  status: { strategy: deploymentStatusStrategy },
  /*
   * kube's Scale for a deployment takes spec.replicas and status.replicas, and
   * reports status.selector as the *string* form of spec.selector
   * (metav1.LabelSelectorAsSelector(spec.selector).String()). So the path
   * below leads to a metav1.LabelSelector object, not a string as a CRD's
   * labelSelectorPath does: when the value there is an object, the Store
   * formats it with labelSelectorAsSelector(value).toString().
   */
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  tableColumns: deploymentColumns,
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
};
