/**
 * One label selector requirement (kube's labels.Requirement): a key, an
 * operator and values, validated the way kube's NewRequirement does.
 */
import { compareGoStrings } from './validation/go-format.js';
import * as field from './validation/field-error.js';
import { FieldPath } from './validation/path.js';
import { isQualifiedName, isValidLabelValue } from './validation/names.js';
import { SelectorParseError } from './selector-error.js';

/** kube's selection.Operator strings. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

/** The order kube lists them in (its "supported values" and "expected:" messages). */
export const BINARY_OPERATORS: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const VALID_OPERATORS: readonly LabelOperator[] = [...BINARY_OPERATORS, 'exists', '!'];

/** A label set as stored in metadata.labels; absent labels are absent keys. */
export type Labels = Readonly<Record<string, string>>;

const lookup = (labels: Labels | null | undefined, key: string): string | undefined =>
  labels && Object.hasOwn(labels, key) ? labels[key] : undefined;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64), undefined where Go returns an error. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

export class LabelRequirement {
  /** Use newRequirement(), which validates; this constructor trusts its input. */
  constructor(
    readonly key: string,
    readonly operator: LabelOperator,
    readonly values: readonly string[],
  ) {}

  matches(labels: Labels | null | undefined): boolean {
    const value = lookup(labels, this.key);
    switch (this.operator) {
      case 'in':
      case '=':
      case '==':
        return value !== undefined && this.values.includes(value);
      case 'notin':
      case '!=':
        return value === undefined || !this.values.includes(value);
      case 'exists':
        return value !== undefined;
      case '!':
        return value === undefined;
      case 'gt':
      case 'lt': {
        if (value === undefined || this.values.length !== 1) return false;
        const have = parseInt64(value);
        const want = parseInt64(this.values[0]);
        if (have === undefined || want === undefined) return false;
        return this.operator === 'gt' ? have > want : have < want;
      }
    }
  }

  /** kube's canonical text: `!k`, `k`, `k=v`, `k in (a,b)`, `k>3`; several values sorted. */
  toString(): string {
    const key = this.key;
    const values = this.values.length === 1 ? this.values[0] : [...this.values].sort(compareGoStrings).join(',');
    switch (this.operator) {
      case '!':
        return `!${key}`;
      case 'exists':
        return key;
      case 'in':
        return `${key} in (${values})`;
      case 'notin':
        return `${key} notin (${values})`;
      case 'gt':
        return `${key}>${values}`;
      case 'lt':
        return `${key}<${values}`;
      default:
        return `${key}${this.operator}${values}`;
    }
  }
}

/** kube's validateLabelKey: one error joining every problem with "; ". */
export function validateLabelKey(key: string, path: FieldPath | string): field.FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length > 0 ? field.invalid(path, key, errs.join('; ')) : undefined;
}

function validateLabelValue(key: string, value: string, path: FieldPath): field.FieldError | undefined {
  const errs = isValidLabelValue(value);
  return errs.length > 0 ? field.invalid(path.key(key), value, errs.join('; ')) : undefined;
}

const child = (base: FieldPath | undefined, name: string): FieldPath => (base ? base.child(name) : FieldPath.of(name));

/**
 * kube's NewRequirement: checks the key, the value count for the operator and
 * each value, and throws a SelectorParseError carrying every problem found.
 */
export function newRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
  path?: FieldPath,
): LabelRequirement {
  const errs: field.FieldError[] = [];
  const keyErr = validateLabelKey(key, child(path, 'key'));
  if (keyErr) errs.push(keyErr);

  const valuePath = child(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(field.invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(field.invalid(valuePath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(field.invalid(valuePath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(field.invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(field.invalid(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(field.notSupported(child(path, 'operator'), operator, VALID_OPERATORS));
  }
  values.forEach((v, i) => {
    const err = validateLabelValue(key, v, valuePath.index(i));
    if (err) errs.push(err);
  });

  const message = field.aggregateMessage(errs);
  if (message !== undefined) throw new SelectorParseError(message, errs);
  return new LabelRequirement(key, operator, [...values]);
}
