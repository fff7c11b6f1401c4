/**
 * RequestInfo: what a request is about (verb, group, version, namespace,
 * resource, name, subresource), read from its method and URL alone. The
 * RequestInfo filter, authorization, audit, max-in-flight and the handlers all
 * read this one answer, so its rules follow kube's
 * k8s.io/apiserver/pkg/endpoints/request/requestinfo.go exactly.
 *
 * Resource paths:
 *   /{prefix}[/{group}]/{version}[/{watch|proxy}][/namespaces/{ns}]/{resource}[/{name}[/{subresource}[/...]]]
 * Anything shorter, or under another prefix, is a non-resource request
 * (/api, /apis, /apis/{group}, /apis/{group}/{version}, /healthz, /version, ...).
 */

export interface RequestInfo {
  /** True for a request on an API resource or subresource. */
  isResourceRequest: boolean;
  /** The percent-decoded URL path without the query, as kube's req.URL.Path. */
  path: string;
  /**
   * get, list, watch, create, update, patch, delete, deletecollection, proxy
   * ('' for other methods) on resource requests; the lower-case HTTP method on
   * non-resource requests.
   */
  verb: string;
  /** "api", "apis" (or another configured prefix); "" when none matched. */
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path parts from the resource on: {resource}/{name}/{subresource}/... */
  parts: string[];
  /** The raw fieldSelector, kept only for list, watch and deletecollection. */
  fieldSelector?: string;
  /** The raw labelSelector, kept only for list, watch and deletecollection. */
  labelSelector?: string;
}

export interface RequestInfoResolverOptions {
  /** Path prefixes that hold resources, without slashes. */
  apiPrefixes: Set<string>;
  /** The prefixes among apiPrefixes whose paths carry no group (the legacy core group). */
  grouplessApiPrefixes: Set<string>;
}

export type RequestInfoResolver = (method: string, url: string) => RequestInfo;

/** A URL that cannot be understood as a request; the filter answers it with an error Status. */
export class RequestInfoError extends Error {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'RequestInfoError';
  }
}

/** Path segments that set the verb themselves (deprecated in kube, still served). */
const specialVerbs = new Set(['proxy', 'watch']);
/** Special verbs after which everything past the name is a path, not a subresource. */
const specialVerbsNoSubresources = new Set(['proxy']);
/** What may follow namespaces/{name} as that namespace's own subresource rather than a namespaced resource. */
const namespaceSubresources = new Set(['status', 'finalize']);
/** Verbs for which the selectors are kept for authorization. */
const verbsWithSelectors = new Set(['list', 'watch', 'deletecollection']);

const verbsByMethod: ReadonlyMap<string, string> = new Map([
  ['GET', 'get'],
  ['HEAD', 'get'],
  ['POST', 'create'],
  ['PUT', 'update'],
  ['PATCH', 'patch'],
  ['DELETE', 'delete'],
]);

const defaultOptions = {
  apiPrefixes: new Set(['api', 'apis']),
  grouplessApiPrefixes: new Set(['api']),
} satisfies RequestInfoResolverOptions;

/**
 * Returns the resolver. Methods are matched case-sensitively, as Go's
 * net/http hands them over (Node upper-cases them too). Throws
 * RequestInfoError for a malformed path escape and for a special verb with
 * nothing after it (`/api/v1/watch`), the one input kube's parser rejects.
 */
export function createRequestInfoResolver(opts: Partial<RequestInfoResolverOptions> = {}): RequestInfoResolver {
  const apiPrefixes = new Set(opts.apiPrefixes ?? defaultOptions.apiPrefixes);
  const grouplessApiPrefixes = new Set(opts.grouplessApiPrefixes ?? defaultOptions.grouplessApiPrefixes);

  return (method, url) => {
    const { rawPath, rawQuery } = splitRequestTarget(url);
    const path = decodePath(rawPath, url);
    // Until proven otherwise, a non-resource request.
    const info: RequestInfo = {
      isResourceRequest: false,
      path,
      verb: method.toLowerCase(),
      apiPrefix: '',
      apiGroup: '',
      apiVersion: '',
      namespace: '',
      resource: '',
      subresource: '',
      name: '',
      parts: [],
    };

    let rest = splitPath(path);
    if (rest.length < 3 || !apiPrefixes.has(rest[0])) return info;
    // kube records the prefix even when the path then proves too short.
    info.apiPrefix = rest[0];
    rest = rest.slice(1);
    if (!grouplessApiPrefixes.has(info.apiPrefix)) {
      // prefix/group/version/resource: four parts at least.
      if (rest.length < 3) return info;
      info.apiGroup = rest[0];
      rest = rest.slice(1);
    }
    info.isResourceRequest = true;
    info.apiVersion = rest[0];
    rest = rest.slice(1);

    const verbViaPath = specialVerbs.has(rest[0]);
    if (verbViaPath) {
      if (rest.length < 2) {
        throw new RequestInfoError(`unable to determine kind and namespace from url ${url}`, url);
      }
      info.verb = rest[0];
      rest = rest.slice(1);
    } else {
      info.verb = verbsByMethod.get(method) ?? '';
    }

    if (rest[0] === 'namespaces' && rest.length > 1) {
      info.namespace = rest[1];
      // namespaces/{ns}/{resource}/... is a namespaced resource; namespaces/{ns}
      // and namespaces/{ns}/status|finalize are the namespace itself.
      if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
    }
    info.parts = rest;
    info.resource = rest[0];
    if (rest.length >= 2) info.name = rest[1];
    if (rest.length >= 3 && !specialVerbsNoSubresources.has(info.verb)) info.subresource = rest[2];

    const query = new URLSearchParams(rawQuery);
    // A get without a name reads the collection: a list, or a watch.
    if (info.name === '' && info.verb === 'get') {
      info.verb = isWatch(query) ? 'watch' : 'list';
      info.name = nameFromListOptions(query) ?? '';
    }
    if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';

    // The deprecated /watch/ paths never honoured selectors consistently, so
    // kube does not authorize on them there.
    if (!verbViaPath && verbsWithSelectors.has(info.verb)) {
      const fieldSelector = query.get('fieldSelector');
      const labelSelector = query.get('labelSelector');
      if (fieldSelector !== null) info.fieldSelector = fieldSelector;
      if (labelSelector !== null) info.labelSelector = labelSelector;
    }
    return info;
  };
}

/** Splits a request target (origin-form, or absolute-form as a proxy would send) into path and query. */
function splitRequestTarget(url: string): { rawPath: string; rawQuery: string } {
  const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?]*/.exec(url);
  const target = authority ? url.slice(authority[0].length) : url;
  const q = target.indexOf('?');
  return q < 0 ? { rawPath: target, rawQuery: '' } : { rawPath: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

/**
 * Percent-decodes a path as Go's url.PathUnescape does (`+` stays `+`, `%2F`
 * becomes `/` before the path is split). Go's server refuses a bad escape
 * before kube sees the request, so it is an error here.
 */
function decodePath(rawPath: string, url: string): string {
  if (!rawPath.includes('%')) return rawPath;
  if (/%(?![0-9a-fA-F]{2})/.test(rawPath)) {
    throw new RequestInfoError(`invalid URL escape in path ${JSON.stringify(rawPath)}`, url);
  }
  // Decode escapes to bytes and the bytes as UTF-8 together, so a multi-byte
  // character split over escapes comes out whole.
  const bytes: number[] = [];
  for (let i = 0; i < rawPath.length; ) {
    if (rawPath[i] === '%') {
      bytes.push(parseInt(rawPath.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const codePoint = rawPath.codePointAt(i) ?? 0;
      const char = String.fromCodePoint(codePoint);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The segments between slashes, with leading and trailing slashes ignored. */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/** kube's query bool: present and anything but "0" or (any case) "false" means true, even "". */
function isWatch(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch !== null && watch !== '0' && watch.toLowerCase() !== 'false';
}

/**
 * The name a list or watch narrows itself to with `fieldSelector=metadata.name=x`,
 * if it does. As in kube, only when the query decodes as ListOptions (numbers
 * parse, the field selector parses) and the name could be a path segment.
 */
function nameFromListOptions(query: URLSearchParams): string | undefined {
  for (const key of ['limit', 'timeoutSeconds']) {
    const value = query.get(key);
    if (value !== null && !isInt64(value)) return undefined;
  }
  const fieldSelector = query.get('fieldSelector');
  if (fieldSelector === null) return undefined;
  const terms = parseFieldSelector(fieldSelector);
  const name = terms?.find((t) => t.op === '=' && t.field === 'metadata.name')?.value;
  if (name === undefined || name === '.' || name === '..' || name.includes('/') || name.includes('%')) {
    return undefined;
  }
  return name;
}

/** Go's strconv.ParseInt(s, 10, 64) succeeds. */
function isInt64(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

interface FieldSelectorTerm {
  field: string;
  op: '=' | '!=';
  value: string;
}

/**
 * Parses a field selector as kube's fields.ParseSelector: terms split on
 * unescaped commas and sorted bytewise (so the first metadata.name term in that
 * order wins), each `field=value`, `field==value` or `field!=value` split at the
 * first operator, values unescaped (`\\`, `\,`, `\=`). Undefined when invalid.
 */
function parseFieldSelector(selector: string): FieldSelectorTerm[] | undefined {
  const terms: FieldSelectorTerm[] = [];
  for (const part of splitTerms(selector).sort(compareUtf8)) {
    if (part === '') continue;
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(part);
    if (!m) return undefined;
    const value = unescapeValue(m[3]);
    if (value === undefined) return undefined;
    terms.push({ field: m[1], op: m[2] === '!=' ? '!=' : '=', value });
  }
  return terms;
}

/** Splits on commas not escaped by a backslash; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '\\') i++;
    else if (selector[i] === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** Undoes `\\`, `\,` and `\=`; undefined for any other escape or a bare `,` or `=`. */
function unescapeValue(raw: string): string | undefined {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const next = raw[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=') return undefined;
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}

/** Orders strings as Go's sort.Strings does: by UTF-8 bytes, which is by code point. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
