import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { headerKeyEscape } from '../../src/aggregator/proxy/auth-proxy-headers.js';
import { Backend, base64, headerLines, makePKI, type Seen, type TestPKI } from '../aggregator/proxy/helpers.js';
import { eventually, request, type Response } from '../helpers/https.js';
import { startFrontdoor, type Frontdoor } from '../helpers/frontdoor.js';
import {
  backendMode, body, bodyBytes, CANARY, escapeTarget, framing, headerSet, httpVersion, method, proxyPathSuffix, proxyQuery, rawMethod, RUN_HEADER,
  smuggledRequest, trailing, upgradeAnswer, upgradeConnection, upgradePath, upgradeProtocol,
  type BackendMode, type BodySpec, type Framing, type HeaderLine, type Trailing, type UpgradeAnswer,
} from '../helpers/hostile-proxy-arbitraries.js';
import { headerValues, parseResponses, rawExchange, type RawResponse } from '../helpers/raw-http.js';
import { startedClient, type Client } from './api-helpers.js';

/**
 * Property-based, through the aggregator's proxy: generated requests under
 * an APIService's group-version (methods, paths, queries, header sets with
 * identity claims and hop-by-hop tricks, bodies up to 3 MiB, framing tricks
 * and smuggled requests on raw TLS connections, upgrades) reach a real
 * frontdoor and, through it, an HTTPS backend written here that records
 * every request it receives. Properties: every answer is valid HTTP and
 * arrives within a bound; no 5xx but the proxy's own 502/503 Status and the
 * backend's own 500; the backend sees exactly the identity the server
 * authenticated (X-Remote-* set by the proxy, never a client's claim, no
 * Authorization or Impersonate-*), never more requests than the client sent,
 * never bytes it cannot parse, and never an unexplained request. Each
 * property runs with a fixed seed and a random one (FRONTDOOR_FC_SEED,
 * FRONTDOOR_FC_RUNS), as the other hostile-input suite.
 */
const RUNS = Number(process.env.FRONTDOOR_FC_RUNS ?? 200);
const SEEDS: { label: string; seed: number }[] = [
  { label: 'fixed seed', seed: 20261207 },
  { label: 'random seed', seed: Number(process.env.FRONTDOOR_FC_SEED ?? Math.floor(Math.random() * 2 ** 31)) },
];

const GROUP = 'fuzz.proxy.example';
const GV = `/apis/${GROUP}/v1`;
const APISERVICE = `v1.${GROUP}`;
const APISERVICES = '/apis/apiregistration.k8s.io/v1/apiservices';
/** How long one exchange may take before it counts as a hang: far beyond any answer, short enough to shrink a failure. */
const BOUND_MS = 30_000;
/** Ends a raw connection: the server must close it once it has answered. */
const FINAL_REQUEST = 'GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

interface Identity {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** What the proxy writes for a value: its UTF-8 bytes, which Node reads back as latin1. */
const wire = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const isImpersonation = ([name]: HeaderLine) => name.toLowerCase().startsWith('impersonate-');
const sorted = (xs: readonly string[]) => [...xs].sort();

/** Everything wrong with the identity a backend request carries, against the one the server authenticated. */
function identityProblems(seen: Seen, want: Identity): string[] {
  const problems: string[] = [];
  const remote = new Map<string, string[]>();
  for (let i = 0; i + 1 < seen.rawHeaders.length; i += 2) {
    const name = seen.rawHeaders[i]!.toLowerCase();
    const value = seen.rawHeaders[i + 1]!;
    if (name === 'authorization' || name === 'proxy-authorization' || name.startsWith('impersonate-')) problems.push(`a credential reached the backend: ${name}: ${value}`);
    if (value.toLowerCase().includes(CANARY)) problems.push(`a client's claim reached the backend: ${name}: ${value}`);
    if (name.startsWith('x-remote-')) remote.set(name, [...(remote.get(name) ?? []), value]);
  }
  const expected = new Map<string, string[]>([['x-remote-user', [wire(want.username)]]]);
  if (want.uid) expected.set('x-remote-uid', [wire(want.uid)]);
  if (want.groups.length > 0) expected.set('x-remote-group', sorted(want.groups.map(wire)));
  for (const [key, values] of Object.entries(want.extra)) {
    const name = `x-remote-extra-${headerKeyEscape(key)}`.toLowerCase();
    expected.set(name, sorted([...(expected.get(name) ?? []), ...values.map(wire)]));
  }
  const got = new Map([...remote].map(([n, v]) => [n, n === 'x-remote-user' || n === 'x-remote-uid' ? v : sorted(v)]));
  if (JSON.stringify([...got].sort()) !== JSON.stringify([...expected].sort())) {
    problems.push(`X-Remote-* ${JSON.stringify([...got])}, the authenticated user is ${JSON.stringify([...expected])}`);
  }
  if (seen.peerCN !== 'front-proxy-client') problems.push(`the proxy presented ${JSON.stringify(seen.peerCN)}, not its client certificate`);
  return problems;
}

/** The backend's answers carry this, so that the client can tell them from the server's own. */
interface BackendMarker {
  backend: true;
  run: string;
  mode: BackendMode | UpgradeAnswer;
}
function markerOf(bodyText: string): BackendMarker | undefined {
  try {
    const v = JSON.parse(bodyText) as Partial<BackendMarker> | null;
    return v && v.backend === true ? (v as BackendMarker) : undefined;
  } catch {
    return undefined;
  }
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
}

describe('hostile input through the aggregator proxy, property-based, over TLS', () => {
  let fd: Frontdoor;
  let c: Client;
  let pki: TestPKI;
  let backend: Backend;

  /** The answer the backend gives, and what it does with upgrades: set per run (runs are sequential). */
  let mode: BackendMode = 'ok';
  let upgrade: UpgradeAnswer = 'refuse';
  /** Requests the backend could not parse, and bytes it received after an upgrade request's head. */
  const backendParseErrors: string[] = [];
  const upgradeHeads: string[] = [];
  const leakedAfterRefusal: string[] = [];
  /** The backend's ends of upgraded connections still open (the backend server does not track them). */
  /** The runs whose request reached the backend as an upgrade. */
  const upgradedRuns = new Set<string>();
  const upgradeSockets = new Map<import('node:stream').Duplex, string>();

  /** Per run id: who the backend must be told the user is; how many requests it may receive. */
  const runs = new Map<string, { want: Identity | undefined; allowed: number; received: number }>();
  let runCounter = 0;
  let admin: Identity;
  const oracle = new Map<string, Identity | undefined>();

  const answerBackend = (res: import('node:http').ServerResponse, status: number, run: string, m: BackendMode | UpgradeAnswer, headers: Record<string, string> = {}) => {
    const text = JSON.stringify({ backend: true, run, mode: m } satisfies BackendMarker);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };

  before(async () => {
    fd = await startFrontdoor();
    c = await startedClient(fd);
    pki = makePKI();
    // The backend trusts this server's generated front-proxy CA, as an aggregated server would.
    pki.proxyCA = { ...pki.proxyCA, certPem: readFileSync(join(fd.dataDir, 'pki', 'front-proxy-ca.crt'), 'utf8') };
    backend = await Backend.start(pki);
    backend.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      // An end of the connection in the middle of a request is the proxy giving up on one whose client left (INVALID_EOF_STATE).
      if (String(err.code).startsWith('HPE_') && err.code !== 'HPE_INVALID_EOF_STATE') backendParseErrors.push(`${err.code}: ${err.message} ${JSON.stringify(String((err as { rawPacket?: Buffer }).rawPacket ?? '').slice(0, 300))}`);
      socket.destroy();
    });
    backend.fallback = (req, res, seen) => {
      const run = headerLines(seen, RUN_HEADER)[0] ?? '';
      if (isAggregatorsOwn(seen) && seen.url.startsWith('/openapi/')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('no OpenAPI here');
        return;
      }
      if (isAggregatorsOwn(seen)) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${GROUP}/v1`, resources: [{ name: 'things', singularName: 'thing', namespaced: true, kind: 'Thing', verbs: ['get', 'list'] }] }));
        return;
      }
      switch (mode) {
        case 'ok':
          return answerBackend(res, 200, run, mode);
        case 'chunked': {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          const text = JSON.stringify({ backend: true, run, mode } satisfies BackendMarker);
          res.write(text.slice(0, 7));
          res.end(text.slice(7));
          return;
        }
        case 'error':
          return answerBackend(res, 500, run, mode);
        case 'redirect':
          return answerBackend(res, 302, run, mode, { Location: 'https://elsewhere.example/steal' });
        case 'redirect-without-location':
          return answerBackend(res, 302, run, mode);
        case 'empty':
          res.writeHead(204);
          res.end();
          return;
        case 'notfound':
          return answerBackend(res, 404, run, mode);
        case 'reset':
          req.socket.destroy();
          return;
      }
    };
    backend.onUpgrade = (req, socket, head, seen) => {
      socket.on('error', () => undefined);
      upgradedRuns.add(headerLines(seen, RUN_HEADER)[0] ?? '');
      upgradeSockets.set(socket, `${upgrade} ${req.method} ${req.url?.slice(0, 100)} ${JSON.stringify(req.rawHeaders).slice(0, 400)}`);
      socket.on('close', () => upgradeSockets.delete(socket));
      // Read to the end (only then does the connection close); what a switched client sends is dropped.
      socket.resume();
      if (head.length > 0) upgradeHeads.push(JSON.stringify(head.toString('latin1').slice(0, 200)));
      const run = headerLines(seen, RUN_HEADER)[0] ?? '';
      const marker = (m: UpgradeAnswer) => JSON.stringify({ backend: true, run, mode: m } satisfies BackendMarker);
      switch (upgrade) {
        case 'switch':
          socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${req.headers.upgrade ?? ''}\r\n\r\n`);
          socket.end(`tunnel:${run};`);
          return;
        case 'refuse':
          socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${marker('refuse').length}\r\n\r\n${marker('refuse')}`);
          return;
        case 'refuse-chunked': {
          const text = marker('refuse-chunked');
          socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`);
          return;
        }
        case 'refuse-keep-reading':
          // Refuses and keeps the connection: anything more the proxy sends on it is a request nobody authorized.
          socket.write(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${marker('refuse-keep-reading').length}\r\n\r\n${marker('refuse-keep-reading')}`);
          socket.on('data', (d: Buffer) => leakedAfterRefusal.push(JSON.stringify(d.toString('latin1').slice(0, 200))));
          return;
        case 'reset':
          socket.destroy();
          return;
        case 'plain': {
          const text = marker('plain');
          socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
          return;
        }
      }
    };

    assert.equal((await c.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } })).status, 201);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'ns1' }, spec: { type: 'ExternalName', externalName: '127.0.0.1', ports: [{ port: backend.port }] } };
    assert.equal((await c.post('/api/v1/namespaces/ns1/services', svc)).status, 201);
    const apiService = {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: APISERVICE },
      spec: { group: GROUP, version: 'v1', service: { namespace: 'ns1', name: 'api', port: backend.port }, caBundle: base64(pki.servingCA.certPem), groupPriorityMinimum: 1000, versionPriority: 15 },
    };
    assert.equal((await c.post(APISERVICES, apiService)).status, 201);
    await waitAvailable();
    admin = (await whoAmI([]))!;
    assert.equal(admin.username, 'admin');
  });

  after(async () => {
    for (const s of upgradeSockets.keys()) s.destroy();
    try {
      // Whatever arrived late is checked too.
      checkBackend();
      assert.deepEqual(fd.logs.filter((l) => /panic/i.test(String(l.message))).map((l) => `${l.message} ${String(l.err ?? '')}`), []);
      assert.equal(fd.proc.exitCode, null, 'the server is still running');
    } finally {
      await backend.stop().catch(() => undefined);
      await fd.stop();
    }
  });

  const available = async () => {
    const r = await c.get(`${APISERVICES}/${APISERVICE}`);
    const conds = r.status === 200 ? (r.json<{ status?: { conditions?: { type: string; status: string }[] } }>().status?.conditions ?? []) : [];
    return conds.some((x) => x.type === 'Available' && x.status === 'True');
  };
  /** The controllers re-check every 30 s: up to 90 s, asking every half second. */
  const waitAvailable = () => eventually(available, (ok) => ok, { tries: 180, intervalMs: 500 });

  /** The aggregator's own GETs (availability, discovery, OpenAPI), which carry no run. */
  function isAggregatorsOwn(seen: Seen): boolean {
    return (
      seen.method === 'GET' &&
      (seen.url === GV || seen.url.startsWith('/openapi/')) &&
      headerLines(seen, RUN_HEADER).length === 0 &&
      JSON.stringify(headerLines(seen, 'X-Remote-User')) === '["system:kube-aggregator"]' &&
      JSON.stringify(headerLines(seen, 'X-Remote-Group')) === '["system:masters"]' &&
      headerLines(seen, 'X-Forwarded-For').length === 0
    );
  }

  /** Who the server says a request with these impersonation headers is (a SelfSubjectReview); undefined when it refuses. */
  async function whoAmI(impersonation: HeaderLine[]): Promise<Identity | undefined> {
    const key = JSON.stringify(impersonation);
    if (oracle.has(key)) return oracle.get(key);
    const payload = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    const head =
      'POST /apis/authentication.k8s.io/v1/selfsubjectreviews HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n' +
      impersonation.map(([n, v]) => `${n}: ${v}\r\n`).join('') +
      `Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n`;
    const ex = await rawExchange(fd.port, c.creds, Buffer.from(head + payload, 'latin1'), BOUND_MS);
    const parsed = parseResponses(ex.data);
    const r = parsed.responses.find((x) => x.status >= 200);
    assert.ok(r, `SelfSubjectReview ${key}: ${ex.data.toString('latin1').slice(0, 300)}`);
    let who: Identity | undefined;
    if (r.status === 201) {
      const info = (JSON.parse(r.body.toString('utf8')) as { status: { userInfo: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } } }).status.userInfo;
      who = { username: info.username, ...(info.uid ? { uid: info.uid } : {}), groups: info.groups ?? [], extra: info.extra ?? {} };
    } else {
      assert.ok(r.status < 500, `SelfSubjectReview ${key} answered ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`);
    }
    oracle.set(key, who);
    return who;
  }

  function newRun(want: Identity | undefined, allowed: number): string {
    const run = `r${++runCounter}`;
    runs.set(run, { want, allowed, received: 0 });
    // A request pipelined behind the run's own (by the client, in the clear): the server must authenticate it as the admin.
    runs.set(`smuggled-${run}`, { want: admin, allowed: 1, received: 0 });
    return run;
  }

  /** Checks and forgets every request the backend recorded so far. */
  function checkBackend(): void {
    const problems: string[] = [];
    for (const seen of backend.seen.splice(0)) {
      if (isAggregatorsOwn(seen)) continue;
      const tags = headerLines(seen, RUN_HEADER);
      const what = `${seen.method} ${seen.url.slice(0, 200)} ${JSON.stringify(seen.rawHeaders).slice(0, 1500)}`;
      const run = tags.length === 1 ? runs.get(tags[0]!) : undefined;
      if (!run) {
        problems.push(`an unexplained request reached the backend: ${what}`);
        continue;
      }
      run.received++;
      if (run.received > run.allowed) problems.push(`the backend received ${run.received} requests of ${tags[0]}, the client sent ${run.allowed}: ${what}`);
      if (!run.want) {
        problems.push(`a request the server refuses to authenticate reached the backend: ${what}`);
        continue;
      }
      for (const p of identityProblems(seen, run.want)) problems.push(`${p}\n  in ${what}`);
    }
    problems.push(...backendParseErrors.splice(0).map((e) => `the backend could not parse what the proxy sent: ${e}`));
    problems.push(...upgradeHeads.splice(0).map((h) => `the proxy sent bytes after an upgrade request's head, before the backend switched: ${h}`));
    problems.push(...leakedAfterRefusal.splice(0).map((h) => `the proxy sent bytes on a connection after its upgrade was refused: ${h}`));
    assert.deepEqual(problems, []);
  }

  /** An answer is the server's own (4xx), the proxy's own 502/503 Status, or the backend's, passed through. */
  function checkAnswer(a: Answer, ctx: { what: string; run: string; method: string; mode: BackendMode | UpgradeAnswer }): void {
    const marker = markerOf(a.body);
    if (marker) {
      assert.ok(marker.run === ctx.run || marker.run === `smuggled-${ctx.run}`, `${ctx.what}: the answer of another request (${marker.run}): a desynchronized connection`);
    }
    if (a.status < 500) return;
    const status = (() => {
      try {
        return JSON.parse(a.body) as { kind?: string; message?: string; code?: number };
      } catch {
        return {};
      }
    })();
    if (a.status === 500 && ctx.mode === 'error' && (marker?.mode === 'error' || (ctx.method === 'HEAD' && a.body === ''))) return;
    if (a.status === 502 && ctx.mode === 'redirect' && status.kind === 'Status' && /attempted to redirect/.test(status.message ?? '')) return;
    if (a.status === 503 && status.kind === 'Status' && /^service unavailable: APIService/.test(status.message ?? '')) return;
    if ((a.status === 502 || a.status === 503) && ctx.method === 'HEAD' && a.body === '') return;
    assert.fail(`${ctx.what} (backend: ${ctx.mode}) answered ${a.status}: ${a.body.slice(0, 400)}`);
  }

  const within = <T>(p: Promise<T>, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${BOUND_MS / 1000}s`)), BOUND_MS);
      p.then(
        (v) => (clearTimeout(timer), resolve(v)),
        (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
      );
    });

  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const NODE_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

  for (const { label, seed } of SEEDS) {
    it(`requests with hostile paths, headers and bodies (${label} ${seed})`, async (t) => {
      let proxied = 0;
      await fc.assert(
        fc.asyncProperty(
          method(), proxyPathSuffix(), proxyQuery(), headerSet(), body(), fc.boolean(), backendMode(),
          async (m, suffix, query, headers, spec, chunked, bm) => {
            const want = await whoAmI(headers.filter(isImpersonation));
            const run = newRun(want, 1);
            mode = bm;
            upgrade = 'refuse';
            // What Node's client can send: names that are tokens, values without control characters, one entry per name.
            const bytes = spec === undefined ? undefined : bodyBytes(spec);
            const out: Record<string, string[]> = {};
            for (const [n, v] of headers) if (TOKEN.test(n) && NODE_VALUE.test(v)) (out[n.toLowerCase()] ??= []).push(v);
            // Node's client takes the TLS server name from Host: the raw suite sends hostile ones.
            delete out.host;
            // Nor a Trailer header on a body it does not chunk.
            if (!(bytes && chunked)) delete out.trailer;
            out[RUN_HEADER] = [run];
            if (bytes) {
              delete out['content-length'];
              delete out['transfer-encoding'];
              if (chunked) out['transfer-encoding'] = ['chunked'];
              else out['content-length'] = [String(bytes.length)];
            }
            const path = escapeTarget(`${GV}${suffix}${query}`);
            const what = `${m} ${path.slice(0, 200)} ${JSON.stringify(out).slice(0, 600)} body ${bytes?.length ?? 'none'}${chunked ? ' chunked' : ''}`;
            const sent = Object.fromEntries(Object.entries(out).map(([n, v]) => [n, v.length === 1 ? v[0]! : v]));
            // One kept-alive connection per run: the request, then a plain one on the same connection, which must get its own answer.
            const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
            try {
              let r: Response;
              try {
                r = await within(request(fd.port, path, c.creds, { method: m, headers: sent, body: bytes, agent }), what);
              } catch (err) {
                // Past Node's 16 KiB limit on a request's head its server answers 431 and destroys the connection at once,
                // which may reset it before the client read the answer (the raw suite reads what arrived).
                if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' && path.length > 16 * 1024) return;
                throw err;
              }
              checkAnswer({ status: r.status, body: r.body, contentType: String(r.headers['content-type'] ?? '') }, { what, run, method: m, mode: bm });
              const seen = backend.seen.filter((s) => headerLines(s, RUN_HEADER)[0] === run);
              if (seen.length > 0) proxied++;
              // The body arrives whole and unchanged (an upgrade carries none: the server treats what follows as the new protocol's).
              const asUpgrade = out.connection?.some((v) => /upgrade/i.test(v)) && out.upgrade !== undefined;
              if (seen.length === 1 && bytes && !asUpgrade && m !== 'HEAD') {
                assert.equal(seen[0]!.body, bytes.toString('utf8'), `${what}: the backend received another body (${seen[0]!.body.length} characters)`);
              }
              checkBackend();
              mode = 'ok';
              const next = newRun(admin, 1);
              // The server closes the connection of an upgrade it answered: Node's client would still take it from its pool.
              const again = await within(
                request(fd.port, `${GV}/namespaces/default/things`, c.creds, { headers: { [RUN_HEADER]: next }, agent: asUpgrade ? undefined : agent }),
                `${what}, then a plain GET`,
              );
              assert.equal(again.status, 200, `${what}, then a plain GET: ${again.body.slice(0, 300)}`);
              assert.equal(markerOf(again.body)?.run, next, `${what}, then a plain GET: ${again.body.slice(0, 300)}`);
              checkBackend();
            } finally {
              agent.destroy();
            }
          },
        ),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
      t.diagnostic(`${proxied} of ${RUNS} requests reached the backend`);
      assert.ok(proxied > 0);
    });

    it(`framing tricks and smuggled requests on raw connections (${label} ${seed})`, async (t) => {
      let proxied = 0;
      const answers = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(
          rawMethod(), httpVersion(), proxyPathSuffix(), proxyQuery(), fc.constantFrom(false, false, true), headerSet(), framing(), body(), trailing(), backendMode(),
          async (m, version, suffix, query, bare, headers, f, spec, trail, bm) => {
            const want = await whoAmI(headers.filter(isImpersonation));
            const run = newRun(want, 1);
            mode = bm;
            upgrade = 'refuse';
            const target = bare ? `${GV}${suffix}${query}` : escapeTarget(`${GV}${suffix}${query}`);
            const bytes = rawRequest({ method: m, target, version, headers, framing: f, body: spec, trailing: trail, run });
            const what = `raw ${JSON.stringify(bytes.subarray(0, 1200).toString('latin1'))}${bytes.length > 1200 ? `... (${bytes.length} bytes)` : ''} (backend: ${bm})`;
            const ex = await rawExchange(fd.port, c.creds, bytes, BOUND_MS);
            assert.equal(ex.timedOut, false, `${what}: the server neither answered nor closed the connection within ${BOUND_MS / 1000}s; got ${JSON.stringify(ex.data.toString('latin1').slice(0, 300))}`);
            const parsed = parseResponses(ex.data);
            assert.ok(parsed.stop === 'end', `${what}: the answer is not valid HTTP (${parsed.stop}${parsed.problem ? `: ${parsed.problem}` : ''}): ${JSON.stringify(ex.data.toString('latin1').slice(0, 600))}`);
            for (const r of parsed.responses) checkAnswer(answerOf(r), { what, run, method: m, mode: bm });
            const first = String(parsed.responses.find((r) => r.status >= 200)?.status ?? 'none');
            answers.set(first, (answers.get(first) ?? 0) + 1);
            if (backend.seen.some((s) => headerLines(s, RUN_HEADER)[0] === run)) proxied++;
            checkBackend();
          },
        ),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
      t.diagnostic(`${proxied} of ${RUNS} raw requests reached the backend; first answers: ${JSON.stringify(Object.fromEntries([...answers].sort()))}`);
      assert.ok(proxied > 0);
    });

    it(`upgrade attempts, switched or refused by the backend (${label} ${seed})`, async (t) => {
      let switched = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST', 'PUT', 'OPTIONS'), fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'), upgradePath(), upgradeConnection(), upgradeProtocol(), headerSet(), upgradeAnswer(),
          fc.constantFrom('', '', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n'), fc.constantFrom<'none' | 'bytes' | 'smuggle'>('none', 'bytes', 'smuggle'),
          async (m, version, path, connection, protocol, headers, answer, framingLine, after) => {
            const want = await whoAmI(headers.filter(isImpersonation));
            const run = newRun(want, 1);
            mode = 'ok';
            upgrade = answer;
            const target = escapeTarget(`${GV}${path}`);
            const lines = headers.filter(([n]) => !/^(connection|upgrade)$/i.test(n));
            const head =
              `${m} ${target} ${version}\r\nHost: localhost\r\nConnection: ${connection}\r\nUpgrade: ${protocol}\r\n` +
              lines.map(([n, v]) => `${n}: ${v}\r\n`).join('') +
              `${RUN_HEADER}: ${run}\r\n${framingLine}\r\n`;
            const rest =
              (framingLine.startsWith('Content-Length') ? 'hello' : framingLine.startsWith('Transfer') ? '5\r\nhello\r\n0\r\n\r\n' : '') +
              (after === 'bytes' ? 'client-bytes;' : after === 'smuggle' ? smuggledRequest(`${GV}/smuggled`, `smuggled-${run}`) : '');
            const bytes = Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(rest, 'latin1')]);
            const what = `upgrade ${JSON.stringify(bytes.toString('latin1').slice(0, 1200))} (backend: ${answer})`;
            const ex = await rawUpgradeExchange(bytes);
            assert.equal(ex.timedOut, false, `${what}: the server neither answered nor closed the connection within ${BOUND_MS / 1000}s; got ${JSON.stringify(ex.data.toString('latin1').slice(0, 300))}`);
            const parsed = parseResponses(ex.data);
            assert.ok(parsed.stop === 'end' || parsed.stop === 'upgrade', `${what}: the answer is not valid HTTP (${parsed.stop}${parsed.problem ? `: ${parsed.problem}` : ''}): ${JSON.stringify(ex.data.toString('latin1').slice(0, 600))}`);
            const final = parsed.responses.filter((r) => r.status >= 200 || r.status === 101);
            // An upgrade is answered. A request the server did not take for one (an empty Upgrade) is not, when junk follows it.
            if (upgradedRuns.has(run) || after === 'none') assert.ok(final.length > 0, `${what}: the connection closed without an answer (${ex.error ?? 'no error'})`);
            for (const r of final) if (r.status !== 101) checkAnswer(answerOf(r), { what, run, method: m, mode: answer });
            if (parsed.stop === 'upgrade') {
              assert.equal(answer, 'switch', `${what}: switched protocols though the backend did not`);
              switched++;
              assert.equal(parsed.rest.toString('latin1'), `tunnel:${run};`, `${what}: the tunnel carried something else than the backend's bytes`);
            }
            checkBackend();
          },
        ),
        { seed, numRuns: RUNS, includeErrorInReport: true },
      );
      t.diagnostic(`${switched} of ${RUNS} upgrades switched protocols`);
      assert.ok(switched > 0);
    });
  }

  for (const { label, seed } of SEEDS) {
    it(`a held body (chunked DELETE or OPTIONS) past 3 MiB is refused with 413, on a connection that goes on (${label} ${seed})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('DELETE', 'OPTIONS'), fc.integer({ min: 3 * (1 << 20) + 1, max: 4 * (1 << 20) }), fc.integer({ min: 1, max: 1 << 20 }), async (m, size, chunk) => {
          const run = newRun(admin, 1);
          mode = 'ok';
          const payload = Buffer.alloc(size, 0x61);
          const bytes = rawRequest({ method: m, target: `${GV}/namespaces/default/things/t1`, version: 'HTTP/1.1', headers: [], framing: { kind: 'chunked', te: [['Transfer-Encoding', 'chunked']], chunkSizes: [chunk], ext: '', trailers: [], last: 'ok' }, body: payload, trailing: 'none', run });
          const what = `${m} with a chunked body of ${size} bytes`;
          const ex = await rawExchange(fd.port, c.creds, bytes, BOUND_MS);
          assert.equal(ex.timedOut, false, `${what}: no answer within ${BOUND_MS / 1000}s`);
          const parsed = parseResponses(ex.data);
          assert.equal(parsed.stop, 'end', `${what}: ${parsed.stop} ${parsed.problem ?? ''} ${JSON.stringify(ex.data.toString('latin1').slice(0, 300))} (${ex.error ?? 'closed'})`);
          assert.deepEqual(parsed.responses.map((r) => r.status), [413, 200], `${what}: ${JSON.stringify(ex.data.toString('latin1').slice(0, 300))} (${ex.error ?? 'closed'})`);
          assert.equal(backend.seen.filter((s) => headerLines(s, RUN_HEADER)[0] === run).length, 0, `${what}: reached the backend`);
          checkBackend();
        }),
        { seed, numRuns: Math.min(RUNS, 10), includeErrorInReport: true },
      );
    });
  }

  it('is still ready, and still proxies, after all of it', async () => {
    mode = 'ok';
    await waitAvailable();
    const ready = await c.get('/readyz');
    assert.equal(ready.status, 200, ready.body);
    const run = newRun(admin, 1);
    const r = await request(fd.port, `${GV}/namespaces/default/things`, c.creds, { headers: { [RUN_HEADER]: run, 'X-Remote-User': CANARY } });
    assert.equal(r.status, 200, r.body);
    assert.equal(markerOf(r.body)?.run, run);
    checkBackend();
    // Every client of an upgrade is gone: the proxy closed its connections to the backend too.
    await eventually(async () => [...upgradeSockets.values()], (open) => open.length === 0, { tries: 100, intervalMs: 100 });
  });

  /** An upgrade: read until the server closes; once a final answer other than 101 is complete, the client ends its side. */
  function rawUpgradeExchange(bytes: Buffer) {
    return rawExchange(fd.port, c.creds, bytes, BOUND_MS, (data) => {
      const p = parseResponses(data);
      return p.stop === 'end' && p.responses.some((r) => r.status >= 200);
    });
  }
});

function answerOf(r: RawResponse): Answer {
  return { status: r.status, body: r.body.toString('utf8'), contentType: headerValues(r.headers, 'content-type')[0] ?? '' };
}

interface RawRequestSpec {
  method: string;
  target: string;
  version: string;
  headers: HeaderLine[];
  framing: Framing;
  body: BodySpec | undefined;
  trailing: Trailing;
  run: string;
}

/**
 * The bytes of a hostile request and what follows it on the connection. Every
 * length it declares is covered by the bytes that follow (the final request
 * included), so that the server never waits for more: it answers, or finds
 * junk and closes the connection.
 */
function rawRequest(s: RawRequestSpec): Buffer {
  const smuggled = smuggledRequest(`${GV}/smuggled`, `smuggled-${s.run}`);
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
