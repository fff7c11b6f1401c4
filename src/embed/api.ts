/**
 * The embedding API's types, apart from its implementation so that the
 * package's declaration files (tsconfig.types.json) need nothing of the server.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.js';

/** How much an embedded server writes to stderr: nothing, errors, warnings and errors (the default), or everything up to a verbosity. */
export type EmbedLogLevel = 'silent' | 'error' | 'warn' | 'info';

export interface StartServerOptions {
  /** Where the PKI, admin.kubeconfig and (unless inMemory) the database live; kept at stop(). Default: a new temporary directory, removed at stop(). */
  dataDir?: string;
  /** Objects in an in-memory SQLite database, gone at stop(). Default: true unless dataDir or etcdServers is given. */
  inMemory?: boolean;
  /** etcd URLs: objects live in etcd (inMemory is then ignored). */
  etcdServers?: string[];
  /** The key prefix in etcd (--etcd-prefix); give each server on a shared etcd its own. */
  etcdPrefix?: string;
  /** The HTTPS port; default 0 (a free one). */
  port?: number;
  /** Default 127.0.0.1. */
  bindAddress?: string;
  /** What goes to stderr; default 'warn' (warnings and errors). Ignored when `logger` is given. */
  logLevel?: EmbedLogLevel;
  /** klog's -v for 'info' (2 logs every request); default 0. */
  verbosity?: number;
  /** A logger of one's own instead of stderr. */
  logger?: Logger;
  /** Further frontdoor flags, as on the command line: ['--authorization-mode', 'AlwaysAllow']. */
  extraArgs?: string[];
  /** How long to wait for /readyz to answer ok; default 60 s. */
  readyTimeoutMs?: number;
}

export interface EmbeddedServer {
  /** https://127.0.0.1:<port> */
  url: string;
  port: number;
  /** The admin kubeconfig (system:masters client certificate) as YAML. */
  kubeconfig: string;
  /** The same, as a file (mode 0600) in the data dir. */
  kubeconfigPath: string;
  /** The CA that signed the serving certificate (PEM). */
  caCert: string;
  dataDir: string;
  /** A @kubernetes/client-node KubeConfig for the admin kubeconfig; throws if that package is not installed. */
  readonly kubeConfig: KubeConfig;
  /** Graceful shutdown that releases everything: listener, connections, watches, timers, file watchers, the database. Safe to call twice. */
  stop(): Promise<void>;
}

