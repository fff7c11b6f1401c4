/**
 * kube's cel.Compile: the x-kubernetes-validations of one schema node,
 * compiled once per CRD version. `self` is the node's type, `oldSelf` the
 * same type; a rule must check as bool, a messageExpression as string. A
 * compiled program is @bufbuild/cel's plan, with each comprehension step
 * metered at its loop condition (meter.ts), so evaluation is
 * bounded per request.
 */
import { type CelInput, type CelResult, celEnv, plan } from '@bufbuild/cel';
import type { Structural, ValidationRule } from '../structural.js';
import { type CelT, isOptional, optionalOf, schemaDeclType } from './types.js';
import { checkParsed, type Expr, OPT_INDEX, type ParsedExpr } from './checker.js';
import { estimateCost } from './cost.js';
import { compileFast } from './fast.js';
import { IP_LIBRARY } from './ip.js';
import { KUBE_LIBRARY } from './library.js';
import { OPT_INDEX_ON_OPTIONAL, OPTIONAL_LIBRARY } from './optional.js';
import { parseCel } from './parse.js';
import { QUANTITY_LIBRARY } from './quantity.js';
import { FORMAT_LIBRARY, URL_LIBRARY } from './url-format.js';
import { METER_GUARD_FUNCTION, meterGuardFunc } from './meter.js';
import { normalizeRuleFieldPath } from './rule-field-path.js';

/**
 * A compiled expression. `raw` programs (the fast path, fast.ts) take the
 * JSON values themselves; the others take them as CEL values (values.ts).
 */
export type Program = ((bindings: { self: CelInput; oldSelf?: CelInput }) => CelResult) & { raw?: boolean };

export interface CompiledRule {
  rule: ValidationRule;
  /** Absent when the rule did not compile (then `error` says why). */
  program?: Program;
  /** kube's "compilation failed: ..." and friends. */
  error?: string;
  messageProgram?: Program;
  messageError?: string;
  /** Transition rule: evaluated only on update, with the old value. */
  usesOldSelf: boolean;
  /** optionalOldSelf on a transition rule: evaluated on create too, oldSelf an optional (none without an old value). */
  optionalOldSelf?: boolean;
  /** The static cost estimate of the rule and of its messageExpression (one evaluation). */
  cost: number;
  messageCost: number;
  /** The normalized fieldPath its failures are reported at, relative to the node. */
  fieldPath?: string;
}

const ENV = celEnv({
  funcs: [...KUBE_LIBRARY, ...OPTIONAL_LIBRARY, ...QUANTITY_LIBRARY, ...URL_LIBRARY, ...IP_LIBRARY, ...FORMAT_LIBRARY, meterGuardFunc],
});

let selfTypes = 0;

type CallValue = Extract<Expr['exprKind'], { case: 'callExpr' }>['value'];

/** `a[?k]` on an optional `a` (a list at runtime) gets its own function: the checker knows which it is. */
function renameOptionalIndexes(e: Expr, types: ReadonlyMap<bigint, CelT>): void {
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr':
      if (k.value.operand) renameOptionalIndexes(k.value.operand, types);
      return;
    case 'callExpr':
      if (k.value.target) renameOptionalIndexes(k.value.target, types);
      k.value.args.forEach((a) => renameOptionalIndexes(a, types));
      if (k.value.function === OPT_INDEX && k.value.args[0] && isOptional(types.get(k.value.args[0].id))) k.value.function = OPT_INDEX_ON_OPTIONAL;
      return;
    case 'listExpr':
      k.value.elements.forEach((x) => renameOptionalIndexes(x, types));
      return;
    case 'structExpr':
      for (const entry of k.value.entries) {
        if (entry.value) renameOptionalIndexes(entry.value, types);
        if (entry.keyKind.case === 'mapKey') renameOptionalIndexes(entry.keyKind.value, types);
      }
      return;
    case 'comprehensionExpr':
      for (const x of [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result]) if (x) renameOptionalIndexes(x, types);
      return;
    default:
      return;
  }
}

/** Wraps each comprehension's loop condition in the meter, so every iteration is counted. */
function metered(e: Expr): void {
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr':
      if (k.value.operand) metered(k.value.operand);
      return;
    case 'callExpr':
      if (k.value.target) metered(k.value.target);
      k.value.args.forEach(metered);
      return;
    case 'listExpr':
      k.value.elements.forEach(metered);
      return;
    case 'structExpr':
      for (const entry of k.value.entries) {
        if (entry.value) metered(entry.value);
        if (entry.keyKind.case === 'mapKey') metered(entry.keyKind.value);
      }
      return;
    case 'comprehensionExpr': {
      const c = k.value;
      for (const x of [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result]) if (x) metered(x);
      const wrap = (x: Expr, fn: string): Expr => ({ ...x, exprKind: { case: 'callExpr', value: { $typeName: 'cel.expr.Expr.Call', function: fn, args: [x] } as CallValue } });
      // Counts each iteration; an exhausted meter ends every loop at its next condition.
      if (c.loopCondition) c.loopCondition = wrap(c.loopCondition, METER_GUARD_FUNCTION);
      return;
    }
    default:
      return;
  }
}

interface Compiled {
  program?: Program;
  error?: string;
  type?: CelT;
  cost: number;
  usesOldSelf: boolean;
}

function compileExpression(source: string, vars: ReadonlyMap<string, CelT>): Compiled {
  let parsed: ParsedExpr;
  try {
    parsed = parseCel(source);
  } catch (err) {
    return { error: `ERROR: ${err instanceof Error ? err.message : String(err)}`, cost: 0, usesOldSelf: false };
  }
  const checked = checkParsed(parsed, source, vars);
  const usesOldSelf = checked.references.has('oldSelf');
  if (checked.issues !== '') return { error: checked.issues, cost: 0, usesOldSelf };
  const cost = estimateCost(parsed.expr, checked.types);
  renameOptionalIndexes(parsed.expr, checked.types);
  metered(parsed.expr);
  // The common shapes run as closures (fast.ts); the rest through @bufbuild/cel's interpreter.
  const fast = process.env.FRONTDOOR_CEL_INTERPRET_ONLY === '1' ? undefined : compileFast(parsed.expr, checked.types);
  if (fast) return { program: Object.assign(fast as Program, { raw: true }), type: checked.type, cost, usesOldSelf };
  try {
    const run = plan(ENV, parsed) as (ctx: Record<string, CelInput>) => CelResult;
    return { program: (b) => run(b.oldSelf === undefined ? { self: b.self } : { self: b.self, oldSelf: b.oldSelf }), type: checked.type, cost, usesOldSelf };
  } catch (err) {
    return { error: `ERROR: ${err instanceof Error ? err.message : String(err)}`, cost: 0, usesOldSelf };
  }
}

const isKind = (t: CelT | undefined, name: string): boolean => t?.kind === 'dyn' || (t?.kind === 'prim' && t.name === name);

/**
 * Compiles the rules of schema node `s` (the root of a resource, or an
 * embedded resource, when `isResourceRoot`). Every rule gets a result, in order.
 */
export function compileRules(s: Structural, isResourceRoot: boolean): CompiledRule[] {
  if (s.validations.length === 0) return [];
  const self = schemaDeclType(s, `selfType${selfTypes++}`, isResourceRoot);
  const plainVars = new Map<string, CelT>([['self', self], ['oldSelf', self]]);
  const optionalVars = new Map<string, CelT>([['self', self], ['oldSelf', optionalOf(self)]]);
  return s.validations.map((rule): CompiledRule => {
    const out: CompiledRule = { rule, usesOldSelf: false, cost: 0, messageCost: 0 };
    if (rule.rule.trim() === '') return out;
    const vars = rule.optionalOldSelf === true ? optionalVars : plainVars;
    const compiled = compileExpression(rule.rule, vars);
    out.usesOldSelf = compiled.usesOldSelf;
    if (rule.optionalOldSelf === true && compiled.usesOldSelf) out.optionalOldSelf = true;
    out.cost = compiled.cost;
    if (compiled.error !== undefined) out.error = `compilation failed: ${compiled.error}`;
    else if (!isKind(compiled.type, 'bool')) out.error = 'cel expression must evaluate to a bool';
    else if (compiled.program) out.program = compiled.program;
    if (rule.messageExpression !== undefined && rule.messageExpression.trim() !== '') {
      const message = compileExpression(rule.messageExpression, vars);
      out.messageCost = message.cost;
      if (message.error !== undefined) out.messageError = `messageExpression compilation failed: ${message.error}`;
      else if (!isKind(message.type, 'string')) out.messageError = 'messageExpression must evaluate to a string';
      else if (message.program) out.messageProgram = message.program;
    }
    if (rule.fieldPath !== undefined && rule.fieldPath !== '') {
      const normalized = normalizeRuleFieldPath(rule.fieldPath, s);
      if (normalized !== undefined) out.fieldPath = normalized;
    }
    return out;
  });
}
