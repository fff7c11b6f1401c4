/**
 * A direct evaluator for the common shape of CRD rules: once the checker
 * has typed every node exactly (no dyn), field selection, `has`, the
 * logical operators (with CEL's error absorption), equality and ordering of
 * ints, doubles, strings and bools, int and string `+`/`-`, `size`, the
 * string tests (contains, startsWith, endsWith, lowerAscii, matches), kube's
 * isSorted, and comprehensions (all, exists, exists_one) become JS closures
 * over variable slots, run on the JSON itself (no conversion to CEL values:
 * a field is read by its unescaped name, a JSON number is an int or a
 * double as the schema types it, `has` is false for a null as it is for the
 * converted map). @bufbuild/cel's interpreter resolves every name,
 * dispatches every call among its overloads and allocates an activation per
 * iteration; for these rules it costs several times more than the rules do.
 * Anything else (another function, a dyn or optional value, a literal list
 * or map, an index) leaves the rule to @bufbuild/cel, whole. Runtime errors
 * carry cel-go's texts; a value of the wrong type (a null where the schema
 * says string) is a no-such-overload error, as the interpreter gives.
 */
import { celError, type CelResult } from '@bufbuild/cel';
import type { Expr } from './checker.js';
import { codePoints, matchesPattern, patternMatcher } from './library.js';
import { METER_GUARD_FUNCTION, meterTick } from './meter.js';
import type { CelT } from './types.js';

class Fail {
  constructor(readonly message: string) {}
}

type JSONObject = { [key: string]: unknown };
type Val = bigint | number | string | boolean | null | readonly unknown[] | JSONObject | Fail;
type Slots = Val[];
type Fn = (slots: Slots) => Val;

const NO_OVERLOAD = new Fail('found no matching overload');
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Thrown at compile time: this rule is not for the fast path. */
class Unsupported extends Error {}

const unsupported = (): never => {
  throw new Unsupported();
};

type Kind = 'int' | 'double' | 'string' | 'bool' | 'list' | 'map' | 'object';

/** The node's exact kind, or unsupported when the checker could not pin it down. */
function kindOf(t: CelT | undefined): Kind {
  if (!t) return unsupported();
  switch (t.kind) {
    case 'prim':
      if (t.name === 'int' || t.name === 'double' || t.name === 'string' || t.name === 'bool') return t.name;
      return unsupported();
    case 'list':
      return 'list';
    case 'map':
      return 'map';
    case 'object':
      return 'object';
    default:
      return unsupported();
  }
}

const isJSONObject = (v: unknown): v is JSONObject => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Fail);

/** Whether a JSON value is one of the kind (a whole JSON number is an int where the schema says integer). */
const isKind = (v: Val, k: Kind): boolean => {
  switch (k) {
    case 'int':
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
    case 'double':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'list':
      return Array.isArray(v);
    case 'map':
    case 'object':
      return isJSONObject(v);
  }
};

const RESERVED_ESCAPE = /^__(true|false|null|in|as|break|const|continue|else|for|function|if|import|let|loop|package|namespace|return|var|void|while)__$/;

/** kube's cel.Unescape: the JSON property a CEL field name of a schema object stands for. */
function unescapeFieldName(name: string): string {
  const reserved = RESERVED_ESCAPE.exec(name);
  if (reserved) return reserved[1]!;
  return name.replace(/__(underscores|dot|dash|slash)__/g, (_, t: string) => (t === 'underscores' ? '__' : t === 'dot' ? '.' : t === 'dash' ? '-' : '/'));
}

/** CEL equality where either side may be a scalar of any type: numbers across int and double, others by type and value. */
function scalarEquals(x: Val, y: Val): boolean {
  if (x === y) return typeof x !== 'number' || !Number.isNaN(x);
  const nx = typeof x === 'bigint' || typeof x === 'number';
  const ny = typeof y === 'bigint' || typeof y === 'number';
  if (nx && ny) return x == y; // eslint-disable-line eqeqeq
  // The checker typed both sides as scalars; a list or map here is data the schema did not allow.
  return false;
}

function lowerAscii(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : s[i];
  }
  return out;
}

type CallValue = Extract<Expr['exprKind'], { case: 'callExpr' }>['value'];
type Comprehension = Extract<Expr['exprKind'], { case: 'comprehensionExpr' }>['value'];

class Compiler {
  private readonly scope: string[];

  constructor(private readonly types: ReadonlyMap<bigint, CelT>, vars: readonly string[]) {
    this.scope = [...vars];
  }

  get slotCount(): number {
    return this.scope.length;
  }

  private slotOf(name: string): number {
    const i = this.scope.lastIndexOf(name);
    return i >= 0 ? i : unsupported();
  }

  private kind(e: Expr): Kind {
    return kindOf(this.types.get(e.id));
  }

  /** Closures whose every non-Fail result is of their node's checked kind (operators' results, constants). */
  private readonly computed = new WeakSet<Fn>();

  private sure(f: Fn): Fn {
    this.computed.add(f);
    return f;
  }

  compile(e: Expr): Fn {
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr': {
        const c = k.value.constantKind;
        let v: Val;
        if (c.case === 'int64Value' || c.case === 'stringValue' || c.case === 'boolValue' || c.case === 'doubleValue') v = c.value;
        else return unsupported();
        return this.sure(() => v);
      }
      case 'identExpr': {
        const slot = this.slotOf(k.value.name);
        return (s) => s[slot]!;
      }
      case 'selectExpr':
        return this.select(e, k.value.operand ?? unsupported(), k.value.field, k.value.testOnly);
      case 'callExpr':
        // Every operator and function here yields its checked kind (or a Fail).
        return this.sure(this.call(e, k.value));
      case 'comprehensionExpr':
        return this.comprehension(k.value);
      default:
        return unsupported();
    }
  }

  private select(e: Expr, operand: Expr, field: string, testOnly: boolean, expect?: Kind): Fn {
    const opKind = this.kind(operand);
    if (opKind !== 'object' && opKind !== 'map') return unsupported();
    // An object's fields are its schema's properties, escaped; a map's keys are themselves.
    const key = opKind === 'object' ? unescapeFieldName(field) : field;
    // A field of a variable (self.x, p.x), the common case, reads the slot itself: one closure, not two.
    const slot = operand.exprKind.case === 'identExpr' ? this.slotOf(operand.exprKind.value.name) : -1;
    const of = slot >= 0 ? undefined : this.compile(operand);
    if (testOnly) {
      return (s) => {
        const m = of ? of(s) : s[slot]!;
        if (m instanceof Fail) return m;
        if (!isJSONObject(m)) return NO_OVERLOAD;
        return Object.hasOwn(m, key) && m[key] !== null && m[key] !== undefined;
      };
    }
    // The result's static kind must be exact too (checked when used), so a missing type is refused here.
    this.kind(e);
    const missing = new Fail(`no such key: ${field}`);
    if (expect !== undefined) {
      // typed(): the value checked against the kind its consumer needs, in the same closure.
      return (s) => {
        const m = of ? of(s) : s[slot]!;
        if (m instanceof Fail) return m;
        if (!isJSONObject(m)) return NO_OVERLOAD;
        if (!Object.hasOwn(m, key)) return missing;
        const v = m[key] as Val;
        return isKind(v, expect) ? v : NO_OVERLOAD;
      };
    }
    return (s) => {
      const m = of ? of(s) : s[slot]!;
      if (m instanceof Fail) return m;
      if (!isJSONObject(m)) return NO_OVERLOAD;
      return Object.hasOwn(m, key) ? (m[key] as Val) : missing;
    };
  }

  /** `f` evaluated and required to be of kind `k`. */
  private typed(e: Expr, k: Kind): Fn {
    if (this.kind(e) !== k) return unsupported();
    const x = e.exprKind;
    if (x.case === 'selectExpr' && !x.value.testOnly) return this.select(e, x.value.operand ?? unsupported(), x.value.field, false, k);
    if (x.case === 'identExpr') {
      // A variable read and checked in one closure.
      const slot = this.slotOf(x.value.name);
      return (s) => {
        const v = s[slot]!;
        return v instanceof Fail || isKind(v, k) ? v : NO_OVERLOAD;
      };
    }
    const f = this.compile(e);
    // What an operator computes is of its checked kind already; only data (variables, fields, loop results) is checked.
    if (this.computed.has(f)) return f;
    return (s) => {
      const v = f(s);
      if (v instanceof Fail || isKind(v, k)) return v;
      return NO_OVERLOAD;
    };
  }

  private call(e: Expr, c: CallValue): Fn {
    const { function: fn, target, args } = c;
    const [a, b, third] = args;
    if (target) return this.method(fn, target, args);
    switch (fn) {
      case '_&&_':
      case '_||_': {
        if (!a || !b) return unsupported();
        const l = this.typed(a, 'bool');
        const r = this.typed(b, 'bool');
        const decisive = fn === '_||_';
        return (s) => {
          const x = l(s);
          if (x === decisive) return decisive;
          const y = r(s);
          if (y === decisive) return decisive;
          if (x instanceof Fail) return x;
          if (y instanceof Fail) return y;
          return !decisive;
        };
      }
      case '!_': {
        const f = this.typed(a ?? unsupported(), 'bool');
        return (s) => {
          const v = f(s);
          return v instanceof Fail ? v : !v;
        };
      }
      case '@not_strictly_false': {
        const f = this.typed(a ?? unsupported(), 'bool');
        return (s) => {
          const v = f(s);
          return v instanceof Fail ? true : v;
        };
      }
      case METER_GUARD_FUNCTION: {
        const f = this.typed(a ?? unsupported(), 'bool');
        return (s) => {
          if (!meterTick()) return false;
          return f(s);
        };
      }
      case '_?_:_': {
        if (!a || !b || !third) return unsupported();
        const cond = this.typed(a, 'bool');
        const k = this.kind(b);
        if (this.kind(third) !== k) return unsupported();
        const t = this.typed(b, k);
        const f = this.typed(third, k);
        return (s) => {
          const v = cond(s);
          if (v instanceof Fail) return v;
          return v ? t(s) : f(s);
        };
      }
      case '_==_':
      case '_!=_':
      case '_<_':
      case '_<=_':
      case '_>_':
      case '_>=_':
        return this.compare(fn, a ?? unsupported(), b ?? unsupported());
      case '_+_':
      case '_-_':
        return this.arith(fn, a ?? unsupported(), b ?? unsupported());
      case 'size': {
        if (!a || args.length !== 1) return unsupported();
        return this.size(a);
      }
      case 'matches': {
        if (!a || !b) return unsupported();
        return this.matches(a, b);
      }
      default:
        return unsupported();
    }
  }

  private method(fn: string, target: Expr, args: readonly Expr[]): Fn {
    const [a] = args;
    switch (fn) {
      case 'size':
        if (args.length !== 0) return unsupported();
        return this.size(target);
      case 'contains':
        return this.stringTest((x, y) => x.includes(y), target, a ?? unsupported());
      case 'startsWith':
        return this.stringTest((x, y) => x.startsWith(y), target, a ?? unsupported());
      case 'endsWith':
        return this.stringTest((x, y) => x.endsWith(y), target, a ?? unsupported());
      case 'matches':
        return this.matches(target, a ?? unsupported());
      case 'isSorted': {
        // kube's lists library over a list of scalars; a null element is its "no such overload".
        const t = this.types.get(target.id);
        if (args.length !== 0 || t?.kind !== 'list') return unsupported();
        const elem = kindOf(t.elem);
        if (elem !== 'int' && elem !== 'double' && elem !== 'string' && elem !== 'bool') return unsupported();
        const f = this.typed(target, 'list');
        const noOverload = new Fail('no such overload');
        return (s) => {
          const list = f(s);
          if (list instanceof Fail) return list;
          let prev: Val | undefined;
          for (const v of list as readonly unknown[]) {
            // Elements are checked as the library compares them: in pairs (a one-element list is sorted, whatever it holds).
            if (prev !== undefined) {
              if (!isKind(prev, elem) || !isKind(v as Val, elem)) return noOverload;
              if ((prev as number) > (v as number)) return false;
            }
            prev = v as Val;
          }
          return true;
        };
      }
      case 'lowerAscii': {
        if (args.length !== 0) return unsupported();
        const f = this.typed(target, 'string');
        return (s) => {
          const v = f(s);
          return v instanceof Fail ? v : lowerAscii(v as string);
        };
      }
      default:
        return unsupported();
    }
  }

  private stringTest(test: (x: string, y: string) => boolean, x: Expr, y: Expr): Fn {
    const fx = this.typed(x, 'string');
    const fy = this.typed(y, 'string');
    const literal = constOf(y);
    if (typeof literal === 'string') {
      // The usual `contains(':')`: no closure call for the argument.
      return (s) => {
        const u = fx(s);
        if (u instanceof Fail) return u;
        try {
          return test(u as string, literal);
        } catch (err) {
          return new Fail(err instanceof Error ? err.message : String(err));
        }
      };
    }
    return (s) => {
      const u = fx(s);
      if (u instanceof Fail) return u;
      const v = fy(s);
      if (v instanceof Fail) return v;
      try {
        return test(u as string, v as string);
      } catch (err) {
        return new Fail(err instanceof Error ? err.message : String(err));
      }
    };
  }

  private matches(text: Expr, pattern: Expr): Fn {
    const p = pattern.exprKind;
    if (p.case !== 'constExpr' || p.value.constantKind.case !== 'stringValue') return this.stringTest((x, y) => matchesPattern(x, y), text, pattern);
    // A literal pattern (the usual case) is looked up once for the rule, not on every evaluation.
    const match = patternMatcher(p.value.constantKind.value);
    return this.stringTest((x) => match(x), text, pattern);
  }

  private size(e: Expr): Fn {
    const k = this.kind(e);
    if (k !== 'string' && k !== 'list' && k !== 'map') return unsupported();
    const f = this.typed(e, k);
    return (s) => {
      const v = f(s);
      if (v instanceof Fail) return v;
      return typeof v === 'string' ? codePoints(v) : BigInt(Array.isArray(v) ? v.length : Object.keys(v as JSONObject).length);
    };
  }

  private compare(fn: string, a: Expr, b: Expr): Fn {
    const k = this.kind(a);
    if (this.kind(b) !== k || (k !== 'int' && k !== 'double' && k !== 'string' && k !== 'bool')) return unsupported();
    if (fn === '_==_' || fn === '_!=_') {
      // CEL's equality is heterogeneous: a value of another type (a null) is unequal, not an error.
      const l = this.compile(a);
      const r = this.compile(b);
      const same = fn === '_==_';
      return (s) => {
        const x = l(s);
        if (x instanceof Fail) return x;
        const y = r(s);
        if (y instanceof Fail) return y;
        return scalarEquals(x, y) === same;
      };
    }
    const l = this.typed(a, k);
    const r = this.typed(b, k);
    // One closure per operator: no call for the comparison itself.
    switch (fn) {
      case '_<_':
        return (s) => {
          const x = l(s);
          if (x instanceof Fail) return x;
          const y = r(s);
          return y instanceof Fail ? y : (x as number) < (y as number);
        };
      case '_<=_':
        return (s) => {
          const x = l(s);
          if (x instanceof Fail) return x;
          const y = r(s);
          return y instanceof Fail ? y : (x as number) <= (y as number);
        };
      case '_>_':
        return (s) => {
          const x = l(s);
          if (x instanceof Fail) return x;
          const y = r(s);
          return y instanceof Fail ? y : (x as number) > (y as number);
        };
      default:
        return (s) => {
          const x = l(s);
          if (x instanceof Fail) return x;
          const y = r(s);
          return y instanceof Fail ? y : (x as number) >= (y as number);
        };
    }
  }

  private arith(fn: string, a: Expr, b: Expr): Fn {
    const k = this.kind(a);
    if (this.kind(b) !== k) return unsupported();
    const l = this.typed(a, k);
    const r = this.typed(b, k);
    if (k === 'string' && fn === '_+_') {
      return (s) => {
        const x = l(s);
        if (x instanceof Fail) return x;
        const y = r(s);
        return y instanceof Fail ? y : (x as string) + (y as string);
      };
    }
    if (k !== 'int') return unsupported();
    const overflow = new Fail('integer overflow');
    const plus = fn === '_+_';
    return (s) => {
      const x = l(s);
      if (x instanceof Fail) return x;
      const y = r(s);
      if (y instanceof Fail) return y;
      const v = plus ? BigInt(x as number) + BigInt(y as number) : BigInt(x as number) - BigInt(y as number);
      return v > INT64_MAX || v < INT64_MIN ? overflow : v;
    };
  }

  /**
   * all, exists and exists_one as the parser expands them (metered), run as
   * one loop over the predicate: the same results, errors and meter ticks as
   * the expansion evaluated step by step, without a closure call for the
   * accumulator, the condition and the step of every iteration.
   */
  private macro(c: Comprehension, iterSlot: number): Fn | undefined {
    const accu = c.accuVar;
    const guarded = callOf(c.loopCondition, METER_GUARD_FUNCTION)?.[0];
    const range = () => this.typed(c.iterRange!, this.kind(c.iterRange!));
    // all: true, @not_strictly_false(accu), accu && p, accu. exists: false, @not_strictly_false(!accu), accu || p, accu.
    for (const [init, op, decisive] of [[true, '_&&_', false], [false, '_||_', true]] as const) {
      const step = callOf(c.loopStep, op);
      const tested = callOf(guarded, '@not_strictly_false')?.[0];
      const condOk = decisive ? isIdent(callOf(tested, '!_')?.[0], accu) : isIdent(tested, accu);
      if (constOf(c.accuInit) !== init || !condOk || !step || !isIdent(step[0], accu) || !step[1] || !isIdent(c.result, accu)) continue;
      const items = range();
      const pred = this.typed(step[1], 'bool');
      return (s) => {
        const r = items(s);
        if (r instanceof Fail) return r;
        const list = Array.isArray(r) ? r : Object.keys(r as JSONObject);
        let err: Fail | undefined;
        for (let i = 0; i < list.length; i++) {
          if (!meterTick()) break;
          s[iterSlot] = list[i] as Val;
          const v = pred(s);
          if (v === decisive) {
            // The expansion's next iteration counts once before its condition ends the loop.
            if (i + 1 < list.length) meterTick();
            return decisive;
          }
          // The accumulator keeps the first error (a later decisive value still wins).
          if (v instanceof Fail) err ??= v;
        }
        return err ?? !decisive;
      };
    }
    // exists_one: 0, true, p ? accu + 1 : accu, accu == 1.
    const ternary = callOf(c.loopStep, '_?_:_');
    const plus = callOf(ternary?.[1], '_+_');
    const equals = callOf(c.result, '_==_');
    if (
      constOf(c.accuInit) === 0n && constOf(guarded) === true && ternary?.[0] && plus && isIdent(plus[0], accu) && constOf(plus[1]) === 1n &&
      isIdent(ternary[2], accu) && equals && isIdent(equals[0], accu) && constOf(equals[1]) === 1n
    ) {
      const items = range();
      const pred = this.typed(ternary[0], 'bool');
      return (s) => {
        const r = items(s);
        if (r instanceof Fail) return r;
        const list = Array.isArray(r) ? r : Object.keys(r as JSONObject);
        let n = 0;
        let err: Fail | undefined;
        for (let i = 0; i < list.length; i++) {
          if (!meterTick()) break;
          s[iterSlot] = list[i] as Val;
          const v = pred(s);
          // A failed predicate becomes the accumulator; a later one replaces it, and nothing else changes it.
          if (v instanceof Fail) err = v;
          else if (v === true && err === undefined) n++;
        }
        return err ?? n === 1;
      };
    }
    return undefined;
  }

  private comprehension(c: Comprehension): Fn {
    if (!c.iterRange || !c.accuInit || !c.loopCondition || !c.loopStep || !c.result || c.iterVar2 !== '') return unsupported();
    const rangeKind = this.kind(c.iterRange);
    if (rangeKind !== 'list' && rangeKind !== 'map') return unsupported();
    const range = this.typed(c.iterRange, rangeKind);
    const init = this.compile(c.accuInit);
    const accuSlot = this.scope.length;
    this.scope.push(c.accuVar);
    const iterSlot = this.scope.length;
    this.scope.push(c.iterVar);
    const macro = this.macro(c, iterSlot);
    if (macro) {
      this.scope[iterSlot] = '';
      this.scope[accuSlot] = '';
      return macro;
    }
    const cond = this.compile(c.loopCondition);
    const step = this.compile(c.loopStep);
    // The result sees the accumulator, not the iteration variable; neither is visible after (slots are never reused).
    this.scope[iterSlot] = '';
    const result = this.compile(c.result);
    this.scope[accuSlot] = '';
    return (s) => {
      const r = range(s);
      if (r instanceof Fail) return r;
      const accu = init(s);
      if (accu instanceof Fail) return accu;
      s[accuSlot] = accu;
      const items = Array.isArray(r) ? r : Object.keys(r as JSONObject);
      for (const item of items) {
        s[iterSlot] = item as Val;
        const go = cond(s);
        if (go instanceof Fail) return go;
        if (go !== true) break;
        s[accuSlot] = step(s);
      }
      return result(s);
    };
  }
}

const isIdent = (e: Expr | undefined, name: string): boolean => e?.exprKind.case === 'identExpr' && e.exprKind.value.name === name;
const callOf = (e: Expr | undefined, fn: string): readonly Expr[] | undefined =>
  e?.exprKind.case === 'callExpr' && e.exprKind.value.function === fn && !e.exprKind.value.target ? e.exprKind.value.args : undefined;
const constOf = (e: Expr | undefined): unknown => (e?.exprKind.case === 'constExpr' ? e.exprKind.value.constantKind.value : undefined);

export type FastProgram = (bindings: { self: unknown; oldSelf?: unknown }) => CelResult;

/**
 * The rule as JS closures, or undefined when any part of it is outside the
 * fast path's subset (then @bufbuild/cel evaluates it). `e` is the checked,
 * metered expression; `types` the checker's types by node id.
 */
export function compileFast(e: Expr, types: ReadonlyMap<bigint, CelT>): FastProgram | undefined {
  const compiler = new Compiler(types, ['self', 'oldSelf']);
  let run: Fn;
  try {
    if (kindOf(types.get(e.id)) !== 'bool' && kindOf(types.get(e.id)) !== 'string') return undefined;
    run = compiler.compile(e);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  const slots = compiler.slotCount;
  return (b) => {
    const s: Slots = new Array<Val>(slots);
    s[0] = b.self as Val;
    s[1] = (b.oldSelf ?? null) as Val;
    const v = run(s);
    return v instanceof Fail ? celError(v.message) : (v as CelResult);
  };
}
