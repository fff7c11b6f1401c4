/**
 * kube's label selector grammar (labels.Parse), with its lexer's tokens and
 * its parser's error texts:
 *
 *   selector    ::= requirement | requirement "," selector
 *   requirement ::= ["!"] KEY [ ("in" | "notin") "(" values ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 *
 * Whitespace separates tokens; "in" and "notin" are keywords only where an
 * operator may stand, and plain values elsewhere.
 */
import { compareGoStrings } from './validation/go-format.js';
import { NIL_PATH_TEXT } from './validation/path.js';
import { BINARY_OPERATORS, type LabelOperator, type LabelRequirement, newRequirement, validateLabelKey } from './label-requirement.js';
import { SelectorParseError } from './selector-error.js';

type Token =
  | 'error'
  | 'end'
  | 'closePar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

const LITERAL_TOKENS: ReadonlyMap<string, Token> = new Map([
  [')', 'closePar'],
  [',', 'comma'],
  ['!', 'doesNotExist'],
  ['==', 'doubleEquals'],
  ['=', 'equals'],
  ['>', 'greaterThan'],
  ['in', 'in'],
  ['<', 'lessThan'],
  ['!=', 'notEquals'],
  ['notin', 'notIn'],
  ['(', 'openPar'],
]);

interface Item {
  tok: Token;
  lit: string;
}

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch) && ch.length === 1;

/** Splits the text into tokens. A NUL ends the input, as it does for kube's byte lexer. */
function scan(s: string): Item[] {
  let pos = 0;
  // '' marks the end; kube's lexer reads 0 there.
  const read = (): string => (pos < s.length && s[pos] !== '\0' ? s[pos++] : (pos++, ''));
  const unread = (): void => {
    pos--;
  };

  const scanSpecial = (): Item => {
    let buffer = '';
    let last: Item | undefined;
    for (;;) {
      const ch = read();
      if (ch === '') break;
      if (!isSpecial(ch)) {
        unread();
        break;
      }
      buffer += ch;
      const tok = LITERAL_TOKENS.get(buffer);
      if (tok) last = { tok, lit: buffer };
      else if (last) {
        unread();
        break;
      }
    }
    return last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` };
  };

  const scanIdentifier = (): Item => {
    let buffer = '';
    for (;;) {
      const ch = read();
      if (ch === '') break;
      if (isSpecial(ch) || isWhitespace(ch)) {
        unread();
        break;
      }
      buffer += ch;
    }
    return { tok: LITERAL_TOKENS.get(buffer) ?? 'identifier', lit: buffer };
  };

  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (ch !== '' && isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === '') item = { tok: 'end', lit: '' };
    else {
      unread();
      item = isSpecial(ch) ? scanSpecial() : scanIdentifier();
    }
    items.push(item);
    if (item.tok === 'end') return items;
  }
}

type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;

  constructor(private readonly items: Item[]) {}

  /** In a values context the keywords in/notin are ordinary identifiers. */
  private view(item: Item, context: Context): Item {
    if (context === 'values' && (item.tok === 'in' || item.tok === 'notIn')) return { tok: 'identifier', lit: item.lit };
    return item;
  }

  private lookahead(context: Context): Item {
    return this.view(this.items[this.position], context);
  }

  private consume(context: Context): Item {
    return this.view(this.items[this.position++], context);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead('values');
      if (tok === 'end') return requirements;
      if (tok !== 'identifier' && tok !== 'doesNotExist') {
        throw new SelectorParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof SelectorParseError) {
          throw new SelectorParseError(`unable to parse requirement: ${err.message}`, err.fieldErrors);
        }
        throw err;
      }
      const next = this.consume('values');
      if (next.tok === 'end') return requirements;
      if (next.tok !== 'comma') throw new SelectorParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead('values');
      if (after.tok !== 'identifier' && after.tok !== 'doesNotExist') {
        throw new SelectorParseError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, unary } = this.parseKeyAndInferOperator();
    if (unary) return newRequirement(key, unary, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    // kube collects values in a set and hands them over sorted.
    return newRequirement(key, operator, [...values].sort(compareGoStrings));
  }

  /** The key, and the operator when the key alone is the requirement (`k` or `!k`). */
  private parseKeyAndInferOperator(): { key: string; unary?: LabelOperator } {
    let item = this.consume('values');
    let negated = false;
    if (item.tok === 'doesNotExist') {
      negated = true;
      item = this.consume('values');
    }
    if (item.tok !== 'identifier') throw new SelectorParseError(`found '${item.lit}', expected: identifier`);
    // kube validates the key here with a nil field path, so "<nil>" is in the message.
    const keyErr = validateLabelKey(item.lit, NIL_PATH_TEXT);
    if (keyErr) throw new SelectorParseError(String(keyErr), [keyErr]);
    const next = this.lookahead('values').tok;
    if (next === 'end' || next === 'comma') return { key: item.lit, unary: negated ? '!' : 'exists' };
    // `!key` followed by more still ends the requirement; the parse loop then refuses what follows.
    return { key: item.lit, unary: negated ? '!' : undefined };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume('keyAndOperator');
    switch (tok) {
      case 'in':
        return 'in';
      case 'equals':
        return '=';
      case 'doubleEquals':
        return '==';
      case 'greaterThan':
        return 'gt';
      case 'lessThan':
        return 'lt';
      case 'notIn':
        return 'notin';
      case 'notEquals':
        return '!=';
      default:
        throw new SelectorParseError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.tok !== 'openPar') throw new SelectorParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead('values');
    if (tok === 'identifier' || tok === 'comma') {
      const values = this.parseIdentifiersList();
      // kube reports the literal it saw after '(' here, not the offending one.
      if (this.consume('values').tok !== 'closePar') throw new SelectorParseError(`found '${lit}', expected: ')'`);
      return values;
    }
    if (tok === 'closePar') {
      this.consume('values');
      return new Set(['']);
    }
    throw new SelectorParseError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  /** A comma-separated list in which an empty slot is the empty value: `(a,,b)`, `(,a)`, `(a,)`. */
  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume('values');
      if (tok === 'identifier') {
        values.add(lit);
        const next = this.lookahead('values');
        if (next.tok === 'comma') continue;
        if (next.tok === 'closePar') return values;
        throw new SelectorParseError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== 'comma') throw new SelectorParseError(`found '${lit}', expected: ',', or identifier`);
      if (values.size === 0) values.add('');
      const next = this.lookahead('values').tok;
      if (next === 'closePar') {
        values.add('');
        return values;
      }
      if (next === 'comma') values.add('');
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead('values').tok;
    if (next === 'end' || next === 'comma') return new Set(['']);
    const { tok, lit } = this.consume('values');
    if (tok === 'identifier') return new Set([lit]);
    throw new SelectorParseError(`found '${lit}', expected: identifier`);
  }
}

/** The requirements of a selector string, in the order written; throws SelectorParseError. */
export function parseLabelRequirements(text: string): LabelRequirement[] {
  return new Parser(scan(text)).parse();
}
