/**
 * The shape kube validates: its internal CRD spec, reached from v1 by
 * Convert_v1_CustomResourceDefinitionSpec_To_apiextensions_CustomResourceDefinitionSpec.
 * That conversion hoists per-version schema/subresources/columns/selectableFields
 * to the top level when every version has the same value, and splits the
 * webhook into webhookClientConfig + conversionReviewVersions. Kube's error
 * paths follow that shape (a single-version CRD's schema errors read
 * `spec.validation.openAPIV3Schema...`), so we validate the same view.
 */
import type {
  CustomResourceColumnDefinition,
  CustomResourceDefinitionNames,
  CustomResourceDefinitionSpec,
  CustomResourceDefinitionVersion,
  CustomResourceSubresources,
  CustomResourceValidation,
  SelectableField,
  WebhookClientConfig,
} from './types.js';

export interface InternalVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  schema?: CustomResourceValidation;
  subresources?: CustomResourceSubresources;
  additionalPrinterColumns: CustomResourceColumnDefinition[];
  selectableFields: SelectableField[];
}

export interface InternalConversion {
  strategy: string;
  webhookClientConfig?: WebhookClientConfig;
  conversionReviewVersions: string[];
}

export interface InternalSpec {
  group: string;
  /** versions[0].name, as kube's deprecated spec.version. */
  version: string;
  names: Partial<CustomResourceDefinitionNames>;
  scope: string;
  versions: InternalVersion[];
  validation?: CustomResourceValidation;
  subresources?: CustomResourceSubresources;
  additionalPrinterColumns: CustomResourceColumnDefinition[];
  selectableFields: SelectableField[];
  conversion?: InternalConversion;
  preserveUnknownFields?: boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);

export function toInternalSpec(spec: CustomResourceDefinitionSpec): InternalSpec {
  const versions: InternalVersion[] = list(spec.versions).map((raw: CustomResourceDefinitionVersion | null) => {
    const v = raw ?? ({} as CustomResourceDefinitionVersion);
    return {
    name: str(v.name),
    served: v.served === true,
    storage: v.storage === true,
    deprecated: v.deprecated === true,
    deprecationWarning: v.deprecationWarning,
    schema: v.schema ?? undefined,
    subresources: v.subresources ?? undefined,
    additionalPrinterColumns: list(v.additionalPrinterColumns),
    selectableFields: list(v.selectableFields),
    };
  });
  const out: InternalSpec = {
    group: str(spec.group),
    version: versions[0]?.name ?? '',
    names: spec.names ?? {},
    scope: str(spec.scope),
    versions,
    additionalPrinterColumns: [],
    selectableFields: [],
    preserveUnknownFields: spec.preserveUnknownFields,
  };
  if (spec.conversion) {
    out.conversion = {
      strategy: str(spec.conversion.strategy),
      webhookClientConfig: spec.conversion.webhook?.clientConfig ?? undefined,
      conversionReviewVersions: list(spec.conversion.webhook?.conversionReviewVersions),
    };
  }
  if (versions.length === 0) return out;

  const first = versions[0];
  const same = (pick: (v: InternalVersion) => unknown): boolean => versions.every((v) => semanticEqual(pick(v), pick(first)));
  if (same((v) => v.subresources)) {
    out.subresources = first.subresources;
    for (const v of versions) v.subresources = undefined;
  }
  if (same((v) => v.schema)) {
    out.validation = first.schema;
    for (const v of versions) v.schema = undefined;
  }
  if (same((v) => v.additionalPrinterColumns)) {
    out.additionalPrinterColumns = first.additionalPrinterColumns;
    for (const v of versions) v.additionalPrinterColumns = [];
  }
  if (same((v) => v.selectableFields)) {
    out.selectableFields = first.selectableFields;
    for (const v of versions) v.selectableFields = [];
  }
  return out;
}

/** Fields whose value is a Go map: a nil map equals an empty one, but entries are compared strictly. */
const MAP_FIELDS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);
/** Free-form JSON (Go's *JSON / []JSON): compared as values, with no zero-value leniency. */
const JSON_FIELDS = new Set(['default', 'example', 'enum']);

type Mode = 'struct' | 'map' | 'json';

/** A Go struct field that decodes to its zero value when absent: nil pointer/slice/map, false, "". */
function isZeroField(key: string, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (JSON_FIELDS.has(key)) return false;
  if (v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return MAP_FIELDS.has(key) && typeof v === 'object' && Object.keys(v as object).length === 0;
}

/**
 * apiequality.Semantic.DeepEqual as it applies to decoded CRD JSON: an absent
 * struct field equals its zero value, a nil map or slice equals an empty one,
 * but a map entry or a JSON value must match exactly. Iterative (an explicit
 * stack), so a hostile 10,000-deep schema cannot overflow the call stack.
 */
export function semanticEqual(a: unknown, b: unknown, mode: Mode = 'struct'): boolean {
  const stack: Array<[unknown, unknown, Mode]> = [[a, b, mode]];
  while (stack.length > 0) {
    const [x, y, mode] = stack.pop()!;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const ya = y as unknown[];
      if (x.length !== ya.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i], ya[i], mode === 'json' ? 'json' : 'struct']);
      continue;
    }
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    const keys = new Set([...Object.keys(xo), ...Object.keys(yo)]);
    for (const k of keys) {
      const xv = xo[k];
      const yv = yo[k];
      if (mode === 'struct') {
        if (isZeroField(k, xv) && isZeroField(k, yv)) continue;
        stack.push([xv, yv, JSON_FIELDS.has(k) ? 'json' : MAP_FIELDS.has(k) ? 'map' : 'struct']);
      } else {
        if (xv === undefined || yv === undefined) return false;
        stack.push([xv, yv, mode === 'json' ? 'json' : 'struct']);
      }
    }
  }
  return true;
}

/** Equality of free-form JSON values (enum entries, defaults): exact, iterative. */
export const jsonEqual = (a: unknown, b: unknown): boolean => semanticEqual(a, b, 'json');
