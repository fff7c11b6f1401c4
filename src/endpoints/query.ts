import type { Request } from 'express';
import { newBadRequest } from '../apimachinery/status-error.js';
import { parseFieldSelector, type FieldSelector } from '../apimachinery/fields.js';
import { parseLabelSelector, type LabelSelector } from '../apimachinery/labels.js';
import type { APIListOptions, ResourceVersionMatch } from '../registry/list-options.js';

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

function intParam(req: Request, name: string): number | undefined {
  const v = param(req, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw newBadRequest(`invalid value for ${name}: ${JSON.stringify(v)}: must be an integer`);
  return Number(v);
}

export function labelSelectorParam(req: Request): LabelSelector | undefined {
  const v = param(req, 'labelSelector');
  if (!v) return undefined;
  try {
    return parseLabelSelector(v);
  } catch (err) {
    throw newBadRequest((err as Error).message);
  }
}

export function fieldSelectorParam(req: Request): FieldSelector | undefined {
  const v = param(req, 'fieldSelector');
  if (!v) return undefined;
  try {
    return parseFieldSelector(v);
  } catch (err) {
    throw newBadRequest((err as Error).message);
  }
}

/** meta/v1 ListOptions from the query string. */
export function listOptions(req: Request): APIListOptions {
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

/** `dryRun=All` (the only value kube knows); anything else is refused. */
export function dryRunParam(req: Request): boolean {
  const raw = req.query.dryRun;
  const values = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String);
  for (const v of values) {
    if (v !== 'All') throw newBadRequest(`Invalid dryRun value: ${JSON.stringify(v)}: supported values: "All"`);
  }
  return values.length > 0;
}

/** fieldValidation: Ignore, Warn (kube's default) or Strict. */
export function fieldValidationParam(req: Request): 'Ignore' | 'Warn' | 'Strict' {
  const v = param(req, 'fieldValidation') ?? '';
  if (v === '') return 'Warn';
  if (v === 'Ignore' || v === 'Warn' || v === 'Strict') return v;
  throw newBadRequest(`fieldValidation parameter unsupported: ${v}, supported values: Ignore, Warn, Strict`);
}
