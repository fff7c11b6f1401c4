/**
 * kube's probe and lifecycle-hook validation (validateLivenessProbe,
 * validateReadinessProbe, validateStartupProbe, validateProbe, validateHandler,
 * validateLifecycle and the per-action checks), with kube 1.32's paths and
 * messages. Values arrive defaulted, as kube validates them after defaults.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { IS_NEGATIVE_ERROR_MSG } from '../../../apimachinery/validation/metadata-fields.js';
import { regexError } from '../../../apimachinery/validation/names.js';
import { isValidPortNum, validatePortNumOrName } from './network.js';
import { isRecord, recordsOf, stringOf, type JsonObject } from './values.js';

const PROBE_ACTIONS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const LIFECYCLE_ACTIONS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;
// Sorted, as kube lists a set.
const HTTP_SCHEMES = ['HTTP', 'HTTPS'];
const HTTP_HEADER_NAME = /^[-A-Za-z0-9]+$/;

/** An absent pointer in Go: missing or null in JSON. */
const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const intOf = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** An IntOrString's zero value is the int 0, which kube then reports as out of range. */
const portNumOrName = (port: unknown, path: FieldPath): field.FieldError[] =>
  validatePortNumOrName(isSet(port) ? port : 0, path);

function validateExec(exec: JsonObject, path: FieldPath): field.FieldError[] {
  return Array.isArray(exec.command) && exec.command.length > 0 ? [] : [field.required(path.child('command'))];
}

function validateHTTPGet(get: JsonObject, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  if (!stringOf(get.path)) errs.push(field.required(path.child('path')));
  errs.push(...portNumOrName(get.port, path.child('port')));
  const scheme = stringOf(get.scheme);
  if (!HTTP_SCHEMES.includes(scheme)) errs.push(field.notSupported(path.child('scheme'), scheme, HTTP_SCHEMES));
  for (const header of recordsOf(get.httpHeaders)) {
    const name = stringOf(header.name);
    if (!HTTP_HEADER_NAME.test(name)) {
      errs.push(
        field.invalid(path.child('httpHeaders'), name, regexError("a valid HTTP header must consist of alphanumeric characters or '-'", '[-A-Za-z0-9]+', 'X-Header-Name')),
      );
    }
  }
  return errs;
}

function validateGRPC(grpc: JsonObject, path: FieldPath): field.FieldError[] {
  const port = intOf(grpc.port);
  return isValidPortNum(port).map((msg) => field.invalid(path.child('port'), port, msg));
}

/** The zero-second sleep needs a feature gate that is off in 1.32, so 0 is refused too. */
function validateSleep(sleep: JsonObject, gracePeriod: number | undefined, path: FieldPath): field.FieldError[] {
  const seconds = intOf(sleep.seconds);
  if (gracePeriod === undefined || (seconds > 0 && seconds <= gracePeriod)) return [];
  const msg = `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`;
  return [field.invalid(path, seconds, msg)];
}

/** kube's validateHandler: exactly one action, each checked as its kind requires. */
function validateHandler(
  handler: JsonObject,
  actions: readonly string[],
  gracePeriod: number | undefined,
  path: FieldPath,
): field.FieldError[] {
  const errs: field.FieldError[] = [];
  let count = 0;
  for (const action of actions) {
    const value = handler[action];
    if (!isSet(value)) continue;
    const p = path.child(action);
    if (count > 0) {
      errs.push(field.forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const body = isRecord(value) ? value : {};
    if (action === 'exec') errs.push(...validateExec(body, p));
    else if (action === 'httpGet') errs.push(...validateHTTPGet(body, p));
    else if (action === 'tcpSocket') errs.push(...portNumOrName(body.port, p.child('port')));
    else if (action === 'grpc') errs.push(...validateGRPC(body, p));
    else errs.push(...validateSleep(body, gracePeriod, p));
  }
  if (count === 0) errs.push(field.required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: JsonObject, gracePeriod: number | undefined, path: FieldPath): field.FieldError[] {
  const errs = validateHandler(probe, PROBE_ACTIONS, gracePeriod, path);
  for (const key of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const value = intOf(probe[key]);
    if (value < 0) errs.push(field.invalid(path.child(key), value, IS_NEGATIVE_ERROR_MSG));
  }
  const grace = probe.terminationGracePeriodSeconds;
  if (isSet(grace) && intOf(grace) <= 0) {
    errs.push(field.invalid(path.child('terminationGracePeriodSeconds'), intOf(grace), 'must be greater than 0'));
  }
  return errs;
}

type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';
export const PROBE_KINDS: readonly ProbeKind[] = ['livenessProbe', 'readinessProbe', 'startupProbe'];

/** One of a container's three probes, with the rule its kind adds. */
function validateProbeOfKind(kind: ProbeKind, probe: JsonObject, gracePeriod: number | undefined, path: FieldPath): field.FieldError[] {
  const errs = validateProbe(probe, gracePeriod, path);
  if (kind === 'readinessProbe') {
    if (isSet(probe.terminationGracePeriodSeconds)) {
      errs.push(field.invalid(path.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
    }
  } else if (intOf(probe.successThreshold) !== 1) {
    errs.push(field.invalid(path.child('successThreshold'), intOf(probe.successThreshold), 'must be 1'));
  }
  return errs;
}

function validateLifecycle(lifecycle: JsonObject, gracePeriod: number | undefined, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  for (const hook of ['postStart', 'preStop'] as const) {
    const handler = lifecycle[hook];
    if (isSet(handler)) errs.push(...validateHandler(isRecord(handler) ? handler : {}, LIFECYCLE_ACTIONS, gracePeriod, path.child(hook)));
  }
  return errs;
}

/**
 * A container's lifecycle hooks and probes, as kube checks them for regular
 * containers and for init containers with restartPolicy Always (sidecars).
 */
export function validateLifecycleAndProbes(c: JsonObject, gracePeriod: number | undefined, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  if (isSet(c.lifecycle)) errs.push(...validateLifecycle(isRecord(c.lifecycle) ? c.lifecycle : {}, gracePeriod, path.child('lifecycle')));
  for (const kind of PROBE_KINDS) {
    const probe = c[kind];
    if (isSet(probe)) errs.push(...validateProbeOfKind(kind, isRecord(probe) ? probe : {}, gracePeriod, path.child(kind)));
  }
  return errs;
}

/** An init container that runs to completion may have neither hooks nor probes. */
export function forbidLifecycleAndProbes(c: JsonObject, path: FieldPath): field.FieldError[] {
  return (['lifecycle', ...PROBE_KINDS] as const)
    .filter((key) => isSet(c[key]))
    .map((key) => field.forbidden(path.child(key), 'may not be set for init containers without restartPolicy=Always'));
}
