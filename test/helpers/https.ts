import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClientCreds {
  ca: string;
  cert?: string;
  key?: string;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = unknown>(): T;
}

/** Credentials from a data dir's generated PKI: the cluster CA, and the admin client certificate unless `anonymous`. */
export function adminCreds(dataDir: string, opts: { anonymous?: boolean } = {}): ClientCreds {
  const pki = join(dataDir, 'pki');
  const ca = readFileSync(join(pki, 'ca.crt'), 'utf8');
  if (opts.anonymous) return { ca };
  return { ca, cert: readFileSync(join(pki, 'admin.crt'), 'utf8'), key: readFileSync(join(pki, 'admin.key'), 'utf8') };
}

/** One HTTPS request to 127.0.0.1 over real TLS; the server name is checked against the serving cert. */
export function request(
  port: number,
  path: string,
  creds: ClientCreds,
  opts: { method?: string; agent?: https.Agent; headers?: Record<string, string | string[]>; body?: string | Buffer } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        ca: creds.ca,
        cert: creds.cert,
        key: creds.key,
        agent: opts.agent ?? false,
        headers: opts.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Polls until pred holds (bounded), returning the last value. */
export async function eventually<T>(fn: () => Promise<T>, pred: (v: T) => boolean, opts: { tries?: number; intervalMs?: number } = {}): Promise<T> {
  const tries = opts.tries ?? 100;
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await fn();
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
  throw new Error(`condition not met after ${tries} tries; last value: ${JSON.stringify(last)}`);
}
