/**
 * The embedding API's start-up: from startServer() to its promise resolving
 * (which is /readyz answering 200 to the admin), with the in-memory store, 20
 * starts in one process as a test file would make them; beside it the physical
 * limit in the same process: a bare node https server with the same
 * certificates, from createServer to the first answer to a client-certificate
 * request. Also what the process-wide PKI cache saves: a PKI generated afresh.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSigningKey } from '../src/auth/serviceaccount/keys.js';
import { startServer, type EmbeddedServer } from '../src/index.js';
import { ensurePKI } from '../src/pki/bootstrap.js';
import { fmt, percentile, printTable } from './table.js';

const STARTS = Number(process.env.BENCH_EMBED_STARTS ?? 20);
const PKI_RUNS = 5;

const sinceMs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

interface Pem {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  clientCA: Buffer;
  adminCert: Buffer;
  adminKey: Buffer;
}

async function pemFrom(pki: string): Promise<Pem> {
  const r = (f: string) => readFile(join(pki, f));
  return {
    cert: await r('apiserver.crt'),
    key: await r('apiserver.key'),
    ca: await r('ca.crt'),
    clientCA: await r('client-ca.crt'),
    adminCert: await r('admin.crt'),
    adminKey: await r('admin.key'),
  };
}

/** The limit: a bare https server created, listening, and answering its first client-certificate request. */
async function bareOnce(pem: Pem): Promise<number> {
  const t0 = process.hrtime.bigint();
  const server = https.createServer({ cert: pem.cert, key: pem.key, ca: pem.clientCA, requestCert: true, rejectUnauthorized: false }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const status = await new Promise<number>((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: '/readyz', servername: 'localhost', agent: false, ca: pem.ca, cert: pem.adminCert, key: pem.adminKey }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
  const ms = sinceMs(t0);
  if (status !== 200) throw new Error(`bare server answered ${status}`);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  return ms;
}

export async function benchEmbed(): Promise<void> {
  // The process's first server generates the PKI that the others copy.
  let t0 = process.hrtime.bigint();
  const first = await startServer({ logLevel: 'error' });
  const firstMs = sinceMs(t0);
  const pem = await pemFrom(join(first.dataDir, 'pki'));
  await first.stop();

  const starts: number[] = [];
  const stops: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    t0 = process.hrtime.bigint();
    const s: EmbeddedServer = await startServer({ logLevel: 'error' });
    starts.push(sinceMs(t0));
    t0 = process.hrtime.bigint();
    await s.stop();
    stops.push(sinceMs(t0));
  }

  const bare: number[] = [];
  for (let i = 0; i < STARTS; i++) bare.push(await bareOnce(pem));

  // What each start would cost without the cache: the PKI and service account key generated afresh.
  const pki: number[] = [];
  for (let i = 0; i < PKI_RUNS; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'frontdoor-bench-pki-'));
    t0 = process.hrtime.bigint();
    await ensurePKI({ certDir: dir, hosts: [] });
    await ensureSigningKey(join(dir, 'sa.key'));
    pki.push(sinceMs(t0));
    await rm(dir, { recursive: true, force: true });
  }

  const b50 = percentile(bare, 50);
  const row = (name: string, xs: number[], limit?: number, aim = '') => [
    name,
    xs.length,
    fmt(percentile(xs, 50)),
    fmt(percentile(xs, 90)),
    limit === undefined ? '' : fmt(limit),
    limit === undefined ? '' : `${fmt(percentile(xs, 50) / limit, 1)}x`,
    aim,
  ];
  printTable(
    `Embedded server (startServer, in-memory store): start to ready, ms, in one process (limit: bare node https server, create + listen + first client-cert request)`,
    ['case', 'n', 'p50', 'p90', 'limit p50', 'ratio', 'aim'],
    [
      row('start to ready (PKI copied from the process cache)', starts, b50, 'p50 <= 300'),
      row('stop (everything released)', stops),
      row('first start in a process (generates the PKI)', [firstMs]),
      row('PKI generated afresh, alone (what the cache saves)', pki),
      row('limit: bare https server to first answer', bare),
    ],
  );
}
