/**
 * kube's v1 defaulting for CustomResourceDefinitions (pkg/apis/apiextensions/v1/defaults.go
 * and zz_generated.defaults.go). Pure: returns a new object sharing the
 * untouched parts (schemas are never copied, so a large CRD costs nothing here).
 *
 * Note: v1 does not default webhook.conversionReviewVersions (v1beta1 did, to
 * ["v1beta1"]); validation requires it, as kube does.
 */
import type {
  CustomResourceConversion,
  CustomResourceDefinition,
  CustomResourceDefinitionSpec,
  CustomResourceDefinitionStatus,
} from './types.js';

export const DEFAULT_WEBHOOK_SERVICE_PORT = 443;

/** SetDefaults_CustomResourceDefinitionSpec and the webhook service port. */
export function defaultCustomResourceDefinitionSpec(spec: CustomResourceDefinitionSpec): CustomResourceDefinitionSpec {
  // Wrongly typed input is left as is for validation to name.
  if (!isObject(spec.names) || !isObject(spec.conversion ?? {})) return spec;
  const names = { ...spec.names };
  const kind = typeof names.kind === 'string' ? names.kind : '';
  if (!names.singular) names.singular = kind.toLowerCase();
  if (!names.listKind && kind) names.listKind = `${kind}List`;
  return { ...spec, names, conversion: defaultConversion(spec.conversion) };
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

function defaultConversion(conversion: CustomResourceConversion | undefined): CustomResourceConversion {
  if (!conversion) return { strategy: 'None' };
  const service = conversion.webhook?.clientConfig?.service;
  if (!isObject(service) || service.port !== undefined) return conversion;
  const webhook = conversion.webhook!;
  return {
    ...conversion,
    webhook: {
      ...webhook,
      clientConfig: { ...webhook.clientConfig, service: { ...service, port: DEFAULT_WEBHOOK_SERVICE_PORT } },
    },
  };
}

/**
 * SetDefaults_CustomResourceDefinition: the spec's defaults, then
 * status.storedVersions = [the storage version] when empty.
 */
export function defaultCustomResourceDefinition(crd: CustomResourceDefinition): CustomResourceDefinition {
  if (!isObject(crd.spec)) return crd;
  const spec = defaultCustomResourceDefinitionSpec(crd.spec);
  let status: CustomResourceDefinitionStatus | undefined = crd.status;
  if (!status?.storedVersions?.length && Array.isArray(spec.versions)) {
    const storage = spec.versions.find((v) => isObject(v) && v.storage === true);
    if (storage) status = { ...status, storedVersions: [storage.name] };
  }
  const out: CustomResourceDefinition = { ...crd, spec };
  if (status !== undefined) out.status = status;
  return out;
}
