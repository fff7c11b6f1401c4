/**
 * kube's ValidateEnv (names here, valueFrom in env-value-from), and the host-port conflict check
 * (checkHostPortConflicts), both shared by Pods and pod templates.
 */
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldPath } from '../../../apimachinery/validation/path.js';
import { relaxedEnvVarNameErrors, validateEnvVarValueFrom } from './env-value-from.js';
import { isRecord, numberOf, recordsOf, stringOf, type JsonObject } from './values.js';

/** kube 1.32 checks env names the relaxed way (RelaxedEnvironmentVariableValidation is on by default). */
export function validateEnv(env: unknown, path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  if (!Array.isArray(env)) return errs;
  env.forEach((ev, i) => {
    const p = path.index(i).child('name');
    const entry = isRecord(ev) ? ev : {};
    const name = stringOf(entry.name);
    if (!name) errs.push(field.required(p));
    else errs.push(...relaxedEnvVarNameErrors(name).map((msg) => field.invalid(p, name, msg)));
    errs.push(...validateEnvVarValueFrom(entry, path.index(i).child('valueFrom')));
  });
  return errs;
}

/**
 * kube's AccumulateUniqueHostPorts: a host port is taken once per protocol and
 * host IP across the given containers (`TCP//8080` in the message), each
 * reported at its index in `containers`.
 */
export function checkHostPortConflicts(containers: readonly JsonObject[], path: FieldPath): field.FieldError[] {
  const errs: field.FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, n) => {
    recordsOf(c.ports).forEach((port, pi) => {
      const hostPort = numberOf(port.hostPort);
      if (hostPort === 0) return;
      const key = `${stringOf(port.protocol)}/${stringOf(port.hostIP)}/${hostPort}`;
      if (seen.has(key)) errs.push(field.duplicate(path.index(n).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}
