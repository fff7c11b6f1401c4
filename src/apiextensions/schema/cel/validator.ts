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
import { compileRules, type CompiledRule, type Program } from './compile.js';
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

/**
 * The schema as the walk needs it: a node's compiled rules and only the
 * children that have rules at or below them (the walk visits nothing else).
 */
interface RuleNode {
  schema: Structural;
  rules: readonly CompiledRule[] | undefined;
  /** Properties with rules below them. */
  properties: Map<string, RuleNode> | undefined;
  /** additionalProperties, when it has rules below it. */
  additional: RuleNode | undefined;
  items: RuleNode | undefined;
}

/**
 * Where a node is, built only when an error is reported there: the walk
 * passes a step per level, not a printed path.
 */
class Where {
  private path: FieldPath | undefined;
  constructor(
    private readonly parent: Where | FieldPath,
    private readonly step: string | number,
    /** A property (`.name`), else a subscript (`[key]`, `[3]`). */
    private readonly property: boolean,
  ) {}

  resolve(): FieldPath {
    if (this.path) return this.path;
    const up = this.parent instanceof Where ? this.parent.resolve() : this.parent;
    this.path = typeof this.step === 'number' ? up.index(this.step) : this.property ? up.child(this.step) : up.key(this.step);
    return this.path;
  }
}

type At = Where | FieldPath;
const pathOf = (at: At): FieldPath => (at instanceof Where ? at.resolve() : at);

/** One validation's state: its budget and the values converted for the interpreter's rules. */
interface Run {
  meter: Meter;
  errs: FieldError[];
  memo: CelValueMemo;
}

/** Compiles every rule under `root` (nodes without rules below them are skipped at runtime). */
export function newCelValidator(root: Structural): CelValidator | undefined {
  const plan = (s: Structural, isResourceRoot: boolean): RuleNode | undefined => {
    const rules = s.validations.length > 0 ? compileRules(s, isResourceRoot) : undefined;
    let properties: Map<string, RuleNode> | undefined;
    for (const [key, p] of s.properties) {
      const child = plan(p, p.embeddedResource);
      if (child) (properties ??= new Map()).set(key, child);
    }
    const additional = s.additionalProperties !== undefined && s.additionalProperties !== true ? plan(s.additionalProperties, s.additionalProperties.embeddedResource) : undefined;
    const items = s.items ? plan(s.items, s.items.embeddedResource) : undefined;
    if (!rules && !properties && !additional && !items) return undefined;
    return { schema: s, rules, properties, additional, items };
  };
  const top = plan(root, true);
  if (!top) return undefined;

  const walk = (n: RuleNode, v: unknown, old: unknown, at: At, run: Run): void => {
    if (v === null || v === undefined) return;
    if (n.rules) evaluate(n.schema, n.rules, v, old, at, run);
    if (isObject(v)) {
      if (!n.properties && !n.additional) return;
      const oldObj = isObject(old) ? old : undefined;
      for (const key of Object.keys(v)) {
        const prop = n.properties?.get(key);
        // A known property without rules below it is not walked, nor is an unknown key of a non-map.
        const sub = prop ?? (n.schema.properties.has(key) ? undefined : n.additional);
        if (!sub) continue;
        const oldV = oldObj && Object.hasOwn(oldObj, key) ? oldObj[key] : undefined;
        walk(sub, v[key], oldV, new Where(at, key, prop !== undefined), run);
      }
    } else if (Array.isArray(v) && n.items) {
      const correlate = listCorrelation(n.schema, old);
      for (let i = 0; i < v.length; i++) walk(n.items, v[i], correlate(v[i]), new Where(at, i, false), run);
    }
  };

  return {
    validate(obj, old, at = FieldPath.of('')) {
      const run: Run = { meter: new Meter(RUNTIME_ITERATION_BUDGET), errs: [], memo: new Map() };
      try {
        // One meter for the whole validation: every rule and messageExpression counts against it.
        metering(run.meter, () => walk(top, obj, old, at, run));
      } catch (err) {
        if (!(err instanceof OutOfBudget)) throw err;
      }
      return run.errs;
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

/** A program's result on the node's values, as the program takes them. */
function runProgram(p: Program, c: CompiledRule, s: Structural, v: unknown, old: unknown, hasOld: boolean, memo: CelValueMemo): CelResult {
  // optionalOldSelf rules see oldSelf as an optional: a list of none or one value (optional.ts).
  if (c.optionalOldSelf) return p({ self: toCelValue(v, s, memo), oldSelf: hasOld ? [toCelValue(old, s, memo)] : [] });
  // Fast-path programs read the JSON; the interpreter's get it converted (once per validation, memo).
  if (p.raw) return p(hasOld ? { self: v as CelInput, oldSelf: old as CelInput } : { self: v as CelInput });
  return p(hasOld ? { self: toCelValue(v, s, memo), oldSelf: toCelValue(old, s, memo) } : { self: toCelValue(v, s, memo) });
}

function evaluate(s: Structural, compiled: readonly CompiledRule[], v: unknown, old: unknown, at: At, run: Run): void {
  const hasOld = old !== undefined && old !== null;
  const { meter, errs, memo } = run;
  // Whether the value is unchanged (ratcheting): only asked when a rule fails.
  let unchanged: boolean | undefined;
  for (const c of compiled) {
    if (!c.program) {
      if (c.error) errs.push(field.invalid(pathOf(at), s.type, `rule compile error: ${c.error}`));
      continue;
    }
    // Transition rules need the old value, unless optionalOldSelf lets them run without one (as on create).
    if (c.usesOldSelf && !hasOld && !c.optionalOldSelf) continue;
    const result = runProgram(c.program, c, s, v, old, hasOld, memo);
    if (meter.exhausted) {
      errs.push(field.invalid(pathOf(at), s.type, OUT_OF_BUDGET));
      throw new OutOfBudget();
    }
    if (result === true) continue;
    if (isCelError(result)) {
      const text = errorText(result);
      errs.push(text.startsWith('found no matching overload')
        ? field.invalid(pathOf(at), s.type, `'no such overload': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(c)}`)
        : field.invalid(pathOf(at), s.type, `${text} evaluating rule: ${ruleErrorString(c)}`));
      continue;
    }
    if (!c.usesOldSelf && (unchanged ??= old !== undefined && jsonEqual(v, old))) continue;
    const path = c.fieldPath ? pathOf(at).child(c.fieldPath) : pathOf(at);
    let detail = c.rule.message?.trim() || `failed rule: ${ruleErrorString(c)}`;
    if (c.messageProgram) {
      const message = runProgram(c.messageProgram, c, s, v, old, hasOld, memo);
      if (meter.exhausted) {
        errs.push(field.invalid(path, s.type, 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run'));
        throw new OutOfBudget();
      }
      const text = messageText(message);
      if (text !== undefined) detail = text;
    }
    errs.push(errorForReason(path, s.type === 'object' || s.type === 'array' ? field.OMIT_VALUE : v, detail, c.rule.reason));
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
