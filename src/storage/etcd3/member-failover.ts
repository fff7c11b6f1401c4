/**
 * Calls that go to the members that answer (kube's clientv3 balances over
 * healthy endpoints). etcd3's pool picks a random member per call; with
 * plain pass-through policies a killed member of three fails a third of all
 * calls for as long as it is down. Instead: a member whose connection is
 * refused is skipped for a moment (unless every member is), and a call that
 * was never sent (no connection) is tried on the next member. Nothing else is
 * retried: a call that reached etcd and failed fails now, as before.
 */
import { GRPCUnavailableError, type IOptions } from 'etcd3';

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type Policy = ReturnType<NonNullable<FaultHandling['host']>>;
type Call<T> = (context: { signal: AbortSignal }) => T | Promise<T>;

/** How long a member that refused a connection is skipped before it is tried again. */
export const SKIP_UNREACHABLE_MS = 2_000;

/** grpc-js's words for a call that found no connection to send on: nothing reached etcd. */
export const neverSent = (err: unknown): boolean =>
  err instanceof Error && /No connection established|ECONNREFUSED|connect ECONN|Failed to connect/.test(err.message);

/**
 * cockatiel is not our dependency: the client only ever calls `execute` and
 * must get a promise back, so a plain object is cast to its policy type here.
 */
const asPolicy = (execute: <T>(fn: Call<T>) => Promise<T>): Policy => ({ execute }) as unknown as Policy;

export function memberFailover(hostCount: number, now: () => number = Date.now): Pick<FaultHandling, 'host' | 'global'> {
  const skipUntil = new Map<string, number>();
  const skipped = (host: string) => (skipUntil.get(host) ?? 0) > now();
  const allSkipped = () => skipUntil.size >= hostCount && [...skipUntil.keys()].every(skipped);
  return {
    host: (host: string) =>
      asPolicy(async (fn) => {
        if (skipped(host) && !allSkipped()) {
          // Not called through: the pool goes on to the next member.
          throw new GRPCUnavailableError(`etcd member ${host} refused a connection moments ago; skipped`);
        }
        try {
          const result = await fn({ signal: new AbortController().signal });
          skipUntil.delete(host);
          return result;
        } catch (err) {
          if (neverSent(err)) skipUntil.set(host, now() + SKIP_UNREACHABLE_MS);
          throw err;
        }
      }),
    // The pool's host order is one shuffle per call: a retry goes to the next member of it.
    global: asPolicy(async (fn) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn({ signal: new AbortController().signal });
        } catch (err) {
          if (attempt >= hostCount || !neverSent(err)) throw err;
        }
      }
    }),
  };
}
