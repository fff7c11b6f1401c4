import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { headerKeyEscape } from '../../src/aggregator/proxy/auth-proxy-headers.js';
import { Backend, headerLines, type Seen, type TestPKI } from '../aggregator/proxy/helpers.js';
import { CANARY, RUN_HEADER, type BackendMode, type UpgradeAnswer } from './hostile-proxy-arbitraries.js';

/**
 * The APIService backend of the proxy's property suite: an HTTPS Backend
 * (test/aggregator/proxy/helpers.ts) that answers as it is told per run
 * (`mode` for requests, `upgrade` for upgrades), marks its answers so that a
 * client can tell them from the server's own, serves the aggregator's own
 * discovery GETs whatever the mode, and records what a proxy must never
 * cause: bytes it cannot parse, bytes after an upgrade request's head, bytes
 * after a refused upgrade.
 */

/** The backend's answers carry this in their JSON body. */
export interface BackendMarker {
  backend: true;
  run: string;
  mode: BackendMode | UpgradeAnswer;
}

export function markerOf(bodyText: string): BackendMarker | undefined {
  try {
    const v = JSON.parse(bodyText) as Partial<BackendMarker> | null;
    return v && v.backend === true ? (v as BackendMarker) : undefined;
  } catch {
    return undefined;
  }
}

const markerText = (run: string, mode: BackendMode | UpgradeAnswer): string => JSON.stringify({ backend: true, run, mode } satisfies BackendMarker);

export class FuzzBackend {
  mode: BackendMode = 'ok';
  upgrade: UpgradeAnswer = 'refuse';
  /** What the backend could not parse (never an end in the middle of a request: that is a proxy giving up on one). */
  readonly parseErrors: string[] = [];
  /** Bytes that came with an upgrade request, after its head: the proxy sends none before the backend switched. */
  readonly upgradeHeads: string[] = [];
  /** Bytes that came on a connection after the backend refused its upgrade. */
  readonly leakedAfterRefusal: string[] = [];
  /** The runs whose request reached the backend as an upgrade. */
  readonly upgradedRuns = new Set<string>();
  /** The backend's ends of upgraded connections still open (the server does not track them), and what they were. */
  readonly upgradeSockets = new Map<Duplex, string>();

  private constructor(
    readonly backend: Backend,
    private readonly gv: string,
  ) {}

  /** Serves `/apis/<group>/<version>` with the TLS names and CAs of `pki`. */
  static async start(pki: TestPKI, group: string, version: string): Promise<FuzzBackend> {
    const f = new FuzzBackend(await Backend.start(pki), `/apis/${group}/${version}`);
    f.backend.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (String(err.code).startsWith('HPE_') && err.code !== 'HPE_INVALID_EOF_STATE') {
        f.parseErrors.push(`${err.code}: ${err.message} ${JSON.stringify(String((err as { rawPacket?: Buffer }).rawPacket ?? '').slice(0, 300))}`);
      }
      socket.destroy();
    });
    f.backend.fallback = (req, res, seen) => {
      if (f.isAggregatorsOwn(seen)) {
        if (seen.url.startsWith('/openapi/')) {
          res.writeHead(404, { 'Content-Type': 'text/plain' });
          res.end('no OpenAPI here');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources: [{ name: 'things', singularName: 'thing', namespaced: true, kind: 'Thing', verbs: ['get', 'list'] }] }));
        return;
      }
      if (f.mode === 'reset') req.socket.destroy();
      else answer(res, f.mode, headerLines(seen, RUN_HEADER)[0] ?? '');
    };
    f.backend.onUpgrade = (req, socket, head, seen) => f.onUpgrade(req.headers.upgrade, socket, head, seen);
    return f;
  }

  get port(): number {
    return this.backend.port;
  }

  get seen(): Seen[] {
    return this.backend.seen;
  }

  /** The aggregator's own GETs (availability, discovery, OpenAPI): they carry no run. */
  isAggregatorsOwn(seen: Seen): boolean {
    return (
      seen.method === 'GET' &&
      (seen.url === this.gv || seen.url.startsWith('/openapi/')) &&
      headerLines(seen, RUN_HEADER).length === 0 &&
      JSON.stringify(headerLines(seen, 'X-Remote-User')) === '["system:kube-aggregator"]' &&
      JSON.stringify(headerLines(seen, 'X-Remote-Group')) === '["system:masters"]' &&
      headerLines(seen, 'X-Forwarded-For').length === 0
    );
  }

  /** Takes what the backend could not parse or should not have got, forgetting it. */
  takeProblems(): string[] {
    return [
      ...this.parseErrors.splice(0).map((e) => `the backend could not parse what the proxy sent: ${e}`),
      ...this.upgradeHeads.splice(0).map((h) => `the proxy sent bytes after an upgrade request's head, before the backend switched: ${h}`),
      ...this.leakedAfterRefusal.splice(0).map((h) => `the proxy sent bytes on a connection after its upgrade was refused: ${h}`),
    ];
  }

  async stop(): Promise<void> {
    for (const s of this.upgradeSockets.keys()) s.destroy();
    await this.backend.stop();
  }

  private onUpgrade(protocol: string | undefined, socket: Duplex, head: Buffer, seen: Seen): void {
    const run = headerLines(seen, RUN_HEADER)[0] ?? '';
    socket.on('error', () => undefined);
    this.upgradedRuns.add(run);
    this.upgradeSockets.set(socket, `${this.upgrade} ${seen.method} ${seen.url.slice(0, 100)} ${JSON.stringify(seen.rawHeaders).slice(0, 400)}`);
    socket.on('close', () => this.upgradeSockets.delete(socket));
    // Read to the end (only then does the connection close); what a switched client sends is dropped.
    socket.resume();
    if (head.length > 0) this.upgradeHeads.push(JSON.stringify(head.toString('latin1').slice(0, 200)));
    const text = markerText(run, this.upgrade);
    switch (this.upgrade) {
      case 'switch':
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${protocol ?? ''}\r\n\r\n`);
        socket.end(`tunnel:${run};`);
        return;
      case 'refuse':
        socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
        return;
      case 'refuse-chunked':
        socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n`);
        return;
      case 'refuse-keep-reading':
        // Refuses and keeps the connection: anything more the proxy sends on it is a request nobody authorized.
        socket.write(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
        socket.on('data', (d: Buffer) => this.leakedAfterRefusal.push(JSON.stringify(d.toString('latin1').slice(0, 200))));
        return;
      case 'reset':
        socket.destroy();
        return;
      case 'plain':
        socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
        return;
    }
  }
}

function answer(res: ServerResponse, mode: Exclude<BackendMode, 'reset'>, run: string): void {
  const text = markerText(run, mode);
  const send = (status: number, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  switch (mode) {
    case 'ok':
      return send(200);
    case 'chunked':
      // No length: Node chunks it.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(text.slice(0, 7));
      res.end(text.slice(7));
      return;
    case 'error':
      return send(500);
    case 'redirect':
      return send(302, { Location: 'https://elsewhere.example/steal' });
    case 'redirect-without-location':
      return send(302);
    case 'empty':
      res.writeHead(204);
      res.end();
      return;
    case 'notfound':
      return send(404);
  }
}

/** Who a request is: what the server authenticated (a SelfSubjectReview's userInfo). */
export interface Identity {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** What the proxy writes for a value: its UTF-8 bytes, which Node reads back as latin1. */
const wire = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const sorted = (xs: readonly string[]) => [...xs].sort();

/**
 * Everything wrong with the identity a request at the backend carries: it
 * must be exactly `want` in X-Remote-* (as the proxy sets them), with no
 * credential, no Impersonate-* and none of the client's claims (CANARY), and
 * come with the proxy's client certificate.
 */
export function identityProblems(seen: Seen, want: Identity): string[] {
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
