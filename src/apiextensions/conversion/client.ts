/**
 * The HTTPS client of one CRD's conversion webhook (kube's webhook
 * ClientManager.HookClient): a keep-alive agent per CRD, the server checked
 * against the caBundle (the system roots when it is empty), `?timeout=30s`
 * on the URL and a 30 s deadline, as kube's rest client sends them. A
 * `service` reference is resolved per call and the certificate checked for
 * `<name>.<namespace>.svc`. No client certificate is presented, as kube
 * presents none: its conversion webhook client's credentials come from
 * NewDefaultAuthenticationInfoResolver("") (webhook_converter.go), an empty
 * kubeconfig, and the resolver wrapper adds only a dialer (the proxy client
 * certificate, --proxy-client-cert-file, is the aggregator's, for
 * APIService backends; kube gives credentials only to a webhook that is the
 * apiserver itself, kubernetes.default.svc:443). Failures are Errors worded
 * as Go's HTTP client words them.
 */
import https from 'node:https';
import type { WebhookClientConfig } from '../customresourcedefinition/types.js';

/** A Service a webhook names, its port defaulted (443). */
export interface WebhookServiceRef {
  namespace: string;
  name: string;
  port: number;
}

/** One address of a Service. */
export interface ServiceEndpoint {
  host: string;
  port: number;
}

/**
 * Where a Service can be reached: every candidate address, or throws with
 * the reason (the chain's assembly gives the aggregator's resolver).
 */
export type ResolveService = (ref: WebhookServiceRef) => ServiceEndpoint[];

export interface WebhookClientOptions {
  clientConfig: WebhookClientConfig;
  resolveService?: ResolveService;
  /** Default 30 s, kube's. */
  timeoutMs?: number;
  /** Largest answer read; default 128 MiB (a list's conversion may be large). */
  maxResponseBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE = 128 * 1024 * 1024;

export class WebhookClient {
  private readonly agent: https.Agent;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  /** The URL kube shows in errors, with its timeout parameter. */
  readonly displayURL: string;

  constructor(private readonly opts: WebhookClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
    const ca = caOf(opts.clientConfig.caBundle);
    this.agent = new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
    this.displayURL = `${this.baseURL()}?timeout=${Math.round(this.timeoutMs / 1000)}s`;
  }

  /** POSTs `body` as JSON; resolves with the decoded 2xx answer, rejects with Go's wording. */
  async post(body: unknown): Promise<unknown> {
    const target = this.target();
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const { status, text } = await this.send(target, payload);
    if (status < 200 || status > 299) throw new Error(statusErrorText(status, text));
    return decodeJSON(text);
  }

  /** Closes the connections once calls under way have had their time (the CRD changed while they ran). */
  close(): void {
    setTimeout(() => this.agent.destroy(), this.timeoutMs).unref();
  }

  private baseURL(): string {
    const cc = this.opts.clientConfig;
    if (cc.url !== undefined) return cc.url;
    const svc = cc.service!;
    return `https://${svc.name}.${svc.namespace}.svc:${svc.port ?? 443}${svc.path ?? ''}`;
  }

  /** Where this call goes: the URL's host, or one of the service's endpoints (kube picks one at random). */
  private target(): { host: string; port: number; path: string; servername?: string } {
    const cc = this.opts.clientConfig;
    const timeout = `timeout=${Math.round(this.timeoutMs / 1000)}s`;
    if (cc.url !== undefined) {
      const u = new URL(cc.url);
      const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
      return { host, port: u.port ? Number(u.port) : 443, path: `${u.pathname}?${timeout}` };
    }
    const svc = cc.service!;
    const ref = { namespace: svc.namespace, name: svc.name, port: svc.port ?? 443 };
    if (!this.opts.resolveService) throw new Error(`Post "${this.displayURL}": no service resolver for service ${svc.namespace}/${svc.name}`);
    let endpoints: ServiceEndpoint[];
    try {
      endpoints = this.opts.resolveService(ref);
    } catch (err) {
      throw new Error(`Post "${this.displayURL}": ${err instanceof Error ? err.message : String(err)}`);
    }
    if (endpoints.length === 0) throw new Error(`Post "${this.displayURL}": service ${svc.namespace}/${svc.name} has no endpoints`);
    const ep = endpoints[Math.floor(Math.random() * endpoints.length)]!;
    return { host: ep.host, port: ep.port, path: `${svc.path || '/'}?${timeout}`, servername: `${svc.name}.${svc.namespace}.svc` };
  }

  private send(target: { host: string; port: number; path: string; servername?: string }, payload: Buffer): Promise<{ status: number; text: string }> {
    const where = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => reject(new Error(`Post "${this.displayURL}": ${goNetErrorText(err, where)}`));
      const req = https.request(
        {
          host: target.host,
          port: target.port,
          path: target.path,
          method: 'POST',
          agent: this.agent,
          ...(target.servername ? { servername: target.servername } : {}),
          headers: { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Content-Length': String(payload.length) },
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > this.maxBytes) {
              req.destroy(new Error(`the answer is larger than ${this.maxBytes} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(payload);
    });
  }
}

/** The caBundle's PEM, or undefined when empty or whitespace (kube treats both as unset). */
function caOf(caBundle: string | undefined): string | undefined {
  if (!caBundle) return undefined;
  const pem = Buffer.from(caBundle, 'base64').toString('utf8');
  return pem.trim() === '' ? undefined : pem;
}

/** The parts of Go's net and tls errors that a reader recognises. */
function goNetErrorText(err: Error, where: string): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'context deadline exceeded';
  if (code === 'ECONNREFUSED') return `dial tcp ${where}: connect: connection refused`;
  if (code === 'ECONNRESET') return `read tcp ${where}: read: connection reset by peer`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `dial tcp: lookup ${where.replace(/:\d+$/, '')}: no such host`;
  if (['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'].includes(code)) {
    return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `tls: failed to verify certificate: x509: ${err.message}`;
  return err.message;
}

/**
 * kube's rest client on a non-2xx answer: a Status's message, or its generic
 * text for the code (newUnstructuredResponseError, abridged).
 */
function statusErrorText(status: number, text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status') {
      const message = (body as { message?: unknown }).message;
      if (typeof message === 'string' && message !== '') return message;
    }
  } catch {
    // Not JSON: the generic text below.
  }
  const trimmed = text.trim();
  switch (status) {
    case 400:
      return 'the server rejected our request for an unknown reason';
    case 401:
      return 'the server has asked for the client to provide credentials';
    case 403:
      return trimmed || 'forbidden';
    case 404:
      return 'the server could not find the requested resource';
    case 409:
      return 'the server reported a conflict';
    case 500:
      return `an error on the server (${JSON.stringify(trimmed || 'unknown')}) has prevented the request from succeeding`;
    case 503:
      return 'the server is currently unable to handle the request';
    case 504:
      return 'the server was unable to return a response in the time allotted, but may still be processing the request';
    default:
      return `the server responded with the status code ${status} but did not return more information`;
  }
}

/** The answer decoded, or kube's decoding error ("couldn't get version/kind; json parse error: …" in Go's words where they are simple). */
function decodeJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const trimmed = text.trim();
    let detail: string;
    if (trimmed === '') detail = 'unexpected end of JSON input';
    else if (!/^[{["\-0-9tfn]/.test(trimmed)) detail = `invalid character '${trimmed[0]}' looking for beginning of value`;
    else detail = err instanceof Error ? err.message : String(err);
    throw new Error(`couldn't get version/kind; json parse error: ${detail}`);
  }
}
