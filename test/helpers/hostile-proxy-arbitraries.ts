import fc from 'fast-check';

/**
 * fast-check generators of what a hostile client sends to an aggregated
 * APIService through the aggregator's proxy: path suffixes and queries under
 * the proxied group-version, header sets with identity claims, credentials
 * and hop-by-hop tricks, bodies, framing tricks that only a raw connection
 * can send, smuggled requests, and upgrades. Used by
 * test/integration/hostile-proxy-property.test.ts.
 */

/** Every identity claim and credential a client plants carries this: the backend must never see it in a header. */
export const CANARY = 'evil-canary';
/** The header that ties what the backend receives to the property run that sent it. */
export const RUN_HEADER = 'X-Fuzz-Run';

/** Path suffixes after /apis/<group>/<version>: escapes, dot segments, double slashes, very long, unicode. */
export const proxyPathSuffix = (): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '', '/', '//', '/.', '/..', '/../..', '/./x', '/x/../../../api/v1/secrets', '/%2e%2e/%2e%2e/api', '/%2F', '/%2f%2f', '/%', '/%zz', '/%00',
        '/a%0d%0aX-Remote-User:%20' + CANARY, '//x//y', '/namespaces/default/things', '/namespaces/default/things/t1', '/namespaces/default/things/t1/status',
        '/namespaces/default/things/t1/exec', '/%E2%82', '/%C3%A9', '/\u00e9', '/\u2603', '/\ud83d\ude00', '/;x=1', '/a;b', '/*', '/x#frag',
        '/' + 'a'.repeat(5000), '/x'.repeat(3000), '/' + 'n'.repeat(20_000),
      ),
    },
    { weight: 1, arbitrary: fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { minLength: 1, maxLength: 4 }).map((segs) => segs.map((s) => `/${s}`).join('')) },
    { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }).map((segs) => segs.map((s) => `/${encodeURIComponent(s)}`).join('')) },
  );

export const proxyQuery = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('', '?', '??', '?a=b', '?a=b&a=c', '?watch=true&timeoutSeconds=1', '?watch=1', '?%zz', '?a=%', '?x=' + 'q'.repeat(4000), '?labelSelector=a%3Db', '?limit=-1&continue=%%'),
    fc.string({ maxLength: 12 }).map((s) => `?q=${encodeURIComponent(s)}`),
  );

/** A target an HTTP client can write: characters a request line cannot carry percent-encoded (the raw suite also sends them bare). */
export const escapeTarget = (target: string): string => target.replace(/[^\u0021-\u007e]/gu, (c) => encodeURIComponent(c));

export type HeaderLine = [name: string, value: string];

/** Identity claims and credentials: none may reach the backend. */
export const identityHeader = (): fc.Arbitrary<HeaderLine> =>
  fc.constantFrom<HeaderLine>(
    ['X-Remote-User', CANARY],
    ['x-remote-user', `${CANARY}-2`],
    ['X-REMOTE-USER', 'admin'],
    ['X-Remote-Group', CANARY],
    ['X-Remote-Group', `system:masters-${CANARY}`],
    ['X-Remote-Uid', CANARY],
    ['X-Remote-Extra-Scopes', CANARY],
    ['X-Remote-Extra-%2F', CANARY],
    ['X-Remote-Extra-', CANARY],
    ['Authorization', `Bearer ${CANARY}`],
    ['Authorization', `Basic ${CANARY}`],
    ['authorization', `Bearer ${CANARY}.x.y`],
    ['Proxy-Authorization', `Basic ${CANARY}`],
  );

/**
 * Impersonation headers whose outcomes differ: honored with system:masters
 * (the backend must then see the impersonated user, as kube sends it),
 * honored but forbidden on the path, or refused (groups without a user).
 */
export const impersonationHeaders = (): fc.Arbitrary<HeaderLine[]> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record(
          {
            user: fc.constantFrom('fuzz-imp', 'system:serviceaccount:default:fuzz', 'system:anonymous', 'admin'),
            groups: fc.subarray(['system:masters', 'fuzz-group']),
            uid: fc.constant('fuzz-uid'),
            extra: fc.subarray<HeaderLine>([['Impersonate-Extra-Scopes', 'fuzz-scope'], ['Impersonate-Extra-a%2Fb', 'v'], ['Impersonate-Extra-%zz', 'v']]),
          },
          { requiredKeys: ['user', 'groups', 'extra'] },
        )
        .map(({ user, groups, uid, extra }): HeaderLine[] => [
          ['Impersonate-User', user],
          ...groups.map((g): HeaderLine => ['Impersonate-Group', g]),
          ...(uid ? [['Impersonate-Uid', uid] as HeaderLine] : []),
          ...extra,
        ]),
    },
    { weight: 1, arbitrary: fc.constantFrom<HeaderLine[]>([['Impersonate-Group', 'system:masters']], [['Impersonate-Uid', 'fuzz-uid']], [['Impersonate-User', 'a'], ['Impersonate-User', 'b']]) },
  );

/** Hop-by-hop and framing headers, in the combinations proxies have got wrong. */
export const hopHeader = (): fc.Arbitrary<HeaderLine> =>
  fc.constantFrom<HeaderLine>(
    ['Connection', 'close'],
    ['Connection', 'keep-alive'],
    ['Connection', 'keep-alive, X-Remote-User'],
    ['Connection', 'Authorization, Impersonate-User'],
    ['Connection', 'transfer-encoding'],
    ['Connection', 'content-length'],
    ['Connection', 'Upgrade'],
    ['Connection', 'X-Fuzz-Other, Host'],
    ['Connection', 'audit-id, x-forwarded-for'],
    ['Connection', ',,, ,'],
    ['Upgrade', 'h2c'],
    ['Upgrade', 'websocket'],
    ['TE', 'trailers'],
    ['TE', 'gzip, chunked'],
    ['Keep-Alive', 'timeout=1, max=1'],
    ['Proxy-Connection', 'keep-alive'],
    ['Trailer', 'X-Remote-User'],
    ['Expect', '100-continue'],
    ['Host', 'evil.example'],
    ['Host', ''],
    ['X-Forwarded-For', '1.2.3.4'],
    ['X-Forwarded-Host', 'elsewhere.example'],
    ['X-Forwarded-Proto', 'http'],
    ['Forwarded', 'for=1.2.3.4;host=x'],
    ['Via', '1.1 elsewhere'],
    ['Audit-ID', 'fuzz-audit'],
    ['X-Fuzz-Other', 'v'],
    ['Content-Type', 'application/json'],
    ['Content-Type', 'application/vnd.kubernetes.protobuf'],
    ['Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io'],
    ['Accept-Encoding', 'gzip'],
    ['Cookie', 'session=x'],
  );

/** Header lines no server takes: a name that is not a token, control characters in a value, a folded line. */
export const brokenHeader = (): fc.Arbitrary<HeaderLine> =>
  fc.constantFrom<HeaderLine>(['X-\u00e9t\u00e9', 'v'], ['X Space', 'v'], ['X-Nul', 'a\u0000b'], ['X-Fold', 'a\r\n b'], ['X-Bare-LF', `a\nX-Remote-User: ${CANARY}`], ['', 'v'], [':authority', 'x']);

/** A header set: identity claims, impersonation, hop-by-hop tricks and junk, names repeated as they come. */
export const headerSet = (): fc.Arbitrary<HeaderLine[]> =>
  fc
    .tuple(
      fc.array(identityHeader(), { maxLength: 4 }),
      fc.oneof({ weight: 3, arbitrary: fc.constant<HeaderLine[]>([]) }, { weight: 1, arbitrary: impersonationHeaders() }),
      fc.array(hopHeader(), { maxLength: 4 }),
      fc.array(fc.tuple(fc.constantFrom('X-Junk', 'x-junk'), fc.string({ maxLength: 8 })), { maxLength: 2 }),
      fc.oneof({ weight: 6, arbitrary: fc.constant<HeaderLine[]>([]) }, { weight: 1, arbitrary: fc.array(brokenHeader(), { minLength: 1, maxLength: 2 }) }),
    )
    .map(([ids, imps, hops, junk, broken]) => [...ids, ...imps, ...hops, ...junk.map(([n, v]) => [n, v] as HeaderLine), ...broken]);

/** A body of millions of bytes, shown by its size (fast-check prints and shrinks a marker, not the bytes). */
export class HugeBody {
  constructor(
    readonly size: number,
    readonly fill: number,
  ) {}
  bytes(): Buffer {
    return Buffer.alloc(this.size, this.fill);
  }
  [fc.toStringMethod](): string {
    return `<${this.size} bytes of ${this.fill}>`;
  }
}

export type BodySpec = Uint8Array | string | HugeBody;

export const bodyBytes = (spec: BodySpec): Buffer => (spec instanceof HugeBody ? spec.bytes() : typeof spec === 'string' ? Buffer.from(spec, 'utf8') : Buffer.from(spec));

/** No body, random bytes, text, or one of 1 to 3 MiB (below the 3 MiB kube takes). */
export const body = (): fc.Arbitrary<BodySpec | undefined> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 512 }) },
    { weight: 2, arbitrary: fc.oneof(fc.string({ maxLength: 64 }), fc.constantFrom('{}', '{"kind":"Thing"}', '0\r\n\r\n', 'GET / HTTP/1.1\r\n\r\n')) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1 << 20, max: 3 * (1 << 20) - 1 }), fc.integer({ min: 0, max: 255 })).map(([size, fill]) => new HugeBody(size, fill)) },
  );

/** What the backend answers (the test's backend reads this per request). */
export type BackendMode = 'ok' | 'chunked' | 'error' | 'redirect' | 'redirect-without-location' | 'empty' | 'notfound' | 'reset';
export const backendMode = (): fc.Arbitrary<BackendMode> =>
  fc.constantFrom<BackendMode>('ok', 'ok', 'ok', 'chunked', 'error', 'redirect', 'redirect-without-location', 'empty', 'notfound', 'reset');

export const method = (): fc.Arbitrary<string> => fc.constantFrom('GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND');

/**
 * A request the client smuggles: identity claims in the clear, to be sent
 * where a proxy that frames badly would pass it on as a request of its own.
 * `tag` goes in the run header, so that one legitimately parsed by the
 * server (a pipelined request, checked like any other) is told apart.
 */
export const smuggledRequest = (path: string, tag: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Remote-User: ${CANARY}\r\nX-Remote-Group: system:masters\r\nAuthorization: Bearer ${CANARY}\r\n` +
  `Impersonate-User: ${CANARY}\r\n${RUN_HEADER}: ${tag}\r\nContent-Length: 0\r\n\r\n`;

/** How a raw request frames its body, including the ambiguous and the wrong. */
export type Framing =
  | { kind: 'none' }
  | { kind: 'length'; delta: number }
  | { kind: 'length-text'; lines: string[] }
  | { kind: 'chunked'; te: HeaderLine[]; chunkSizes: number[]; ext: string; trailers: HeaderLine[]; last: 'ok' | 'missing' | 'bad' }
  | { kind: 'chunked-and-length'; te: string; cl: string; teFirst: boolean };

const teLines = (): fc.Arbitrary<HeaderLine[]> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant<HeaderLine[]>([['Transfer-Encoding', 'chunked']]) },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom('Chunked', 'CHUNKED', ' chunked', 'chunked ', 'gzip, chunked', 'chunked, gzip', 'identity', 'chunked, chunked', 'x-custom', '\tchunked', 'chunked;q=1', 'chunked\u000b', '')
        .map((v): HeaderLine[] => [['Transfer-Encoding', v]]),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom<HeaderLine[]>(
        [['Transfer-Encoding', 'chunked'], ['Transfer-Encoding', 'chunked']],
        [['Transfer-Encoding', 'gzip'], ['Transfer-Encoding', 'chunked']],
        [['Transfer-Encoding', 'chunked'], ['Transfer-Encoding', 'gzip']],
        [['transfer-encoding', 'chunked']],
        [['Transfer-Encoding ', 'chunked']],
        [['Transfer_Encoding', 'chunked']],
        [['Transfer-Encoding\t', 'chunked']],
        [['Transfer-Encoding', '\r\n chunked']],
        [['X-Padding', 'x\r\nTransfer-Encoding: chunked']],
      ),
    },
  );

export const framing = (): fc.Arbitrary<Framing> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant<Framing>({ kind: 'none' }) },
    { weight: 3, arbitrary: fc.constant<Framing>({ kind: 'length', delta: 0 }) },
    { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -40, max: -1 }), fc.integer({ min: 1, max: 30 })).map((delta): Framing => ({ kind: 'length', delta })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<string[]>(['+5'], ['5, 5'], ['5,6'], [' 5'], ['05'], ['5 '], ['-1'], ['0x5'], ['99999999999999999999'], [''], ['5\t'], ['5', '5'], ['5', '6'], ['0', '5'], ['5e0'])
        .map((lines): Framing => ({ kind: 'length-text', lines })),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({
          te: teLines(),
          chunkSizes: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 4 }),
          ext: fc.constantFrom('', '', '', '', ';a=b', ';' + 'x'.repeat(100), ';a="b"', ' ', ';a="b\r\nc"'),
          trailers: fc.constantFrom<HeaderLine[]>([], [], [['X-Remote-User', CANARY]], [['Authorization', `Bearer ${CANARY}`], ['X-Other', 'v']], [['Content-Length', '5']]),
          last: fc.constantFrom<'ok' | 'missing' | 'bad'>('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'missing', 'bad'),
        })
        .map((f): Framing => ({ kind: 'chunked', ...f })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ te: fc.constantFrom('chunked', 'gzip, chunked', 'Chunked'), cl: fc.constantFrom('0', '5', '64'), teFirst: fc.boolean() })
        .map((f): Framing => ({ kind: 'chunked-and-length', ...f })),
    },
  );

/** What follows the request on the connection before the final request: nothing, junk, or a smuggled request. */
export type Trailing = 'none' | 'garbage' | 'smuggle' | 'smuggle-in-body';
export const trailing = (): fc.Arbitrary<Trailing> => fc.constantFrom<Trailing>('none', 'none', 'none', 'none', 'garbage', 'smuggle', 'smuggle', 'smuggle-in-body', 'smuggle-in-body');

export const httpVersion = (): fc.Arbitrary<string> =>
  fc.oneof({ weight: 8, arbitrary: fc.constant('HTTP/1.1') }, { weight: 2, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'http/1.1', 'HTTP/1.1 ', 'HTTP/1.1\t', 'HTTP/01.1') });

export const rawMethod = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
    { weight: 2, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'CONNECT', 'FOO', 'get', 'G\u00c9T', 'GET ', ' GET') },
  );

/** Upgrade attempts: the Connection and Upgrade values, the backend's answer. */
export type UpgradeAnswer = 'switch' | 'refuse' | 'refuse-chunked' | 'refuse-keep-reading' | 'reset' | 'plain';
export const upgradeAnswer = (): fc.Arbitrary<UpgradeAnswer> =>
  fc.constantFrom<UpgradeAnswer>('switch', 'switch', 'refuse', 'refuse-chunked', 'refuse-keep-reading', 'reset', 'plain');
export const upgradeConnection = (): fc.Arbitrary<string> =>
  fc.constantFrom('Upgrade', 'upgrade', 'keep-alive, Upgrade', 'Upgrade, X-Remote-User', 'Upgrade, transfer-encoding', 'Upgrade, Authorization', 'UPGRADE');
export const upgradeProtocol = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('SPDY/3.1', 'websocket', 'WebSocket', 'h2c', 'HTTP/2.0', 'TLS/1.0', 'SPDY/3.1, websocket', 'x'.repeat(300), '', ' '),
    fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z/]{1,12}$/),
  );
export const upgradePath = (): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('/namespaces/default/things/t1/exec', '/namespaces/default/things/t1/attach', '/namespaces/default/things/t1/portforward', '/namespaces/default/things', ''), proxyPathSuffix(), proxyQuery()).map(
    ([p, s, q]) => `${p}${s}${q}`,
  );

/** Ends a raw connection: the server must close it once it has answered. */
export const FINAL_REQUEST = 'GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

export interface RawRequestSpec {
  method: string;
  target: string;
  version: string;
  headers: HeaderLine[];
  framing: Framing;
  /** Undefined: "hello" (a framing with no body ignores it). */
  body: BodySpec | undefined;
  trailing: Trailing;
  run: string;
  /** Where smuggled requests go (a path the proxy serves). */
  smuggledPath: string;
}

/**
 * The bytes of a hostile request and of what follows it on the connection,
 * FINAL_REQUEST last. Every length it declares is covered by the bytes that
 * follow, so that the server never waits for more: it answers, or finds junk
 * and closes the connection.
 */
export function rawRequest(s: RawRequestSpec): Buffer {
  const smuggled = smuggledRequest(s.smuggledPath, `smuggled-${s.run}`);
  let payload = s.body === undefined ? Buffer.from('hello') : bodyBytes(s.body);
  if (s.trailing === 'smuggle-in-body') payload = Buffer.concat([payload, Buffer.from(smuggled, 'latin1')]);
  const lines: HeaderLine[] = [];
  if (!s.headers.some(([n]) => n.toLowerCase() === 'host')) lines.push(['Host', 'localhost']);
  lines.push(...s.headers, [RUN_HEADER, s.run]);
  let bodyPart: Buffer;
  const f = s.framing;
  switch (f.kind) {
    case 'none':
      bodyPart = Buffer.alloc(0);
      break;
    case 'length':
      lines.push(['Content-Length', String(Math.max(0, payload.length + f.delta))]);
      bodyPart = payload;
      break;
    case 'length-text':
      for (const v of f.lines) lines.push(['Content-Length', v]);
      bodyPart = payload;
      break;
    case 'chunked':
      lines.push(...f.te);
      bodyPart = chunkedBody(payload, f.chunkSizes, f.ext, f.trailers, f.last);
      break;
    case 'chunked-and-length': {
      const te: HeaderLine = ['Transfer-Encoding', f.te];
      const cl: HeaderLine = ['Content-Length', f.cl];
      lines.push(...(f.teFirst ? [te, cl] : [cl, te]));
      bodyPart = chunkedBody(payload, [], '', [], 'ok');
      break;
    }
  }
  const head = `${s.method} ${s.target} ${s.version}\r\n` + lines.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
  const after = s.trailing === 'smuggle' ? smuggled : s.trailing === 'garbage' ? 'XYZZY \u0001 junk\r\n\r\n' : '';
  return Buffer.concat([Buffer.from(head, 'utf8'), bodyPart, Buffer.from(after + FINAL_REQUEST, 'latin1')]);
}

/** The payload in chunks of the given sizes (the rest in one), each with the extension, then the last chunk as told. */
function chunkedBody(payload: Buffer, sizes: number[], ext: string, trailers: HeaderLine[], last: 'ok' | 'missing' | 'bad'): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const size of [...sizes, payload.length]) {
    if (at >= payload.length) break;
    const chunk = payload.subarray(at, at + size);
    at += chunk.length;
    parts.push(Buffer.from(`${chunk.length.toString(16)}${ext}\r\n`, 'latin1'), chunk, Buffer.from('\r\n'));
  }
  if (last === 'ok') parts.push(Buffer.from(`0\r\n${trailers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`, 'latin1'));
  else if (last === 'bad') parts.push(Buffer.from('zz\r\n\r\n'));
  return Buffer.concat(parts);
}
