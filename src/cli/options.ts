import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { LogFormat } from '../observability/logger.js';
import { parseDuration } from './duration.js';
import { builtinResources } from '../master/builtin-resources.js';
import { parseRuntimeConfig, RuntimeConfigError, unknownEntries } from '../master/runtime-config.js';
import { AUTHORIZATION_MODES, isAuthorizationMode, type AuthorizationMode } from '../auth/authorizer/rbac/authorization-modes.js';

// The default list, replaced (not extended) by the first --authorization-mode given.
const AUTHORIZATION_MODE_DEFAULT = ['RBAC'];

/** Validated options: what `createServerChain` and the storage need, with every default applied. */
export interface ServerOptions {
  dataDir: string;
  certDir: string;
  bindAddress: string;
  securePort: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCAFile?: string;
  tlsSANs: string[];
  verbosity: number;
  logFormat: LogFormat;
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  etcdServers: string[];
  etcdPrefix: string;
  etcdCAFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  compactionIntervalMs: number;
  /** kube's --runtime-config entries, validated. */
  runtimeConfig: string[];
  /** kube's --authorization-mode, in order (RBAC, AlwaysAllow). */
  authorizationModes: AuthorizationMode[];
}

/** A flag problem: printed as one line, exit status 1, before anything listens. */
export class OptionsError extends Error {}

const integer = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
  return n;
};

const duration = (v: string) => {
  try {
    return parseDuration(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function buildCommand(): Command {
  return new Command('frontdoor')
    .description('A Kubernetes-compatible API server. With no flags: embedded SQLite, generated certificates, ./data/admin.kubeconfig.')
    .helpOption('-h, --help', 'show every flag with its default')
    .addOption(new Option('--data-dir <dir>', 'where the SQLite database, generated PKI and admin.kubeconfig live').default('./data'))
    .addOption(new Option('--bind-address <ip>', 'the IP address to serve HTTPS on').default('127.0.0.1'))
    .addOption(new Option('--secure-port <port>', 'the HTTPS port; 0 picks a free one').default(6443).argParser(integer('--secure-port', 0, 65535)))
    .addOption(new Option('--cert-dir <dir>', 'where generated certificates are kept (default: DATA_DIR/pki)'))
    .addOption(new Option('--tls-cert-file <file>', 'serving certificate (PEM); replaces the generated one'))
    .addOption(new Option('--tls-private-key-file <file>', 'serving certificate key (PEM)'))
    .addOption(new Option('--client-ca-file <file>', 'CA bundle that client certificates must chain to; replaces the generated client CA'))
    .addOption(new Option('--tls-sans <names>', 'extra DNS names or IPs for the generated serving certificate (comma-separated, repeatable)').default([]).argParser(list))
    .addOption(new Option('-v, --v <level>', 'log verbosity; 2 or more logs one line per request').default(0).argParser(integer('--v', 0, 10)))
    .addOption(new Option('--log-format <format>', 'log format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--shutdown-delay-duration <duration>', 'after SIGTERM, how long /readyz fails before new requests are refused').default(0).argParser(duration))
    .addOption(new Option('--shutdown-timeout <duration>', 'after SIGTERM and the delay, how long in-flight requests may take before the process exits anyway').default(60_000).argParser(duration))
    .addOption(new Option('--etcd-servers <urls>', 'etcd URLs (comma-separated); without it objects live in DATA_DIR/state.db').default([]).argParser(list))
    .addOption(new Option('--etcd-prefix <prefix>', 'the prefix of every key in etcd').default('/registry'))
    .addOption(new Option('--etcd-cafile <file>', 'CA bundle to verify etcd with'))
    .addOption(new Option('--etcd-certfile <file>', 'client certificate for etcd'))
    .addOption(new Option('--etcd-keyfile <file>', 'client key for etcd'))
    .addOption(new Option('--compaction-interval <duration>', 'how often old revisions are compacted; 0 disables').default(300_000).argParser(duration))
    .addOption(new Option('--runtime-config <entries>', 'enable or disable group-versions and resources: api/all=false,apps/v1=true,autoscaling/v1=false (comma-separated, repeatable)').default([]).argParser(list))
    .addOption(new Option('--authorization-mode <modes>', 'ordered list of authorization modes: RBAC, AlwaysAllow (comma-separated)').default(AUTHORIZATION_MODE_DEFAULT).argParser((v: string, prev?: string[]) => list(v, prev === AUTHORIZATION_MODE_DEFAULT ? [] : prev)))
    .addOption(new Option('--etcd-compaction-interval <duration>', 'kube\'s name for --compaction-interval').argParser(duration).hideHelp())
    .allowExcessArguments(false)
    .showSuggestionAfterError(true);
}

interface RawOptions {
  dataDir: string;
  bindAddress: string;
  securePort: number;
  certDir?: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  tlsSans: string[];
  v: number;
  logFormat: LogFormat;
  shutdownDelayDuration: number;
  shutdownTimeout: number;
  etcdServers: string[];
  etcdPrefix: string;
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  compactionInterval: number;
  etcdCompactionInterval?: number;
  runtimeConfig: string[];
  authorizationMode: string[];
}

/** Parses argv (without node and script) into validated options; throws OptionsError with one line. */
export function parseOptions(argv: string[]): ServerOptions {
  const cmd = buildCommand().exitOverride().configureOutput({ writeErr: () => undefined });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') throw err;
    throw new OptionsError((e.message ?? String(err)).replace(/^error: /, ''));
  }
  return validate(cmd.opts<RawOptions>());
}

function validate(raw: RawOptions): ServerOptions {
  if (isIP(raw.bindAddress) === 0) throw new OptionsError(`--bind-address: ${JSON.stringify(raw.bindAddress)} is not an IP address`);
  if (Boolean(raw.tlsCertFile) !== Boolean(raw.tlsPrivateKeyFile)) {
    throw new OptionsError('--tls-cert-file and --tls-private-key-file must be given together');
  }
  for (const [flag, file] of [
    ['--tls-cert-file', raw.tlsCertFile],
    ['--tls-private-key-file', raw.tlsPrivateKeyFile],
    ['--client-ca-file', raw.clientCaFile],
    ['--etcd-cafile', raw.etcdCafile],
    ['--etcd-certfile', raw.etcdCertfile],
    ['--etcd-keyfile', raw.etcdKeyfile],
  ] as const) {
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      throw new OptionsError(`${flag}: cannot read ${JSON.stringify(file)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  for (const url of raw.etcdServers) {
    if (!/^https?:\/\/[^/]+\/?$/.test(url)) throw new OptionsError(`--etcd-servers: ${JSON.stringify(url)} is not an http(s)://host:port URL`);
  }
  if (!raw.etcdPrefix.startsWith('/')) throw new OptionsError(`--etcd-prefix: ${JSON.stringify(raw.etcdPrefix)} must start with "/"`);
  const dataDir = resolve(raw.dataDir);
  return {
    dataDir,
    certDir: resolve(raw.certDir ?? `${dataDir}/pki`),
    bindAddress: raw.bindAddress,
    securePort: raw.securePort,
    tlsCertFile: raw.tlsCertFile && resolve(raw.tlsCertFile),
    tlsPrivateKeyFile: raw.tlsPrivateKeyFile && resolve(raw.tlsPrivateKeyFile),
    clientCAFile: raw.clientCaFile && resolve(raw.clientCaFile),
    tlsSANs: raw.tlsSans,
    verbosity: raw.v,
    logFormat: raw.logFormat,
    shutdownDelayMs: raw.shutdownDelayDuration,
    shutdownTimeoutMs: raw.shutdownTimeout,
    etcdServers: raw.etcdServers,
    etcdPrefix: raw.etcdPrefix.replace(/\/+$/, '') || '/registry',
    etcdCAFile: raw.etcdCafile,
    etcdCertFile: raw.etcdCertfile,
    etcdKeyFile: raw.etcdKeyfile,
    compactionIntervalMs: raw.etcdCompactionInterval ?? raw.compactionInterval,
    runtimeConfig: validateRuntimeConfig(raw.runtimeConfig),
    authorizationModes: validateAuthorizationModes(raw.authorizationMode),
  };
}

/** kube's checks: known modes, each once, at least one. */
function validateAuthorizationModes(modes: string[]): AuthorizationMode[] {
  if (modes.length === 0) throw new OptionsError('--authorization-mode: at least one authorization-mode must be passed');
  const seen = new Set<string>();
  for (const m of modes) {
    if (!isAuthorizationMode(m)) throw new OptionsError(`--authorization-mode: authorization-mode ${JSON.stringify(m)} is not a valid mode (valid: ${AUTHORIZATION_MODES.join(', ')})`);
    if (seen.has(m)) throw new OptionsError(`--authorization-mode: authorization-mode ${JSON.stringify(m)} has mentioned multiple times`);
    seen.add(m);
  }
  return modes as AuthorizationMode[];
}

function validateRuntimeConfig(entries: string[]): string[] {
  try {
    const config = parseRuntimeConfig(entries);
    const unknown = unknownEntries(config, builtinResources());
    if (unknown.length > 0) throw new RuntimeConfigError(`unknown group-version or resource: ${unknown.join(', ')}`);
  } catch (err) {
    if (err instanceof RuntimeConfigError) throw new OptionsError(`--runtime-config: ${err.message}`);
    throw err;
  }
  return entries;
}
