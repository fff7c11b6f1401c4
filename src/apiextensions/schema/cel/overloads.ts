/**
 * The signatures the checker knows: CEL's standard functions and operators,
 * the strings extension, optional types, and kube's lists, regex, quantity,
 * URL, IP, CIDR and format libraries. One line per
 * overload, `receiver | name | args | result` (receiver empty for a global
 * function); one capital letter is a type parameter. The runtime behind them
 * is @bufbuild/cel's and library.ts'.
 */
import { type CelT, parseType, splitTop } from './types.js';

export interface Overload {
  receiver?: CelT;
  name: string;
  args: readonly CelT[];
  result: CelT;
}

const NUMERIC = ['int', 'uint', 'double'];
const ORDERED = ['bool', 'int', 'uint', 'double', 'string', 'bytes', 'timestamp', 'duration'];
const MIXED_ORDER = [['int', 'double'], ['double', 'int'], ['int', 'uint'], ['uint', 'int'], ['uint', 'double'], ['double', 'uint']];

const lines: string[] = [
  // Arithmetic.
  ...NUMERIC.flatMap((t) => ['_+_', '_-_', '_*_', '_/_'].map((op) => `|${op}|${t},${t}|${t}`)),
  '|_%_|int,int|int', '|_%_|uint,uint|uint', '|-_|int|int', '|-_|double|double',
  '|_+_|string,string|string', '|_+_|bytes,bytes|bytes', '|_+_|list(A),list(A)|list(A)',
  '|_+_|timestamp,duration|timestamp', '|_+_|duration,timestamp|timestamp', '|_+_|duration,duration|duration',
  '|_-_|timestamp,timestamp|duration', '|_-_|timestamp,duration|timestamp', '|_-_|duration,duration|duration',
  // Logic and comparison.
  '|!_|bool|bool', '|_&&_|bool,bool|bool', '|_?_:_|bool,A,A|A', '|@not_strictly_false|bool|bool',
  '|_==_|A,A|bool', '|_!=_|A,A|bool',
  ...['_<_', '_<=_', '_>_', '_>=_'].flatMap((op) => [...ORDERED.map((t) => `|${op}|${t},${t}|bool`), ...MIXED_ORDER.map(([a, b]) => `|${op}|${a},${b}|bool`)]),
  // Containers.
  '|_[_]|list(A),int|A', '|_[_]|map(K,V),K|V', '|@in|A,list(A)|bool', '|@in|K,map(K,V)|bool',
  ...['string', 'bytes', 'list(A)', 'map(K,V)'].flatMap((t) => [`|size|${t}|int`, `${t}|size||int`]),
  // Strings.
  'string|contains|string|bool', 'string|startsWith|string|bool', 'string|endsWith|string|bool',
  'string|matches|string|bool', '|matches|string,string|bool',
  'string|charAt|int|string', 'string|indexOf|string|int', 'string|indexOf|string,int|int',
  'string|lastIndexOf|string|int', 'string|lastIndexOf|string,int|int', 'string|lowerAscii||string', 'string|upperAscii||string',
  'string|replace|string,string|string', 'string|replace|string,string,int|string', 'string|split|string|list(string)',
  'string|split|string,int|list(string)', 'string|substring|int|string', 'string|substring|int,int|string', 'string|trim||string',
  'list(string)|join||string', 'list(string)|join|string|string', 'string|format|list(dyn)|string', '|strings.quote|string|string',
  // kube's regex library.
  'string|find|string|string', 'string|findAll|string|list(string)', 'string|findAll|string,int|list(string)',
  // kube's lists library.
  'list(A)|isSorted||bool', 'list(A)|min||A', 'list(A)|max||A', 'list(A)|indexOf|A|int', 'list(A)|lastIndexOf|A|int',
  ...['int', 'uint', 'double', 'duration'].map((t) => `list(${t})|sum||${t}`),
  // Optional types (cel-go's OptionalTypes; `a.?f` and `a[?k]` are checked apart).
  '|optional.of|A|optional(A)', '|optional.ofNonZeroValue|A|optional(A)', '|optional.none||optional(A)',
  'optional(A)|hasValue||bool', 'optional(A)|value||A', 'optional(A)|orValue|A|A', 'optional(A)|or|optional(A)|optional(A)',
  // What parse.ts makes of `[?x]` and `{?k: v}`.
  '|@optional_as_list|optional(A)|list(A)', '|@opt_put|map(K,V),K,optional(V)|map(K,V)',
  // kube's quantity library.
  '|quantity|string|kubernetes.Quantity', '|isQuantity|string|bool', '|sign|kubernetes.Quantity|int',
  'kubernetes.Quantity|isGreaterThan|kubernetes.Quantity|bool', 'kubernetes.Quantity|isLessThan|kubernetes.Quantity|bool',
  'kubernetes.Quantity|compareTo|kubernetes.Quantity|int',
  ...['add', 'sub'].flatMap((op) => [`kubernetes.Quantity|${op}|kubernetes.Quantity|kubernetes.Quantity`, `kubernetes.Quantity|${op}|int|kubernetes.Quantity`]),
  'kubernetes.Quantity|asInteger||int', 'kubernetes.Quantity|isInteger||bool', 'kubernetes.Quantity|asApproximateFloat||double',
  // kube's URL library.
  '|url|string|kubernetes.URL', '|isURL|string|bool',
  ...['getScheme', 'getHost', 'getHostname', 'getPort', 'getEscapedPath'].map((m) => `kubernetes.URL|${m}||string`),
  'kubernetes.URL|getQuery||map(string,list(string))',
  // kube's IP and CIDR libraries.
  '|ip|string|net.IP', '|isIP|string|bool', '|ip.isCanonical|string|bool', '|string|net.IP|string', 'net.IP|family||int',
  ...['isUnspecified', 'isLoopback', 'isLinkLocalMulticast', 'isLinkLocalUnicast', 'isGlobalUnicast'].map((m) => `net.IP|${m}||bool`),
  '|cidr|string|net.CIDR', '|isCIDR|string|bool', '|string|net.CIDR|string',
  'net.CIDR|containsIP|string|bool', 'net.CIDR|containsIP|net.IP|bool', 'net.CIDR|containsCIDR|string|bool', 'net.CIDR|containsCIDR|net.CIDR|bool',
  'net.CIDR|ip||net.IP', 'net.CIDR|prefixLength||int', 'net.CIDR|masked||net.CIDR',
  // kube's format library.
  '|format.named|string|optional(kubernetes.NamedFormat)', 'kubernetes.NamedFormat|validate|string|optional(list(string))',
  ...['dns1123Label', 'dns1123Subdomain', 'dns1035Label', 'qualifiedName', 'dns1123LabelPrefix', 'dns1123SubdomainPrefix', 'dns1035LabelPrefix',
    'labelValue', 'uri', 'uuid', 'byte', 'date', 'datetime'].map((f) => `|format.${f}||kubernetes.NamedFormat`),
  // Conversions.
  ...['int', 'uint', 'double', 'string', 'timestamp'].map((t) => `|int|${t}|int`),
  ...['int', 'uint', 'double', 'string'].map((t) => `|uint|${t}|uint`),
  ...['int', 'uint', 'double', 'string'].map((t) => `|double|${t}|double`),
  ...['int', 'uint', 'double', 'bool', 'bytes', 'string', 'timestamp', 'duration'].map((t) => `|string|${t}|string`),
  '|bytes|string|bytes', '|bytes|bytes|bytes', '|bool|bool|bool', '|bool|string|bool',
  '|duration|string|duration', '|duration|duration|duration', '|timestamp|string|timestamp', '|timestamp|int|timestamp', '|timestamp|timestamp|timestamp',
  '|dyn|A|dyn', '|type|A|type',
  // Time accessors.
  ...['getFullYear', 'getMonth', 'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds']
    .flatMap((m) => [`timestamp|${m}||int`, `timestamp|${m}|string|int`]),
  ...['getHours', 'getMinutes', 'getSeconds', 'getMilliseconds'].map((m) => `duration|${m}||int`),
];

function parseLine(line: string): Overload {
  const [receiver = '', name = '', args = '', result = ''] = line.split('|');
  const o: Overload = { name, args: splitTop(args).map(parseType), result: parseType(result) };
  if (receiver !== '') o.receiver = parseType(receiver);
  return o;
}

/** Overloads by function name. */
export const OVERLOADS: ReadonlyMap<string, readonly Overload[]> = (() => {
  const byName = new Map<string, Overload[]>();
  // `_||_` cannot be spelled in the table's own separator.
  const or: Overload = { name: '_||_', args: [parseType('bool'), parseType('bool')], result: parseType('bool') };
  for (const o of [...lines.map(parseLine), or]) {
    const list = byName.get(o.name) ?? [];
    list.push(o);
    byName.set(o.name, list);
  }
  return byName;
})();
