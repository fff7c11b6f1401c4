import { setMaxListeners } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:https';
import type { Logger } from '../observability/logger.js';
import { ensurePKI } from '../pki/bootstrap.js';
import { writeKubeconfig } from '../pki/kubeconfig.js';
import type { HealthChecker } from '../server/healthz.js';
import { builtinExtraHandlers, builtinResources } from '../master/builtin-resources.js';
import { isEnabled, parseRuntimeConfig } from '../master/runtime-config.js';
import { openBackend, type OpenedBackend } from '../storage/open-backend.js';
import { DynamicFileCAContent } from '../dynamiccertificates/dynamic-cafile-content.js';
import { DynamicCertKeyPairContent } from '../dynamiccertificates/dynamic-certkey-content.js';
import { DynamicSNIContent } from '../dynamiccertificates/dynamic-sni-content.js';
import { UnionCAContent } from '../dynamiccertificates/union-ca-content.js';
import type { MasterServer } from '../master/master.js';
import { addClusterAuthenticationInfoHook } from '../master/controllers/cluster-authentication-trust.js';
import { setUpAuthentication } from './authentication.js';
import { proxyClientCertFiles } from './proxy-client-cert.js';
import { createDynamicSecureServer, listen } from '../server/secure-serving.js';
import { createServerChain, type ServerChain } from '../server/server-chain.js';
import { gracefulShutdown } from '../server/shutdown.js';
import { createAudit } from '../audit/setup.js';
import type { ServerOptions } from './options.js';

export interface RunningServer {
  chain: ServerChain;
  server: Server;
  storage: OpenedBackend;
  port: number;
  /** What the aggregator presents to the servers it proxies to (--proxy-client-*, or the generated front-proxy client); kept current from disk. */
  proxyClientCert?: DynamicCertKeyPairContent;
  /** Set when frontdoor generated the serving certificate and client CA, and so could write it. */
  kubeconfigPath?: string;
  /** Resolves when every post-start hook has finished (or failed): from then /readyz answers ok unless a hook failed. */
  postStartHooksDone: Promise<void>;
  /** Graceful shutdown; resolves when the server is closed and its watch caches and storage are released. Safe to call twice. */
  shutdown(): Promise<void>;
}

export interface RunHooks {
  /** Lets the caller add routes or health checks to the chain before it listens. */
  extend?: (chain: ServerChain) => void;
}

/** Everything `frontdoor` does from validated options to a listening server. */
export async function runServer(opts: ServerOptions, logger: Logger, hooks: RunHooks = {}): Promise<RunningServer> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const pki = await ensurePKI({ certDir: opts.certDir, hosts: opts.tlsSANs });
  if (pki.generated.length > 0) logger.info('generated certificates', { certDir: opts.certDir, files: pki.generated });
  if (pki.renewed.length > 0) logger.info('renewed certificates that were about to expire', { files: pki.renewed });

  // The files are watched and re-read: a rotated certificate or CA is served without a restart.
  const servingCert = new DynamicCertKeyPairContent('serving-cert', opts.tlsCertFile ?? pki.files.servingCert, opts.tlsPrivateKeyFile ?? pki.files.servingKey, { logger });
  const clientCA = new DynamicFileCAContent('client-ca-bundle', opts.clientCAFile ?? pki.files.clientCACert, { logger });
  const sniCerts = opts.tlsSNICertKeys.map((n, i) => new DynamicSNIContent(`sni-serving-cert-${i}`, n.certFile, n.keyFile, n.names, { logger }));
  const proxyFiles = proxyClientCertFiles(opts, pki.files);
  const proxyClientCert = proxyFiles && new DynamicCertKeyPairContent('aggregator-proxy-cert', proxyFiles.cert, proxyFiles.key, { logger });
  const fileContents = [servingCert, clientCA, ...sniCerts, ...(proxyClientCert ? [proxyClientCert] : [])];
  // A bad file given on the command line stops the start, as kube's does.
  for (const content of fileContents) await content.runOnce();
  let master: MasterServer | undefined;
  const auth = await setUpAuthentication({
    flags: opts.authentication,
    certDir: opts.certDir,
    generatedFrontProxyCA: pki.files.frontProxyCACert,
    clientCA,
    master: () => master,
    logger,
  });

  const storage = await openBackend({
    etcdServers: opts.etcdServers,
    etcdPrefix: opts.etcdPrefix,
    etcdTLS: { caFile: opts.etcdCAFile, certFile: opts.etcdCertFile, keyFile: opts.etcdKeyFile },
    dataDir: opts.dataDir,
    inMemory: opts.inMemory,
    compactionIntervalMs: opts.compactionIntervalMs,
    onCompactionError: (err) => logger.warn('compaction failed', { err: err instanceof Error ? err.message : String(err) }),
    logger,
  });
  logger.info('storage opened', { backend: storage.description });

  const audit = opts.audit && createAudit(opts.audit, logger);
  const runtimeConfig = parseRuntimeConfig(opts.runtimeConfig);
  let port = opts.securePort;
  const storageChecks: HealthChecker[] = [{ name: storage.checkName, check: () => storage.backend.check() }];
  const chain = createServerChain({
    logger,
    storageChecks,
    storage: storage.backend,
    resources: builtinResources().filter((d) => isEnabled(runtimeConfig, d)),
    extraHandlers: {
      ...builtinExtraHandlers,
      '/serviceaccounts': { ...builtinExtraHandlers['/serviceaccounts'], ...auth.serviceAccountTokenHandlers },
    },
    authentication: auth.authentication,
    authorizationModes: opts.authorizationModes,
    audit,
    maxRequestsInflight: opts.maxRequestsInflight,
    maxMutatingRequestsInflight: opts.maxMutatingRequestsInflight,
    requestTimeoutMs: opts.requestTimeoutMs,
    minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds,
    proxyClientCert,
    enableAggregatorRouting: opts.enableAggregatorRouting,
    serverAddress: () => `${opts.bindAddress === '0.0.0.0' || opts.bindAddress === '::' ? hostname() : opts.bindAddress}:${port}`,
  });
  master = chain.master;
  // kube's start-cluster-authentication-info-controller: publishes whom we trust for aggregated servers to read.
  addClusterAuthenticationInfoHook(chain.master, {
    storage: storage.backend,
    info: {
      clientCA,
      requestHeaderCA: auth.requestHeaderCA,
      usernameHeaders: opts.authentication.requestHeaderUsernameHeaders,
      groupHeaders: opts.authentication.requestHeaderGroupHeaders,
      extraHeaderPrefixes: opts.authentication.requestHeaderExtraHeadersPrefix,
      allowedNames: auth.requestHeaderAllowedNames,
    },
    logger,
  });
  hooks.extend?.(chain);

  // The handshake accepts client certificates of either CA; each authenticator then checks its own.
  const tlsClientCA = new UnionCAContent(clientCA, auth.requestHeaderCA);
  const { server, tlsContext } = createDynamicSecureServer(chain.app, { servingCert, sniCerts, clientCA: tlsClientCA, logger });
  // Upgrades (exec, attach, port-forward, WebSockets) run the same filters, then reach the aggregator's proxy.
  server.on('upgrade', (req, socket, head) => chain.handleUpgrade(req, socket, head));
  const address = await listen(server, opts.bindAddress, opts.securePort);
  port = address.port;
  const certsAbort = new AbortController();
  const certControllers = [...fileContents, auth.requestHeaderCA, tlsContext].map((c) => c.run(certsAbort.signal));

  let kubeconfigPath: string | undefined;
  if (!opts.tlsCertFile && !opts.clientCAFile) {
    kubeconfigPath = join(opts.dataDir, 'admin.kubeconfig');
    await writeKubeconfig(kubeconfigPath, {
      server: `https://${clientHost(opts.bindAddress)}:${port}`,
      caCertPem: await readFile(pki.files.caCert, 'utf8'),
      clientCertPem: await readFile(pki.files.adminCert, 'utf8'),
      clientKeyPem: await readFile(pki.files.adminKey, 'utf8'),
    });
  }
  logger.info('Serving securely', { address: `${address.address}:${port}`, port });
  if (kubeconfigPath) logger.info(`ready to use: export KUBECONFIG=${kubeconfigPath}`, { kubeconfig: kubeconfigPath });
  else logger.info('admin.kubeconfig not written: --tls-cert-file or --client-ca-file replace the generated certificates it needs');

  const hookAbort = new AbortController();
  // Every hook's controllers and informers listen on this one signal: more than Node's warning threshold of 10, by design.
  setMaxListeners(0, hookAbort.signal);
  const postStartHooksDone = chain.runPostStartHooks(hookAbort.signal);

  let shuttingDown: Promise<void> | undefined;
  return {
    chain,
    server,
    storage,
    port,
    kubeconfigPath,
    proxyClientCert,
    postStartHooksDone,
    shutdown: () => {
      shuttingDown ??= (async () => {
        hookAbort.abort();
        certsAbort.abort();
        await Promise.all(certControllers);
        await gracefulShutdown({
          server,
          lifecycle: chain.lifecycle,
          logger,
          delayMs: opts.shutdownDelayMs,
          timeoutMs: opts.shutdownTimeoutMs,
        });
        // Every request has ended, so every event is queued: write them out before exiting.
        await audit?.sink.close();
        // An embedding process lives on: nothing of this server may stay behind.
        await chain.stopWatchCaches();
        await storage.close();
      })();
      return shuttingDown;
    },
  };
}

/** The address a local client dials: a wildcard bind is reached on loopback. */
function clientHost(bindAddress: string): string {
  if (bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::') return '[::1]';
  return bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
}
