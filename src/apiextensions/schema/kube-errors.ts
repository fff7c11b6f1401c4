import type { ErrorObject } from 'ajv';
import * as field from '../../apimachinery/validation/field-error.js';
import { goQuote } from '../../apimachinery/validation/go-format.js';
import { NIL_PATH_TEXT } from '../../apimachinery/validation/path.js';
import type { AjvSchema } from './ajv-schema.js';
import { isObject } from './structural.js';

/**
 * Turns ajv's errors into what kube's kubeOpenAPIResultToFieldErrors makes of
 * kube-openapi's: the field path is kube-openapi's name for the value
 * (`spec.items[0].name`; map values too are dotted, `spec.labels.app`), and
 * the detail is kube-openapi's sentence (`spec.replicas in body must be of
 * type integer: "string"`). anyOf/oneOf/allOf/not failures are, as in kube,
 * errors without a field (`<nil>: Invalid value: "": "spec" must validate
 * at least one schema (anyOf)`); of a failed anyOf/oneOf only the errors of
 * the branch that came closest are kept (the one with the fewest errors:
 * kube keeps the one that matched most).
 */
export function toFieldErrors(errors: readonly ErrorObject[], data: unknown, schema: AjvSchema): field.FieldError[] {
  const located = errors.map((e) => locate(e, data));
  const chosen = chooseBranches(located);
  const kept = located.filter((l) => l.chain.every((c) => c.kind === 'allOf' || chosen.get(c.key) === c.branch));
  const out: field.FieldError[] = [];
  const allOf = new Map<string, { owner: string; prefix: string[]; failed: Set<number> }>();
  for (const l of kept) {
    for (const c of l.chain) {
      if (c.kind !== 'allOf') continue;
      const entry = allOf.get(c.key) ?? { owner: c.owner, prefix: c.prefix, failed: new Set<number>() };
      entry.failed.add(c.branch);
      allOf.set(c.key, entry);
    }
    const e = mapOne(l);
    if (e) out.push(e);
  }
  for (const { owner, prefix, failed } of allOf.values()) {
    const branches = schemaAt(schema, prefix);
    const none = Array.isArray(branches) && failed.size >= branches.length ? '. None validated' : '';
    out.push(field.invalid(NIL_PATH_TEXT, '', `${goQuote(owner)} must validate all the schemas (allOf)${none}`));
  }
  return out;
}

interface Combinator {
  kind: 'anyOf' | 'oneOf' | 'allOf';
  /** Schema location and the value it applied to: one combinator per list item it validated. */
  key: string;
  branch: number;
  owner: string;
  prefix: string[];
}

interface Located {
  error: ErrorObject;
  /** kube-openapi's name of the value the error is about. */
  name: string;
  value: unknown;
  chain: Combinator[];
}

function locate(error: ErrorObject, data: unknown): Located {
  const instance = pointer(error.instancePath);
  const names: string[] = [];
  let cur: unknown = data;
  let name = '';
  for (const seg of instance) {
    name = Array.isArray(cur) ? `${name}[${seg}]` : name === '' ? seg : `${name}.${seg}`;
    names.push(name);
    cur = Array.isArray(cur) ? cur[Number(seg)] : isObject(cur) && Object.hasOwn(cur, seg) ? cur[seg] : undefined;
  }
  const schemaSegs = error.schemaPath.replace(/^#\/?/, '').split('/').map(unescapeFragment);
  const chain: Combinator[] = [];
  for (let i = 0; i < schemaSegs.length - 1; i++) {
    const seg = schemaSegs[i]!;
    if (seg === 'properties') {
      i++;
      continue;
    }
    if (seg !== 'anyOf' && seg !== 'oneOf' && seg !== 'allOf') continue;
    const branch = Number(schemaSegs[i + 1]);
    if (!Number.isInteger(branch)) continue;
    const consumed = consumedBelow(schemaSegs.slice(i + 2));
    const ownerIndex = instance.length - consumed;
    const owner = ownerIndex <= 0 ? '' : (names[ownerIndex - 1] ?? '');
    const prefix = schemaSegs.slice(0, i + 1);
    chain.push({ kind: seg, key: `${prefix.join('/')}\0${owner}`, branch, owner, prefix });
    i++;
  }
  return { error, name, value: cur, chain };
}

/** How many instance steps a schema path takes below a point (properties/x, items, additionalProperties). */
function consumedBelow(segs: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i];
    if (seg === 'properties') {
      n++;
      i++;
    } else if (seg === 'items' || seg === 'additionalProperties') n++;
    else if (seg === 'anyOf' || seg === 'oneOf' || seg === 'allOf') i++;
  }
  return n;
}

/** For each failed anyOf/oneOf, the branch with the fewest errors (the first of equals). */
function chooseBranches(located: readonly Located[]): Map<string, number> {
  const counts = new Map<string, Map<number, number>>();
  for (const l of located) {
    for (const c of l.chain) {
      if (c.kind === 'allOf') continue;
      const perBranch = counts.get(c.key) ?? new Map<number, number>();
      perBranch.set(c.branch, (perBranch.get(c.branch) ?? 0) + 1);
      counts.set(c.key, perBranch);
    }
  }
  const chosen = new Map<string, number>();
  for (const [key, perBranch] of counts) {
    let best: [number, number] | undefined;
    for (const [branch, n] of perBranch) if (!best || n < best[1] || (n === best[1] && branch < best[0])) best = [branch, n];
    if (best) chosen.set(key, best[0]);
  }
  return chosen;
}

const childName = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);
const inBody = (name: string, rest: string): string => `${name} in body ${rest}`;

function mapOne({ error, name, value }: Located): field.FieldError | undefined {
  const p = error.params as Record<string, unknown>;
  const integral = typeof value === 'number' && Number.isInteger(value);
  switch (error.keyword) {
    case 'type': {
      const want = Array.isArray(p.type) ? p.type.join(',') : String(p.type);
      const got = jsonType(value);
      return field.typeInvalid(name, got, inBody(name, `must be of type ${want}: ${goQuote(got)}`));
    }
    case 'format':
      return field.typeInvalid(name, value, inBody(name, `must be of type ${String(p.format)}: ${goQuote(String(value))}`));
    case 'required':
      return field.required(childName(name, String(p.missingProperty)), '');
    case 'enum': {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues : [];
      return field.notSupported(name, value, allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))));
    }
    case 'maxLength':
      return field.tooLong(name, Number(p.limit));
    case 'minLength':
      return field.invalid(name, value, inBody(name, `should be at least ${Number(p.limit)} chars long`));
    case 'pattern':
      return field.invalid(name, value, inBody(name, `should match '${String(p.pattern)}'`));
    case 'maximum':
    case 'exclusiveMaximum':
    case 'minimum':
    case 'exclusiveMinimum': {
      const bound = goNumber(Number(p.limit), integral);
      const rel = {
        maximum: 'less than or equal to',
        exclusiveMaximum: 'less than',
        minimum: 'greater than or equal to',
        exclusiveMinimum: 'greater than',
      }[error.keyword];
      return field.invalid(name, value, inBody(name, `should be ${rel} ${bound}`));
    }
    case 'multipleOf':
      return field.invalid(name, value, inBody(name, `should be a multiple of ${goNumber(Number(p.multipleOf), integral)}`));
    case 'maxItems':
      return field.tooMany(name, Array.isArray(value) ? value.length : -1, Number(p.limit));
    case 'minItems':
      return field.invalid(name, Array.isArray(value) ? value.length : '', inBody(name, `should have at least ${Number(p.limit)} items`));
    case 'uniqueItems':
      return field.invalid(name, '', inBody(name, "shouldn't contain duplicates"));
    case 'maxProperties':
      return field.tooMany(name, isObject(value) ? Object.keys(value).length : -1, Number(p.limit));
    case 'minProperties': {
      const size = isObject(value) ? Object.keys(value).length : '';
      return field.invalid(name, size, inBody(name, `should have at least ${Number(p.limit)} properties`));
    }
    case 'anyOf':
      return field.invalid(NIL_PATH_TEXT, '', `${goQuote(name)} must validate at least one schema (anyOf)`);
    case 'oneOf': {
      const passing = Array.isArray(p.passingSchemas) ? p.passingSchemas.length : 0;
      const found = passing === 0 ? 'Found none valid' : `Found ${passing} valid alternatives`;
      return field.invalid(NIL_PATH_TEXT, '', `${goQuote(name)} must validate one and only one schema (oneOf). ${found}`);
    }
    case 'not':
      return field.invalid(NIL_PATH_TEXT, '', `${goQuote(name)} must not validate the schema (not)`);
    default:
      return field.invalid(name, value ?? '', error.message ?? error.keyword);
  }
}

/** kube-openapi's type names of a decoded JSON value (integral numbers decode to int64 in kube). */
function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * A bound as kube-openapi prints it: against an integer value it checks and
 * prints int64(bound) (%d); against a float, the float64 with Go's %v
 * (shortest form, exponent from 1e+06 or below 1e-04).
 */
export function goNumber(v: number, asInt: boolean): string {
  if (asInt && Number.isFinite(v)) return BigInt(Math.trunc(v)).toString();
  if (v === 0 || !Number.isFinite(v)) return v === 0 ? '0' : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  const [mant, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  return String(v);
}

function pointer(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function unescapeFragment(seg: string): string {
  let s = seg;
  try {
    s = decodeURIComponent(seg);
  } catch {
    // ajv escapes what it writes; an undecodable segment is left as is.
  }
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The schema value at a path in the converted schema (to count an allOf's branches). */
function schemaAt(schema: AjvSchema, segs: readonly string[]): unknown {
  let cur: unknown = schema;
  for (const seg of segs) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur) && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}
