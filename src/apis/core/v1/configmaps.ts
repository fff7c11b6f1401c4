/**
 * core/v1 configmaps: kube's pkg/registry/core/configmap strategy and
 * ValidateConfigMap(Update), as one ResourceDefinition.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { ageColumn } from './table-helpers.js';
import { decodedSizes, MAX_DATA_SIZE, textSize, validateDataKeys, validateImmutableData } from './data-maps.js';
import { requireStringMap, stringMapOf } from './values.js';

export interface ConfigMap extends KubeObject {
  data?: Record<string, string> | null;
  /** base64 in JSON, bytes to kube. */
  binaryData?: Record<string, string> | null;
  immutable?: boolean | null;
}

const DATA = FieldPath.of('data');
const BINARY_DATA = FieldPath.of('binaryData');

export function validateConfigMap(cm: ConfigMap): field.FieldError[] {
  const data = stringMapOf(cm.data);
  const binary = stringMapOf(cm.binaryData);
  const errs = validateDataKeys(data, DATA);
  for (const key of Object.keys(data)) {
    if (Object.hasOwn(binary, key)) errs.push(field.invalid(DATA.key(key), key, 'duplicate of key present in binaryData'));
  }
  errs.push(...validateDataKeys(binary, BINARY_DATA));
  // The bound is on the whole object's payload, so kube reports it at the empty path.
  if (textSize(data) + decodedSizes('ConfigMap', binary) > MAX_DATA_SIZE) errs.push(field.tooLong('', MAX_DATA_SIZE));
  return errs;
}

export const configMapStrategy: Strategy<ConfigMap> = {
  defaults(cm) {
    // kube's decoder refuses these before anything else runs.
    requireStringMap('ConfigMap', cm, 'data');
    requireStringMap('ConfigMap', cm, 'binaryData');
    decodedSizes('ConfigMap', stringMapOf(cm.binaryData));
  },
  validate: validateConfigMap,
  validateUpdate: (cm, old) => [...validateImmutableData(cm, old, ['data', 'binaryData']), ...validateConfigMap(cm)],
};

export const configMaps: ResourceDefinition<ConfigMap> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singularName: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: configMapStrategy,
  generation: 'none',
  tableColumns: [
    {
      name: 'Data',
      type: 'string',
      description:
        "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. " +
        'Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not ' +
        'overlap with the keys in the BinaryData field, this is enforced during validation process.',
      priority: 0,
      cell: (cm) => Object.keys(stringMapOf(cm.data)).length + Object.keys(stringMapOf(cm.binaryData)).length,
    },
    ageColumn(),
  ],
};
