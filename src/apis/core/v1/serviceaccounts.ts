/**
 * core/v1 serviceaccounts: kube's pkg/registry/core/serviceaccount strategy
 * and ValidateServiceAccount, as one ResourceDefinition. Only the name and
 * metadata are checked; the secrets it lists are references, not validated.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { ageColumn } from './table-helpers.js';
import { recordsOf, type JsonObject } from './values.js';

export interface ServiceAccount extends KubeObject {
  secrets?: JsonObject[] | null;
  imagePullSecrets?: JsonObject[] | null;
  automountServiceAccountToken?: boolean | null;
}

export const serviceAccountStrategy: Strategy<ServiceAccount> = {};

export const serviceAccounts: ResourceDefinition<ServiceAccount> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    singularName: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: serviceAccountStrategy,
  generation: 'none',
  tableColumns: [
    {
      name: 'Secrets',
      type: 'string',
      description:
        'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      priority: 0,
      cell: (sa) => recordsOf(sa.secrets).length,
    },
    ageColumn(),
  ],
};
