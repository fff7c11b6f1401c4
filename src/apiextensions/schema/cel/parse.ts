/**
 * Parsing with cel-go's optional syntax, which @bufbuild/cel's parser does
 * not read: `a.?f` (optional field selection) and `a[?k]` (optional index).
 * The source is lexed (string literals and comments skipped), each such `?`
 * is blanked out, the result parsed, and the select or index at that offset
 * turned into the call cel-go's parser makes of it: `_?._`(a, "f") or
 * `_[?_]`(a, k). Offsets do not move, so error positions stay the source's.
 * Optional list elements and map entries (`[?x]`, `{?k: v}`) are not read:
 * the parser refuses them.
 */
import { parse } from '@bufbuild/cel';
import { type Expr, OPT_INDEX, OPT_SELECT, type ParsedExpr } from './checker.js';

/** Offsets of the `.` of each `.?` and of the `[` of each `[?` index, and the source with those `?` blanked. */
function blankOptionalSyntax(src: string): { source: string; selects: Set<number>; indexes: Set<number> } {
  const selects = new Set<number>();
  const indexes = new Set<number>();
  const out = src.split('');
  // Whether the last token ends an operand (so a following `[` indexes it).
  let afterOperand = false;
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
      continue;
    }
    if (/[A-Za-z0-9_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i]!)) i++;
      afterOperand = true;
      continue;
    }
    if (c === '.' || c === '[') {
      let j = i + 1;
      while (j < src.length && /\s/.test(src[j]!)) j++;
      if (src[j] === '?' && (c === '.' || afterOperand)) {
        (c === '.' ? selects : indexes).add(i);
        out[j] = ' ';
        i = j + 1;
        afterOperand = false;
        continue;
      }
    }
    afterOperand = c === ')' || c === ']' || c === '}';
    i++;
  }
  return { source: out.join(''), selects, indexes };
}

type CallValue = Extract<Expr['exprKind'], { case: 'callExpr' }>['value'];

export function parseCel(src: string): ParsedExpr {
  if (!src.includes('?')) return parse(src);
  const { source, selects, indexes } = blankOptionalSyntax(src);
  const parsed = parse(source);
  if (selects.size === 0 && indexes.size === 0) return parsed;
  const positions = parsed.sourceInfo?.positions ?? {};
  let nextId = 0n;
  for (const id of Object.keys(positions)) if (BigInt(id) >= nextId) nextId = BigInt(id) + 1n;
  const visit = (e: Expr | undefined): void => {
    if (!e) return;
    const k = e.exprKind;
    const at = positions[String(e.id)];
    switch (k.case) {
      case 'selectExpr': {
        visit(k.value.operand);
        if (at === undefined || !selects.has(at) || k.value.testOnly || !k.value.operand) return;
        const id = nextId++;
        positions[String(id)] = at;
        const field = { ...e, id, exprKind: { case: 'constExpr', value: { $typeName: 'cel.expr.Constant', constantKind: { case: 'stringValue', value: k.value.field } } } } as Expr;
        e.exprKind = { case: 'callExpr', value: { $typeName: 'cel.expr.Expr.Call', function: OPT_SELECT, args: [k.value.operand, field] } as CallValue };
        return;
      }
      case 'callExpr':
        visit(k.value.target);
        k.value.args.forEach(visit);
        if (k.value.function === '_[_]' && at !== undefined && indexes.has(at)) k.value.function = OPT_INDEX;
        return;
      case 'listExpr':
        k.value.elements.forEach(visit);
        return;
      case 'structExpr':
        for (const entry of k.value.entries) {
          visit(entry.value);
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value);
        }
        return;
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
