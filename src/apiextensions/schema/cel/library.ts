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

/** `text.matches(pattern)` with RE2's semantics and the compiled pattern kept. */
export const matchesPattern = (text: string, pattern: string): boolean => re2(pattern).test(text);

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
function codePoints(text: string): bigint {
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
