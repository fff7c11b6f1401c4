/**
 * Parsing with cel-go's optional syntax, which @bufbuild/cel's parser does
 * not read: `a.?f` (optional field selection), `a[?k]` (optional index),
 * `[a, ?b]` (an optional list element) and `{?k: v}` (an optional map
 * entry). The source is lexed (string literals and comments skipped), each
 * such `?` is blanked out, the result parsed, and the node at that offset
 * turned into what cel-go means by it: `_?._`(a, "f"), `_[?_]`(a, k), the
 * list concatenated with the optional's own list of none or one element
 * (optional.ts), the map with `@opt_put`. Offsets do not move, so error
 * positions stay the source's.
 */
import { parse } from '@bufbuild/cel';
import { type Expr, OPT_INDEX, OPT_SELECT, type ParsedExpr } from './checker.js';

/** An optional element spliced into a list: its none-or-one list. */
export const OPTIONAL_AS_LIST = '@optional_as_list';
/** A map with an optional entry put in when the optional has a value. */
export const OPTIONAL_PUT = '@opt_put';

interface Blanked {
  source: string;
  /** Offsets of the `.` of each `.?`. */
  selects: Set<number>;
  /** Offsets of the `[` of each `[?` index. */
  indexes: Set<number>;
  /** Where each optional list element, or optional map entry's key, starts (past any `(`). */
  listElements: Set<number>;
  mapEntries: Set<number>;
}

/** The source with each optional-syntax `?` blanked, and where each was. */
function blankOptionalSyntax(src: string): Blanked {
  const selects = new Set<number>();
  const indexes = new Set<number>();
  const listElements = new Set<number>();
  const mapEntries = new Set<number>();
  const out = src.split('');
  // Whether the last token ends an operand (so a following `[` indexes it), and the last punctuation.
  let afterOperand = false;
  let last = '';
  const open: Array<'list' | 'index' | 'map' | 'paren'> = [];
  const startAfter = (j: number): number => {
    let k = j;
    while (k < src.length && (/\s/.test(src[k]!) || src[k] === '(')) k++;
    return k;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const quoted = /^([rRbB]{0,2})('''|"""|'|")/.exec(src.slice(i, i + 5));
    if (quoted && (quoted[1] === '' || !/[A-Za-z0-9_]/.test(src[i - 1] ?? ''))) {
      const raw = /[rR]/.test(quoted[1]!);
      const q = quoted[2]!;
      i += quoted[0].length;
      while (i < src.length && !src.startsWith(q, i)) i += !raw && src[i] === '\\' ? 2 : 1;
      i += q.length;
      afterOperand = true;
      last = '';
      continue;
    }
    if (/[A-Za-z0-9_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i]!)) i++;
      afterOperand = true;
      last = '';
      continue;
    }
    if (c === '.' || c === '[') {
      let j = i + 1;
      while (j < src.length && /\s/.test(src[j]!)) j++;
      if (src[j] === '?' && (c === '.' || afterOperand)) {
        (c === '.' ? selects : indexes).add(i);
        if (c === '[') open.push('index');
        out[j] = ' ';
        i = j + 1;
        afterOperand = false;
        last = c;
        continue;
      }
    }
    if (c === '?' && (last === '[' || last === '{' || last === ',')) {
      const top = open[open.length - 1];
      if (top === 'list' && last !== '{') {
        listElements.add(startAfter(i + 1));
        out[i] = ' ';
      } else if (top === 'map' && last !== '[') {
        mapEntries.add(startAfter(i + 1));
        out[i] = ' ';
      }
    }
    if (c === '(') open.push('paren');
    else if (c === '[') open.push(afterOperand ? 'index' : 'list');
    else if (c === '{') open.push('map');
    else if (c === ')' || c === ']' || c === '}') open.pop();
    afterOperand = c === ')' || c === ']' || c === '}';
    last = c;
    i++;
  }
  return { source: out.join(''), selects, indexes, listElements, mapEntries };
}

type CallValue = Extract<Expr['exprKind'], { case: 'callExpr' }>['value'];

export function parseCel(src: string): ParsedExpr {
  if (!src.includes('?')) return parse(src);
  const { source, selects, indexes, listElements, mapEntries } = blankOptionalSyntax(src);
  const parsed = parse(source);
  if (selects.size + indexes.size + listElements.size + mapEntries.size === 0) return parsed;
  const positions = parsed.sourceInfo?.positions ?? {};
  let nextId = 0n;
  for (const id of Object.keys(positions)) if (BigInt(id) >= nextId) nextId = BigInt(id) + 1n;
  const node = (at: number, exprKind: Expr['exprKind']): Expr => {
    const id = nextId++;
    positions[String(id)] = at;
    return { $typeName: 'cel.expr.Expr', id, exprKind } as Expr;
  };
  const call = (fn: string, args: Expr[]): Expr['exprKind'] => ({ case: 'callExpr', value: { $typeName: 'cel.expr.Expr.Call', function: fn, args } as CallValue });
  // The leftmost offset in a subtree: where its source starts.
  const start = (e: Expr | undefined): number => {
    if (!e) return Infinity;
    let min = positions[String(e.id)] ?? Infinity;
    const k = e.exprKind;
    const sub: Array<Expr | undefined> = k.case === 'selectExpr' ? [k.value.operand]
      : k.case === 'callExpr' ? [k.value.target, ...k.value.args]
        : k.case === 'listExpr' ? k.value.elements
          : k.case === 'structExpr' ? k.value.entries.flatMap((x) => [x.value, x.keyKind.case === 'mapKey' ? x.keyKind.value : undefined])
            : k.case === 'comprehensionExpr' ? [k.value.iterRange] : [];
    for (const x of sub) min = Math.min(min, start(x));
    return min;
  };
  const visit = (e: Expr | undefined): void => {
    if (!e) return;
    const k = e.exprKind;
    const at = positions[String(e.id)];
    switch (k.case) {
      case 'selectExpr': {
        visit(k.value.operand);
        if (at === undefined || !selects.has(at) || k.value.testOnly || !k.value.operand) return;
        const field = node(at, { case: 'constExpr', value: { $typeName: 'cel.expr.Constant', constantKind: { case: 'stringValue', value: k.value.field } } } as Expr['exprKind']);
        e.exprKind = call(OPT_SELECT, [k.value.operand, field]);
        return;
      }
      case 'callExpr':
        visit(k.value.target);
        k.value.args.forEach(visit);
        if (k.value.function === '_[_]' && at !== undefined && indexes.has(at)) k.value.function = OPT_INDEX;
        return;
      case 'listExpr': {
        k.value.elements.forEach(visit);
        const optional = k.value.elements.map((x) => listElements.has(start(x)));
        if (!optional.includes(true)) return;
        // [a, ?b, c] is [a] + (b as a list of none or one) + [c].
        const parts: Expr[] = [];
        let run: Expr[] = [];
        const flush = () => {
          if (run.length > 0) parts.push(node(at ?? 0, { case: 'listExpr', value: { $typeName: 'cel.expr.Expr.CreateList', elements: run, optionalIndices: [] } } as Expr['exprKind']));
          run = [];
        };
        k.value.elements.forEach((x, i) => {
          if (!optional[i]) return void run.push(x);
          flush();
          parts.push(node(start(x), call(OPTIONAL_AS_LIST, [x])));
        });
        flush();
        let sum = parts[0]!;
        for (const p of parts.slice(1)) sum = node(at ?? 0, call('_+_', [sum, p]));
        e.exprKind = sum.exprKind;
        return;
      }
      case 'structExpr': {
        for (const entry of k.value.entries) {
          visit(entry.value);
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value);
        }
        if (k.value.messageName !== '') return;
        const optional = k.value.entries.map((x) => x.keyKind.case === 'mapKey' && mapEntries.has(start(x.keyKind.value)));
        if (!optional.includes(true)) return;
        // {a: 1, ?k: v} is @opt_put({a: 1}, k, v).
        let m = node(at ?? 0, { case: 'structExpr', value: { ...k.value, entries: k.value.entries.filter((_, i) => !optional[i]) } } as Expr['exprKind']);
        k.value.entries.forEach((x, i) => {
          if (optional[i] && x.keyKind.case === 'mapKey' && x.value) m = node(at ?? 0, call(OPTIONAL_PUT, [m, x.keyKind.value, x.value]));
        });
        e.exprKind = m.exprKind;
        return;
      }
      case 'comprehensionExpr':
        for (const x of [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result]) visit(x);
        return;
      default:
        return;
    }
  };
  visit(parsed.expr);
  return parsed;
}
