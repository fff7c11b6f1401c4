/**
 * kube's URL library (apiserver pkg/cel/library/urls.go) and its format
 * library (format.go): `url()` accepts what Go's url.ParseRequestURI
 * accepts and reads the parts url.Parse gives; `format.<name>()` and
 * `format.named(name)` are kube's named string checks, `validate` their
 * messages as an optional list (none when valid).
 */
import { type CelFunc, type CelValue, celFunc, celMethod, CelScalar, listType, mapType } from '@bufbuild/cel';
import { isQualifiedName, isValidLabelValue, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain } from '../../../apimachinery/validation/names.js';
import { formatChecker } from '../formats.js';
import { escapedPath, type GoURL, hostname, parseRequestURI, parseURL, port, query, urlString } from './go-url.js';
import { FORMAT_DESC, OpaqueType, URL_DESC } from './opaque.js';
import { NONE, some } from './optional.js';

const { STRING, BOOL } = CelScalar;

export const URL_TYPE = new OpaqueType<GoURL>(URL_DESC);

function stringToURL(s: string): GoURL {
  try {
    parseRequestURI(s);
    return parseURL(s);
  } catch (err) {
    throw new Error(`URL parse error during conversion from string: ${(err as Error).message}`);
  }
}

const urlOf = (v: unknown): GoURL => URL_TYPE.from(v as CelValue);

export const URL_LIBRARY: readonly CelFunc[] = [
  celFunc('url', [STRING], URL_TYPE.type, (s: string) => {
    const u = stringToURL(s);
    return URL_TYPE.of(urlString(u), u);
  }),
  celFunc('isURL', [STRING], BOOL, (s: string) => {
    try {
      parseRequestURI(s);
      return true;
    } catch {
      return false;
    }
  }),
  celMethod('getScheme', URL_TYPE.type, [], STRING, function () { return urlOf(this).scheme; }),
  celMethod('getHost', URL_TYPE.type, [], STRING, function () { return urlOf(this).host; }),
  celMethod('getHostname', URL_TYPE.type, [], STRING, function () { return hostname(urlOf(this)); }),
  celMethod('getPort', URL_TYPE.type, [], STRING, function () { return port(urlOf(this)); }),
  celMethod('getEscapedPath', URL_TYPE.type, [], STRING, function () { return escapedPath(urlOf(this)); }),
  celMethod('getQuery', URL_TYPE.type, [], mapType(STRING, listType(STRING)), function () { return query(urlOf(this)); }),
];

/** A kube named format: its Name (what `==` compares) and its check. */
export interface NamedFormat {
  name: string;
  validate(s: string): string[];
}

const strfmt = (name: string, message: string) => {
  const check = formatChecker(name);
  return (s: string): string[] => (check && !check(s) ? [message] : []);
};

/** kube's ConstantFormats, by the name CEL uses. */
export const NAMED_FORMATS: ReadonlyMap<string, NamedFormat> = new Map<string, NamedFormat>([
  ['dns1123Label', { name: 'DNS1123Label', validate: (s) => nameIsDNSLabel(s, false) }],
  ['dns1123Subdomain', { name: 'DNS1123Subdomain', validate: (s) => nameIsDNSSubdomain(s, false) }],
  ['dns1035Label', { name: 'DNS1035Label', validate: (s) => nameIsDNS1035Label(s, false) }],
  ['qualifiedName', { name: 'QualifiedName', validate: isQualifiedName }],
  ['dns1123LabelPrefix', { name: 'DNS1123LabelPrefix', validate: (s) => nameIsDNSLabel(s, true) }],
  ['dns1123SubdomainPrefix', { name: 'DNS1123SubdomainPrefix', validate: (s) => nameIsDNSSubdomain(s, true) }],
  ['dns1035LabelPrefix', { name: 'DNS1035LabelPrefix', validate: (s) => nameIsDNS1035Label(s, true) }],
  ['labelValue', { name: 'LabelValue', validate: isValidLabelValue }],
  ['uri', {
    name: 'URI',
    validate: (s) => {
      try {
        parseRequestURI(s);
        return [];
      } catch (err) {
        return [(err as Error).message];
      }
    },
  }],
  ['uuid', { name: 'uuid', validate: strfmt('uuid', 'does not match the UUID format') }],
  ['byte', { name: 'byte', validate: strfmt('byte', 'invalid base64') }],
  ['date', { name: 'date', validate: strfmt('date', 'invalid date') }],
  ['datetime', { name: 'datetime', validate: strfmt('datetime', 'invalid datetime') }],
]);

export const FORMAT_TYPE = new OpaqueType<NamedFormat>(FORMAT_DESC);
const formatValue = (f: NamedFormat) => FORMAT_TYPE.of(f.name, f);
const OPTIONAL = listType(CelScalar.DYN);

export const FORMAT_LIBRARY: readonly CelFunc[] = [
  ...[...NAMED_FORMATS].map(([name, f]) => celFunc(`format.${name}`, [], FORMAT_TYPE.type, () => formatValue(f))),
  celFunc('format.named', [STRING], OPTIONAL, (name: string) => {
    const f = NAMED_FORMATS.get(name);
    return f ? some(formatValue(f)) : [...NONE];
  }),
  celMethod('validate', FORMAT_TYPE.type, [STRING], OPTIONAL, function (s: string) {
    const errs = FORMAT_TYPE.from(this as CelValue).validate(s);
    return errs.length === 0 ? [...NONE] : some(errs as unknown as CelValue);
  }),
];
