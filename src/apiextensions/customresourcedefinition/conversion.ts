/**
 * kube's validateCustomResourceConversion, with the webhook URL and service
 * checks of k8s.io/apiserver/pkg/util/webhook. Paths are the internal shape's
 * (`spec.conversion.webhookClientConfig`, `spec.conversion.conversionReviewVersions`), as kube reports them.
 */
import { type FieldError, forbidden, invalid, notSupported, required } from '../../apimachinery/validation/field-error.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../apimachinery/validation/names.js';
import type { FieldPath } from '../../apimachinery/validation/path.js';
import { validateCABundle } from './ca-bundle.js';
import type { InternalConversion } from './internal.js';
import type { ServiceReference } from './types.js';

/** ConversionReview versions this server understands (kube 1.17+). */
export const ACCEPTED_CONVERSION_REVIEW_VERSIONS: readonly string[] = ['v1', 'v1beta1'];

export function validateEnumString(path: FieldPath, value: string, accepted: readonly string[], isRequired: boolean): FieldError[] {
  if (value === '') return isRequired ? [required(path, '')] : [];
  return accepted.includes(value) ? [] : [notSupported(path, value, accepted)];
}

export function hasValidConversionReviewVersionOrEmpty(versions: readonly string[]): boolean {
  return versions.length === 0 || versions.some((v) => ACCEPTED_CONVERSION_REVIEW_VERSIONS.includes(v));
}

function validateConversionReviewVersions(versions: readonly string[], requireRecognized: boolean, path: FieldPath): FieldError[] {
  if (versions.length < 1) return [required(path, '')];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let hasAccepted = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(invalid(path.index(i), v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const msg of isDNS1035Label(String(v))) errs.push(invalid(path.index(i), v, msg));
    if (ACCEPTED_CONVERSION_REVIEW_VERSIONS.includes(v)) hasAccepted = true;
  });
  if (requireRecognized && !hasAccepted) {
    errs.push(invalid(path, versions, `must include at least one of ${[...ACCEPTED_CONVERSION_REVIEW_VERSIONS].sort().join(', ')}`));
  }
  return errs;
}

const URL_FORM = '; desired format: https://host[/path]';

/** ValidateWebhookURL with forceHttps. */
export function validateWebhookURL(path: FieldPath, raw: string): FieldError[] {
  let u: URL;
  try {
    u = new URL(raw);
  } catch (err) {
    return [required(path, `url must be a valid URL: ${(err as Error).message}${URL_FORM}`)];
  }
  const errs: FieldError[] = [];
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'https') errs.push(invalid(path, scheme, `'https' is the only allowed URL scheme${URL_FORM}`));
  if (u.host === '') errs.push(invalid(path, u.host, `host must be specified${URL_FORM}`));
  if (u.username !== '' || u.password !== '') {
    const user = u.password !== '' ? `${u.username}:${u.password}` : u.username;
    errs.push(invalid(path, user, 'user information is not permitted in the URL'));
  }
  if (u.hash !== '' || raw.includes('#')) errs.push(invalid(path, u.hash.replace(/^#/, ''), 'fragments are not permitted in the URL'));
  if (u.search !== '' || raw.includes('?')) errs.push(invalid(path, u.search.replace(/^\?/, ''), 'query parameters are not permitted in the URL'));
  return errs;
}

/** ValidateWebhookService. */
export function validateWebhookService(path: FieldPath, svc: ServiceReference): FieldError[] {
  const errs: FieldError[] = [];
  if (!svc.name) errs.push(required(path.child('name'), 'service name is required'));
  if (!svc.namespace) errs.push(required(path.child('namespace'), 'service namespace is required'));
  const port = svc.port ?? 443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errs.push(invalid(path.child('port'), port, 'port is not valid: must be between 1 and 65535, inclusive'));
  }
  const urlPath = svc.path;
  if (urlPath === undefined || urlPath === '' || urlPath === '/') return errs;
  if (urlPath === '//') return [...errs, invalid(path.child('path'), urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) errs.push(invalid(path.child('path'), urlPath, "must start with a '/'"));
  let check = urlPath.slice(1);
  if (check.endsWith('/')) check = check.slice(0, -1);
  check.split('/').forEach((step, i) => {
    if (step.length === 0) {
      errs.push(invalid(path.child('path'), urlPath, `segment[${i}] may not be empty`));
      return;
    }
    for (const msg of isDNS1123Subdomain(step)) errs.push(invalid(path.child('path'), urlPath, `segment[${i}]: ${msg}`));
  });
  return errs;
}

/**
 * @param allowInvalidCABundle kube's option: true on create and until the CRD is
 *   Established, and when the stored bundle was already invalid.
 */
export function validateCustomResourceConversion(
  conversion: InternalConversion | undefined,
  requireRecognizedVersion: boolean,
  path: FieldPath,
  allowInvalidCABundle = true,
): FieldError[] {
  if (!conversion) return [];
  const errs = validateEnumString(path.child('strategy'), conversion.strategy, ['None', 'Webhook'], true);
  const ccPath = path.child('webhookClientConfig');
  if (conversion.strategy === 'Webhook') {
    const cc = conversion.webhookClientConfig;
    if (!cc) {
      errs.push(required(ccPath, 'required when strategy is set to Webhook'));
    } else if ((cc.url === undefined) === (cc.service === undefined)) {
      errs.push(required(ccPath, 'exactly one of url or service is required'));
    } else if (cc.url !== undefined) {
      errs.push(...validateWebhookURL(ccPath.child('url'), cc.url));
    } else if (cc.service !== undefined) {
      errs.push(...validateWebhookService(ccPath.child('service'), cc.service));
    }
    if (cc?.caBundle && !allowInvalidCABundle) errs.push(...validateCABundle(ccPath.child('caBundle'), cc.caBundle));
    errs.push(...validateConversionReviewVersions(conversion.conversionReviewVersions, requireRecognizedVersion, path.child('conversionReviewVersions')));
  } else {
    if (conversion.webhookClientConfig) errs.push(forbidden(ccPath, 'should not be set when strategy is not set to Webhook'));
    if (conversion.conversionReviewVersions.length > 0) {
      errs.push(forbidden(path.child('conversionReviewVersions'), 'should not be set when strategy is not set to Webhook'));
    }
  }
  return errs;
}
