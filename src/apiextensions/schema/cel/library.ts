/**
 * kube's CEL extension libraries (k8s.io/apiserver pkg/cel/library) that
 * @bufbuild/cel does not ship, written against its function API: lists
 * (isSorted, sum, min, max, indexOf, lastIndexOf) and regex (find,
 * findAll), split with a limit as cel-go has it, and a `matches` that
 * keeps its compiled patterns. Its own strings extension supplies charAt, indexOf, lastIndexOf,
 * lowerAscii, upperAscii, replace, split, substring, trim, join and format.
 * Errors are thrown; @bufbuild/cel turns them into CEL errors.
 */
import { type CelFunc, type CelList, type CelValue, celFunc, celMethod, CelScalar, isCelUint, listType } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { RE2JS } from '@bufbuild/re2';
import { mayBacktrackCatastrophically } from '../../customresourcedefinition/backtracking-risk.js';
import { compileForMatching } from '../../customresourcedefinition/go-regexp.js';

const LIST = listType(CelScalar.DYN);
const { DYN, INT, STRING, BOOL } = CelScalar;

type Comparable = bigint | number | string | boolean;

function comparable(v: CelValue): Comparable {
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (isCelUint(v)) return v.value;
  throw new Error('no such overload');
}

/** CEL's ordering: numbers across int/uint/double, strings by code point, false < true. */
function compare(a: CelValue, b: CelValue): number {
  const x = comparable(a);
  const y = comparable(b);
  if (typeof x === 'string' || typeof y === 'string') {
    if (typeof x !== typeof y) throw new Error('no such overload');
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof x === 'boolean' || typeof y === 'boolean') {
    if (typeof x !== typeof y) throw new Error('no such overload');
    return Number(x) - Number(y);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

function equal(a: CelValue, b: CelValue): boolean {
  try {
    return compare(a, b) === 0;
  } catch {
    return a === b;
  }
}

function extreme(list: CelList, name: string, sign: number): CelValue {
  let best: CelValue | undefined;
  for (const v of list) if (best === undefined || compare(v, best) * sign > 0) best = v;
  if (best === undefined) throw new Error(`${name} called on empty list`);
  return best;
}

function sum(list: CelList): CelValue {
  let total: bigint | number | undefined;
  for (const v of list) {
    const x = comparable(v);
    if (typeof x === 'bigint') {
      if (total !== undefined && typeof total !== 'bigint') throw new Error('no such overload');
      total = (total ?? 0n) + x;
      if (total > 9223372036854775807n || total < -9223372036854775808n) throw new Error('integer overflow');
    } else if (typeof x === 'number') {
      if (total !== undefined && typeof total !== 'number') throw new Error('no such overload');
      total = (total ?? 0) + x;
    } else {
      throw new Error('no such overload');
    }
  }
  return total ?? 0n;
}

function indexOf(list: CelList, needle: CelValue, last: boolean): bigint {
  let found = -1;
  let i = 0;
  for (const v of list) {
    if (equal(v, needle)) {
      found = i;
      if (!last) break;
    }
    i++;
  }
  return BigInt(found);
}

/** Compiled patterns by pattern and mode: rules run per request, their patterns rarely change. Bounded, oldest out. */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 512;

function regex(pattern: string, global: boolean): RegExp {
  const key = `${global ? 'g' : '-'}${pattern}`;
  const hit = compiled.get(key);
  if (hit) {
    // A global RegExp keeps lastIndex between uses: start every use from the beginning.
    hit.lastIndex = 0;
    return hit;
  }
  const re = compileForMatching(pattern);
  if (!re) throw new Error(`cannot run regular expression safely: ${pattern}`);
  const made = global ? new RegExp(re.source, `${re.flags}g`) : re;
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, made);
  return made;
}

/**
 * `matches` as @bufbuild/cel runs it (RE2JS, so RE2's semantics), but with
 * each pattern compiled once: its own overload compiles on every call, which
 * was a third of a create's CEL cost. Bounded like the cache above.
 */
const re2Compiled = new Map<string, RE2JS>();

function re2(pattern: string): RE2JS {
  let re = re2Compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    if (re2Compiled.size >= MAX_COMPILED) re2Compiled.delete(re2Compiled.keys().next().value!);
    re2Compiled.set(pattern, re);
  }
  return re;
}

/**
 * Whether `p` is written only with syntax that RE2 and JavaScript read the
 * same way and match the same way on text without surrogate pairs: ASCII
 * literals, escaped metacharacters, \d \w \D \W \b \B, ^ and $ (both
 * anchor the whole text without the m flag), groups and (?:), alternation,
 * greedy and lazy quantifiers (repeat counts up to RE2's 1000), and bracket
 * classes of those. Not `.` (JS excludes \r and more), \s (JS's is
 * Unicode), flags, POSIX classes, or anything else.
 */
export function jsCompatiblePattern(p: string): boolean {
  const printable = (c: string): boolean => c >= ' ' && c <= '~';
  const META = '.\\^$|?*+()[]{}/-';
  let depth = 0;
  let atom = false;
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (!printable(c)) return false;
    switch (c) {
      case '\\': {
        const n = p[i + 1];
        if (n === undefined) return false;
        if ('dDwW'.includes(n) || META.includes(n)) atom = true;
        else if (n === 'b' || n === 'B') atom = false;
        else return false;
        i += 2;
        continue;
      }
      case '.':
      case '}':
      case ']':
        return false;
      case '(':
        if (p[i + 1] === '?') {
          if (p[i + 2] !== ':') return false;
          i += 2;
        }
        depth++;
        atom = false;
        i++;
        continue;
      case ')':
        if (depth === 0) return false;
        depth--;
        atom = true;
        i++;
        continue;
      case '|':
      case '^':
      case '$':
        atom = false;
        i++;
        continue;
      case '*':
      case '+':
      case '?':
        if (!atom) return false;
        i++;
        if (p[i] === '?') i++;
        atom = false;
        continue;
      case '{': {
        const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(p.slice(i));
        if (!m || !atom) return false;
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (min > 1000 || (max !== Infinity && (max > 1000 || max < min))) return false;
        i += m[0].length;
        if (p[i] === '?') i++;
        atom = false;
        continue;
      }
      case '[': {
        i++;
        if (p[i] === '^') i++;
        // A leading ] is a literal to RE2 and an empty class to JavaScript.
        if (p[i] === ']') return false;
        let afterClassEscape = false;
        while (i < p.length && p[i] !== ']') {
          const d = p[i]!;
          if (d === '[' || !printable(d)) return false;
          if (d === '-' && afterClassEscape && p[i + 1] !== ']') return false;
          if (d === '\\') {
            const n = p[i + 1];
            if (n === undefined || !('dDwW'.includes(n) || META.includes(n))) return false;
            afterClassEscape = 'dDwW'.includes(n);
            i += 2;
            continue;
          }
          afterClassEscape = false;
          i++;
        }
        if (p[i] !== ']') return false;
        i++;
        atom = true;
        continue;
      }
      default:
        atom = true;
        i++;
    }
  }
  return depth === 0;
}

const linearEngine = (): boolean => {
  try {
    new RegExp('a', 'l');
    return true;
  } catch {
    return false;
  }
};

/** JavaScript RegExps for patterns jsCompatiblePattern allows (null: RE2JS runs them). Bounded like the caches above. */
const jsCompiled = new Map<string, RegExp | null>();

function jsRegex(pattern: string): RegExp | null {
  let re = jsCompiled.get(pattern);
  if (re !== undefined) return re;
  re = null;
  if (jsCompatiblePattern(pattern)) {
    try {
      // V8's linear engine when the process has it (the server enables it), else only patterns that cannot backtrack badly.
      if (linearEngine()) re = new RegExp(pattern, 'l');
      else if (!mayBacktrackCatastrophically(pattern)) re = new RegExp(pattern);
    } catch {
      re = null;
    }
  }
  if (jsCompiled.size >= MAX_COMPILED) jsCompiled.delete(jsCompiled.keys().next().value!);
  jsCompiled.set(pattern, re);
  return re;
}

const SURROGATE = /[\uD800-\uDFFF]/;
const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/**
 * `text.matches(pattern)` with RE2's semantics and the compiled pattern
 * kept: V8's regexp where the pattern and the text are ones both engines
 * read alike (it is several times faster than RE2JS), RE2JS otherwise.
 */
export const matchesPattern = (text: string, pattern: string): boolean => {
  const js = jsRegex(pattern);
  if (js && !SURROGATE.test(text)) return js.test(text);
  return re2(pattern).test(text);
};

/**
 * `matches` for a pattern the rule spells as a literal: matchesPattern with
 * the pattern's regexps looked up once, on first use, and kept by the rule
 * (a bad pattern still throws on every call, as matchesPattern does).
 */
export function patternMatcher(pattern: string): (text: string) => boolean {
  let js: RegExp | null | undefined;
  let re: RE2JS | undefined;
  return (text) => {
    if (js === undefined) js = jsRegex(pattern);
    if (js && !SURROGATE.test(text)) return js.test(text);
    re ??= re2(pattern);
    return re.test(text);
  };
}

function findAll(text: string, pattern: string, limit: bigint): string[] {
  const out: string[] = [];
  if (limit === 0n) return out;
  for (const m of text.matchAll(regex(pattern, true))) {
    out.push(m[0]);
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

/** Go's strings.SplitN, as cel-go's split(sep, n): the last piece keeps the rest (buf's keeps only n pieces). */
function splitN(text: string, sep: string, n: bigint): string[] {
  if (n === 0n) return [];
  const all = text.split(sep);
  if (n < 0n || BigInt(all.length) <= n) return all;
  const k = Number(n);
  return [...all.slice(0, k - 1), all.slice(k - 1).join(sep)];
}

/** Code points in a string (CEL's size), without spreading it into an array as @bufbuild/cel's size does. */
export function codePoints(text: string): bigint {
  // Without a high surrogate every UTF-16 unit is a code point (the test runs natively, the loop does not).
  if (!HIGH_SURROGATE.test(text)) return BigInt(text.length);
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return BigInt(n);
}

export const KUBE_LIBRARY: readonly CelFunc[] = [
  celFunc('size', [STRING], INT, (text: string) => codePoints(text)),
  celMethod('size', STRING, [], INT, function (this: string) { return codePoints(this); }),
  // Same ids as @bufbuild/cel's own: these replace its uncached `matches` (and add the global form it lacks).
  celMethod('matches', STRING, [STRING], BOOL, function (this: string, p: string) { return matchesPattern(this, p); }),
  celFunc('matches', [STRING, STRING], BOOL, (text: string, p: string) => matchesPattern(text, p)),
  ...strings.filter((f) => !(f.name === 'split' && f.arguments.length === 2)),
  celMethod('split', STRING, [STRING, INT], listType(STRING), function (this: string, sep: string, n: bigint) { return splitN(this, sep, n); }),
  celMethod('isSorted', LIST, [], BOOL, function (this: CelList) {
    let prev: CelValue | undefined;
    for (const v of this) {
      if (prev !== undefined && compare(prev, v) > 0) return false;
      prev = v;
    }
    return true;
  }),
  celMethod('sum', LIST, [], DYN, function (this: CelList) { return sum(this); }),
  celMethod('min', LIST, [], DYN, function (this: CelList) { return extreme(this, 'min', -1); }),
  celMethod('max', LIST, [], DYN, function (this: CelList) { return extreme(this, 'max', 1); }),
  celMethod('indexOf', LIST, [DYN], INT, function (this: CelList, v: CelValue) { return indexOf(this, v, false); }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (this: CelList, v: CelValue) { return indexOf(this, v, true); }),
  celMethod('find', STRING, [STRING], STRING, function (this: string, p: string) { return regex(p, false).exec(this)?.[0] ?? ''; }),
  celMethod('findAll', STRING, [STRING], listType(STRING), function (this: string, p: string) { return findAll(this, p, -1n); }),
  celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (this: string, p: string, n: bigint) { return findAll(this, p, n); }),
];
