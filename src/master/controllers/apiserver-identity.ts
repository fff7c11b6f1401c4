/**
 * kube's APIServerIdentity (on by default in 1.32): every API server keeps a
 * Lease in kube-system named for itself and labelled
 * apiserver.kubernetes.io/identity=kube-apiserver, renewed every 10 s with a
 * one-hour duration; the elected replica deletes the ones nobody renews.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { parseLabelSelector } from '../../apimachinery/labels.js';
import { isValidLabelValue } from '../../apimachinery/validation/names.js';
import { runLeaderOnly, type LeaderControllers } from '../../controller/leaderelection/leader-controllers.js';
import { LeaseHeartbeat, type LeaseObject } from '../../controller/lease/heartbeat.js';
import type { Logger } from '../../observability/logger.js';
import type { Store } from '../../registry/store.js';
import type { GenericAPIServer } from '../../server/generic-apiserver.js';
import { APIServerLeaseGC } from './apiserver-lease-gc.js';

export const IDENTITY_LEASE_NAMESPACE = 'kube-system';
/** kube's IdentityLeaseComponentLabelKey and the value kube-apiserver writes. */
export const IDENTITY_LEASE_LABEL = 'apiserver.kubernetes.io/identity';
export const IDENTITY_LEASE_LABEL_VALUE = 'kube-apiserver';
/** kube's IdentityLeaseDurationSeconds, IdentityLeaseRenewIntervalPeriod and IdentityLeaseGCPeriod. */
export const IDENTITY_LEASE_DURATION_SECONDS = 3600;
export const IDENTITY_LEASE_RENEW_INTERVAL_MS = 10_000;
export const IDENTITY_LEASE_GC_PERIOD_MS = 3_600_000;
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** RFC 4648 base32, no padding, lower case (kube lower-cases its StdEncoding). */
function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Each part prefixed by its uint16 byte length (kube's cryptobyte builder), so no two part lists hash alike. */
function lengthPrefixed(parts: string[]): Buffer {
  return Buffer.concat(
    parts.map((p) => {
      const bytes = Buffer.from(p, 'utf8');
      const len = Buffer.alloc(2);
      len.writeUInt16BE(bytes.length);
      return Buffer.concat([len, bytes]);
    }),
  );
}

/**
 * This replica's API server ID, which names its identity Lease:
 * `apiserver-` + the first 16 bytes of a SHA-256, base32. kube hashes the
 * hostname and "kube-apiserver"; frontdoor adds the address it serves on,
 * since several replicas may share a host (tests, one machine): each gets
 * its own Lease, and a replica restarted on the same host and port gets the
 * same one back.
 */
export function apiServerID(host: string, servingAddress: string): string {
  const hash = createHash('sha256').update(lengthPrefixed([host, IDENTITY_LEASE_LABEL_VALUE, servingAddress])).digest();
  return `apiserver-${base32(hash.subarray(0, 16))}`;
}

/** kube's labelAPIServerHeartbeatFunc: the identity label, and the hostname label when it is a valid label value. */
function labelIdentityLease(host: string): (lease: LeaseObject) => void {
  const hostLabel = isValidLabelValue(host).length === 0 ? host : undefined;
  return (lease) => {
    const meta = lease.metadata ?? {};
    const labels = typeof meta.labels === 'object' && meta.labels !== null ? (meta.labels as Record<string, string>) : {};
    lease.metadata = { ...meta, labels: { ...labels, [IDENTITY_LEASE_LABEL]: IDENTITY_LEASE_LABEL_VALUE, ...(hostLabel ? { [HOSTNAME_LABEL]: hostLabel } : {}) } };
  };
}

export interface APIServerIdentityOptions {
  leases: Store;
  leaderControllers?: LeaderControllers;
  /** host:port this replica serves on; read when the hooks run (the port is known only after listen). */
  servingAddress: () => string;
  /** Resolves once kube-system exists (the Lease is created in it). */
  systemNamespaces: () => Promise<void>;
  hostname?: string;
  /** kube's values by default; shorter in tests. */
  renewIntervalMs?: number;
  gcPeriodMs?: number;
  logger: Logger;
}

/**
 * kube's start-kube-apiserver-identity-lease-controller (every replica, its
 * own Lease) and start-kube-apiserver-identity-lease-garbage-collector (here
 * a leader-only controller). Both stop with the server; the Lease is not
 * deleted on shutdown but left to expire, as kube leaves it.
 */
export function addAPIServerIdentityHooks(server: GenericAPIServer, opts: APIServerIdentityOptions): void {
  const host = opts.hostname ?? osHostname();
  const logger = opts.logger;
  server.addPostStartHook('start-kube-apiserver-identity-lease-controller', ({ signal }) => {
    const id = apiServerID(host, opts.servingAddress());
    const heartbeat = new LeaseHeartbeat({
      leases: opts.leases,
      namespace: IDENTITY_LEASE_NAMESPACE,
      name: id,
      holderIdentity: `${id}_${randomUUID()}`,
      leaseDurationSeconds: IDENTITY_LEASE_DURATION_SECONDS,
      renewIntervalMs: opts.renewIntervalMs ?? IDENTITY_LEASE_RENEW_INTERVAL_MS,
      process: labelIdentityLease(host),
      logger,
    });
    logger.info('starting apiserver identity lease controller', { lease: heartbeat.describe(), servingAddress: opts.servingAddress() });
    // In the background, as kube's hook: readiness does not wait for the first write.
    void (async () => {
      // Waits for kube-system; a failure there is logged and reported by its own post-start hook.
      await opts.systemNamespaces().catch(() => undefined);
      await heartbeat.run(signal);
    })().catch((err: unknown) => logger.error('apiserver identity lease controller stopped', { err: err instanceof Error ? err.message : String(err) }));
  });
  server.addPostStartHook('start-kube-apiserver-identity-lease-garbage-collector', ({ signal }) => {
    const gc = new APIServerLeaseGC({
      leases: opts.leases,
      namespace: IDENTITY_LEASE_NAMESPACE,
      selector: parseLabelSelector(`${IDENTITY_LEASE_LABEL}=${IDENTITY_LEASE_LABEL_VALUE}`),
      periodMs: opts.gcPeriodMs ?? IDENTITY_LEASE_GC_PERIOD_MS,
      logger,
    });
    runLeaderOnly(opts.leaderControllers, 'apiserver-lease-gc', signal, (term) => gc.run(term), logger);
  });
}
