import https, { type Server } from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinExtraHandlers, builtinResources } from '../../src/master/builtin-resources.js';
import { discardLogger } from '../../src/observability/logger.js';
import { ensurePKI } from '../../src/pki/bootstrap.js';
import { createSecureServer, listen } from '../../src/server/secure-serving.js';
import { createServerChain, type ServerChain } from '../../src/server/server-chain.js';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { adminCreds, eventually, request, type ClientCreds, type Response } from '../helpers/https.js';
import type { Frontdoor } from '../helpers/frontdoor.js';

/** A meta/v1 Status as the server sends it. */
export interface Status {
  kind: string;
  apiVersion: string;
  status: string;
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason: string; message: string; field?: string }[] };
}

export interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    generation?: number;
    labels?: Record<string, string>;
    finalizers?: string[];
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface List<T = Obj> {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** JSON requests to one running frontdoor as the admin. */
export class Client {
  readonly creds: ClientCreds;
  constructor(readonly port: number, dataDir: string) {
    this.creds = adminCreds(dataDir);
  }

  send(method: string, path: string, opts: { body?: unknown; raw?: string; contentType?: string; accept?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      // Node sends a DELETE body unframed unless told its length.
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    if (opts.accept) headers.Accept = opts.accept;
    return request(this.port, path, this.creds, { method, headers, body });
  }

  get = (path: string, accept?: string) => this.send('GET', path, { accept });
  post = (path: string, body: unknown) => this.send('POST', path, { body });
  put = (path: string, body: unknown) => this.send('PUT', path, { body });
  del = (path: string, body?: unknown) => this.send('DELETE', path, { body });
  patch = (path: string, type: 'json' | 'merge', body: unknown) =>
    this.send('PATCH', path, { body, contentType: type === 'json' ? 'application/json-patch+json' : 'application/merge-patch+json' });

  /** Waits for the post-start hook's `default` namespace. */
  async waitForDefaultNamespace(): Promise<void> {
    await eventually(() => this.get('/api/v1/namespaces/default'), (r) => r.status === 200);
  }

  /**
   * Opens a watch and collects its newline-delimited events until `done` says
   * so or the server ends the stream; `close()` ends it from our side.
   */
  watch(path: string, opts: { accept?: string } = {}): Watch {
    return new Watch(this.port, path, this.creds, opts.accept);
  }
}

export interface WatchEvent<T = Obj> {
  type: string;
  object: T;
}

/** A watch stream over real TLS: events as they come, and whether the server ended it. */
export class Watch {
  readonly events: WatchEvent<Record<string, unknown>>[] = [];
  status = 0;
  contentType = '';
  readonly ended: Promise<void>;
  private readonly req: ReturnType<typeof https.request>;
  private readonly waiters: (() => void)[] = [];

  constructor(port: number, path: string, creds: ClientCreds, accept?: string) {
    let resolveEnded!: () => void;
    this.ended = new Promise((r) => (resolveEnded = r));
    let buffered = '';
    this.req = https.request(
      { host: '127.0.0.1', port, path, method: 'GET', ca: creds.ca, cert: creds.cert, key: creds.key, agent: false, headers: accept ? { Accept: accept } : {} },
      (res) => {
        this.status = res.statusCode ?? 0;
        this.contentType = String(res.headers['content-type'] ?? '');
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line) this.events.push(JSON.parse(line) as WatchEvent<Record<string, unknown>>);
          }
          this.wake();
        });
        res.on('end', () => {
          if (buffered.trim()) this.events.push(JSON.parse(buffered) as WatchEvent<Record<string, unknown>>);
          resolveEnded();
          this.wake();
        });
        res.on('error', () => resolveEnded());
      },
    );
    this.req.on('error', () => {
      resolveEnded();
      this.wake();
    });
    this.req.end();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits (bounded) until the events satisfy `pred`. */
  async until(pred: (events: WatchEvent<Record<string, unknown>>[]) => boolean, timeoutMs = 10_000): Promise<WatchEvent<Record<string, unknown>>[]> {
    const deadline = Date.now() + timeoutMs;
    let finished = false;
    void this.ended.then(() => (finished = true));
    while (!pred(this.events)) {
      if (finished) throw new Error(`watch ended before the condition held; events: ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`watch condition not met in ${timeoutMs} ms; events: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.events;
  }

  close(): void {
    this.req.destroy();
  }
}

/** The Status in a response, checked to be one. */
export function statusOf(r: Response): Status {
  const s = r.json<Status>();
  if (s.kind !== 'Status') throw new Error(`not a Status: ${r.body}`);
  return s;
}

export const configMap = (name: string, extra: Partial<Obj> & { labels?: Record<string, string> } = {}): Obj => {
  const { labels, metadata, ...rest } = extra;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}), ...metadata }, ...rest };
};

export const startedClient = async (fd: Frontdoor): Promise<Client> => {
  const c = new Client(fd.port, fd.dataDir);
  await c.waitForDefaultNamespace();
  return c;
};

/** The chain served in this process over real TLS, on a temp SQLite file: for tests that reach inside (install, compact). */
export interface InProcess {
  chain: ServerChain;
  storage: SqliteStorage;
  server: Server;
  client: Client;
  stop(): Promise<void>;
}

export async function startInProcess(): Promise<InProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'frontdoor-inproc-'));
  // The generated PKI, as the CLI writes it: adminCreds(dir) reads dir/pki.
  const pki = await ensurePKI({ certDir: join(dir, 'pki'), hosts: [], keyBits: 1024 });
  const storage = SqliteStorage.open({ path: join(dir, 'state.db'), compactionIntervalMs: 0 });
  let port = 0;
  const chain = createServerChain({
    logger: discardLogger,
    storageChecks: [],
    storage,
    resources: builtinResources(),
    extraHandlers: builtinExtraHandlers,
    serverAddress: () => `127.0.0.1:${port}`,
  });
  const server = createSecureServer(chain.app, {
    certPem: await readFile(pki.files.servingCert, 'utf8'),
    keyPem: await readFile(pki.files.servingKey, 'utf8'),
    clientCAPem: await readFile(pki.files.clientCACert, 'utf8'),
  });
  port = (await listen(server, '127.0.0.1', 0)).port;
  const hooks = new AbortController();
  void chain.runPostStartHooks(hooks.signal);
  const client = new Client(port, dir);
  await client.waitForDefaultNamespace();
  return {
    chain,
    storage,
    server,
    client,
    async stop() {
      hooks.abort();
      chain.lifecycle.startDraining();
      await chain.stopWatchCaches();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
