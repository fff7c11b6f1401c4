/**
 * Builds the etcd3 client the way this backend needs it: no hidden retries or
 * circuit breaker (a failed call must fail now, as UnavailableError, and the
 * next call must try again at once when etcd is back) beyond going around a
 * member that refuses connections (member-failover.ts), a receive limit large
 * enough for big objects, quick reconnects and keepalives that notice a dead peer.
 */
import { readFile } from 'node:fs/promises';
import { Etcd3, type IOptions } from 'etcd3';
import { memberFailover } from './member-failover.js';

export interface Etcd3ClientOptions {
  /** Client URLs, `http://host:2379` or `https://host:2379`. */
  endpoints: string[];
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type Policy = ReturnType<NonNullable<FaultHandling['host']>>;

/**
 * A policy that runs the call once. The client only ever calls `execute`, and
 * must get a promise back (it attaches `.catch`); cockatiel is not our
 * dependency, so this is the one place its type is satisfied by a cast.
 */
const passThrough = {
  execute: async <T>(fn: (context: { signal: AbortSignal }) => T | Promise<T>): Promise<T> =>
    fn({ signal: new AbortController().signal }),
} as unknown as Policy;

export async function createEtcd3Client(opts: Etcd3ClientOptions): Promise<Etcd3> {
  if (opts.endpoints.length === 0) throw new Error('etcd: at least one endpoint is required');
  const options: IOptions = {
    hosts: opts.endpoints,
    faultHandling: opts.endpoints.length > 1 ? memberFailover(opts.endpoints.length) : { host: () => passThrough, global: passThrough },
    grpcOptions: {
      // A range page or a watch catch-up batch may hold many objects of up to 1.5 MiB (etcd's request limit).
      'grpc.max_receive_message_length': 2 ** 31 - 1,
      // grpc-js otherwise backs off up to 120 s before re-dialling a member that went away.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      // Notice a peer that vanished without closing the connection (kube uses the same 30 s / 10 s).
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
    },
  };
  if (opts.tls && (opts.tls.caFile || opts.tls.certFile || opts.tls.keyFile)) {
    if (!opts.tls.certFile !== !opts.tls.keyFile) {
      throw new Error('etcd: a client certificate needs both certFile and keyFile');
    }
    const [ca, cert, key] = await Promise.all([
      opts.tls.caFile ? readFile(opts.tls.caFile) : undefined,
      opts.tls.certFile ? readFile(opts.tls.certFile) : undefined,
      opts.tls.keyFile ? readFile(opts.tls.keyFile) : undefined,
    ]);
    // grpc-js uses the system roots when rootCertificate is null; the client's type insists on a Buffer.
    options.credentials = { rootCertificate: ca ?? (null as unknown as Buffer), privateKey: key, certChain: cert };
  }
  return new Etcd3(options);
}
