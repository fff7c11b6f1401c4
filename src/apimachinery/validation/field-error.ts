import { goQuote, goStringSlice } from './go-format.js';
import type { FieldPath } from './path.js';

/** kube's field.ErrorType; the same strings are the StatusCause reasons clients see. */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Marks a bad value that the message must not show (kube's omitValue). */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

/** A bad value that Go prints through its String() method: shown as is, unquoted (metav1.Time, for one). */
export class StringerValue {
  constructor(readonly text: string) {}
}

/**
 * Go's rendering of a bad value (kube 1.32's ErrorBody): strings quoted, numbers
 * and booleans bare, nil as null, []string as Go syntax. Kube prints other
 * structs with %#v, which has no TypeScript equivalent; those print as JSON,
 * which is what later kube releases do.
 */
function renderValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof StringerValue) return value.text;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return goStringSlice(value as string[]);
  }
  return JSON.stringify(value) ?? String(value);
}

/** One field-level validation failure, kube's field.Error. */
export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The message without the field: `Invalid value: "Foo": a lowercase ...`. */
  body(): string {
    let s: string;
    switch (this.type) {
      case 'FieldValueRequired':
      case 'FieldValueForbidden':
      case 'FieldValueTooLong':
      case 'InternalError':
        s = TYPE_TEXT[this.type];
        break;
      default:
        s = this.badValue === OMIT_VALUE ? TYPE_TEXT[this.type] : `${TYPE_TEXT[this.type]}: ${renderValue(this.badValue)}`;
    }
    return this.detail ? `${s}: ${this.detail}` : s;
  }

  /** kube's Error(): `metadata.name: Invalid value: "Foo": ...`. */
  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}

type PathLike = FieldPath | string;

export const invalid = (path: PathLike, value: unknown, detail: string): FieldError =>
  new FieldError('FieldValueInvalid', String(path), value, detail);

export const typeInvalid = (path: PathLike, value: unknown, detail: string): FieldError =>
  new FieldError('FieldValueTypeInvalid', String(path), value, detail);

export const required = (path: PathLike, detail = ''): FieldError =>
  new FieldError('FieldValueRequired', String(path), '', detail);

export const forbidden = (path: PathLike, detail: string): FieldError =>
  new FieldError('FieldValueForbidden', String(path), '', detail);

export const notFound = (path: PathLike, value: unknown): FieldError =>
  new FieldError('FieldValueNotFound', String(path), value, '');

export const duplicate = (path: PathLike, value: unknown): FieldError =>
  new FieldError('FieldValueDuplicate', String(path), value, '');

/** `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(path: PathLike, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map(goQuote).join(', ')}` : '';
  return new FieldError('FieldValueNotSupported', String(path), value, detail);
}

/** `Too long: may not be more than N bytes`; the value itself is never shown. */
export function tooLong(path: PathLike, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long';
  return new FieldError('FieldValueTooLong', String(path), '<value omitted>', detail);
}

/** `Too many: 12: must have at most 10 items`; a negative actual count is left out. */
export function tooMany(path: PathLike, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} items` : 'has too many items';
  return new FieldError('FieldValueTooMany', String(path), actual >= 0 ? actual : OMIT_VALUE, detail);
}

export const internalError = (path: PathLike, err: Error | string): FieldError =>
  new FieldError('InternalError', String(path), null, typeof err === 'string' ? err : err.message);

/**
 * The text of kube's ErrorList.ToAggregate().Error(): undefined for no errors,
 * the one message alone, or `[m1, m2]`, with repeated messages dropped.
 */
export function aggregateMessage(errs: readonly FieldError[]): string | undefined {
  const unique = [...new Set(errs.map(String))];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
