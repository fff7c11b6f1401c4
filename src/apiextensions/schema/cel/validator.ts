/**
 * kube's cel.Validator: every x-kubernetes-validations rule of a CRD
 * version, compiled once, evaluated on an object (after pruning and
 * defaulting) as the walk meets each node with rules. Kube's semantics:
 * - transition rules (naming oldSelf) run only on update where the node has
 *   a correlated old value: the same property or map key, the same keys of
 *   a list-type=map item (other lists' items have none); with
 *   optionalOldSelf they run without one too (on create), oldSelf then
 *   optional.none();
 * - ratcheting (kube 1.30+): a failing rule without oldSelf on a value
 *   equal to its old value is not reported;
 * - a failed rule is reported at the node (or its fieldPath) with its
 *   message, its messageExpression's result, or `failed rule: <rule>`, typed
 *   by its reason;
 * - a runtime error (no such key, overflow...) is an Invalid field error;
 *   past the request's iteration budget (meter.ts) evaluation stops with
 *   kube's "running out of cost budget" error.
 * Null values are not validated (kube's walk stops at them).
 */
import type { CelInput, CelResult, CelValue } from '@bufbuild/cel';
import { isCelError } from '@bufbuild/cel';
import * as field from '../../../apimachinery/validation/field-error.js';
import type { FieldError } from '../../../apimachinery/validation/field-error.js';
import { FieldPath } from '../../../apimachinery/validation/path.js';
import { isObject, type Structural } from '../structural.js';
import { correlateByMapKeys, jsonEqual } from '../list-correlation.js';
import { compileRules, type CompiledRule } from './compile.js';
import { Meter, metering, RUNTIME_ITERATION_BUDGET } from './meter.js';
import { type CelValueMemo, toCelValue } from './values.js';

export interface CelValidator {
  /** Field errors of the object's rules; `old` on update. */
  validate(obj: unknown, old: unknown, at?: FieldPath): FieldError[];
}

/** kube's MaxEvaluatedMessageExpressionSizeBytes. */
const MAX_MESSAGE_BYTES = 5 * 1024;
const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

class OutOfBudget extends Error {}

/** Compiles every rule under `root` (nodes without rules below them are skipped at runtime). */
export function newCelValidator(root: Structural): CelValidator | undefined {
  const rules = new Map<Structural, CompiledRule[]>();
  const hasRules = new Set<Structural>();
  const visit = (s: Structural, isResourceRoot: boolean): boolean => {
    let found = false;
    if (s.validations.length > 0) {
      rules.set(s, compileRules(s, isResourceRoot));
      found = true;
    }
    for (const p of s.properties.values()) found = visit(p, p.embeddedResource) || found;
    if (s.additionalProperties !== undefined && s.additionalProperties !== true) found = visit(s.additionalProperties, s.additionalProperties.embeddedResource) || found;
    if (s.items) found = visit(s.items, s.items.embeddedResource) || found;
    if (found) hasRules.add(s);
    return found;
  };
  if (!visit(root, true)) return undefined;

  const walk = (s: Structural, v: unknown, old: unknown, path: FieldPath, meter: Meter, errs: FieldError[], memo: CelValueMemo): void => {
    if (v === null || v === undefined || !hasRules.has(s)) return;
    const compiled = rules.get(s);
    if (compiled) evaluate(s, compiled, v, old, path, meter, errs, memo);
    if (isObject(v)) {
      const oldObj = isObject(old) ? old : undefined;
      for (const key of Object.keys(v)) {
        const prop = s.properties.get(key);
        const sub = prop ?? (s.additionalProperties === true ? undefined : s.additionalProperties);
        // Only nodes with rules below them are walked: no path is built for the others.
        if (!sub || !hasRules.has(sub)) continue;
        const oldV = oldObj && Object.hasOwn(oldObj, key) ? oldObj[key] : undefined;
        walk(sub, v[key], oldV, prop ? path.child(key) : path.key(key), meter, errs, memo);
      }
    } else if (Array.isArray(v) && s.items && hasRules.has(s.items)) {
      const correlate = listCorrelation(s, old);
      v.forEach((item, i) => walk(s.items!, item, correlate(item), path.index(i), meter, errs, memo));
    }
  };

  return {
    validate(obj, old, at = FieldPath.of('')) {
      const errs: FieldError[] = [];
      try {
        walk(root, obj, old, at, new Meter(RUNTIME_ITERATION_BUDGET), errs, new Map());
      } catch (err) {
        if (!(err instanceof OutOfBudget)) throw err;
      }
      return errs;
    },
  };
}

/** Old items of a list-type=map list, found by the new item's keys; other lists correlate nothing. */
function listCorrelation(s: Structural, old: unknown): (item: unknown) => unknown {
  if (s.listType !== 'map' || !Array.isArray(old) || s.listMapKeys.length === 0) return () => undefined;
  return correlateByMapKeys(s.listMapKeys, old);
}

const ruleErrorString = (c: CompiledRule): string => (c.rule.message ? c.rule.message.trim() : c.rule.rule.trim());

/** cel-go's wording for the errors kube's clients see. */
function errorText(err: Error): string {
  return err.message.replace(/^field not found: /, 'no such key: ').replace(/^int divide by zero/, 'division by zero').replace(/^int overflow.*/, 'integer overflow');
}

function evaluate(s: Structural, compiled: readonly CompiledRule[], v: unknown, old: unknown, path: FieldPath, meter: Meter, errs: FieldError[], memo: CelValueMemo): void {
  const hasOld = old !== undefined && old !== null;
  // Fast-path programs read the JSON; the interpreter's get it converted, once, when the first needs it.
  const raw = hasOld ? { self: v as CelInput, oldSelf: old as CelInput } : { self: v as CelInput };
  let converted: { self: CelInput; oldSelf?: CelInput } | undefined;
  const asCel = () => (converted ??= hasOld ? { self: toCelValue(v, s, memo), oldSelf: toCelValue(old, s, memo) } : { self: toCelValue(v, s, memo) });
  const shown = s.type === 'object' || s.type === 'array' ? field.OMIT_VALUE : v;
  const ratchets = old !== undefined && jsonEqual(v, old);
  for (const c of compiled) {
    if (!c.program) {
      if (c.error) errs.push(field.invalid(path, s.type, `rule compile error: ${c.error}`));
      continue;
    }
    // Transition rules need the old value, unless optionalOldSelf lets them run without one (as on create).
    if (c.usesOldSelf && !hasOld && !c.optionalOldSelf) continue;
    const run = (p: NonNullable<CompiledRule['program']>): CelResult => {
      // optionalOldSelf rules see oldSelf as an optional: a list of none or one value (optional.ts).
      const bindings = c.optionalOldSelf ? { self: asCel().self, oldSelf: hasOld ? [asCel().oldSelf!] : [] } : p.raw ? raw : asCel();
      return metering(meter, () => p(bindings));
    };
    const result = run(c.program);
    if (meter.exhausted) {
      errs.push(field.invalid(path, s.type, OUT_OF_BUDGET));
      throw new OutOfBudget();
    }
    if (isCelError(result)) {
      const text = errorText(result);
      errs.push(text.startsWith('found no matching overload')
        ? field.invalid(path, s.type, `'no such overload': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(c)}`)
        : field.invalid(path, s.type, `${text} evaluating rule: ${ruleErrorString(c)}`));
      continue;
    }
    if (result === true) continue;
    if (!c.usesOldSelf && ratchets) continue;
    const at = c.fieldPath ? path.child(c.fieldPath) : path;
    let detail = c.rule.message?.trim() || `failed rule: ${ruleErrorString(c)}`;
    if (c.messageProgram) {
      const message = run(c.messageProgram);
      if (meter.exhausted) {
        errs.push(field.invalid(at, s.type, 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run'));
        throw new OutOfBudget();
      }
      const text = messageText(message);
      if (text !== undefined) detail = text;
    }
    errs.push(errorForReason(at, shown, detail, c.rule.reason));
  }
}

/** A messageExpression's result when kube would use it: a non-empty one-line string of at most 5 KiB. */
function messageText(v: CelValue | Error): string | undefined {
  if (typeof v !== 'string') return undefined;
  const trimmed = v.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_MESSAGE_BYTES || trimmed.includes('\n')) return undefined;
  return trimmed;
}

function errorForReason(path: FieldPath, value: unknown, detail: string, reason: string | undefined): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return field.forbidden(path, detail);
    case 'FieldValueRequired':
      return field.required(path, detail);
    case 'FieldValueDuplicate':
      return field.duplicate(path, value);
    default:
      return field.invalid(path, value, detail);
  }
}
