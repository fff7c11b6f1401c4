/**
 * cel-go's optional types (kube allows them in CRD rules since 1.29), at
 * runtime. @bufbuild/cel has no optional value, so an optional is a list of
 * none or one element: the checker types it optional_type(T), so a rule
 * can never treat one as a list, and two optionals compare equal exactly
 * when cel-go's do. `optionalOldSelf` binds oldSelf to one of these.
 */
import { type CelFunc, type CelList, type CelMap, type CelValue, celFunc, celMethod, CelScalar, isCelList, isCelMap, listType, mapType } from '@bufbuild/cel';
import { OPT_INDEX, OPT_SELECT } from './checker.js';
import { OPTIONAL_AS_LIST, OPTIONAL_PUT } from './parse.js';

const { DYN, BOOL, STRING } = CelScalar;
const LIST = listType(DYN);
const MAP = mapType(DYN, DYN);

/** `{?k: v}`: the map with k set when v has a value; a key already there is cel-go's duplicate-key error. */
function put(m: CelMap, key: CelValue, v: CelList): CelMap | Map<CelValue, CelValue> {
  if (v.size === 0) return m;
  if (typeof key !== 'string' && typeof key !== 'bigint' && typeof key !== 'boolean') throw new Error('unsupported key type');
  if (m.has(key)) throw new Error(`map key conflict: ${String(key)}`);
  const out = new Map<CelValue, CelValue>(m.entries());
  out.set(key, v.get(0)!);
  return out;
}

/** `_[?_]` on an operand the checker typed optional (compile.ts renames the call). */
export const OPT_INDEX_ON_OPTIONAL = '@opt_index_opt';

export const NONE: readonly CelValue[] = [];
export const some = (v: CelValue): CelValue[] => [v];

function index(v: CelValue, key: CelValue): CelValue[] {
  if (isCelList(v)) {
    const i = typeof key === 'bigint' ? key : typeof key === 'number' && Number.isInteger(key) ? BigInt(key) : undefined;
    if (i === undefined) throw new Error('no such overload');
    return i >= 0n && i < BigInt(v.size) ? [v.get(Number(i))!] : [];
  }
  if (isCelMap(v)) {
    if (typeof key !== 'string' && typeof key !== 'bigint' && typeof key !== 'boolean') throw new Error('no such overload');
    return v.has(key) ? [v.get(key)!] : [];
  }
  throw new Error('no such overload');
}

function select(v: CelValue, field: string): CelValue[] {
  // An optional operand (`a.?b.?c`): none stays none.
  if (isCelList(v)) {
    if (v.size === 0) return [];
    return select(v.get(0)!, field);
  }
  if (isCelMap(v)) return v.has(field) ? [v.get(field)!] : [];
  throw new Error('no such overload');
}

function isZero(v: CelValue): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  if (isCelList(v) || isCelMap(v)) return v.size === 0;
  return false;
}

export const OPTIONAL_LIBRARY: readonly CelFunc[] = [
  celFunc('optional.of', [DYN], LIST, (v: CelValue) => some(v)),
  celFunc('optional.ofNonZeroValue', [DYN], LIST, (v: CelValue) => (isZero(v) ? [...NONE] : some(v))),
  celFunc('optional.none', [], LIST, () => [...NONE]),
  celMethod('hasValue', LIST, [], BOOL, function (this: CelList) { return this.size > 0; }),
  celMethod('value', LIST, [], DYN, function (this: CelList) {
    if (this.size === 0) throw new Error('optional.none() dereference');
    return this.get(0)!;
  }),
  celMethod('orValue', LIST, [DYN], DYN, function (this: CelList, v: CelValue) { return this.size > 0 ? this.get(0)! : v; }),
  celMethod('or', LIST, [LIST], LIST, function (this: CelList, v: CelList) { return this.size > 0 ? this : v; }),
  celFunc(OPT_SELECT, [DYN, STRING], LIST, (v: CelValue, field: string) => select(v, field)),
  celFunc(OPT_INDEX, [DYN, DYN], LIST, (v: CelValue, key: CelValue) => index(v, key)),
  celFunc(OPTIONAL_AS_LIST, [LIST], LIST, (v: CelList) => v),
  celFunc(OPTIONAL_PUT, [MAP, DYN, LIST], MAP, (m: CelMap, key: CelValue, v: CelList) => put(m, key, v) as CelMap),
  celFunc(OPT_INDEX_ON_OPTIONAL, [LIST, DYN], LIST, (v: CelList, key: CelValue) => (v.size === 0 ? [] : index(v.get(0)!, key))),
];
