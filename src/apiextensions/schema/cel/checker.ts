/**
 * A type checker for parsed CEL (@bufbuild/cel parses and evaluates, but its
 * checker covers only identifiers and constants). It finds what cel-go's
 * checker reports for kube's rules: undeclared identifiers and functions,
 * undefined fields of schema objects, calls no overload accepts, and the
 * result type (a rule must be a bool). dyn is assignable both ways, so an
 * int-or-string or preserve-unknown-fields value is checked at runtime, as
 * in kube. Messages are cel-go's (`ERROR: <input>:1:6: undefined field
 * 'foo'` and the caret line). The walk is bounded by the expression's size.
 */
import type { parse } from '@bufbuild/cel';
import { OVERLOADS, type Overload } from './overloads.js';
import { BOOL, type CelT, DYN, INT, isOptional, listOf, mapOf, NULL, optionalOf, prim, STRING, typeString } from './types.js';

/** cel-go's optional field selection `a.?f` and index `a[?i]`, as calls (parse.ts rewrites the syntax into them). */
export const OPT_SELECT = '@opt_select';
export const OPT_INDEX = '@opt_index';

export type ParsedExpr = ReturnType<typeof parse>;
export type Expr = ParsedExpr['expr'];

export interface CheckResult {
  /** The expression's type (dyn where an error made it unknown). */
  type: CelT;
  /** cel-go's issues text; empty when the expression checks. */
  issues: string;
  /** Each sub-expression's type by id, for the cost estimate. */
  types: ReadonlyMap<bigint, CelT>;
  /** Whether the expression names a variable (kube's UsesOldSelf for `oldSelf`). */
  references: ReadonlySet<string>;
}

const TYPE_NAMES = new Set(['int', 'uint', 'double', 'string', 'bool', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn']);

class Checker {
  readonly types = new Map<bigint, CelT>();
  readonly references = new Set<string>();
  private readonly errors: Array<{ offset: number; message: string }> = [];
  private scopes: Array<Map<string, CelT>> = [];

  constructor(
    private readonly vars: ReadonlyMap<string, CelT>,
    private readonly positions: Readonly<Record<string, number>>,
  ) {}

  error(e: Expr, message: string): CelT {
    this.errors.push({ offset: this.positions[String(e.id)] ?? 0, message });
    return DYN;
  }

  issues(source: string): string {
    const lines = source.split('\n');
    return [...this.errors]
      .sort((a, b) => a.offset - b.offset)
      .map(({ offset, message }) => {
        let line = 0;
        let col = offset;
        while (line < lines.length - 1 && col > lines[line]!.length) {
          col -= lines[line]!.length + 1;
          line++;
        }
        return `ERROR: <input>:${line + 1}:${col + 1}: ${message}\n | ${lines[line] ?? ''}\n | ${'.'.repeat(col)}^`;
      })
      .join('\n');
  }

  check(e: Expr): CelT {
    const t = this.checkKind(e);
    this.types.set(e.id, t);
    return t;
  }

  /** Whether `name` is a variable in scope (so `name.f()` is a method call, not the function `name.f`). */
  private declared(name: string): boolean {
    return this.scopes.some((scope) => scope.has(name)) || this.vars.has(name);
  }

  private lookup(name: string): CelT | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const t = this.scopes[i]!.get(name);
      if (t) return t;
    }
    const t = this.vars.get(name);
    if (t) this.references.add(name);
    return t ?? (TYPE_NAMES.has(name) ? { kind: 'type' } : undefined);
  }

  private checkKind(e: Expr): CelT {
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr':
        return constType(k.value.constantKind.case);
      case 'identExpr':
        return this.lookup(k.value.name) ?? this.error(e, `undeclared reference to '${k.value.name}' (in container '')`);
      case 'selectExpr': {
        const operand = k.value.operand;
        const t = operand ? this.check(operand) : DYN;
        const field = this.selectField(e, t, k.value.field);
        return k.value.testOnly ? BOOL : field;
      }
      case 'callExpr':
        return this.checkCall(e, k.value.function, k.value.target, k.value.args);
      case 'listExpr': {
        const elems = k.value.elements.map((x) => this.check(x));
        return listOf(joinTypes(elems));
      }
      case 'structExpr': {
        if (k.value.messageName !== '') return this.error(e, `undeclared reference to '${k.value.messageName}' (in container '')`);
        const keys: CelT[] = [];
        const values: CelT[] = [];
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') keys.push(this.check(entry.keyKind.value));
          if (entry.value) values.push(this.check(entry.value));
        }
        return mapOf(joinTypes(keys), joinTypes(values));
      }
      case 'comprehensionExpr':
        return this.checkComprehension(k.value);
      default:
        return this.error(e, 'unsupported expression');
    }
  }

  private selectField(e: Expr, t: CelT, field: string): CelT {
    switch (t.kind) {
      case 'object':
        return t.fields.get(field) ?? this.error(e, `undefined field '${field}'`);
      case 'map':
        return t.value;
      case 'dyn':
      case 'param':
        return DYN;
      default:
        return this.error(e, `type '${typeString(t)}' does not support field selection`);
    }
  }

  /**
   * `a.?f` and `a[?k]`: optional_type of what `a.f` or `a[k]` would be,
   * on a value or on an optional one (which stays none when it is none).
   */
  private checkOptionalAccess(e: Expr, fn: string, args: readonly Expr[]): CelT {
    const [operand, key] = args;
    if (!operand || !key) return this.error(e, `unsupported expression`);
    const outer = this.check(operand);
    const inner = isOptional(outer) ? outer.params[0]! : outer;
    if (fn === OPT_SELECT) {
      this.types.set(key.id, STRING);
      const field = key.exprKind.case === 'constExpr' && key.exprKind.value.constantKind.case === 'stringValue' ? key.exprKind.value.constantKind.value : '';
      return optionalOf(this.selectField(e, inner, field));
    }
    const k = this.check(key);
    const elem = elementType(inner, k);
    if (!elem) return this.error(e, `found no matching overload for '_[?_]' applied to '(${typeString(outer)}, ${typeString(k)})'`);
    return optionalOf(elem);
  }

  private checkComprehension(c: Extract<Expr['exprKind'], { case: 'comprehensionExpr' }>['value']): CelT {
    const range = c.iterRange ? this.check(c.iterRange) : DYN;
    let iter: CelT = DYN;
    let iter2: CelT = DYN;
    if (range.kind === 'list') {
      iter = c.iterVar2 ? INT : range.elem;
      iter2 = range.elem;
    } else if (range.kind === 'map') {
      iter = range.key;
      iter2 = range.value;
    } else if (range.kind !== 'dyn' && c.iterRange) {
      this.error(c.iterRange, `expression of type '${typeString(range)}' cannot be the range of a comprehension (must be list, map, or dynamic)`);
    }
    let accu = c.accuInit ? this.check(c.accuInit) : DYN;
    const scope = new Map<string, CelT>([[c.iterVar, iter], [c.accuVar, accu]]);
    if (c.iterVar2) scope.set(c.iterVar2, iter2);
    this.scopes.push(scope);
    if (c.loopCondition) this.check(c.loopCondition);
    const step = c.loopStep ? this.check(c.loopStep) : DYN;
    // The map/filter macros start from []: the step says what the list holds.
    if (accu.kind === 'list' && accu.elem.kind === 'dyn' && step.kind === 'list') accu = step;
    scope.set(c.accuVar, accu);
    scope.delete(c.iterVar);
    if (c.iterVar2) scope.delete(c.iterVar2);
    const result = c.result ? this.check(c.result) : DYN;
    this.scopes.pop();
    return result;
  }

  private checkCall(e: Expr, fn: string, target: Expr | undefined, args: readonly Expr[]): CelT {
    // `optional.of(x)`, `format.named(n)`, `ip.isCanonical(s)`: a qualified function name, not a method.
    if (target?.exprKind.case === 'identExpr' && !this.declared(target.exprKind.value.name)) {
      const qualified = `${target.exprKind.value.name}.${fn}`;
      if (OVERLOADS.has(qualified)) {
        // Spelled as the function it is, so the cost estimate (and the planner) see one name.
        if (e.exprKind.case === 'callExpr') {
          e.exprKind.value.function = qualified;
          e.exprKind.value.target = undefined;
        }
        return this.checkCall(e, qualified, undefined, args);
      }
    }
    if (fn === OPT_SELECT || fn === OPT_INDEX) return this.checkOptionalAccess(e, fn, args);
    const recv = target ? this.check(target) : undefined;
    const argTypes = args.map((a) => this.check(a));
    const candidates = OVERLOADS.get(fn);
    if (!candidates) return this.error(e, `undeclared reference to '${fn}' (in container '')`);
    for (const o of candidates) {
      const result = match(o, recv, argTypes);
      if (result) return result;
    }
    const applied = `${recv ? `${typeString(recv)}.` : ''}(${argTypes.map(typeString).join(', ')})`;
    return this.error(e, `found no matching overload for '${fn}' applied to '${applied}'`);
  }
}

function elementType(t: CelT, key: CelT): CelT | undefined {
  if (t.kind === 'list') return key.kind === 'dyn' || (key.kind === 'prim' && (key.name === 'int' || key.name === 'uint')) ? t.elem : undefined;
  if (t.kind === 'map') return assignable(t.key, key, new Map()) ? t.value : undefined;
  if (t.kind === 'dyn') return DYN;
  return undefined;
}

function constType(kind: string | undefined): CelT {
  switch (kind) {
    case 'boolValue': return BOOL;
    case 'int64Value': return INT;
    case 'uint64Value': return prim('uint');
    case 'doubleValue': return prim('double');
    case 'stringValue': return STRING;
    case 'bytesValue': return prim('bytes');
    case 'nullValue': return NULL;
    case 'durationValue': return prim('duration');
    case 'timestampValue': return prim('timestamp');
    default: return DYN;
  }
}

/** One type when all agree, else dyn (cel-go would ask for dyn() around mixed literals; we are lenient). */
function joinTypes(ts: readonly CelT[]): CelT {
  const [first, ...rest] = ts;
  if (!first) return DYN;
  return rest.every((t) => sameType(t, first)) ? first : DYN;
}

function sameType(a: CelT, b: CelT): boolean {
  const bind = new Map<string, CelT>();
  return assignable(a, b, bind) && assignable(b, a, bind);
}

function match(o: Overload, recv: CelT | undefined, args: readonly CelT[]): CelT | undefined {
  if ((o.receiver === undefined) !== (recv === undefined) || o.args.length !== args.length) return undefined;
  const bind = new Map<string, CelT>();
  if (o.receiver && recv && !assignable(o.receiver, recv, bind)) return undefined;
  for (let i = 0; i < args.length; i++) if (!assignable(o.args[i]!, args[i]!, bind)) return undefined;
  return substitute(o.result, bind);
}

/** Whether a value of type `arg` may be passed where `param` is declared, binding type parameters. */
export function assignable(param: CelT, arg: CelT, bind: Map<string, CelT>): boolean {
  if (param.kind === 'param') {
    const bound = bind.get(param.name);
    if (!bound || bound.kind === 'dyn') {
      bind.set(param.name, arg);
      return true;
    }
    return assignable(bound, arg, bind) || assignable(arg, bound, bind);
  }
  if (param.kind === 'dyn' || arg.kind === 'dyn' || arg.kind === 'param') return true;
  // null is a value of every object type, as of a message type in cel-go.
  if ((param.kind === 'object' && arg.kind === 'prim' && arg.name === 'null_type') || (arg.kind === 'object' && param.kind === 'prim' && param.name === 'null_type')) return true;
  switch (param.kind) {
    case 'prim':
      return arg.kind === 'prim' && arg.name === param.name;
    case 'list':
      return arg.kind === 'list' && assignable(param.elem, arg.elem, bind);
    case 'map':
      return arg.kind === 'map' && assignable(param.key, arg.key, bind) && assignable(param.value, arg.value, bind);
    case 'object':
      return arg.kind === 'object' && arg.name === param.name;
    case 'type':
      return arg.kind === 'type';
    case 'opaque':
      return arg.kind === 'opaque' && arg.name === param.name && arg.params.length === param.params.length
        && param.params.every((p, i) => assignable(p, arg.params[i]!, bind));
  }
}

function substitute(t: CelT, bind: ReadonlyMap<string, CelT>): CelT {
  switch (t.kind) {
    case 'param':
      return bind.get(t.name) ?? DYN;
    case 'list':
      return listOf(substitute(t.elem, bind));
    case 'map':
      return mapOf(substitute(t.key, bind), substitute(t.value, bind));
    case 'opaque':
      return t.params.length === 0 ? t : { ...t, params: t.params.map((p) => substitute(p, bind)) };
    default:
      return t;
  }
}

/** Type-checks a parsed expression against the declared variables. */
export function checkParsed(parsed: ParsedExpr, source: string, vars: ReadonlyMap<string, CelT>): CheckResult {
  const positions: Record<string, number> = {};
  for (const [id, offset] of Object.entries(parsed.sourceInfo?.positions ?? {})) positions[id] = offset;
  const checker = new Checker(vars, positions);
  const type = checker.check(parsed.expr);
  return { type, issues: checker.issues(source), types: checker.types, references: checker.references };
}
