/**
 * apiregistration.k8s.io/v1 apiservices: kube-aggregator's apiservice
 * strategy, v1 defaults, validation and table convertor, as one
 * ResourceDefinition. The aggregator server installs it; the core server does not.
 */
import type { ResourceDefinition } from '../../../registry/resource-definition.js';
import type { Strategy, TableColumn } from '../../../registry/strategy.js';
import { metaOf, type KubeObject } from '../../../registry/object.js';
import * as field from '../../../apimachinery/validation/field-error.js';
import { goQuote } from '../../../apimachinery/validation/go-format.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName, type NameValidator } from '../../../apimachinery/validation/names.js';
import { validateObjectMeta } from '../../../apimachinery/validation/object-meta.js';
import { ageColumn } from '../../shared/age.js';
import { isJSONObject as isRecord } from '../../../apimachinery/json.js';

export interface ServiceReference {
  namespace?: string;
  name?: string;
  /** Defaults to 443. */
  port?: number | null;
  [field: string]: unknown;
}

export interface APIServiceSpec {
  /** null or absent: the group-version is served locally, by the delegate chain. */
  service?: ServiceReference | null;
  group?: string;
  version?: string;
  insecureSkipTLSVerify?: boolean;
  /** PEM bundle, base64 as Go writes []byte. */
  caBundle?: string;
  groupPriorityMinimum?: number;
  versionPriority?: number;
  [field: string]: unknown;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface APIServiceCondition {
  /** "Available" is the only type kube sets. */
  type?: string;
  status?: string;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
  [field: string]: unknown;
}

export interface APIServiceStatus {
  conditions?: APIServiceCondition[] | null;
  [field: string]: unknown;
}

/**
 * A stored APIService always has a spec (its priorities are required); a
 * body on its way in may not, and the strategy checks before reading.
 */
export interface APIService extends KubeObject {
  spec: APIServiceSpec;
  status?: APIServiceStatus;
}

export const AVAILABLE = 'Available';
const CONDITION_STATUSES: readonly ConditionStatus[] = ['True', 'False', 'Unknown'];
const DEFAULT_SERVICE_PORT = 443;
const MAX_GROUP_PRIORITY_MINIMUM = 20000;
const MAX_VERSION_PRIORITY = 1000;

const SPEC = FieldPath.of('spec');
const METADATA = FieldPath.of('metadata');

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (typeof v === 'number' ? v : 0);
const specOf = (s: APIService): APIServiceSpec => (isRecord(s.spec) ? s.spec : {});
const serviceOf = (s: APIService): ServiceReference | undefined => {
  const svc = specOf(s).service;
  return isRecord(svc) ? svc : undefined;
};
/** Go's len(CABundle): the decoded bytes, not the base64 text. */
const caBundleLength = (spec: APIServiceSpec): number => (typeof spec.caBundle === 'string' ? Buffer.from(spec.caBundle, 'base64').length : 0);

/** The first condition of a type, as kube's GetAPIServiceConditionByType. */
export function getAPIServiceCondition(s: APIService, type: string): APIServiceCondition | undefined {
  const conditions = s.status?.conditions;
  return Array.isArray(conditions) ? conditions.find((c) => isRecord(c) && c.type === type) : undefined;
}

/**
 * kube's SetAPIServiceCondition: adds the condition, or updates the one of its
 * type, moving lastTransitionTime only when the status changes.
 */
export function setAPIServiceCondition(s: APIService, next: APIServiceCondition): void {
  const existing = getAPIServiceCondition(s, str(next.type));
  if (!existing) {
    s.status = { ...(isRecord(s.status) ? s.status : {}), conditions: [...(s.status?.conditions ?? []), next] };
    return;
  }
  if (existing.status !== next.status) {
    existing.status = next.status;
    existing.lastTransitionTime = next.lastTransitionTime;
  }
  existing.reason = next.reason;
  existing.message = next.message;
}

/** kube's SetDefaults_ServiceReference (the only v1 default). */
export function defaultAPIService(s: APIService): void {
  const svc = serviceOf(s);
  if (svc && (svc.port === undefined || svc.port === null)) svc.port = DEFAULT_SERVICE_PORT;
}

/**
 * The part of kube's name function the Store can run without the object:
 * kube checks names and generateName alike as one path segment (no prefix
 * form), and the `<version>.<group>` rule is validateAPIService's.
 */
export const apiServiceNameValidator: NameValidator = (name) => isValidPathSegmentName(name);

/** The name kube requires: version + "." + group ("v1." for the legacy group). */
export const apiServiceNameFor = (group: string, version: string): string => `${version}.${group}`;

/**
 * kube's ValidateAPIService, but for the ObjectMeta checks the Store runs with
 * apiServiceNameValidator: the name (and generateName, so a generated name
 * never passes) must be `spec.version+"."+spec.group`, then the spec rules.
 */
export function validateAPIService(s: APIService): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const spec = specOf(s);
  const group = str(spec.group);
  const version = str(spec.version);
  const requiredName = apiServiceNameFor(group, version);
  const meta = metaOf(s);
  for (const f of ['generateName', 'name'] as const) {
    const value = meta[f];
    // Kube reports the path-segment failures instead of this one, not beside it.
    if (!value || isValidPathSegmentName(value).length > 0 || value === requiredName) continue;
    errs.push(field.invalid(METADATA.child(f), value, `must be \`spec.version+"."+spec.group\`: ${goQuote(requiredName)}`));
  }

  // Only the legacy core group ("v1.") is served with an empty group.
  if (group === '' && version !== 'v1') {
    errs.push(field.required(SPEC.child('group'), 'only v1 may have an empty group and it better be legacy kube'));
  }
  if (group !== '') for (const msg of isDNS1123Subdomain(group)) errs.push(field.invalid(SPEC.child('group'), group, msg));
  for (const msg of isDNS1035Label(version)) errs.push(field.invalid(SPEC.child('version'), version, msg));

  const groupPriority = int(spec.groupPriorityMinimum);
  if (groupPriority <= 0 || groupPriority > MAX_GROUP_PRIORITY_MINIMUM) {
    errs.push(field.invalid(SPEC.child('groupPriorityMinimum'), groupPriority, 'must be positive and less than 20000'));
  }
  const versionPriority = int(spec.versionPriority);
  if (versionPriority <= 0 || versionPriority > MAX_VERSION_PRIORITY) {
    errs.push(field.invalid(SPEC.child('versionPriority'), versionPriority, 'must be positive and less than 1000'));
  }

  const insecure = spec.insecureSkipTLSVerify === true;
  const caBundleBytes = caBundleLength(spec);
  const svc = serviceOf(s);
  if (!svc) {
    if (caBundleBytes !== 0) errs.push(field.invalid(SPEC.child('caBundle'), `${caBundleBytes} bytes`, 'local APIServices may not have a caBundle'));
    if (insecure) errs.push(field.invalid(SPEC.child('insecureSkipTLSVerify'), insecure, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  const svcPath = SPEC.child('service');
  if (str(svc.namespace) === '') errs.push(field.required(svcPath.child('namespace'), ''));
  if (str(svc.name) === '') errs.push(field.required(svcPath.child('name'), ''));
  const port = int(svc.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errs.push(field.invalid(svcPath.child('port'), port, 'port is not valid: must be between 1 and 65535, inclusive'));
  }
  if (insecure && caBundleBytes > 0) {
    errs.push(field.invalid(SPEC.child('insecureSkipTLSVerify'), insecure, 'may not be true if caBundle is present'));
  }
  return errs;
}

/**
 * kube's ValidateAPIServiceUpdate, but for ValidateObjectMetaUpdate (the
 * Store's): kube runs the whole create validation again, ObjectMeta included,
 * so a change of spec.group or spec.version is refused on metadata.name.
 */
export function validateAPIServiceUpdate(s: APIService, _old: APIService): field.FieldError[] {
  return [...validateObjectMeta(metaOf(s), { namespaced: false, nameValidator: apiServiceNameValidator }), ...validateAPIService(s)];
}

/** kube's ValidateAPIServiceStatus: each condition's status is True, False or Unknown. */
export function validateAPIServiceStatus(status: APIServiceStatus | undefined, path: FieldPath = FieldPath.of('status')): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const conditions = isRecord(status) && Array.isArray(status.conditions) ? status.conditions : [];
  conditions.forEach((c, i) => {
    const value = isRecord(c) ? str(c.status) : '';
    if (!(CONDITION_STATUSES as readonly string[]).includes(value)) {
      errs.push(field.notSupported(path.child('conditions').index(i).child('status'), value, CONDITION_STATUSES));
    }
  });
  return errs;
}

export const apiServiceStrategy: Strategy<APIService> = {
  defaults: defaultAPIService,
  prepareForCreate(s) {
    s.status = {};
    // A local group-version is served by this server, so it is available at once.
    if (!serviceOf(s)) {
      setAPIServiceCondition(s, {
        type: AVAILABLE,
        status: 'True',
        // kube's metav1.Now(): the Store has just stamped creationTimestamp with its clock.
        lastTransitionTime: metaOf(s).creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        reason: 'Local',
        message: 'Local APIServices are always available',
      });
    }
  },
  // The Store keeps the old status on the main endpoint (kube's PrepareForUpdate).
  validate: validateAPIService,
  validateUpdate: validateAPIServiceUpdate,
};

/** `/status`: the Store keeps everything but status; kube's ValidateAPIServiceStatusUpdate checks the conditions. */
export const apiServiceStatusStrategy: Strategy<APIService> = {
  validateUpdate: (s) => validateAPIServiceStatus(s.status),
};

/** kube-aggregator's ConvertToTable: "True", or the status with its reason, or "Unknown" without the condition. */
function availableCell(s: APIService): string {
  const c = getAPIServiceCondition(s, AVAILABLE);
  if (!c) return 'Unknown';
  const status = str(c.status);
  const reason = str(c.reason);
  return status === 'True' || reason === '' ? status : `${status} (${reason})`;
}

export const apiServiceColumns: TableColumn<APIService>[] = [
  {
    name: 'Service',
    type: 'string',
    description: 'The reference to the service that hosts this API endpoint.',
    priority: 0,
    cell: (s) => {
      const svc = serviceOf(s);
      return svc ? `${str(svc.namespace)}/${str(svc.name)}` : 'Local';
    },
  },
  { name: 'Available', type: 'string', description: 'Whether this service is available.', priority: 0, cell: availableCell },
  ageColumn<APIService>(),
];

export const apiServices: ResourceDefinition<APIService> = {
  info: {
    group: 'apiregistration.k8s.io',
    version: 'v1',
    resource: 'apiservices',
    singularName: 'apiservice',
    kind: 'APIService',
    listKind: 'APIServiceList',
    namespaced: false,
    // kube-aggregator's REST.Categories(), as for CustomResourceDefinitions.
    categories: ['api-extensions'],
  },
  nameValidator: apiServiceNameValidator,
  strategy: apiServiceStrategy,
  generation: 'none',
  status: { strategy: apiServiceStatusStrategy },
  tableColumns: apiServiceColumns,
  allowCreateOnUpdate: false,
  // kube: every update of an APIService must carry a resourceVersion.
  allowUnconditionalUpdate: false,
};
