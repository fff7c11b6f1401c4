/**
 * The leader election state machine on a FakeClock over an in-memory lock
 * (acquire, renew, the renew deadline, observed-time expiry, release), then
 * two electors on a real SQLite-backed leases Store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isConflict } from '../../src/apimachinery/status-error.js';
import { leases as leasesDef } from '../../src/apis/coordination/v1/leases.js';
import { FakeClock } from '../../src/controller/clock.js';
import { LeaderControllers } from '../../src/controller/leaderelection/leader-controllers.js';
import { LeaderElector, type LeaderElectionConfig } from '../../src/controller/leaderelection/leader-elector.js';
import { LeaseLock, microTime, newHolderIdentity } from '../../src/controller/leaderelection/lease-lock.js';
import type { LeaderElectionRecord, ObservedRecord, ResourceLock } from '../../src/controller/leaderelection/resource-lock.js';
import type { ResourceDefinition } from '../../src/registry/resource-definition.js';
import { Store } from '../../src/registry/store.js';
import { Cacher } from '../../src/storage/cacher/index.js';
import { Etcd3Storage } from '../../src/storage/etcd3/etcd3-storage.js';
import { startEtcd, startTcpProxy, type EtcdServer } from '../helpers/etcd.js';
import { capturingLogger, sqliteLeasesStore, waitForReal } from './helpers.js';

/** A lock in memory whose calls can be made to fail or to hang, as an unreachable store would. */
class MemoryLock implements ResourceLock {
  stored: { record: LeaderElectionRecord; rv: number } | undefined;
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  private rv = 0;

  describe(): string {
    return 'kube-system/test';
  }
  async get(): Promise<ObservedRecord | undefined> {
    await this.gate();
    return this.stored && this.observed();
  }
  async create(record: LeaderElectionRecord): Promise<ObservedRecord> {
    await this.gate();
    if (this.stored) throw new Error('already exists');
    this.stored = { record: structuredClone(record), rv: ++this.rv };
    return this.observed();
  }
  async update(record: LeaderElectionRecord, resourceVersion: string): Promise<ObservedRecord> {
    await this.gate();
    if (!this.stored || String(this.stored.rv) !== resourceVersion) throw new Error('conflict');
    this.stored = { record: structuredClone(record), rv: ++this.rv };
    return this.observed();
  }
  /** Someone else writes the record (no resourceVersion check). */
  write(record: LeaderElectionRecord): void {
    this.stored = { record: structuredClone(record), rv: ++this.rv };
  }
  private observed(): ObservedRecord {
    const r = this.stored!.record;
    return { record: structuredClone(r), raw: JSON.stringify(r), resourceVersion: String(this.stored!.rv) };
  }
  private gate(): Promise<void> {
    if (this.mode === 'hang') return new Promise(() => undefined);
    if (this.mode === 'fail') return Promise.reject(new Error('storage unavailable'));
    return Promise.resolve();
  }
}

/** Lets every pending promise callback run (the lock answers on the microtask queue). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

/** Moves fake time forward in small steps, letting async work run between them. */
async function advance(clock: FakeClock, ms: number, step = 100): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.step(Math.min(step, ms - done));
    await settle();
  }
}

interface Harness {
  elector: LeaderElector;
  terms: AbortSignal[];
  stop: AbortController;
  done: Promise<void>;
}

function start(lock: ResourceLock, clock: FakeClock, identity: string, extra: Partial<LeaderElectionConfig> = {}): Harness {
  const terms: AbortSignal[] = [];
  const elector = new LeaderElector({
    lock,
    identity,
    clock,
    // Wall time far from the fake clock: expiry must never be judged by it.
    now: () => new Date(Date.UTC(2030, 0, 1) + clock.now()),
    random: () => 0,
    callbacks: { onStartedLeading: (signal) => terms.push(signal) },
    ...extra,
  });
  const stop = new AbortController();
  return { elector, terms, stop, done: elector.run(stop.signal) };
}

describe('LeaderElector (fake clock, lock in memory)', () => {
  it('creates the lease when there is none and leads with kube\'s record', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const a = start(lock, clock, 'a');
    await settle();
    assert.equal(a.elector.isLeader(), true);
    assert.equal(a.terms.length, 1);
    assert.equal(a.terms[0]!.aborted, false);
    const r = lock.stored!.record;
    assert.equal(r.holderIdentity, 'a');
    assert.equal(r.leaseDurationSeconds, 15);
    assert.equal(r.leaderTransitions, 0);
    assert.ok(r.acquireTime && r.renewTime);
    // Renewals keep acquireTime and move renewTime.
    const acquired = r.acquireTime!.getTime();
    await advance(clock, 4_100);
    assert.equal(lock.stored!.record.acquireTime!.getTime(), acquired);
    assert.ok(lock.stored!.record.renewTime!.getTime() > acquired);
    a.stop.abort();
    await a.done;
  });

  it('a follower waits a full lease duration from when IT saw the record change, whatever the record\'s times say', async () => {
    const clock = new FakeClock(1_000_000);
    const lock = new MemoryLock();
    // Renewed "long ago" by wall time: a clock-comparing follower would take it at once.
    lock.write({ holderIdentity: 'x', leaseDurationSeconds: 15, acquireTime: new Date(0), renewTime: new Date(0), leaderTransitions: 3 });
    const b = start(lock, clock, 'b');
    await settle();
    assert.equal(b.elector.isLeader(), false);
    assert.equal(b.elector.getLeader(), 'x');
    await advance(clock, 14_000);
    assert.equal(b.elector.isLeader(), false, 'taken before the lease expired as observed');
    await advance(clock, 6_000);
    assert.equal(b.elector.isLeader(), true);
    assert.equal(lock.stored!.record.holderIdentity, 'b');
    assert.equal(lock.stored!.record.leaderTransitions, 4);
    b.stop.abort();
    await b.done;
  });

  it('a follower never takes a lease its holder keeps renewing', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const renew = () => lock.write({ holderIdentity: 'x', leaseDurationSeconds: 15, acquireTime: new Date(0), renewTime: new Date(clock.now()), leaderTransitions: 0 });
    renew();
    const b = start(lock, clock, 'b');
    for (let i = 0; i < 12; i++) {
      await advance(clock, 5_000);
      renew();
    }
    assert.equal(b.elector.isLeader(), false);
    assert.equal(lock.stored!.record.holderIdentity, 'x');
    b.stop.abort();
    await b.done;
  });

  it('a leader whose store hangs stops leading at the renew deadline, before its lease could expire for others', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const log = capturingLogger();
    const a = start(lock, clock, 'a', { logger: log });
    await settle();
    assert.equal(a.elector.isLeader(), true);
    const lastRenew = clock.now();
    lock.mode = 'hang';
    // The next round starts one retry period later; its deadline is 10 s after that.
    await advance(clock, 2_000 + 9_900);
    assert.equal(a.terms[0]!.aborted, false);
    await advance(clock, 200);
    assert.equal(a.terms[0]!.aborted, true, 'still leading past the renew deadline');
    assert.equal(a.elector.isLeader(), false);
    assert.ok(clock.now() - lastRenew < 15_000);
    assert.ok(log.entries.some((e) => e.message === 'failed to renew lease within the renew deadline'));
    a.stop.abort();
    await settle();
  });

  it('a storage call that never answers does not block the attempts after it', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    lock.mode = 'hang';
    const a = start(lock, clock, 'a', { logger: capturingLogger() });
    await advance(clock, 3_000);
    lock.mode = 'ok';
    assert.equal(a.elector.isLeader(), false);
    await advance(clock, 15_000);
    assert.equal(a.elector.isLeader(), true);
    a.stop.abort();
    await a.done;
  });

  it('a leader whose store fails keeps retrying within the deadline and leads on when it recovers in time', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const a = start(lock, clock, 'a', { logger: capturingLogger() });
    await settle();
    lock.mode = 'fail';
    await advance(clock, 8_000);
    lock.mode = 'ok';
    await advance(clock, 10_000);
    assert.equal(a.terms.length, 1);
    assert.equal(a.terms[0]!.aborted, false);
    a.stop.abort();
    await a.done;
  });

  it('a leader that sees another holder stops at once; it leads again once that lease expires', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const a = start(lock, clock, 'a', { logger: capturingLogger() });
    await settle();
    lock.write({ holderIdentity: 'y', leaseDurationSeconds: 15, acquireTime: new Date(0), renewTime: new Date(0), leaderTransitions: 1 });
    await advance(clock, 2_100);
    assert.equal(a.terms[0]!.aborted, true);
    assert.equal(a.elector.getLeader(), 'y');
    await advance(clock, 20_000);
    assert.equal(a.terms.length, 2);
    assert.equal(a.elector.isLeader(), true);
    assert.equal(lock.stored!.record.leaderTransitions, 2);
    a.stop.abort();
    await a.done;
  });

  it('stopping releases the lease (holder "", 1 s) and a follower takes it at its next attempt', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLock();
    const a = start(lock, clock, 'a');
    await settle();
    const b = start(lock, clock, 'b');
    await advance(clock, 3_000);
    assert.equal(b.elector.isLeader(), false);
    a.stop.abort();
    await a.done;
    assert.equal(a.terms[0]!.aborted, true);
    assert.equal(lock.stored!.record.holderIdentity, '');
    assert.equal(lock.stored!.record.leaseDurationSeconds, 1);
    await advance(clock, 4_500);
    assert.equal(b.elector.isLeader(), true);
    assert.equal(lock.stored!.record.leaderTransitions, 1);
    b.stop.abort();
    await b.done;
  });

  it('refuses kube\'s invalid timings', () => {
    const base = { lock: new MemoryLock(), identity: 'a', callbacks: { onStartedLeading: () => undefined } };
    assert.throws(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }), /leaseDuration/);
    assert.throws(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }), /renewDeadline/);
    assert.throws(() => new LeaderElector({ ...base, identity: '' }), /identity/);
  });
});

describe('LeaderControllers', () => {
  it('starts every controller per term with the term\'s signal, and one added mid-term at once', async () => {
    const seen: string[] = [];
    const signals: AbortSignal[] = [];
    const lc = new LeaderControllers(capturingLogger());
    lc.add('one', (s) => {
      seen.push('one');
      signals.push(s);
    });
    const term1 = new AbortController();
    lc.startAll(term1.signal);
    lc.add('two', () => void seen.push('two'));
    await settle();
    assert.deepEqual(seen, ['one', 'two']);
    term1.abort();
    assert.equal(signals[0]!.aborted, true);
    lc.startAll(new AbortController().signal);
    await settle();
    assert.deepEqual(seen, ['one', 'two', 'one', 'two']);
    assert.throws(() => lc.add('one', () => undefined), /twice/);
  });

  it('lets a term\'s many controllers listen on its signal without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const lc = new LeaderControllers(capturingLogger());
      for (let i = 0; i < 20; i++) lc.add(`c${i}`, (signal) => signal.addEventListener('abort', () => undefined));
      const term = new AbortController();
      lc.startAll(term.signal);
      await settle();
      // Node emits process warnings on the next tick.
      await new Promise((r) => setImmediate(r));
      term.abort();
      assert.deepEqual(warnings.map((w) => w.name), []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('LeaseLock and two electors on a real leases Store (SQLite)', () => {
  let leases: Store;
  let close: () => Promise<void>;

  before(async () => {
    ({ leases, close } = await sqliteLeasesStore('frontdoor-leader-'));
  });
  after(() => close());

  it('writes kube\'s Lease fields, MicroTime included, and refuses a stale resourceVersion', async () => {
    const lock = new LeaseLock(leases, 'kube-system', 'lock-test');
    assert.equal(await lock.get(), undefined);
    const t = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const created = await lock.create({ holderIdentity: 'h_1', leaseDurationSeconds: 15, acquireTime: t, renewTime: t, leaderTransitions: 0 });
    const lease = await leases.get('kube-system', 'lock-test');
    assert.deepEqual(lease.spec, {
      holderIdentity: 'h_1',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-02T03:04:05.678000Z',
      renewTime: '2026-01-02T03:04:05.678000Z',
      leaseTransitions: 0,
    });
    assert.equal(microTime(t), '2026-01-02T03:04:05.678000Z');
    const updated = await lock.update({ ...created.record, renewTime: new Date(t.getTime() + 1000) }, created.resourceVersion);
    assert.notEqual(updated.resourceVersion, created.resourceVersion);
    assert.notEqual(updated.raw, created.raw);
    await assert.rejects(lock.update({ ...created.record, holderIdentity: 'h_2' }, created.resourceVersion), (err) => isConflict(err));
    assert.equal((await lock.get())!.record.holderIdentity, 'h_1');
  });

  it('one of two electors leads; when it stops the other takes over, counting the transition', async () => {
    const ids = [newHolderIdentity('host'), newHolderIdentity('host')];
    assert.match(ids[0]!, /^host_[0-9a-f-]{36}$/);
    assert.notEqual(ids[0], ids[1]);
    const running = ids.map((identity) => {
      const terms: AbortSignal[] = [];
      const elector = new LeaderElector({
        lock: new LeaseLock(leases, 'kube-system', 'two-electors'),
        identity,
        // Short, so the handover is quick; the semantics are the defaults'.
        leaseDurationMs: 3_000,
        renewDeadlineMs: 2_000,
        retryPeriodMs: 200,
        callbacks: { onStartedLeading: (s) => terms.push(s) },
      });
      const stop = new AbortController();
      return { identity, elector, terms, stop, done: elector.run(stop.signal) };
    });
    await waitForReal('a leader', () => running.some((r) => r.elector.isLeader()), 1_000);
    const [leader, follower] = running[0]!.elector.isLeader() ? running : [running[1]!, running[0]!];
    await waitForReal('the follower to observe the leader', () => follower!.elector.getLeader() === leader!.identity, 1_000);
    assert.equal(follower!.elector.isLeader(), false);
    const before = (await leases.get('kube-system', 'two-electors')).spec as { holderIdentity: string; leaseTransitions: number };
    assert.equal(before.holderIdentity, leader!.identity);
    leader!.stop.abort();
    await leader!.done;
    assert.equal(leader!.terms[0]!.aborted, true);
    await waitForReal('the follower to take over', () => follower!.elector.isLeader(), 1_000);
    const afterSpec = (await leases.get('kube-system', 'two-electors')).spec as { holderIdentity: string; leaseTransitions: number };
    assert.equal(afterSpec.holderIdentity, follower!.identity);
    assert.equal(afterSpec.leaseTransitions, before.leaseTransitions + 1);
    follower!.stop.abort();
    await follower!.done;
    assert.equal(((await leases.get('kube-system', 'two-electors')).spec as { holderIdentity: string }).holderIdentity, '');
  });
});

describe('a leader cut off from etcd (real etcd behind a relay)', () => {
  let etcd: EtcdServer;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });

  it('stops its controllers once it cannot renew, and the other replica takes over after the lease expires', async (t) => {
    const prefix = `/leader-cutoff-${Date.now()}`;
    const proxy = await startTcpProxy(etcd.endpoint);
    t.after(() => proxy.close());
    const storages = await Promise.all([proxy.endpoint, etcd.endpoint].map((e) => Etcd3Storage.connect({ endpoints: [e], prefix, requestTimeoutMs: 1_000 })));
    const cachers = storages.map((storage) => new Cacher({ storage, resourcePrefix: '/coordination.k8s.io/leases' }));
    t.after(async () => {
      await Promise.all(cachers.map((c) => c.stop()));
      await Promise.all(storages.map((st) => st.close()));
    });
    await Promise.all(cachers.map((c) => c.start()));
    const elect = (cacher: Cacher, identity: string) => {
      const terms: AbortSignal[] = [];
      const elector = new LeaderElector({
        lock: new LeaseLock(new Store(leasesDef as unknown as ResourceDefinition, cacher), 'kube-system', 'cutoff'),
        identity,
        // Short, so the test is quick; the semantics are the defaults'.
        leaseDurationMs: 3_000,
        renewDeadlineMs: 2_000,
        retryPeriodMs: 250,
        callbacks: { onStartedLeading: (sig) => terms.push(sig) },
        logger: capturingLogger(),
      });
      const stop = new AbortController();
      const running = { elector, terms, stop, done: elector.run(stop.signal) };
      t.after(async () => {
        stop.abort();
        await running.done;
      });
      return running;
    };
    // The replica behind the relay leads first; the other (straight to etcd) follows.
    const cut = elect(cachers[0]!, 'replica-0');
    await waitForReal('the relayed replica to lead', () => cut.elector.isLeader(), 1_000);
    const other = elect(cachers[1]!, 'replica-1');
    await waitForReal('the other replica to see the leader', () => other.elector.getLeader() === 'replica-0', 1_000);
    proxy.pause();
    await waitForReal('the cut-off leader to stop its controllers', () => cut.terms[0]!.aborted, 1_000);
    assert.equal(cut.elector.isLeader(), false);
    await waitForReal('the other replica to take over', () => other.elector.isLeader(), 1_000);
    assert.equal(other.terms.length, 1);
    proxy.resume();
  });
});
