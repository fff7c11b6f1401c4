import type { Request } from 'express';
import { newBadRequest } from '../apimachinery/status-error.js';
import { parseFieldSelector, type FieldSelector } from '../apimachinery/fields.js';
import { parseLabelSelector, type LabelSelector } from '../apimachinery/labels.js';
import type { APIListOptions, ResourceVersionMatch } from '../registry/list-options.js';
import { newInvalid } from '../apimachinery/invalid.js';
import { forbidden, invalid, notSupported, required, tooLong, type FieldError } from '../apimachinery/validation/field-error.js';

/** One query parameter as a string; repeated parameters take the first, as Go's url.Values.Get. */
export function param(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Go's strconv.ParseBool, which kube uses for boolean parameters (watch=1, watch=True...). */
export function boolParam(req: Request, name: string): boolean | undefined {
  const v = param(req, name);
  if (v === undefined) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False', ''].includes(v)) return false;
  throw newBadRequest(`invalid value for ${name}: ${JSON.stringify(v)}: must be a boolean`);
}

/** Go's strconv.ParseInt(v, 10, 64), which kube's parameter codec uses for integer parameters. */
function intParam(req: Request, name: string): number | undefined {
  const v = param(req, name);
  if (v === undefined || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw newBadRequest(`invalid value for ${name}: ${JSON.stringify(v)}: must be an integer`);
  const n = BigInt(v);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw newBadRequest(`invalid value for ${name}: ${JSON.stringify(v)}: value out of range`);
  return Number(n);
}

/** A selector's text: a NUL would end kube's lexer early and silently select everything. */
function selectorText(req: Request, name: 'labelSelector' | 'fieldSelector'): string | undefined {
  const v = param(req, name);
  if (v?.includes('\0')) throw newBadRequest(`unable to parse ${name} ${JSON.stringify(v)}: NUL characters are not allowed`);
  return v;
}

export function labelSelectorParam(req: Request): LabelSelector | undefined {
  const v = selectorText(req, 'labelSelector');
  if (!v) return undefined;
  try {
    return parseLabelSelector(v);
  } catch (err) {
    throw newBadRequest((err as Error).message);
  }
}

export function fieldSelectorParam(req: Request): FieldSelector | undefined {
  const v = selectorText(req, 'fieldSelector');
  if (!v) return undefined;
  try {
    return parseFieldSelector(v);
  } catch (err) {
    throw newBadRequest((err as Error).message);
  }
}

/** meta/v1 ListOptions from the query string. */
export function listOptions(req: Request): APIListOptions {
  // RequestInfo took anything but false/0 as a watch; the parameter codec refuses what is not a boolean.
  boolParam(req, 'watch');
  const limit = intParam(req, 'limit');
  const timeoutSeconds = intParam(req, 'timeoutSeconds');
  return {
    labelSelector: labelSelectorParam(req),
    fieldSelector: fieldSelectorParam(req),
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    continue: param(req, 'continue') || undefined,
    resourceVersion: param(req, 'resourceVersion'),
    resourceVersionMatch: (param(req, 'resourceVersionMatch') ?? '') as ResourceVersionMatch,
    allowWatchBookmarks: boolParam(req, 'allowWatchBookmarks'),
    sendInitialEvents: boolParam(req, 'sendInitialEvents'),
    timeoutSeconds: timeoutSeconds !== undefined && timeoutSeconds > 0 ? timeoutSeconds : undefined,
  };
}

/** The meta/v1 options kind a write verb reads from its query (and, for delete, its body). */
export type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

const DRY_RUN_VALUES = ['All'];
// sets.List order, as kube prints them: "" sorts first.
const FIELD_VALIDATION_VALUES = ['', 'Ignore', 'Strict', 'Warn'];

function queryValues(req: Request, name: string): string[] {
  const raw = req.query[name];
  return raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String);
}

/** kube's FieldManagerMaxLength. */
const FIELD_MANAGER_MAX_LENGTH = 128;

/** kube's ValidateFieldManager: at most 128 characters, all printable. */
function fieldManagerErrors(manager: string): FieldError[] {
  const errs: FieldError[] = [];
  if ([...manager].length > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong('fieldManager', FIELD_MANAGER_MAX_LENGTH));
  let i = 0;
  for (const ch of manager) {
    if (!isPrintable(ch)) {
      const cp = ch.codePointAt(0)!;
      errs.push(invalid('fieldManager', manager, `invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${i})`));
    }
    i += Buffer.byteLength(ch);
  }
  return errs;
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const isPrintable = (ch: string): boolean => ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: 'Ignore' | 'Warn' | 'Strict';
  /** The fieldManager parameter ('' when absent). */
  fieldManager: string;
  /** PatchOptions.force (apply only). */
  force: boolean;
}

/**
 * kube's ValidateCreateOptions/UpdateOptions/PatchOptions/DeleteOptions for
 * the parameters we read: dryRun must be "All", fieldValidation one of
 * Ignore, Warn, Strict, fieldManager printable and at most 128 characters
 * (required for an apply patch), force only on an apply patch; anything else
 * is 422 on `<Kind>.meta.k8s.io ""`. `extraDryRun` is the dryRun a
 * DeleteOptions body carries.
 */
export function writeOptions(
  req: Request,
  kind: WriteOptionsKind,
  extra: { dryRun?: string[]; fieldErrors?: FieldError[]; apply?: boolean } = {},
): WriteOptions {
  const dryRun = [...queryValues(req, 'dryRun'), ...(extra.dryRun ?? [])];
  const errs: FieldError[] = [...(extra.fieldErrors ?? [])];
  let fieldManager = '';
  let force = false;
  if (kind === 'PatchOptions') {
    const f = boolParam(req, 'force');
    if (!extra.apply && f !== undefined) errs.push(forbidden('force', 'may not be specified for non-apply patch'));
    force = f ?? false;
  }
  if (kind !== 'DeleteOptions') {
    fieldManager = param(req, 'fieldManager') ?? '';
    if (extra.apply && fieldManager === '') errs.push(required('fieldManager', 'is required for apply patch'));
    errs.push(...fieldManagerErrors(fieldManager));
  }
  if (!dryRun.every((v) => DRY_RUN_VALUES.includes(v))) errs.push(notSupported('dryRun', dryRun, DRY_RUN_VALUES));
  const fv = kind === 'DeleteOptions' ? '' : (param(req, 'fieldValidation') ?? '');
  if (!FIELD_VALIDATION_VALUES.includes(fv)) errs.push(notSupported('fieldValidation', fv, FIELD_VALIDATION_VALUES));
  if (errs.length > 0) throw newInvalid({ group: 'meta.k8s.io', kind }, '', errs);
  return { dryRun: dryRun.length > 0, fieldValidation: fv === '' ? 'Warn' : (fv as 'Ignore' | 'Warn' | 'Strict'), fieldManager, force };
}

/**
 * The manager a write is recorded under: the fieldManager parameter, or the
 * client's User-Agent up to its first "/", printable characters only, at
 * most 128 (kube's managerOrUserAgent).
 */
export function managerOf(req: Request, fieldManager: string): string {
  if (fieldManager) return fieldManager;
  const ua = req.headers['user-agent'] ?? '';
  let out = '';
  for (const ch of ua.split('/')[0]!) {
    if (!isPrintable(ch)) continue;
    if (Buffer.byteLength(out) >= FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}
