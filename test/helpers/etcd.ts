/**
 * A throwaway etcd for tests: Debian's etcd binary on free 127.0.0.1 ports with
 * its data in a fresh temp folder, stopped by pid. One per test file (started in
 * `before`, stopped in `after`); tests isolate themselves with key prefixes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ETCD_BINARY = process.env.ETCD_BINARY ?? '/usr/bin/etcd';
export const ETCDCTL_BINARY = process.env.ETCDCTL_BINARY ?? '/usr/bin/etcdctl';

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface EtcdServer {
  /** The client URL, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** The pid of the running process (changes on restart). */
  readonly pid: number;
  readonly dataDir: string;
  /** Stops the process (SIGTERM, then SIGKILL) and removes the data dir. Final. */
  stop(): Promise<void>;
  /** Stops the process if it runs (keeping the data), then starts it again on the same ports and data dir. */
  restart(): Promise<void>;
  /**
   * Sends a signal (default SIGKILL: a crash) and waits for the exit; the data
   * dir stays for restart(). SIGSTOP and SIGCONT freeze and thaw it instead.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A port nothing listens on now: bind port 0, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

export interface EtcdTLS {
  /** The server's certificate and key (with a SAN for 127.0.0.1). */
  certFile: string;
  keyFile: string;
  /** Clients must present a certificate signed by this CA. */
  clientCAFile: string;
  /** A client certificate the harness uses for its own health checks. */
  clientCertFile: string;
  clientKeyFile: string;
}

export async function startEtcd(opts: { tls?: EtcdTLS } = {}): Promise<EtcdServer> {
  if (!existsSync(ETCD_BINARY)) {
    throw new Error(`etcd binary not found at ${ETCD_BINARY}: run \`apt-get install -y etcd-server etcd-client\` (or set ETCD_BINARY)`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-etcd-'));
  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const name = `frontdoor-test-${process.pid}-${clientPort}`;
  const tls = opts.tls;
  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', name,
    '--data-dir', join(dataDir, 'member-data'),
    '--listen-client-urls', endpoint,
    '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peerUrl,
    '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `${name}=${peerUrl}`,
    '--initial-cluster-state', 'new',
    '--initial-cluster-token', name,
    // Tests write little: a small quota keeps a runaway test from filling the disk.
    '--quota-backend-bytes', String(256 * 1024 * 1024),
    '--log-level', 'error',
    // etcd's default (1.5 MiB) refuses a 1.5 MiB object once the key and JSON are added; the API
    // server accepts request bodies up to 3 MiB, so a member behind it needs at least that much.
    '--max-request-bytes', String(3 * 1024 * 1024),
  ];
  if (tls) {
    args.push('--cert-file', tls.certFile, '--key-file', tls.keyFile, '--trusted-ca-file', tls.clientCAFile, '--client-cert-auth');
  }
  const healthOptions = tls
    ? { ca: await readFile(tls.clientCAFile), cert: await readFile(tls.clientCertFile), key: await readFile(tls.clientKeyFile) }
    : {};

  let child: ChildProcess | undefined;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const proc = spawn(ETCD_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const keep = (chunk: Buffer): void => {
      // Only the tail matters, for the error message if it never becomes ready.
      output = (output + chunk.toString()).slice(-4000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    await waitReady(proc);
  };

  const waitReady = async (proc: ChildProcess): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`etcd exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${output}`);
      }
      if (await healthy()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    await terminate('SIGKILL');
    throw new Error(`etcd did not become healthy within ${READY_TIMEOUT_MS} ms:\n${output}`);
  };

  /** GET /health answers {"health":"true"} once the member serves. */
  const healthy = (): Promise<boolean> =>
    new Promise((resolve) => {
      const req = (tls ? httpsGet : httpGet)(`${endpoint}/health`, { ...healthOptions, timeout: 1000 }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
        res.on('error', () => resolve(false));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    // A frozen member (SIGSTOP) handles SIGTERM only once thawed.
    if (signal !== 'SIGKILL') proc.kill('SIGCONT');
    if (signal !== 'SIGKILL') {
      const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    } else {
      await exited;
    }
  };

  await launch();

  return {
    endpoint,
    dataDir,
    get pid(): number {
      return child?.pid ?? 0;
    },
    async stop() {
      await terminate('SIGTERM');
      await rm(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await terminate('SIGTERM');
      await launch();
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      // SIGSTOP/SIGCONT freeze and thaw it (a hung member); they end nothing, so there is no exit to wait for.
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
        child?.kill(signal);
        // kill() returns before the stop takes effect: one thread takes the signal and then stops
        // the others, which may answer a request meanwhile on a busy machine. Wait until all have.
        if (signal === 'SIGSTOP' && child?.pid) await waitAllThreadsStopped(child.pid);
        return;
      }
      await terminate(signal);
    },
  };
}

/** Polls /proc until every thread of `pid` is in the stopped state (T); bounded. */
async function waitAllThreadsStopped(pid: number): Promise<void> {
  const deadline = Date.now() + STOP_GRACE_MS;
  for (;;) {
    const tasks = await readdir(`/proc/${pid}/task`);
    const states = await Promise.all(
      tasks.map(async (tid) => {
        const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
        // The state is the field after the parenthesised command name; a thread gone meanwhile counts as stopped.
        return stat === '' ? 'T' : (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
      }),
    );
    if (states.every((st) => st === 'T' || st === 't')) return;
    if (Date.now() > deadline) throw new Error(`etcd (pid ${pid}) did not stop after SIGSTOP: thread states ${states.join('')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: use it as an etcd endpoint. */
  readonly endpoint: string;
  /** Drops every connection and refuses new ones until resume(): an outage seen by one client only. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay to `target` (an http://host:port URL) on a free loopback port, so
 * a test can cut one client off from etcd while others keep talking to it.
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const url = new URL(target);
  const sockets = new Set<Socket>();
  let paused = false;
  const server = createServer((client) => {
    if (paused) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(url.port), url.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const dropAll = (): void => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pause() {
      paused = true;
      dropAll();
    },
    resume() {
      paused = false;
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
