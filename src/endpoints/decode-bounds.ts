/**
 * Bounds on what a request body may decode into, checked before any
 * recursive code walks it: nesting depth (every walker downstream recurses,
 * and a 3 MiB body can nest 1.5 million levels) and, for YAML, the size after
 * aliases are expanded (a 1 MB document can alias one large string a hundred
 * times). Both are the client's fault and answered with a 4xx.
 */

/**
 * Deepest nesting of objects and arrays a body may have. kube's JSON decoder
 * stops at 10,000; ours stops earlier so that the recursive walkers that
 * follow (type checks, pruning, patching, validation) stay far from the stack
 * limit. Real objects nest a few dozen levels.
 */
export const MAX_DECODE_DEPTH = 1000;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests deeper than `max`, scanned without parsing (by
 * character code, skipping strings). Text that is not JSON is the parser's to
 * refuse; this only looks at brackets.
 */
export function jsonNestsDeeperThan(text: string, max = MAX_DECODE_DEPTH): boolean {
  // Shallow text cannot be deep: skip the scan for bodies with fewer openers than the limit.
  if (text.length <= max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

export type DecodedBoundsVerdict = 'ok' | 'too deep' | 'too large';

/**
 * Walks a decoded value (YAML's, whose aliases share one JS value however
 * often they are used) as if it were written out: its depth, and its size as
 * JSON text counted roughly (string lengths plus a few bytes per key and
 * value). Stops as soon as either bound is passed, so an expanded alias bomb
 * is never walked in full.
 */
export function checkDecodedBounds(value: unknown, maxBytes: number, maxDepth = MAX_DECODE_DEPTH): DecodedBoundsVerdict {
  let bytes = 0;
  const walk = (v: unknown, depth: number): DecodedBoundsVerdict => {
    if (typeof v === 'string') {
      bytes += v.length + 2;
    } else if (typeof v !== 'object' || v === null) {
      bytes += 8;
    } else {
      if (depth >= maxDepth) return 'too deep';
      bytes += 2;
      if (Array.isArray(v)) {
        for (const item of v) {
          const verdict = walk(item, depth + 1);
          if (verdict !== 'ok') return verdict;
          bytes += 1;
        }
      } else {
        for (const key of Object.keys(v)) {
          bytes += key.length + 4;
          const verdict = walk((v as Record<string, unknown>)[key], depth + 1);
          if (verdict !== 'ok') return verdict;
        }
      }
    }
    return bytes > maxBytes ? 'too large' : 'ok';
  };
  return walk(value, 0);
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const HASH = 0x23;
const APOSTROPHE = 0x27;
const DASH = 0x2d;

/**
 * Whether YAML text may nest deeper than `max`, scanned without parsing:
 * flow brackets outside quoted scalars and comments, plus each line's block
 * nesting (its indentation and the "- " items that open it), which bounds
 * what the parser's recursion will meet. Over-estimates rather than misses;
 * real documents stay far below. The parser recurses per level and would
 * take seconds to overflow the stack on a 3 MiB document.
 */
export function yamlNestsDeeperThan(text: string, max = MAX_DECODE_DEPTH): boolean {
  if (text.length <= max) return false;
  let flow = 0;
  let lineStart = true;
  let block = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      lineStart = true;
      block = 0;
      continue;
    }
    if (lineStart && flow === 0) {
      // Indentation and "- " sequence entries at the start of a line open block levels.
      if (c === SPACE) {
        if (++block > max) return true;
        continue;
      }
      if (c === DASH && text.charCodeAt(i + 1) === SPACE) {
        if (++block > max) return true;
        i++;
        continue;
      }
      lineStart = false;
    }
    const prev = i > 0 ? text.charCodeAt(i - 1) : SPACE;
    const tokenStart = prev === SPACE || prev === NEWLINE || prev === OPEN_BRACKET || prev === OPEN_BRACE || prev === 0x2c || prev === 0x3a;
    if (c === HASH && (prev === SPACE || prev === NEWLINE)) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== NEWLINE) i++;
    } else if (c === QUOTE && tokenStart) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === APOSTROPHE && tokenStart) {
      for (i++; i < text.length; i++) {
        if (text.charCodeAt(i) !== APOSTROPHE) continue;
        if (text.charCodeAt(i + 1) === APOSTROPHE) i++;
        else break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++flow + block > max) return true;
    } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && flow > 0) {
      flow--;
    }
  }
  return false;
}
