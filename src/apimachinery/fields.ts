/**
 * Field selectors (kube's fields.Selector): `a=b`, `a==b`, `a!=b`, joined by
 * ','. In values a backslash escapes '\', ',' and '='; the field part is taken
 * as written. Which fields a resource supports is the registry's business.
 */
import { compareGoStrings } from './validation/go-format.js';
import { SelectorParseError } from './selector-error.js';

export { SelectorParseError } from './selector-error.js';

/** kube reports both `=` and `==` as selection.Equals. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Rewrites a term (field label conversion); an empty field and value drop the term. */
export type FieldTransform = (field: string, value: string) => { field: string; value: string };

/** Go's Set.Get: an absent field reads as the empty string. */
const get = (fields: Readonly<Record<string, string>>, name: string): string =>
  Object.hasOwn(fields, name) ? fields[name] : '';

/** Escapes a value for a selector string. */
export const escapeValue = (s: string): string => s.replace(/[\\,=]/g, (c) => `\\${c}`);

/** An AND of terms, in the order kube keeps them (sorted by their source text). */
export class FieldSelector {
  private static readonly EVERYTHING = new FieldSelector([]);
  private static readonly NOTHING = new FieldSelector([], true);

  private constructor(
    private readonly terms: readonly FieldRequirement[],
    private readonly matchesNothing = false,
  ) {}

  static everything(): FieldSelector {
    return FieldSelector.EVERYTHING;
  }

  static nothing(): FieldSelector {
    return FieldSelector.NOTHING;
  }

  /** A selector of `field=value` terms, one per entry. */
  static fromSet(set: Readonly<Record<string, string>>): FieldSelector {
    return new FieldSelector(Object.entries(set).map(([field, value]) => ({ field, operator: '=', value })));
  }

  static of(requirements: readonly FieldRequirement[]): FieldSelector {
    return new FieldSelector(requirements.map((r) => ({ ...r })));
  }

  matches(fields: Readonly<Record<string, string>>): boolean {
    if (this.matchesNothing) return false;
    return this.terms.every((t) => (get(fields, t.field) === t.value) === (t.operator === '='));
  }

  isEmpty(): boolean {
    return !this.matchesNothing && this.terms.length === 0;
  }

  requirements(): FieldRequirement[] {
    return this.terms.map((t) => ({ ...t }));
  }

  /** The value the selector pins `field` to with `=` or `==`, if it does (kube's RequiresExactMatch). */
  requiresExactMatch(field: string): string | undefined {
    return this.terms.find((t) => t.operator === '=' && t.field === field)?.value;
  }

  /** Applies a field-label conversion to each term; throws what `fn` throws. */
  transform(fn: FieldTransform): FieldSelector {
    if (this.matchesNothing) return this;
    const next: FieldRequirement[] = [];
    for (const t of this.terms) {
      const { field, value } = fn(t.field, t.value);
      if (field !== '' || value !== '') next.push({ field, operator: t.operator, value });
    }
    return new FieldSelector(next);
  }

  toString(): string {
    return this.terms.map((t) => `${t.field}${t.operator}${escapeValue(t.value)}`).join(',');
  }
}

/** Splits on unescaped commas, keeping escapes in place. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const OPERATORS = ['!=', '==', '='] as const;

/** The first operator in the term, trying `!=` then `==` then `=` at each position. */
function splitTerm(term: string): { lhs: string; op: (typeof OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** kube's UnescapeValue, with its error texts (an unescaped character is printed as its code point). */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') {
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Parses a `fieldSelector` string; throws SelectorParseError with kube's message. */
export function parseFieldSelector(text: string): FieldSelector {
  const parts = splitTerms(text).sort(compareGoStrings);
  const terms: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new SelectorParseError(`invalid selector: '${text}'; can't understand '${part}'`);
    terms.push({ field: split.lhs, operator: split.op === '!=' ? '!=' : '=', value: unescapeValue(split.rhs) });
  }
  return FieldSelector.of(terms);
}
