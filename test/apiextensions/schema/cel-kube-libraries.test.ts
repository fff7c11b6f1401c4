/**
 * kube's quantity, URL, IP, CIDR and format CEL libraries and optional
 * types, case by case after apiserver pkg/cel/library/*_test.go: results,
 * runtime errors with kube's texts, and compile errors the checker reports.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRules, type CompiledRule } from '../../../src/apiextensions/schema/cel/compile.js';
import { toCelValue } from '../../../src/apiextensions/schema/cel/values.js';
import { toStructural } from '../../../src/apiextensions/schema/structural.js';
import { parseQuantity } from '../../../src/apiextensions/schema/cel/quantity.js';
import { STATIC_ESTIMATED_COST_LIMIT } from '../../../src/apiextensions/schema/cel/cost.js';

const SCHEMA = { type: 'object', properties: { s: { type: 'string', maxLength: 64 }, n: { type: 'integer' } } };

function compile(rule: string, extra: Record<string, unknown> = {}): CompiledRule {
  const s = toStructural({ ...SCHEMA, 'x-kubernetes-validations': [{ rule, ...extra }] });
  return compileRules(s, false)[0]!;
}

function run(rule: string, self: Record<string, unknown> = {}): unknown {
  const s = toStructural({ ...SCHEMA, 'x-kubernetes-validations': [{ rule }] });
  const [c] = compileRules(s, false);
  assert.equal(c!.error, undefined, `${rule}: ${c!.error}`);
  return c!.program!({ self: c!.program!.raw ? (self as never) : toCelValue(self, s) });
}

const holds = (rule: string): void => assert.equal(run(rule), true, rule);

function fails(rule: string, pattern: RegExp): void {
  const v = run(rule);
  assert.ok(v instanceof Error, `${rule} should fail, got ${String(v)}`);
  assert.match(v.message, pattern, rule);
}

function refused(rule: string, pattern: RegExp): void {
  const c = compile(rule);
  assert.ok(c.error, `${rule} should not compile`);
  assert.match(c.error, pattern);
}

describe('CEL quantity library', () => {
  const cases = [
    'quantity("12Mi") == quantity("12582912")',
    'isQuantity("20") && isQuantity("20M") && isQuantity("20Mi") && !isQuantity("20Mo") && !isQuantity("10Mm") && !isQuantity("Three")',
    // kube's doc comment says isQuantity("Mi") is false, but apimachinery's parser (ported here) reads a missing number as 0.
    'isQuantity("Mi") && quantity("Mi") == quantity("0")',
    'isQuantity("1.3G") && isQuantity("10000k") && !isQuantity("1,3G") && !isQuantity("200K") && !isQuantity("")',
    'quantity("200M") == quantity("200M")',
    'quantity("200M") == quantity("0.2G") && quantity("0.2G") == quantity("200M")',
    'quantity("2M") == quantity("0.002G") && quantity("2000k") == quantity("2M") && quantity("0.002G") == quantity("2000k")',
    'quantity("200M") != quantity("0.3G")',
    'quantity("50M").isLessThan(quantity("50Mi")) && quantity("50M").isLessThan(quantity("100M")) && !quantity("100M").isLessThan(quantity("50M"))',
    'quantity("50Mi").isGreaterThan(quantity("50M")) && quantity("150Mi").isGreaterThan(quantity("100Mi")) && !quantity("50M").isGreaterThan(quantity("100M"))',
    'quantity("200M").compareTo(quantity("0.2G")) == 0 && quantity("50M").compareTo(quantity("50Mi")) == -1 && quantity("50Mi").compareTo(quantity("50M")) == 1',
    'quantity("50k").add(quantity("20")) == quantity("50.02k")',
    '!quantity("50k").add(20).isLessThan(quantity("50020"))',
    'quantity("50k").sub(quantity("20")) == quantity("49.98k")',
    'quantity("50k").sub(20) == quantity("49980")',
    'quantity("50k").add(20).sub(quantity("100k")).asInteger() == -49980',
    'quantity("50k").add(20).sub(quantity("100k")).sub(-50000).asInteger() == 20',
    'quantity("50k").asInteger() == 50000',
    '!quantity("9999999999999999999999999999999999999G").isInteger()',
    'quantity("50").isInteger() && quantity("50000000G").isInteger() && quantity("50k").isInteger()',
    // kube's int64 form with a negative scale, and its decimal form, are not integers even when whole.
    '!quantity("1000m").isInteger() && !quantity("1.5Ki").isInteger()',
    'quantity("50.703k").asApproximateFloat() == 50703.0',
    '[quantity("9999999999999999999999999999999999999")].all(x, x.add(quantity("1")).compareTo(x.add(quantity("2"))) == -1)',
    'sign(quantity("-5")) == -1 && sign(quantity("0")) == 0 && sign(quantity("1n")) == 1',
    // Nano rounding (up, away from zero) and the BinarySI cap.
    'quantity("0.0000000001") == quantity("1n") && quantity("-0.0000000001") == quantity("-1n")',
    'quantity("100Ei") == quantity("9223372036854775807")',
    'quantity("1e3") == quantity("1k") && quantity("1E-3") == quantity("1m") && quantity("+1") == quantity("1")',
  ];
  for (const rule of cases) it(rule, () => holds(rule));

  it('invalid quantities give kube\'s runtime errors', () => {
    fails('quantity("10Mo") == quantity("1")', /^quantities must match the regular expression '\^\(\[\+-\]\?\[0-9\.\]\+\)\(\[eEinumkKMGTP\]\*\[-\+\]\?\[0-9\]\*\)\$'/);
    fails('quantity("10Mm") == quantity("1")', /^unable to parse quantity's suffix$/);
    fails('quantity("Three") == quantity("1")', /quantities must match/);
    fails('quantity("9999999999999999999999999999999999999G").asInteger() == 1', /^cannot convert value to integer$/);
    fails('quantity("1e999999999").add(1).isInteger()', /too large/);
  });

  it('misuse is a compile error', () => {
    refused('isQuantity([1, 2, 3])', /found no matching overload for 'isQuantity' applied to '\(list\(int\)\)'/);
    refused('quantity("1").isGreaterThan(1)', /found no matching overload for 'isGreaterThan'/);
    refused('quantity("1") == 1', /found no matching overload for '_==_'/);
    refused('quantity("1").value > 0', /does not support field selection/);
    // kube declares sign as a global overload: cel-go refuses the member form its doc comment shows.
    refused('quantity("1").sign() == 1', /found no matching overload for 'sign' applied to 'kubernetes.Quantity\.\(\)'/);
  });

  it('parses as apimachinery does', () => {
    assert.deepEqual(parseQuantity('1000m'), { dec: false, unscaled: 1000n, exp: -3 });
    assert.deepEqual(parseQuantity('-'), { dec: false, unscaled: 0n, exp: 0 });
    assert.deepEqual(parseQuantity('1.5Ki'), { dec: true, unscaled: 15360n, exp: -1 });
    assert.throws(() => parseQuantity(''), /quantities must match/);
    assert.throws(() => parseQuantity('1e'), /suffix/);
    assert.throws(() => parseQuantity('1e99999999999999999999'), /suffix/);
  });
});

describe('CEL URL library', () => {
  const cases = [
    'url("https://user:pass@kubernetes.io:80/docs/?query=val&query=val2#frag").getScheme() == "https"',
    'url("https://user:pass@kubernetes.io:80/docs/?query=val&query=val2#frag").getHost() == "kubernetes.io:80"',
    'url("https://user:pass@kubernetes.io:80/docs/?query=val&query=val2#frag").getHostname() == "kubernetes.io"',
    'url("https://user:pass@kubernetes.io:80/docs/?query=val&query=val2#frag").getPort() == "80"',
    'url("https://kubernetes.io/docs/").getPort() == ""',
    'url("https://user:pass@kubernetes.io:80/docs/?query=val&query=val2#frag").getEscapedPath() == "/docs/"',
    'url("https://example.com/path with spaces/").getEscapedPath() == "/path%20with%20spaces/"',
    'url("https://example.com/%2Fencoded").getEscapedPath() == "/%2Fencoded"',
    'url("https://kubernetes.io/docs/?query=val&query=val2&x=a+b&y=%3D").getQuery() == {"query": ["val", "val2"], "x": ["a b"], "y": ["="]}',
    'url("https://kubernetes.io/").getQuery() == {}',
    'url("https://[::1]:80/").getHostname() == "::1" && url("https://[::1]:80/").getPort() == "80" && url("https://[::1]/").getHost() == "[::1]"',
    'url("/absolute-path").getScheme() == "" && url("/absolute-path").getEscapedPath() == "/absolute-path"',
    'url("https://a.example/x") == url("https://a.example/x") && url("https://a.example/x") != url("https://a.example/y")',
    'isURL("https://kubernetes.io/") && isURL("/absolute-path") && isURL("mailto:someone@example.com")',
    '!isURL("../relative-path") && !isURL("") && !isURL("#frag") && !isURL("http://a b/") && !isURL("https://example.com:port/")',
    // The examples of kube's urls.go.
    'isURL("https://user:pass@example.com:80/path?query=val#fragment") && !isURL("https://a:b:c/")',
    'url("https://127.0.0.1:80/").getHostname() == "127.0.0.1" && url("https://[::1]:80/").getHost() == "[::1]:80" && url("/path").getHost() == ""',
    'url("https://example.com").getEscapedPath() == "" && url("https://example.com/path").getEscapedPath() == "/path"',
    'url("https://example.com/path?k1=a&k2=b&k2=c").getQuery() == {"k1": ["a"], "k2": ["b", "c"]}',
    'url("https://example.com/path?key with spaces=value with spaces").getQuery() == {"key with spaces": ["value with spaces"]}',
    'url("https://example.com/path?").getQuery() == {} && url("https://example.com/path").getQuery() == {}',
  ];
  for (const rule of cases) it(rule, () => holds(rule));

  it('invalid URLs give kube\'s runtime errors', () => {
    fails('url("../relative-path").getScheme() == ""', /^URL parse error during conversion from string: parse "\.\.\/relative-path": invalid URI for request$/);
    fails('url("").getScheme() == ""', /^URL parse error during conversion from string: parse "": empty url$/);
    fails('url("https://example.com:port/").getHost() == ""', /invalid port ":port" after host/);
    fails('url("https://exa%zzmple.com/").getHost() == ""', /invalid URL escape "%zz"/);
    fails('url(":x").getHost() == ""', /missing protocol scheme/);
    fails('url("https://a:b:c/").getHost() == ""', /^URL parse error during conversion from string: parse "https:\/\/a:b:c\/": invalid port ":c" after host$/);
  });

  it('misuse is a compile error', () => {
    refused('url(1).getScheme() == ""', /found no matching overload for 'url' applied to '\(int\)'/);
    refused('"https://a".getScheme() == ""', /found no matching overload for 'getScheme' applied to 'string\.\(\)'/);
  });
});

describe('CEL IP and CIDR libraries', () => {
  const cases = [
    'isIP("192.168.0.1") && isIP("2001:db8::68") && !isIP("192.168.0.1/24") && !isIP("not an ip") && !isIP("fe80::1%eth0") && !isIP("::ffff:1.2.3.4")',
    '!isIP("01.2.3.4") && !isIP("256.1.1.1") && !isIP("1.2.3") && !isIP("1.2.3.4.5") && !isIP("")',
    'ip("192.168.0.1").family() == 4 && ip("::1").family() == 6',
    'ip("127.0.0.1").isLoopback() && ip("::1").isLoopback() && !ip("1.2.3.4").isLoopback()',
    'ip("0.0.0.0").isUnspecified() && ip("::").isUnspecified() && !ip("127.0.0.1").isUnspecified()',
    'ip("224.0.0.1").isLinkLocalMulticast() && ip("ff02::1").isLinkLocalMulticast() && !ip("224.0.1.1").isLinkLocalMulticast()',
    'ip("169.254.169.254").isLinkLocalUnicast() && ip("fe80::1").isLinkLocalUnicast() && !ip("10.0.0.1").isLinkLocalUnicast()',
    'ip("10.0.0.1").isGlobalUnicast() && ip("2001:db8::1").isGlobalUnicast() && !ip("255.255.255.255").isGlobalUnicast() && !ip("224.0.0.1").isGlobalUnicast() && !ip("::1").isGlobalUnicast()',
    'ip.isCanonical("127.0.0.1") && ip.isCanonical("2001:db8::1") && !ip.isCanonical("2001:DB8::1") && !ip.isCanonical("2001:db8:0:0:0:0:0:1")',
    'string(ip("2001:DB8:0:0::1")) == "2001:db8::1" && string(ip("1.2.3.4")) == "1.2.3.4"',
    'ip("1.2.3.4") == ip("1.2.3.4") && ip("::1") != ip("::2") && ip("2001:db8::1") == ip("2001:DB8::1")',
    'isCIDR("192.168.0.0/24") && isCIDR("::1/128") && !isCIDR("192.168.0.0") && !isCIDR("192.168.0.0/33") && !isCIDR("1.2.3.4/01") && !isCIDR("::ffff:1.2.3.4/120")',
    'cidr("192.168.0.0/24").containsIP("192.168.0.1") && cidr("192.168.0.0/24").containsIP(ip("192.168.0.1")) && !cidr("192.168.0.0/24").containsIP("192.168.1.1")',
    '!cidr("192.168.0.0/24").containsIP("::1") && cidr("::/0").containsIP("2001:db8::1")',
    'cidr("192.168.0.0/16").containsCIDR("192.168.10.0/24") && cidr("192.168.0.0/16").containsCIDR(cidr("192.168.0.0/16")) && !cidr("192.168.0.0/24").containsCIDR("192.168.0.0/16")',
    '!cidr("192.168.0.0/16").containsCIDR("10.0.0.0/24") && !cidr("0.0.0.0/0").containsCIDR("::/0")',
    'cidr("192.168.0.1/24").ip() == ip("192.168.0.1") && cidr("192.168.0.1/24").prefixLength() == 24',
    'cidr("192.168.0.1/24").masked() == cidr("192.168.0.0/24") && cidr("192.168.0.1/24") != cidr("192.168.0.0/24")',
    'string(cidr("2001:db8::1/32").masked()) == "2001:db8::/32" && string(cidr("10.1.2.3/8")) == "10.1.2.3/8"',
  ];
  for (const rule of cases) it(rule, () => holds(rule));

  it('invalid addresses give kube\'s runtime errors', () => {
    fails('ip("not an ip").family() == 4', /^IP Address "not an ip" parse error during conversion from string: ParseAddr\("not an ip"\): unable to parse IP$/);
    fails('ip("01.2.3.4").family() == 4', /IPv4 field has octet with leading zero/);
    fails('ip("fe80::1%eth0").family() == 6', /^IP address "fe80::1%eth0" with zone value is not allowed$/);
    fails('ip("::ffff:1.2.3.4").family() == 6', /^IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed$/);
    fails('ip.isCanonical("x")', /parse error during conversion from string/);
    fails('cidr("1.2.3.4").prefixLength() == 0', /^network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix\("1.2.3.4"\): no '\/'$/);
    fails('cidr("1.2.3.4/33").prefixLength() == 0', /prefix length out of range/);
    fails('cidr("10.0.0.0/8").containsIP("nope")', /IP Address "nope" parse error/);
    // kube's own test cases (ip_test.go, cidr_test.go), message for message.
    const exact = (rule: string, message: string) => {
      const v = run(rule);
      assert.ok(v instanceof Error, rule);
      assert.equal(v.message, message);
    };
    exact('ip("192.168.0.1.0").family() == 4', 'IP Address "192.168.0.1.0" parse error during conversion from string: ParseAddr("192.168.0.1.0"): IPv4 address too long');
    exact('ip("2001:db8:::68").family() == 6', 'IP Address "2001:db8:::68" parse error during conversion from string: ParseAddr("2001:db8:::68"): each colon-separated field must have at least one digit (at ":68")');
    exact('ip.isCanonical("127.0.0.1.0")', 'IP Address "127.0.0.1.0" parse error during conversion from string: ParseAddr("127.0.0.1.0"): IPv4 address too long');
    exact('cidr("192.168.0.0/").prefixLength() == 0', 'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("192.168.0.0/"): bad bits after slash: ""');
    exact('cidr("2001:db8::/").prefixLength() == 0', 'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("2001:db8::/"): bad bits after slash: ""');
    exact('cidr("10.0.0.0/99999").prefixLength() == 0', 'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("10.0.0.0/99999"): prefix length out of range');
    for (const [addr, msg] of [
      ['1:2:3:4:5:6:7:8:9', 'trailing garbage after address (at "9")'], ['1::2::3', 'multiple :: in address (at ":3")'], ['12345::1', 'each group must have 4 or less digits (at "12345::1")'],
      ['1:2', 'address string too short'], ['1:2:3:4::5:6:7:8', 'the :: must expand to at least one field of zeros'], ['1.2..3', 'IPv4 field must have at least one digit (at ".3")'],
      ['1.2.3.x', 'unexpected character (at "x")'], ['%eth0', 'missing IPv6 address'], ['::1.2.3.4.5', 'IPv4 address too long'], ['1:2:3:4:5:6:1.2.3.4:1', 'unexpected character (at ":1")'],
    ] as const) {
      exact(`isIP("${addr}") || ip("${addr}").family() == 6`, `IP Address "${addr}" parse error during conversion from string: ParseAddr("${addr}"): ${msg}`);
    }
  });

  it('misuse is a compile error', () => {
    refused('ip("1.2.3.4").containsIP("1.2.3.4")', /found no matching overload for 'containsIP' applied to 'net.IP\.\(string\)'/);
    refused('cidr("1.2.3.4/8").family() == 4', /found no matching overload for 'family'/);
  });
});

describe('CEL format library', () => {
  const cases = [
    'format.dns1123Label().validate("my-label-name") == optional.none()',
    '!format.dns1123Label().validate("my.label").hasValue() == false',
    'format.dns1123Label().validate("-bad").value()[0].startsWith("a lowercase RFC 1123 label must consist of")',
    'format.dns1123Subdomain().validate("apiextensions.k8s.io") == optional.none()',
    'format.dns1035Label().validate("1abc").hasValue()',
    'format.qualifiedName().validate("apiextensions.k8s.io/v1beta1") == optional.none()',
    'format.dns1123LabelPrefix().validate("my-label-prefix-") == optional.none() && format.dns1123Label().validate("my-label-prefix-").hasValue()',
    'format.dns1123SubdomainPrefix().validate("mysubdomain.prefix.-") == optional.none()',
    'format.labelValue().validate("a b").hasValue()',
    'format.uri().validate("http://example.com") == optional.none() && format.uri().validate("relative").value() == ["parse \\"relative\\": invalid URI for request"]',
    'format.uuid().validate("123e4567-e89b-12d3-a456-426614174000") == optional.none() && format.uuid().validate("x").value() == ["does not match the UUID format"]',
    'format.byte().validate("aGVsbG8=") == optional.none() && format.byte().validate("!").value() == ["invalid base64"]',
    'format.date().validate("2021-01-01") == optional.none() && format.date().validate("2021-02-30").value() == ["invalid date"]',
    'format.datetime().validate("2021-01-01T00:00:00Z") == optional.none() && format.datetime().validate("x").value() == ["invalid datetime"]',
    'format.named("dns1123Label").value() == format.dns1123Label() && !format.named("nope").hasValue()',
    'format.named("labelValue").value().validate("ok") == optional.none()',
  ];
  for (const rule of cases) it(rule, () => holds(rule));

  it('gives kube\'s messages (format_test.go), word for word', () => {
    const messages = (rule: string): unknown => {
      const v = run(rule);
      assert.ok(!(v instanceof Error), `${rule}: ${String(v)}`);
      return v;
    };
    const cases: Array<[string, string]> = [
      ['dns1123Label', "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
      ['dns1123Subdomain', "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
      ['dns1035Label', "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
      ['qualifiedName', "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
    ];
    for (const [name, message] of cases) {
      holds(`format.${name}().validate("contains a space") == optional.of([${JSON.stringify(message)}])`);
      if (name !== 'qualifiedName') holds(`format.${name}Prefix().validate("contains a space-") == optional.of([${JSON.stringify(message)}])`);
    }
    assert.equal(messages('format.byte().validate("aGVsbG8").value()[0] == "invalid base64"'), true);
    holds('format.date().validate("2020-01-32") == optional.of(["invalid date"]) && format.datetime().validate("2020-01-32T00:00:00Z") == optional.of(["invalid datetime"])');
  });

  it('misuse is a compile error', () => {
    refused('format.dns1123Label().validate(1) == optional.none()', /found no matching overload for 'validate'/);
    refused('format.nope().validate("x") == optional.none()', /undeclared reference to 'nope'|found no matching overload/);
    refused('format.named("x").validate("y") == optional.none()', /found no matching overload for 'validate' applied to 'optional_type\(kubernetes.NamedFormat\)\.\(string\)'/);
  });
});

describe('CEL optional types', () => {
  const OBJ = { type: 'object', properties: { m: { type: 'object', additionalProperties: { type: 'string' } }, l: { type: 'array', items: { type: 'integer' } }, o: { type: 'object', properties: { a: { type: 'string' } } } } };
  function evalOn(rule: string, self: unknown): unknown {
    const s = toStructural({ ...OBJ, 'x-kubernetes-validations': [{ rule }] });
    const [c] = compileRules(s, false);
    assert.equal(c!.error, undefined, `${rule}: ${c!.error}`);
    return c!.program!({ self: c!.program!.raw ? (self as never) : toCelValue(self, s) });
  }
  const self = { m: { k: 'v' }, l: [1, 2], o: { a: 'x' } };
  const cases = [
    'self.m[?"k"] == optional.of("v") && self.m[?"z"] == optional.none()',
    'self.m[?"z"].orValue("d") == "d" && self.m[?"k"].orValue("d") == "v"',
    'self.l[?1].value() == 2 && !self.l[?5].hasValue()',
    'self.?o.?a.orValue("") == "x" && self.?o.?a == optional.of("x")',
    'self.o.?a.hasValue() && self.?o.value().a == "x"',
    'optional.ofNonZeroValue("").hasValue() == false && optional.ofNonZeroValue("a").hasValue()',
    'self.m[?"z"].or(optional.of("w")).value() == "w"',
    'optional.of(self.m)[?"k"] == optional.of("v")',
    '"a.?b" == "a.?b" && \'x[?\' == "x[?"',
    // Optional list elements and map entries.
    '[1, ?optional.of(2), ?optional.none(), 3] == [1, 2, 3] && [?optional.none()] == [] && [ ?(optional.of(4)) ] == [4]',
    '[?self.m[?"k"], ?self.m[?"z"]] == ["v"] && [?self.?o.?a] == ["x"]',
    '{"a": 1, ?"b": optional.of(2), ?"c": optional.none()} == {"a": 1, "b": 2} && {?"k": self.m[?"k"]} == {"k": "v"}',
    '[true ? 1 : 2, (false ? 3 : 4), [5][0]] == [1, 4, 5] && {"x": true ? 1 : 2}.x == 1 && [[?optional.of(1)], [2]] == [[1], [2]]',
  ];
  for (const rule of cases) it(rule, () => assert.equal(evalOn(rule, self), true, rule));

  it('checks field names under .?', () => {
    const s = toStructural({ ...OBJ, 'x-kubernetes-validations': [{ rule: 'self.?nope.hasValue()' }] });
    assert.match(compileRules(s, false)[0]!.error!, /undefined field 'nope'/);
  });

  it('an optional map entry whose key is already there is a runtime error', () => {
    const v = evalOn('{?"a": optional.of(1), "a": 2}.a == 2', self);
    assert.ok(v instanceof Error && /map key conflict: a/.test(v.message), String(v));
  });

  it('value() of none is a runtime error', () => {
    const v = evalOn('self.m[?"z"].value() == ""', self);
    assert.ok(v instanceof Error && /optional.none\(\) dereference/.test(v.message));
  });

  it('oldSelf is optional_type(self) with optionalOldSelf', () => {
    assert.equal(compile('!oldSelf.hasValue() || oldSelf.value().s == self.s', { optionalOldSelf: true }).error, undefined);
    assert.equal(compile('oldSelf.orValue(self).s == self.s', { optionalOldSelf: true }).error, undefined);
    assert.equal(compile('oldSelf.?s.orValue("") == self.s', { optionalOldSelf: true }).error, undefined);
    assert.match(compile('oldSelf.s == self.s', { optionalOldSelf: true }).error!, /does not support field selection/);
    assert.match(compile('oldSelf.hasValue()').error!, /found no matching overload for 'hasValue'/);
  });
});

describe('CEL overrides of @bufbuild/cel built-ins', () => {
  it('matches keeps RE2 semantics in both forms, with compiled patterns reused', () => {
    for (let i = 0; i < 3; i++) holds('"abc-1".matches("^[a-z]+-[0-9]$") && matches("abc", "b") && !"abc".matches("^b")');
    fails('"abc".matches("(") == true', /error parsing regexp|missing/i);
  });

  it('size counts code points, as cel-go does', () => {
    holds('size("héllo") == 5 && "😀a".size() == 2 && size("") == 0');
  });
});

describe('CEL library cost estimates (kube\'s CostEstimator)', () => {
  const costOf = (rule: string, schema: Record<string, unknown>): number => {
    const s = toStructural({ ...schema, 'x-kubernetes-validations': [{ rule }] });
    const [c] = compileRules(s, false);
    assert.equal(c!.error, undefined, `${rule}: ${c!.error}`);
    return c!.cost;
  };
  const unbounded = { type: 'string' };
  const bounded = { type: 'string', maxLength: 64 };

  it('charges a parse one traversal of its argument, validate a 128-byte regex over it', () => {
    // kube sizes a maxLength-64 string at 64 × 4 bytes (a code point may take 4): 1 for self, ceil(256 × 0.1) to parse.
    assert.equal(costOf('isQuantity(self)', bounded), 27);
    assert.ok(costOf('isQuantity(self)', unbounded) > 300_000);
    assert.ok(costOf('ip.isCanonical(self)', unbounded) > costOf('isIP(self)', unbounded));
    // kube: 3 MiB × 0.1 × 128 × 0.25 is past StaticEstimatedCostLimit, so an unbounded string refuses the rule.
    assert.ok(costOf('!format.dns1123Label().validate(self).hasValue()', unbounded) > STATIC_ESTIMATED_COST_LIMIT);
    assert.ok(costOf('!format.dns1123Label().validate(self).hasValue()', bounded) < 1_000);
  });

  it('charges accessors of parsed values 1, and scales with the lists they run over', () => {
    const one = costOf('quantity(self).isInteger()', bounded);
    const list = costOf('self.all(x, quantity(x).isInteger())', { type: 'array', maxItems: 100, items: bounded });
    assert.ok(list >= 100 * one && list < 300 * one, `${one} ${list}`);
    assert.ok(costOf('cidr(self).containsIP("10.0.0.1")', bounded) < 40);
  });
});
