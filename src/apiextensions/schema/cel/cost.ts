/**
 * An approximation of cel-go's static cost estimate with kube's size
 * estimator: the most a rule can cost, from the sizes its schema allows
 * (maxItems, maxProperties, maxLength, or what fits in a 3 MiB request).
 * Per node: identifiers and selections cost 1, calls 1 plus a traversal
 * factor of 0.1 per byte or element they scan, a comprehension its range's
 * size times its step. Close enough to refuse what kube refuses (nested
 * iteration over unbounded lists, regexes over unbounded strings) without
 * being its exact figures.
 */
import type { Expr } from './checker.js';
import { type CelT, MAX_REQUEST_SIZE_BYTES } from './types.js';

/** kube's StaticEstimatedCostLimit (one expression) and StaticEstimatedCRDCostLimit (a whole schema). */
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;

const TRAVERSAL = 0.1;
const SCANS = new Set(['contains', 'startsWith', 'endsWith', 'charAt', 'indexOf', 'lastIndexOf', 'lowerAscii', 'upperAscii', 'replace',
  'split', 'substring', 'trim', 'join', 'format', 'isSorted', 'sum', 'min', 'max', '@in', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_+_', 'string']);
const REGEX = new Set(['matches', 'find', 'findAll']);
/** kube's library functions that parse their string argument: one traversal of it (2 for ip.isCanonical, which also prints). */
const PARSES: ReadonlyMap<string, number> = new Map([
  ['quantity', 1], ['isQuantity', 1], ['url', 1], ['isURL', 1], ['ip', 1], ['isIP', 1], ['cidr', 1], ['isCIDR', 1], ['ip.isCanonical', 2],
]);
/** kube's MaxNameFormatRegexSize: `validate` is charged as a regex of this size over its argument. */
const MAX_NAME_FORMAT_REGEX_SIZE = 128;
/** IP comparisons: kube charges two addresses of at most 16 bytes. */
const IP_COMPARE = Math.ceil((16 + 16) * TRAVERSAL);

/** The most elements or bytes a value of the type may have. */
function sizeOf(t: CelT | undefined): number {
  if (!t) return MAX_REQUEST_SIZE_BYTES;
  if ((t.kind === 'list' || t.kind === 'map' || t.kind === 'prim' || t.kind === 'object') && t.size !== undefined) return t.size;
  return MAX_REQUEST_SIZE_BYTES;
}

export function estimateCost(e: Expr, types: ReadonlyMap<bigint, CelT>): number {
  const cost = (x: Expr | undefined): number => (x ? estimateCost(x, types) : 0);
  const k = e.exprKind;
  switch (k.case) {
    case 'constExpr':
      return 0;
    case 'identExpr':
      return 1;
    case 'selectExpr':
      return 1 + cost(k.value.operand);
    case 'listExpr':
      return 10 + k.value.elements.reduce((n, x) => n + cost(x), 0);
    case 'structExpr':
      return 40 + k.value.entries.reduce((n, x) => n + cost(x.value) + (x.keyKind.case === 'mapKey' ? cost(x.keyKind.value) : 0), 0);
    case 'callExpr': {
      const { function: fn, target, args } = k.value;
      const argCosts = args.map(cost);
      const base = cost(target) + argCosts.reduce((a, b) => a + b, 0);
      // cel-go charges the logical operators nothing beyond their operands.
      if (fn === '_&&_' || fn === '_||_') return base;
      if (fn === '_?_:_') return cost(args[0]) + Math.max(argCosts[1] ?? 0, argCosts[2] ?? 0);
      const library = libraryCost(fn, target, args, types);
      if (library !== undefined) return base + library;
      const scanned = fn === '@in' ? args[1] : target ?? args[0];
      const scannedSize = scanned ? sizeOf(types.get(scanned.id)) : 0;
      if (REGEX.has(fn)) {
        const pattern = args[target ? 0 : 1];
        const patternSize = pattern?.exprKind.case === 'constExpr' && pattern.exprKind.value.constantKind.case === 'stringValue'
          ? pattern.exprKind.value.constantKind.value.length
          : sizeOf(pattern ? types.get(pattern.id) : undefined);
        return base + 1 + Math.ceil(scannedSize * TRAVERSAL) * Math.max(1, Math.ceil(patternSize * 0.25));
      }
      if (SCANS.has(fn)) {
        const t = scanned ? types.get(scanned.id) : undefined;
        const scans = t && (t.kind === 'list' || t.kind === 'map' || (t.kind === 'prim' && (t.name === 'string' || t.name === 'bytes')));
        return base + 1 + (scans ? Math.ceil(scannedSize * TRAVERSAL) : 0);
      }
      return base + 1;
    }
    case 'comprehensionExpr': {
      const c = k.value;
      const range = c.iterRange ? sizeOf(types.get(c.iterRange.id)) : 0;
      return cost(c.iterRange) + cost(c.accuInit) + range * (cost(c.loopCondition) + cost(c.loopStep)) + cost(c.result);
    }
    default:
      return 1;
  }
}

/**
 * kube's library.CostEstimator for the quantity, URL, IP, CIDR and format
 * libraries: string parsers traverse their argument, `validate` is a regex
 * over it, everything else on a parsed value costs 1. Undefined for other functions.
 */
function libraryCost(fn: string, target: Expr | undefined, args: readonly Expr[], types: ReadonlyMap<bigint, CelT>): number | undefined {
  const argSize = (i: number): number => {
    const a = args[i];
    // A literal's size is its length, as kube's size estimator has it.
    if (a?.exprKind.case === 'constExpr' && a.exprKind.value.constantKind.case === 'stringValue') return a.exprKind.value.constantKind.value.length;
    return sizeOf(a ? types.get(a.id) : undefined);
  };
  const stringArg = (i: number): boolean => {
    const t = args[i] ? types.get(args[i]!.id) : undefined;
    return t?.kind === 'prim' && t.name === 'string';
  };
  const parses = PARSES.get(fn);
  if (parses !== undefined && !target && args.length === 1) return 1 + Math.ceil(argSize(0) * TRAVERSAL * parses);
  switch (fn) {
    case 'validate':
      return target ? 1 + Math.ceil(argSize(0) * TRAVERSAL * MAX_NAME_FORMAT_REGEX_SIZE * 0.25) : undefined;
    case 'containsIP':
      return IP_COMPARE + (stringArg(0) ? Math.ceil(argSize(0) * TRAVERSAL) : 0);
    case 'containsCIDR':
      return IP_COMPARE + Math.ceil(16 * TRAVERSAL) + 1 + (stringArg(0) ? Math.ceil(argSize(0) * TRAVERSAL) : 0);
    case 'ip':
    case 'masked': case 'prefixLength': case 'family': case 'isUnspecified': case 'isLoopback': case 'isLinkLocalMulticast': case 'isLinkLocalUnicast': case 'isGlobalUnicast':
    case 'sign': case 'asInteger': case 'isInteger': case 'asApproximateFloat': case 'isGreaterThan': case 'isLessThan': case 'compareTo': case 'add': case 'sub':
    case 'getScheme': case 'getHostname': case 'getHost': case 'getPort': case 'getEscapedPath': case 'getQuery':
    case 'format.named': case 'hasValue': case 'value': case 'orValue': case 'or': case 'optional.of': case 'optional.none': case 'optional.ofNonZeroValue':
    case '@opt_select': case '@opt_index': case '@opt_index_opt': case '@optional_as_list': case '@opt_put':
      return 1;
    default:
      return fn.startsWith('format.') && args.length === 0 ? 1 : undefined;
  }
}

/** kube's getCostErrorMessage. */
export function costErrorMessage(costName: string, cost: number, limit: number): string {
  const factor = cost / limit;
  const text = factor > 100 ? 'more than 100x' : factor < 1.5 ? `${factor.toFixed(6)}x` : `${factor.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${text} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}
