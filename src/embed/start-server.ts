/**
 * frontdoor as a library: a real API server in the caller's process, for
 * tests (what envtest is to Go operators). It is the CLI's start path,
 * runServer, with the CLI's flags, minus what belongs to a process: no signal
 * handlers, no process.exit, nothing done at import.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '../cli/options.js';
import { runServer, type RunningServer } from '../cli/run.js';
import type { EmbeddedServer, StartServerOptions } from './api.js';
import { kubeConfigFrom, loadClientNode } from './client-node.js';
import { embedLogger } from './logger.js';
import { seedPKI } from './pki-cache.js';

/**
 * Starts a server and resolves once /readyz answers ok (every post-start hook
 * done, caches synced), so the caller can use it at once.
 */
export async function startServer(options: StartServerOptions = {}): Promise<EmbeddedServer> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'frontdoor-embed-')));
  const etcdServers = options.etcdServers ?? [];
  const inMemory = options.inMemory ?? (ownDataDir && etcdServers.length === 0);
  const logger = options.logger ?? embedLogger(options.logLevel ?? 'warn', options.verbosity ?? 0);
  // Started now, awaited after the server is up: the two overlap. Its failure is thrown by that await;
  // the handler only keeps it from being reported as unhandled before then (or when the start fails first).
  const clientNode = loadClientNode();
  clientNode.catch(() => undefined);

  let running: RunningServer | undefined;
  try {
    const opts = parseOptions([
      '--data-dir', dataDir,
      '--bind-address', options.bindAddress ?? '127.0.0.1',
      '--secure-port', String(options.port ?? 0),
      ...(etcdServers.length > 0 ? ['--etcd-servers', etcdServers.join(',')] : []),
      ...(options.etcdPrefix !== undefined ? ['--etcd-prefix', options.etcdPrefix] : []),
      ...(options.extraArgs ?? []),
    ]);
    if (!(await exists(opts.certDir))) await seedPKI(opts.certDir, opts.tlsSANs);
    running = await runServer({ ...opts, inMemory }, logger);
    if (!running.kubeconfigPath) throw new Error('startServer needs the generated certificates: extraArgs must not give --tls-cert-file or --client-ca-file');
    const kubeconfigPath = running.kubeconfigPath;
    const pki = opts.certDir;
    const tls = {
      ca: await readFile(join(pki, 'ca.crt'), 'utf8'),
      cert: await readFile(join(pki, 'admin.crt'), 'utf8'),
      key: await readFile(join(pki, 'admin.key'), 'utf8'),
    };
    await running.postStartHooksDone;
    await untilReady(running.port, tls, options.readyTimeoutMs ?? 60_000);
    const kubeconfig = await readFile(kubeconfigPath, 'utf8');
    const kubeConfig = kubeConfigFrom(await clientNode, kubeconfig);
    const server = running;
    let stopping: Promise<void> | undefined;
    return {
      url: `https://${urlHost(opts.bindAddress)}:${running.port}`,
      port: running.port,
      kubeconfig,
      kubeconfigPath,
      caCert: tls.ca,
      dataDir,
      get kubeConfig() {
        return kubeConfig();
      },
      stop: () => {
        stopping ??= (async () => {
          await server.shutdown();
          if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (err) {
    // Whatever started is released before the error reaches the caller.
    await running?.shutdown().catch((e: unknown) => logger.error('shutdown after a failed start failed', { err: e instanceof Error ? e.message : String(e) }));
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

const urlHost = (bind: string): string => (bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '[::1]' : bind.includes(':') ? `[${bind}]` : bind);

interface ClientTLS {
  ca: string;
  cert: string;
  key: string;
}

/** GET /readyz as admin until it answers 200: the definition of ready a client sees. */
async function untilReady(port: number, tls: ClientTLS, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const answer = await readyz(port, tls).catch((err: unknown) => ({ status: 0, body: err instanceof Error ? err.message : String(err) }));
    if (answer.status === 200) return;
    last = `${answer.status}: ${answer.body}`;
    if (Date.now() > deadline) throw new Error(`frontdoor did not become ready in ${timeoutMs} ms; /readyz?verbose said ${last}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function readyz(port: number, tls: ClientTLS): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/readyz?verbose', servername: 'localhost', agent: false, ...tls }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
