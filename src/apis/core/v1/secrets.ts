/**
 * core/v1 secrets: kube's pkg/registry/core/secret strategy, the v1 defaults
 * and stringData conversion, and ValidateSecret(Update), as one
 * ResourceDefinition. Values arrive base64-encoded; one that does not decode
 * is kube's 400 (its JSON decoder fails), not a 422.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy } from '../../../registry/strategy.js';
import type { KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { FIELD_IMMUTABLE_ERROR_MSG } from '../../../apimachinery/validation/metadata-fields.js';
import { ageColumn, stringColumn } from './table-helpers.js';
import { decodedSizes, MAX_DATA_SIZE, validateDataKeys, validateImmutableData } from './data-maps.js';
import { requireStringMap, stringMapOf, stringOf } from './values.js';

export interface Secret extends KubeObject {
  type?: string;
  /** base64 in JSON, bytes to kube. */
  data?: Record<string, string> | null;
  /** Write-only convenience: merged into data on the way in, never stored. */
  stringData?: Record<string, string> | null;
  immutable?: boolean | null;
}

export const SECRET_TYPE_OPAQUE = 'Opaque';
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

const DATA = FieldPath.of('data');
const REDACTED = '<secret contents redacted>';

/** Go's json.Unmarshal into map[string]interface{}: the error text, or undefined when it is a JSON object. */
function jsonObjectError(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const first = text.trimStart()[0];
    return first === undefined ? 'unexpected end of JSON input' : `invalid character '${first}' looking for beginning of value`;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return undefined;
  const type = Array.isArray(parsed) ? 'array' : parsed === null ? undefined : typeof parsed;
  return type ? `json: cannot unmarshal ${type} into Go value of type map[string]interface {}` : undefined;
}

/** The key a docker config secret must hold, holding a JSON object. */
function requireDockerConfig(data: Record<string, string>, key: string): field.FieldError[] {
  if (!Object.hasOwn(data, key)) return [field.required(DATA.key(key))];
  const err = jsonObjectError(Buffer.from(data[key], 'base64'));
  return err ? [field.invalid(DATA.key(key), REDACTED, err)] : [];
}

/** What each well-known type requires beyond Opaque's nothing. */
function validateSecretType(secret: Secret, data: Record<string, string>): field.FieldError[] {
  const has = (k: string): boolean => Object.hasOwn(data, k);
  switch (secret.type ?? '') {
    case 'kubernetes.io/service-account-token':
      // The token itself is the token controller's to add; the account name is the caller's.
      if (!secret.metadata?.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION]) {
        return [field.required(FieldPath.of('metadata', 'annotations').key(SERVICE_ACCOUNT_NAME_ANNOTATION))];
      }
      return [];
    case 'kubernetes.io/dockercfg':
      return requireDockerConfig(data, '.dockercfg');
    case 'kubernetes.io/dockerconfigjson':
      return requireDockerConfig(data, '.dockerconfigjson');
    case 'kubernetes.io/basic-auth':
      // Either may be empty, but one of them must be there.
      if (!has('username') && !has('password')) return [field.required(DATA.key('username')), field.required(DATA.key('password'))];
      return [];
    case 'kubernetes.io/ssh-auth':
      return data['ssh-privatekey'] ? [] : [field.required(DATA.key('ssh-privatekey'))];
    case 'kubernetes.io/tls': {
      const errs: field.FieldError[] = [];
      if (!has('tls.crt')) errs.push(field.required(DATA.key('tls.crt')));
      if (!has('tls.key')) errs.push(field.required(DATA.key('tls.key')));
      return errs;
    }
    default:
      return [];
  }
}

export function validateSecret(secret: Secret): field.FieldError[] {
  const data = stringMapOf(secret.data);
  const errs = validateDataKeys(data, DATA);
  if (decodedSizes('Secret', data) > MAX_DATA_SIZE) errs.push(field.tooLong(DATA, MAX_DATA_SIZE));
  errs.push(...validateSecretType(secret, data));
  return errs;
}

export const secretStrategy: Strategy<Secret> = {
  defaults(secret) {
    requireStringMap('Secret', secret, 'data');
    requireStringMap('Secret', secret, 'stringData');
    decodedSizes('Secret', stringMapOf(secret.data));
    // kube's v1 conversion: stringData wins over data for the same key, and is not kept.
    const stringData = stringMapOf(secret.stringData);
    if (Object.keys(stringData).length > 0) {
      const data = stringMapOf(secret.data);
      for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
      secret.data = data;
    }
    delete secret.stringData;
    if (!secret.type) secret.type = SECRET_TYPE_OPAQUE;
  },
  validate: validateSecret,
  validateUpdate(secret, old) {
    const errs: field.FieldError[] = [];
    if (stringOf(secret.type) !== stringOf(old.type)) {
      errs.push(field.invalid(FieldPath.of('type'), stringOf(secret.type), FIELD_IMMUTABLE_ERROR_MSG));
    }
    errs.push(...validateImmutableData(secret, old, ['data']));
    return [...errs, ...validateSecret(secret)];
  },
};

export const secrets: ResourceDefinition<Secret> = {
  info: {
    group: '',
    version: 'v1',
    resource: 'secrets',
    singularName: 'secret',
    kind: 'Secret',
    namespaced: true,
  },
  nameValidator: nameIsDNSSubdomain,
  strategy: secretStrategy,
  generation: 'none',
  tableColumns: [
    stringColumn(
      'Type',
      'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types',
      (s) => stringOf(s.type),
    ),
    {
      name: 'Data',
      type: 'string',
      description:
        "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. " +
        'The serialized form of the secret data is a base64 encoded string, representing the arbitrary ' +
        '(possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4',
      priority: 0,
      cell: (s) => Object.keys(stringMapOf(s.data)).length,
    },
    ageColumn(),
  ],
  fieldLabels: (s) => ({ type: stringOf(s.type) }),
};
