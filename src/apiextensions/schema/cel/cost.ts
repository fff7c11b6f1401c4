/**
 * cel-go's static cost estimate (checker/cost.go at v0.22.0, the version
 * kube 1.32 builds with) with kube's estimators: library.CostEstimator for
 * kube's and the strings library's functions, and the CRD sizeEstimator that
 * reads a schema node's MaxElements (types.ts, kube's SchemaDeclType) by the
 * path an expression reaches it by (`self.spec.items.@items.name`).
 *
 * The same figures as kube, quirks included: sizes are ranges [min, max] and
 * only max is compared with the budget; a size is known from a computed
 * result, a literal, the schema path, or a scalar type, else it is unbounded
 * (2^64); a map's keys have size 0 (kube's key type has no MaxElements); an
 * iteration variable over a value with no path walks from the root; has()
 * costs nothing (kube's PresenceTestHasCost(false)); a comprehension costs its
 * range's size times (step + condition).
 */
import type { Expr } from './checker.js';
import { type CelT, isOptional } from './types.js';

/** kube's StaticEstimatedCostLimit (one expression) and StaticEstimatedCRDCostLimit (a whole schema). */
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;

/** cel-go's common.StringTraversalCostFactor and RegexStringLengthCostFactor. */
const TRAVERSAL = 0.1;
const REGEX_LENGTH = 0.25;
/** kube's cel.MaxNameFormatRegexSize and MaxFormatSize. */
const MAX_NAME_FORMAT_REGEX_SIZE = 128;
const MAX_FORMAT_SIZE = 64;
/** Go's math.MaxUint64 as a float: cel-go's "unknown" and where its arithmetic saturates. */
const MAX = 2 ** 64;
/** cel-go's accumulator names (v0.22 `__result__`; @bufbuild/cel's parser says `@result`). */
const ACCUMULATORS = new Set(['__result__', '@result']);

/** cel-go's SizeEstimate and CostEstimate: a [min, max] range. */
interface Range {
  min: number;
  max: number;
}

const fixed = (n: number): Range => ({ min: n, max: n });
const UNKNOWN: Range = { min: 0, max: MAX };
const sat = (x: number): number => (x >= MAX ? MAX : x);
const add = (a: Range, b: Range): Range => ({ min: sat(a.min + b.min), max: sat(a.max + b.max) });
const mul = (a: Range, b: Range): Range => ({ min: sat(a.min * b.min), max: sat(a.max * b.max) });
const union = (a: Range, b: Range): Range => ({ min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) });
/** cel-go's multiplyByCostFactor: ceil(x * f), saturating. */
const byFactor = (x: number, f: number): number => {
  if (x > 0 && f > 0 && x > MAX / f) return MAX;
  const c = Math.ceil(x * f);
  return c >= MAX ? MAX : c;
};
const factor = (a: Range, f: number): Range => ({ min: byFactor(a.min, f), max: byFactor(a.max, f) });

/** cel-go's AstNode: what an estimator sees of an operand. */
interface Node {
  path: readonly string[] | undefined;
  type: CelT | undefined;
  expr: Expr | undefined;
  /** A size computed by the coster (a call's result size, a comprehension's range size). */
  derived: Range | undefined;
}

interface CallEstimate {
  cost: Range;
  resultSize?: Range;
}

type Kind = 'list' | 'map' | 'string' | 'bytes' | 'dyn' | 'other';

function kindOf(t: CelT | undefined): Kind {
  if (!t || t.kind === 'dyn' || t.kind === 'param') return 'dyn';
  if (t.kind === 'list' || t.kind === 'map') return t.kind;
  if (t.kind === 'prim' && (t.name === 'string' || t.name === 'bytes')) return t.name;
  return 'other';
}

const isScalar = (t: CelT | undefined): boolean =>
  t?.kind === 'prim' && ['bool', 'double', 'duration', 'int', 'timestamp', 'uint'].includes(t.name);

const isOpaque = (t: CelT | undefined, name: string): boolean => t?.kind === 'opaque' && t.name === name;

/** The size of a value of a schema type reached by path: kube's DeclType.MaxElements (absent is 0). */
const maxElements = (t: CelT): number => ('size' in t && t.size !== undefined ? t.size : 0);

/**
 * The overloads cel-go's checker would record for a call, as far as the
 * estimate tells them apart (one tag per case of cel-go's functionCost; a dyn
 * operand matches several, and the estimate is their union).
 */
function overloadsOf(fn: string, target: CelT | undefined, hasTarget: boolean, args: readonly (CelT | undefined)[]): string[] {
  const a0 = kindOf(args[0]);
  const a1 = kindOf(args[1]);
  switch (fn) {
    case '_&&_':
    case '_||_':
      return ['logical'];
    case '_?_:_':
      return ['conditional'];
    case '_==_':
    case '_!=_':
      return ['equals'];
    case '_+_': {
      const known = [a0, a1].find((k) => k !== 'dyn');
      if (known === 'string' || known === 'bytes' || known === 'list') return [`add_${known}`];
      return known === undefined ? ['add_string', 'add_bytes', 'add_list', 'other'] : ['other'];
    }
    case '_<_':
    case '_<=_':
    case '_>_':
    case '_>=_': {
      const known = [a0, a1].find((k) => k !== 'dyn');
      if (known === 'string' || known === 'bytes') return ['compare_string'];
      return known === undefined ? ['compare_string', 'other'] : ['other'];
    }
    case '@in':
      return a1 === 'list' ? ['in_list'] : a1 === 'dyn' ? ['in_list', 'other'] : ['other'];
    case '_[_]':
      return a0 === 'list' ? ['index_list'] : a0 === 'map' ? ['index_map'] : a0 === 'dyn' ? ['index_list', 'index_map'] : ['other'];
    case 'matches':
      return hasTarget ? ['matches_string'] : ['other'];
    case 'contains':
      return hasTarget && kindOf(target) !== 'list' ? ['contains_string'] : ['other'];
    case 'startsWith':
    case 'endsWith':
      return hasTarget ? ['starts_with_string'] : ['other'];
    case 'bytes':
      return a0 === 'string' || a0 === 'dyn' ? ['string_to_bytes'] : ['other'];
    case 'string':
      return a0 === 'bytes' ? ['bytes_to_string'] : ['other'];
    case 'format':
      return hasTarget ? ['string_format'] : ['other'];
    case 'strings.quote':
      return ['quote_string'];
    case 'ip':
      return hasTarget ? ['cidr_ip'] : ['other'];
    case 'containsIP':
    case 'containsCIDR':
      return [kindOf(args[0]) === 'string' ? `${fn}_string` : 'other'];
    default:
      return ['other'];
  }
}

class Coster {
  private readonly paths = new Map<bigint, readonly string[]>();
  private readonly iterRanges = new Map<string, Expr[]>();
  private readonly sizes = new Map<bigint, Range>();

  constructor(
    private readonly types: ReadonlyMap<bigint, CelT>,
    /** The rule's node type (what `self` is): the root of every path. */
    private readonly root: CelT | undefined,
  ) {}

  private node(e: Expr): Node {
    const path = this.paths.get(e.id);
    return { path: path && path.length > 0 && ACCUMULATORS.has(path[0]!) ? undefined : path, type: this.types.get(e.id), expr: e, derived: this.sizes.get(e.id) };
  }

  /** cel-go's astNode.ComputedSize: a derived size, else a literal's. */
  private computedSize(n: Node): Range | undefined {
    if (n.derived) return n.derived;
    const k = n.expr?.exprKind;
    if (k?.case === 'constExpr') {
      const c = k.value.constantKind;
      if (c.case === 'stringValue') return fixed([...c.value].length);
      if (c.case === 'bytesValue') return fixed(c.value.length);
      return c.case === undefined ? undefined : fixed(1);
    }
    if (k?.case === 'listExpr') return fixed(k.value.elements.length);
    if (k?.case === 'structExpr' && k.value.messageName === '') return fixed(k.value.entries.length);
    return undefined;
  }

  /** kube's CRD sizeEstimator: the MaxElements of the schema type at the node's path (its first step is the variable, the root). */
  private schemaSize(n: Node): Range | undefined {
    if (!n.path || n.path.length === 0) return undefined;
    let t = this.root;
    for (const step of n.path.slice(1)) {
      if (!t) return undefined;
      if (step === '@items' || step === '@values') t = t.kind === 'list' ? t.elem : t.kind === 'map' ? t.value : undefined;
      else if (step === '@keys') t = t.kind === 'map' ? t.key : undefined;
      else t = t.kind === 'object' ? t.fields.get(step) : undefined;
    }
    return t ? { min: 0, max: maxElements(t) } : undefined;
  }

  /** cel-go's coster.sizeEstimate. */
  private celSize(n: Node): Range {
    return this.computedSize(n) ?? this.schemaSize(n) ?? (isScalar(n.type) ? fixed(1) : UNKNOWN);
  }

  /** kube's library.CostEstimator.sizeEstimate (no scalar fallback). */
  private kubeSize(n: Node): Range {
    return this.computedSize(n) ?? this.schemaSize(n) ?? UNKNOWN;
  }

  cost(e: Expr | undefined): Range {
    if (!e) return fixed(0);
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr':
        return fixed(0);
      case 'identExpr': {
        const name = k.value.name;
        const ranges = this.iterRanges.get(name);
        const range = ranges?.[ranges.length - 1];
        if (range) {
          const kind = this.types.get(range.id)?.kind;
          const base = this.paths.get(range.id) ?? [];
          if (kind === 'list') this.paths.set(e.id, [...base, '@items']);
          else if (kind === 'map') this.paths.set(e.id, [...base, '@keys']);
        } else {
          this.paths.set(e.id, [name]);
        }
        return fixed(1);
      }
      case 'selectExpr': {
        const operand = k.value.operand;
        // has(): free in kube (PresenceTestHasCost(false)).
        if (k.value.testOnly) return this.cost(operand);
        let sum = this.cost(operand);
        const t = operand ? this.types.get(operand.id) : undefined;
        if (t && (t.kind === 'map' || t.kind === 'object' || t.kind === 'param')) sum = add(sum, fixed(1));
        this.paths.set(e.id, [...((operand && this.paths.get(operand.id)) ?? []), k.value.field]);
        return sum;
      }
      case 'callExpr':
        return this.costCall(e, k.value.function, k.value.target, k.value.args);
      case 'listExpr':
        return k.value.elements.reduce((sum, x) => add(sum, this.cost(x)), fixed(10));
      case 'structExpr':
        return k.value.entries.reduce(
          (sum, x) => add(add(sum, x.keyKind.case === 'mapKey' ? this.cost(x.keyKind.value) : fixed(0)), this.cost(x.value)),
          fixed(k.value.messageName === '' ? 30 : 40),
        );
      case 'comprehensionExpr': {
        const c = k.value;
        let sum = add(this.cost(c.iterRange), this.cost(c.accuInit));
        const stack = this.iterRanges.get(c.iterVar) ?? [];
        this.iterRanges.set(c.iterVar, stack);
        if (c.iterRange) stack.push(c.iterRange);
        const loop = this.cost(c.loopCondition);
        const step = this.cost(c.loopStep);
        if (c.iterRange) stack.pop();
        sum = add(sum, this.cost(c.result));
        const count = c.iterRange ? this.celSize(this.node(c.iterRange)) : fixed(0);
        this.sizes.set(e.id, count);
        return add(sum, mul(count, add(step, loop)));
      }
      default:
        return fixed(0);
    }
  }

  private costCall(e: Expr, fn: string, target: Expr | undefined, args: readonly Expr[]): Range {
    const argCosts = args.map((a) => this.cost(a));
    const argNodes = args.map((a) => this.node(a));
    let sum = fixed(0);
    let targetNode: Node | undefined;
    if (target) {
      sum = this.cost(target);
      targetNode = this.node(target);
    }
    let fnCost: Range = { min: MAX, max: 0 };
    let resultSize: Range | undefined;
    for (const overload of overloadsOf(fn, targetNode?.type, target !== undefined, argNodes.map((n) => n.type))) {
      const est = this.functionCost(fn, overload, targetNode, argNodes, argCosts);
      fnCost = union(fnCost, est.cost);
      if (est.resultSize) resultSize = resultSize ? union(resultSize, est.resultSize) : est.resultSize;
      if ((overload === 'index_list' || overload === 'index_map') && args[0]) {
        this.paths.set(e.id, [...(this.paths.get(args[0].id) ?? []), overload === 'index_list' ? '@items' : '@values']);
      }
    }
    if (resultSize) this.sizes.set(e.id, resultSize);
    return add(sum, fnCost);
  }

  private functionCost(fn: string, overload: string, target: Node | undefined, args: readonly Node[], argCosts: readonly Range[]): CallEstimate {
    const argSum = (): Range => argCosts.reduce(add, fixed(0));
    const withArgs = (est: CallEstimate): CallEstimate => ({ ...est, cost: add(est.cost, argSum()) });
    // ext.Sets' overload estimators come first, then kube's estimator, then cel-go's own cases.
    if (fn === 'sets.contains' || fn === 'sets.intersects' || fn === 'sets.equivalent') {
      if (args.length === 2) {
        const est = add(factor(mul(this.celSize(args[0]!), this.celSize(args[1]!)), fn === 'sets.equivalent' ? 2 : 1), fixed(1));
        return withArgs({ cost: est });
      }
    }
    const kube = this.kubeCallCost(fn, overload, target, args);
    if (kube) return withArgs(kube);
    const size = (n: Node): Range => this.celSize(n);
    switch (overload) {
      case 'string_format':
        if (target) return withArgs({ cost: factor(size(target), TRAVERSAL) });
        break;
      case 'string_to_bytes':
        if (args.length === 1) {
          const sz = size(args[0]!);
          return withArgs({ cost: factor(sz, TRAVERSAL), resultSize: { min: sz.min, max: sat(sz.max * 4) } });
        }
        break;
      case 'bytes_to_string':
        if (args.length === 1) {
          const sz = size(args[0]!);
          return withArgs({ cost: factor(sz, TRAVERSAL), resultSize: { min: Math.floor(sz.min / 4), max: sz.max } });
        }
        break;
      case 'quote_string':
        if (args.length === 1) {
          const sz = size(args[0]!);
          return withArgs({ cost: factor(sz, TRAVERSAL), resultSize: { min: sat(sz.min + 2), max: sat(sat(sz.max * 2) + 2) } });
        }
        break;
      case 'starts_with_string':
        // cel-go charges the prefix's (argument's) length, not the string's.
        if (args.length === 1) return withArgs({ cost: factor(size(args[0]!), TRAVERSAL) });
        break;
      case 'in_list':
        if (args.length === 2) return withArgs({ cost: factor(size(args[1]!), 1) });
        break;
      case 'matches_string':
        if (target && args.length === 1) {
          const str = factor(add(size(target), fixed(1)), TRAVERSAL);
          const regex = factor(size(args[0]!), REGEX_LENGTH);
          return withArgs({ cost: mul(str, regex) });
        }
        break;
      case 'contains_string':
        if (target && args.length === 1) return withArgs({ cost: mul(factor(size(target), TRAVERSAL), factor(size(args[0]!), TRAVERSAL)) });
        break;
      case 'logical': {
        const lhs = argCosts[0] ?? fixed(0);
        const rhs = argCosts[1] ?? fixed(0);
        return { cost: { min: lhs.min, max: add(lhs, rhs).max } };
      }
      case 'conditional': {
        const resultSize = union(size(args[1]!), size(args[2]!));
        return { cost: add(argCosts[0]!, union(argCosts[1]!, argCosts[2]!)), resultSize };
      }
      case 'add_string':
      case 'add_bytes':
      case 'add_list':
        if (args.length === 2) {
          const resultSize = add(size(args[0]!), size(args[1]!));
          return withArgs({ cost: overload === 'add_list' ? fixed(1) : factor(resultSize, TRAVERSAL), resultSize });
        }
        break;
      case 'compare_string':
      case 'equals':
        if (args.length === 2) {
          const smallestMax = Math.min(size(args[0]!).max, size(args[1]!).max);
          return withArgs({ cost: factor({ min: smallestMax > 0 ? 1 : 0, max: smallestMax }, TRAVERSAL) });
        }
        break;
    }
    return withArgs({ cost: fixed(1) });
  }

  /** kube's list element node: the target's first type parameter at path `…@items`. */
  private elementNode(list: Node): Node | undefined {
    const t = list.type;
    const elem = t?.kind === 'list' ? t.elem : t?.kind === 'map' ? t.key : undefined;
    if (!elem) return undefined;
    return { path: list.path ? [...list.path, '@items'] : undefined, type: elem, expr: undefined, derived: undefined };
  }

  /** kube's library.CostEstimator.EstimateCallCost; undefined where kube leaves the call to cel-go. */
  private kubeCallCost(fn: string, overload: string, target: Node | undefined, args: readonly Node[]): CallEstimate | undefined {
    const size = (n: Node): Range => this.kubeSize(n);
    const one = { cost: fixed(1) };
    switch (fn) {
      case 'isSorted': case 'sum': case 'max': case 'min': case 'indexOf': case 'lastIndexOf': case 'includes':
        if (target) {
          const el = this.elementNode(target);
          if (el) {
            const k = kindOf(el.type);
            const elCost = k === 'string' || k === 'bytes' ? add(fixed(1), factor(size(el), TRAVERSAL)) : fixed(1);
            return { cost: mul(size(target), elCost) };
          }
          return { cost: fn === 'includes' ? size(target) : factor(size(target), TRAVERSAL) };
        }
        return undefined;
      case 'url': case 'jsonpatch.escapeKey':
        if (args.length === 1) {
          const sz = size(args[0]!);
          return { cost: factor(sz, TRAVERSAL), resultSize: sz };
        }
        return undefined;
      case 'lowerAscii': case 'upperAscii': case 'substring': case 'trim':
        if (target) {
          const sz = size(target);
          return { cost: factor(sz, TRAVERSAL), resultSize: sz };
        }
        return undefined;
      case 'replace':
        if (target && args.length >= 2) return { cost: factor(size(target), 2 * TRAVERSAL), resultSize: replaceSize(size(target), size(args[0]!), size(args[1]!)) };
        return undefined;
      case 'split':
        if (target) {
          const sz = size(target);
          let max = sz.max;
          const limit = args[1]?.expr?.exprKind;
          if (limit?.case === 'constExpr' && limit.value.constantKind.case === 'int64Value') max = Number(BigInt.asUintN(64, limit.value.constantKind.value));
          return { cost: factor(sz, 2 * TRAVERSAL), resultSize: { min: 0, max } };
        }
        return undefined;
      case 'join':
        if (target) {
          const listSize = size(target);
          const el = this.elementNode(target);
          let sz = el ? mul(listSize, size(el)) : fixed(0);
          if (args.length > 0) {
            const separators = { min: listSize.min > 0 ? listSize.min - 1 : 0, max: listSize.max > 0 ? listSize.max - 1 : 0 };
            sz = add(sz, mul(size(args[0]!), separators));
          }
          return { cost: factor(sz, TRAVERSAL), resultSize: sz };
        }
        return undefined;
      case 'find': case 'findAll':
        if (target && args.length >= 1) {
          const sz = size(target);
          return { cost: mul(factor(add(sz, fixed(1)), TRAVERSAL), factor(size(args[0]!), REGEX_LENGTH)), resultSize: { min: 0, max: sz.max } };
        }
        return undefined;
      case 'cidr': case 'isIP': case 'isCIDR': case 'quantity': case 'isQuantity': case 'semver': case 'isSemver':
        return args.length >= 1 ? { cost: factor(size(args[0]!), TRAVERSAL) } : undefined;
      case 'ip':
        if (overload === 'cidr_ip') return one;
        return args.length >= 1 ? { cost: factor(size(args[0]!), TRAVERSAL) } : undefined;
      case 'ip.isCanonical':
        return args.length >= 1 ? { cost: factor(size(args[0]!), 2 * TRAVERSAL) } : undefined;
      case 'containsIP':
      case 'containsCIDR':
        if (args.length >= 1) {
          // Two addresses of 4 to 16 bytes compared; a CIDR's mask besides; a string argument parsed first.
          const ip = { min: 4, max: 16 };
          let est = factor(add(ip, ip), TRAVERSAL);
          if (fn === 'containsCIDR') est = add(add(est, factor(ip, TRAVERSAL)), fixed(1));
          if (overload === `${fn}_string`) est = add(est, factor(size(args[0]!), TRAVERSAL));
          return { cost: est };
        }
        return undefined;
      case 'validate':
        return args.length >= 1 ? { cost: factor(factor(size(args[0]!), TRAVERSAL), MAX_NAME_FORMAT_REGEX_SIZE * REGEX_LENGTH) } : undefined;
      case 'masked': case 'prefixLength': case 'family': case 'isUnspecified': case 'isLoopback': case 'isLinkLocalMulticast': case 'isLinkLocalUnicast': case 'isGlobalUnicast':
      case 'format.named':
      case 'sign': case 'asInteger': case 'isInteger': case 'asApproximateFloat': case 'isGreaterThan': case 'isLessThan': case 'compareTo': case 'add': case 'sub': case 'major': case 'minor': case 'patch':
      case 'getScheme': case 'getHostname': case 'getHost': case 'getPort': case 'getEscapedPath': case 'getQuery':
        return one;
      case '_==_': {
        const [lhs, rhs] = args;
        if (!lhs?.type || !rhs?.type || lhs.type.kind !== 'opaque' || rhs.type.kind !== 'opaque' || lhs.type.name !== rhs.type.name) return undefined;
        const t = lhs.type;
        if (isOpaque(t, 'net.IP') || isOpaque(t, 'net.CIDR') || isOpaque(t, 'kubernetes.Quantity') || isOpaque(t, 'kubernetes.Semver')) return one;
        if (isOpaque(t, 'kubernetes.NamedFormat')) return { cost: factor({ min: 1, max: MAX_FORMAT_SIZE }, TRAVERSAL) };
        if (isOpaque(t, 'kubernetes.URL')) {
          // kube reads the right-hand side's computed size twice.
          const rs = this.computedSize(rhs);
          return { cost: factor({ min: 1, max: rs ? rs.max : 1 }, TRAVERSAL) };
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }
}

/** kube's estimate of replace()'s result size. */
function replaceSize(sz: Range, toReplace: Range, replaceWith: Range): Range {
  const count = { min: 0, max: 0 };
  const retained = { min: 0, max: 0 };
  if (toReplace.min === 0) {
    count.max = sz.max < MAX ? sz.max + 1 : sz.max;
    retained.max = sz.max;
  } else if (replaceWith.max <= toReplace.min) {
    retained.max = sz.max;
  } else {
    count.max = Math.ceil(sz.max / toReplace.min);
  }
  if (toReplace.max === 0) {
    count.min = sz.min < MAX ? sz.min + 1 : sz.min;
    retained.min = sz.min;
  } else if (toReplace.max <= replaceWith.min) {
    retained.min = sz.min;
  } else {
    count.min = Math.ceil(sz.min / toReplace.max);
  }
  return add(mul(count, replaceWith), retained);
}

/** The type of the rule's `self` (oldSelf's, unwrapped when optional): the root kube's size estimator walks from. */
function rootType(e: Expr, types: ReadonlyMap<bigint, CelT>): CelT | undefined {
  const stack: Expr[] = [e];
  let oldSelf: CelT | undefined;
  while (stack.length > 0) {
    const x = stack.pop()!;
    const k = x.exprKind;
    switch (k.case) {
      case 'identExpr': {
        const t = types.get(x.id);
        if (k.value.name === 'self' && t) return t;
        if (k.value.name === 'oldSelf' && t) oldSelf = isOptional(t) ? t.params[0] : t;
        break;
      }
      case 'selectExpr':
        if (k.value.operand) stack.push(k.value.operand);
        break;
      case 'callExpr':
        if (k.value.target) stack.push(k.value.target);
        stack.push(...k.value.args);
        break;
      case 'listExpr':
        stack.push(...k.value.elements);
        break;
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.value) stack.push(entry.value);
          if (entry.keyKind.case === 'mapKey') stack.push(entry.keyKind.value);
        }
        break;
      case 'comprehensionExpr':
        for (const y of [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result]) if (y) stack.push(y);
        break;
      default:
        break;
    }
  }
  return oldSelf;
}

/** The most a checked expression can cost (cel-go's CostEstimate.Max), 2^64 when unbounded. */
export function estimateCost(e: Expr, types: ReadonlyMap<bigint, CelT>): number {
  return new Coster(types, rootType(e, types)).cost(e).max;
}

/** kube's getCostErrorMessage. */
export function costErrorMessage(costName: string, cost: number, limit: number): string {
  const factor = cost / limit;
  const text = factor > 100 ? 'more than 100x' : factor < 1.5 ? `${factor.toFixed(6)}x` : `${factor.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${text} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}
