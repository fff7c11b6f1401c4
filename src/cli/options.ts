import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { LogFormat } from '../observability/logger.js';
import { parseDuration } from './duration.js';
import { parseNamedCertKey, type NamedCertKeyFlag } from '../dynamiccertificates/dynamic-sni-content.js';
import { builtinResources } from '../master/builtin-resources.js';
import { parseRuntimeConfig, RuntimeConfigError, unknownEntries } from '../master/runtime-config.js';
import { AUTHORIZATION_MODES, isAuthorizationMode, type AuthorizationMode } from '../auth/authorizer/rbac/authorization-modes.js';
import { loadPolicyFile, PolicyError, type LoadedPolicy } from '../audit/policy-loader.js';
import type { AuditFlags } from '../audit/setup.js';

// The default list, replaced (not extended) by the first --authorization-mode given.
const AUTHORIZATION_MODE_DEFAULT = ['RBAC'];

/** Validated options: what `createServerChain` and the storage need, with every default applied. */
export interface ServerOptions {
  dataDir: string;
  /** Objects in an in-memory SQLite database, gone at shutdown (the embedding API's default; no flag). */
  inMemory?: boolean;
  certDir: string;
  bindAddress: string;
  securePort: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCAFile?: string;
  /** --tls-sni-cert-key, in order: an earlier entry wins a name given twice. */
  tlsSNICertKeys: NamedCertKeyFlag[];
  /** --proxy-client-cert-file/--proxy-client-key-file: what the aggregator presents to the servers it proxies to. */
  proxyClientCertFile?: string;
  proxyClientKeyFile?: string;
  /** kube's --enable-aggregator-routing: APIService requests go to a Service's endpoints (true) or its ClusterIP. */
  enableAggregatorRouting: boolean;
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
  authentication: AuthenticationFlags;
  /** kube's --authorization-mode, in order (RBAC, AlwaysAllow). */
  authorizationModes: AuthorizationMode[];
  /** --audit-policy-file with --audit-log-path; absent: no auditing (either alone audits nothing, as kube). */
  audit?: AuditFlags;
  /** kube's --max-requests-inflight (seats for reads); 0: no limit. */
  maxRequestsInflight: number;
  /** kube's --max-mutating-requests-inflight; 0: no limit. */
  maxMutatingRequestsInflight: number;
  /** kube's --request-timeout, in ms; 0: no limit. */
  requestTimeoutMs: number;
  /** kube's --min-request-timeout, in seconds. */
  minRequestTimeoutSeconds: number;
}

/** kube's authentication flags, with kube's defaults applied. */
export interface AuthenticationFlags {
  anonymousAuth: boolean;
  tokenAuthFile?: string;
  /** --service-account-signing-key-file; DATA_DIR/pki/sa.key (generated if missing) when not given. */
  serviceAccountSigningKeyFile?: string;
  serviceAccountKeyFiles: string[];
  /** The first signs; every one is accepted. */
  serviceAccountIssuers: string[];
  /** --api-audiences, or the issuers when not given. */
  apiAudiences: string[];
  /** --requestheader-client-ca-file; the generated front-proxy CA when not given. */
  requestHeaderClientCAFile?: string;
  /** --requestheader-allowed-names; "front-proxy-client" (the generated proxy certificate's CN) with the generated CA. */
  requestHeaderAllowedNames?: string[];
  requestHeaderUsernameHeaders: string[];
  requestHeaderGroupHeaders: string[];
  requestHeaderExtraHeadersPrefix: string[];
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

const boolean = (name: string) => (v: string) => {
  if (/^(true|1|t)$/i.test(v)) return true;
  if (/^(false|0|f)$/i.test(v)) return false;
  throw new InvalidArgumentError(`${name} must be true or false`);
};

/** A repeatable flag taking one value each time (a file name may hold commas). */
const collect = (v: string, prev: string[] = []) => [...prev, v];

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
    .addOption(new Option('--tls-sni-cert-key <cert,key[:names]>', 'an extra serving certificate chosen by SNI: "cert,key" (names from the certificate) or "cert,key:name1,*.name2" (repeatable)').default([]).argParser(collect))
    .addOption(new Option('--proxy-client-cert-file <file>', 'client certificate the aggregator presents to the API servers it proxies to (default: the generated DATA_DIR/pki/front-proxy-client.crt with the generated front-proxy CA)'))
    .addOption(new Option('--proxy-client-key-file <file>', 'key of --proxy-client-cert-file'))
    .addOption(new Option('--enable-aggregator-routing <bool>', "send APIService requests to an endpoint of the Service (EndpointSlices, then Endpoints); false sends them to the Service's ClusterIP (kube's default is false: frontdoor usually runs outside the pod network)").default(true).argParser(boolean('--enable-aggregator-routing')))
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
    .addOption(new Option('--anonymous-auth <bool>', 'serve requests without credentials as system:anonymous (the authorizer decides); false makes them 401').default(true).argParser(boolean('--anonymous-auth')))
    .addOption(new Option('--token-auth-file <file>', 'bearer tokens, CSV: token,user,uid,"group1,group2"'))
    .addOption(new Option('--service-account-signing-key-file <file>', 'private key that signs service account tokens (default: DATA_DIR/pki/sa.key, generated)'))
    .addOption(new Option('--service-account-key-file <file>', 'public keys (PEM) that service account tokens are verified with, besides the signing key\'s (repeatable)').default([]).argParser(collect))
    .addOption(new Option('--service-account-issuer <url>', 'the iss of issued service account tokens; the first signs, each is accepted (repeatable) (default: "https://kubernetes.default.svc")').argParser(collect))
    .addOption(new Option('--api-audiences <list>', 'audiences a token must be meant for (comma-separated) (default: the service account issuers)').argParser(list))
    .addOption(new Option('--requestheader-client-ca-file <file>', 'CA of front-proxy client certificates whose X-Remote-* headers name the user (default: the generated DATA_DIR/pki/front-proxy-ca.crt)'))
    .addOption(new Option('--requestheader-allowed-names <list>', 'front-proxy certificate CNs allowed; empty allows any from the CA (comma-separated) (default: "front-proxy-client" with the generated CA)').argParser(list))
    .addOption(new Option('--requestheader-username-headers <list>', 'headers holding the user name, first non-empty wins (default: "X-Remote-User")').argParser(list))
    .addOption(new Option('--requestheader-group-headers <list>', 'headers holding the groups (default: "X-Remote-Group")').argParser(list))
    .addOption(new Option('--requestheader-extra-headers-prefix <list>', 'header prefixes holding extra user information (default: "X-Remote-Extra-")').argParser(list))
    .addOption(new Option('--audit-policy-file <file>', 'audit.k8s.io/v1 Policy (YAML or JSON) that decides what is audited; no file: nothing is'))
    .addOption(new Option('--audit-log-path <file>', 'where audit events go as JSON lines; "-" is standard output; no path: nothing is audited'))
    .addOption(new Option('--audit-log-maxage <days>', 'days to keep rotated audit logs; 0: no limit by age').default(0).argParser(integer('--audit-log-maxage', 0, 1_000_000)))
    .addOption(new Option('--audit-log-maxbackup <count>', 'rotated audit logs to keep; 0: no limit by count').default(0).argParser(integer('--audit-log-maxbackup', 0, 1_000_000)))
    .addOption(new Option('--audit-log-maxsize <megabytes>', 'size at which the audit log is rotated; 0: 100 (lumberjack\'s default, as kube)').default(0).argParser(integer('--audit-log-maxsize', 0, 1_000_000)))
    .addOption(new Option('--max-requests-inflight <n>', 'the most non-mutating requests (get, list) served at once, a LIST counting one per 100 objects it reads (up to 10); more are refused with 429; 0: no limit').default(400).argParser(integer('--max-requests-inflight', 0, 1_000_000)))
    .addOption(new Option('--max-mutating-requests-inflight <n>', 'the most mutating requests served at once; more are refused with 429; 0: no limit').default(200).argParser(integer('--max-mutating-requests-inflight', 0, 1_000_000)))
    .addOption(new Option('--request-timeout <duration>', 'how long a request other than a watch, proxy or exec may take before it is answered with 504; a request\'s ?timeout= may shorten it; 0: no limit').default(60_000, '1m0s').argParser(duration))
    .addOption(new Option('--min-request-timeout <seconds>', 'a watch without timeoutSeconds lasts a random time between this and twice this').default(1800).argParser(integer('--min-request-timeout', 0, 1_000_000_000)))
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
  tlsSniCertKey: string[];
  proxyClientCertFile?: string;
  proxyClientKeyFile?: string;
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
  anonymousAuth: boolean;
  enableAggregatorRouting: boolean;
  tokenAuthFile?: string;
  serviceAccountSigningKeyFile?: string;
  serviceAccountKeyFile: string[];
  serviceAccountIssuer?: string[];
  apiAudiences?: string[];
  requestheaderClientCaFile?: string;
  requestheaderAllowedNames?: string[];
  requestheaderUsernameHeaders?: string[];
  requestheaderGroupHeaders?: string[];
  requestheaderExtraHeadersPrefix?: string[];
  auditPolicyFile?: string;
  auditLogPath?: string;
  auditLogMaxage: number;
  auditLogMaxbackup: number;
  auditLogMaxsize: number;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  requestTimeout: number;
  minRequestTimeout: number;
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
  if (Boolean(raw.proxyClientCertFile) !== Boolean(raw.proxyClientKeyFile)) {
    throw new OptionsError('--proxy-client-cert-file and --proxy-client-key-file must be given together');
  }
  const sni = raw.tlsSniCertKey.map((v) => {
    try {
      return parseNamedCertKey(v);
    } catch (err) {
      throw new OptionsError((err as Error).message);
    }
  });
  for (const [flag, file] of [
    ['--tls-cert-file', raw.tlsCertFile],
    ['--tls-private-key-file', raw.tlsPrivateKeyFile],
    ['--client-ca-file', raw.clientCaFile],
    ['--proxy-client-cert-file', raw.proxyClientCertFile],
    ['--proxy-client-key-file', raw.proxyClientKeyFile],
    ...sni.flatMap((n) => [['--tls-sni-cert-key', n.certFile] as const, ['--tls-sni-cert-key', n.keyFile] as const]),
    ['--etcd-cafile', raw.etcdCafile],
    ['--etcd-certfile', raw.etcdCertfile],
    ['--etcd-keyfile', raw.etcdKeyfile],
    ['--token-auth-file', raw.tokenAuthFile],
    ['--service-account-signing-key-file', raw.serviceAccountSigningKeyFile],
    ['--requestheader-client-ca-file', raw.requestheaderClientCaFile],
    ...raw.serviceAccountKeyFile.map((f) => ['--service-account-key-file', f] as const),
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
    tlsSNICertKeys: sni.map((n) => ({ ...n, certFile: resolve(n.certFile), keyFile: resolve(n.keyFile) })),
    proxyClientCertFile: raw.proxyClientCertFile && resolve(raw.proxyClientCertFile),
    proxyClientKeyFile: raw.proxyClientKeyFile && resolve(raw.proxyClientKeyFile),
    enableAggregatorRouting: raw.enableAggregatorRouting,
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
    authentication: authenticationFlags(raw),
    authorizationModes: validateAuthorizationModes(raw.authorizationMode),
    audit: auditFlags(raw),
    maxRequestsInflight: raw.maxRequestsInflight,
    maxMutatingRequestsInflight: raw.maxMutatingRequestsInflight,
    requestTimeoutMs: raw.requestTimeout,
    minRequestTimeoutSeconds: raw.minRequestTimeout,
  };
}

/** kube audits only with both a policy and a backend; a bad policy file stops the start. */
function auditFlags(raw: RawOptions): AuditFlags | undefined {
  let policy: LoadedPolicy | undefined;
  if (raw.auditPolicyFile) {
    try {
      policy = loadPolicyFile(resolve(raw.auditPolicyFile));
    } catch (err) {
      if (err instanceof PolicyError) throw new OptionsError(`--audit-policy-file: ${err.message}`);
      throw err;
    }
  }
  if (!policy || !raw.auditLogPath) return undefined;
  return {
    policy,
    logPath: raw.auditLogPath === '-' ? '-' : resolve(raw.auditLogPath),
    maxAgeDays: raw.auditLogMaxage,
    maxBackups: raw.auditLogMaxbackup,
    maxSizeMB: raw.auditLogMaxsize,
  };
}

function authenticationFlags(raw: RawOptions): AuthenticationFlags {
  const issuers = raw.serviceAccountIssuer?.length ? raw.serviceAccountIssuer : ['https://kubernetes.default.svc'];
  for (const issuer of issuers) {
    // kube: a URL (then https) or a plain string without a colon.
    if (issuer.includes(':') && !/^https:\/\/[^/]/.test(issuer)) throw new OptionsError(`--service-account-issuer: ${JSON.stringify(issuer)} contained a ':' but was not a valid URL`);
  }
  return {
    anonymousAuth: raw.anonymousAuth,
    tokenAuthFile: raw.tokenAuthFile && resolve(raw.tokenAuthFile),
    serviceAccountSigningKeyFile: raw.serviceAccountSigningKeyFile && resolve(raw.serviceAccountSigningKeyFile),
    serviceAccountKeyFiles: raw.serviceAccountKeyFile.map((f) => resolve(f)),
    serviceAccountIssuers: issuers,
    apiAudiences: raw.apiAudiences?.length ? raw.apiAudiences : issuers,
    requestHeaderClientCAFile: raw.requestheaderClientCaFile && resolve(raw.requestheaderClientCaFile),
    requestHeaderAllowedNames: raw.requestheaderAllowedNames,
    requestHeaderUsernameHeaders: raw.requestheaderUsernameHeaders?.length ? raw.requestheaderUsernameHeaders : ['X-Remote-User'],
    requestHeaderGroupHeaders: raw.requestheaderGroupHeaders?.length ? raw.requestheaderGroupHeaders : ['X-Remote-Group'],
    requestHeaderExtraHeadersPrefix: raw.requestheaderExtraHeadersPrefix?.length ? raw.requestheaderExtraHeadersPrefix : ['X-Remote-Extra-'],
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
