/**
 * A throwaway etcd cluster for tests (default 3 members): Debian's etcd on
 * free 127.0.0.1 client and peer ports, each member's data in its own temp
 * folder. A member can be killed by pid (SIGKILL: a crash) while the others
 * keep quorum; stop() ends every member still running and removes the data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ETCD_BINARY, freePort } from './etcd.js';

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export interface EtcdClusterMember {
  readonly name: string;
  /** The client URL, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly pid: number;
  /** True until the process has exited. */
  readonly running: boolean;
  /** Sends a signal (default SIGKILL) by pid and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface EtcdCluster {
  readonly members: readonly EtcdClusterMember[];
  /** Every member's client URL, comma-separated as --etcd-servers takes them. */
  readonly endpoints: string;
  /** Ends every member still running (SIGTERM, then SIGKILL) and removes the data. Final. */
  stop(): Promise<void>;
}

export async function startEtcdCluster(size = 3): Promise<EtcdCluster> {
  if (!existsSync(ETCD_BINARY)) {
    throw new Error(`etcd binary not found at ${ETCD_BINARY}: run \`apt-get install -y etcd-server etcd-client\` (or set ETCD_BINARY)`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-etcd-cluster-'));
  const ports = new Set<number>();
  const port = async () => {
    let p = await freePort();
    while (ports.has(p)) p = await freePort();
    ports.add(p);
    return p;
  };
  const token = `frontdoor-test-${process.pid}-${Date.now()}`;
  const specs: { name: string; endpoint: string; peerUrl: string }[] = [];
  for (let i = 0; i < size; i++) {
    specs.push({ name: `m${i}`, endpoint: `http://127.0.0.1:${await port()}`, peerUrl: `http://127.0.0.1:${await port()}` });
  }
  const initialCluster = specs.map((s) => `${s.name}=${s.peerUrl}`).join(',');

  const children: ChildProcess[] = [];
  const outputs: string[] = specs.map(() => '');
  const terminate = async (proc: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    process.kill(proc.pid!, signal);
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    if (timer) clearTimeout(timer);
  };
  const stopAll = async () => {
    await Promise.all(children.map((c) => terminate(c, 'SIGTERM')));
    await rm(dataDir, { recursive: true, force: true });
  };

  specs.forEach((s, i) => {
    const proc = spawn(
      ETCD_BINARY,
      [
        '--name', s.name,
        '--data-dir', join(dataDir, s.name),
        '--listen-client-urls', s.endpoint,
        '--advertise-client-urls', s.endpoint,
        '--listen-peer-urls', s.peerUrl,
        '--initial-advertise-peer-urls', s.peerUrl,
        '--initial-cluster', initialCluster,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', token,
        '--quota-backend-bytes', String(256 * 1024 * 1024),
        '--max-request-bytes', String(3 * 1024 * 1024),
        '--log-level', 'error',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      outputs[i] = (outputs[i]! + chunk.toString()).slice(-4000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    children.push(proc);
  });

  // Members elect a leader once a quorum has met: /health says true on each only then.
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (const [i, s] of specs.entries()) {
      for (;;) {
        const proc = children[i]!;
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`etcd member ${s.name} exited (${proc.exitCode ?? proc.signalCode}):\n${outputs[i]}`);
        if (await healthy(s.endpoint)) break;
        if (Date.now() > deadline) throw new Error(`etcd member ${s.name} not healthy within ${READY_TIMEOUT_MS} ms:\n${outputs[i]}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  const members: EtcdClusterMember[] = specs.map((s, i) => {
    const proc = children[i]!;
    return {
      name: s.name,
      endpoint: s.endpoint,
      pid: proc.pid!,
      get running() {
        return proc.exitCode === null && proc.signalCode === null;
      },
      kill: (signal: NodeJS.Signals = 'SIGKILL') => terminate(proc, signal),
    };
  });
  return { members, endpoints: specs.map((s) => s.endpoint).join(','), stop: stopAll };
}

/** GET /health answers {"health":"true"} once the member serves with a leader. */
function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(`${endpoint}/health`, { timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
