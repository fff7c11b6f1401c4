/**
 * API server identity Leases on a real SQLite-backed leases Store: the ID's
 * shape, the heartbeat (create, label, renew, recreate after a deletion) and
 * the garbage collector's choice of what to delete.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parseLabelSelector } from '../../../src/apimachinery/labels.js';
import { isNotFound } from '../../../src/apimachinery/status-error.js';
import { microTime } from '../../../src/controller/leaderelection/lease-lock.js';
import { LeaseHeartbeat } from '../../../src/controller/lease/heartbeat.js';
import { APIServerLeaseGC, isLeaseExpired } from '../../../src/master/controllers/apiserver-lease-gc.js';
import { apiServerID, IDENTITY_LEASE_LABEL } from '../../../src/master/controllers/apiserver-identity.js';
import type { KubeObject } from '../../../src/registry/object.js';
import type { Store } from '../../../src/registry/store.js';
import { capturingLogger, sqliteLeasesStore } from '../../controller/helpers.js';

const NS = 'kube-system';
const HOUR_MS = 3_600_000;

interface LeaseView extends KubeObject {
  metadata: NonNullable<KubeObject['metadata']>;
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

/** Polls fn (10 ms apart, for up to 20 s of tries) until pred holds; returns the last value either way. */
async function until<T>(fn: () => Promise<T>, pred: (v: T) => boolean): Promise<T> {
  let v = await fn();
  for (let i = 0; i < 2000 && !pred(v); i++) {
    await new Promise((r) => setTimeout(r, 10));
    v = await fn();
  }
  return v;
}

describe('apiServerID', () => {
  it('is apiserver- and 26 base32 characters, stable for a host and address, distinct across either', () => {
    const a = apiServerID('node-1', '127.0.0.1:6443');
    assert.match(a, /^apiserver-[a-z2-7]{26}$/);
    assert.equal(apiServerID('node-1', '127.0.0.1:6443'), a);
    assert.notEqual(apiServerID('node-1', '127.0.0.1:6444'), a);
    assert.notEqual(apiServerID('node-2', '127.0.0.1:6443'), a);
    // Length-prefixed parts: moving a character from one part to the next changes the hash.
    assert.notEqual(apiServerID('node-1x', '27.0.0.1:6443'), apiServerID('node-1', 'x27.0.0.1:6443'));
  });

  it('is the base32 of the first 16 bytes of SHA-256 over the length-prefixed parts', () => {
    const parts = ['h', 'kube-apiserver', 'a:1'].map((p) => Buffer.concat([Buffer.from([0, p.length]), Buffer.from(p)]));
    const hash = createHash('sha256').update(Buffer.concat(parts)).digest().subarray(0, 16);
    // Decoding the ID's base32 gives back the hash (16 bytes: 128 bits in 26 characters, 2 bits of padding).
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const bits = [...apiServerID('h', 'a:1').slice('apiserver-'.length)].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
    const bytes = Buffer.from(Array.from({ length: 16 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2)));
    assert.deepEqual(bytes, hash);
  });
});

describe('identity Leases on a SQLite leases Store', () => {
  let leases: Store;
  let close: () => Promise<void>;

  before(async () => {
    ({ leases, close } = await sqliteLeasesStore('frontdoor-identity-'));
  });
  after(() => close());

  const read = async (name: string): Promise<LeaseView | undefined> => {
    try {
      return (await leases.get(NS, name)) as LeaseView;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const lease = (name: string, spec: Record<string, unknown>, labels?: Record<string, string>) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: NS, ...(labels ? { labels } : {}) },
    spec,
  });

  it('the heartbeat creates its Lease, labels it, renews it, and recreates it after a deletion', async (t) => {
    const logger = capturingLogger();
    const stop = new AbortController();
    t.after(() => stop.abort());
    const heartbeat = new LeaseHeartbeat({
      leases,
      namespace: NS,
      name: 'apiserver-heartbeat',
      holderIdentity: 'apiserver-heartbeat_1',
      leaseDurationSeconds: 3600,
      // Short, so the test is quick; the semantics are kube's.
      renewIntervalMs: 50,
      process: (l) => {
        l.metadata = { ...l.metadata, labels: { [IDENTITY_LEASE_LABEL]: 'kube-apiserver' } };
      },
      logger,
    });
    const running = heartbeat.run(stop.signal);

    const first = await until(() => read('apiserver-heartbeat'), (l) => l !== undefined);
    assert.ok(first, 'the heartbeat created no lease');
    assert.equal(first.spec.holderIdentity, 'apiserver-heartbeat_1');
    assert.equal(first.spec.leaseDurationSeconds, 3600);
    assert.match(first.spec.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.deepEqual(first.metadata.labels, { [IDENTITY_LEASE_LABEL]: 'kube-apiserver' });

    const renewed = await until(() => read('apiserver-heartbeat'), (l) => (l?.spec.renewTime ?? '') > first.spec.renewTime!);
    assert.ok(renewed && renewed.spec.renewTime! > first.spec.renewTime!, 'the renewTime never advanced');
    assert.equal(renewed.metadata.uid, first.metadata.uid);

    // Overwritten by someone else: the next heartbeat's update conflicts, it reads the Lease again and writes its own holder back.
    const { obj: intruded } = await leases.update(NS, 'apiserver-heartbeat', (cur) => ({ ...cur!, spec: { ...(cur!.spec as object), holderIdentity: 'intruder' } }));
    const newer = (l: LeaseView | undefined) => l !== undefined && BigInt(l.metadata.resourceVersion ?? '0') > BigInt(intruded.metadata?.resourceVersion ?? '0');
    const reclaimed = await until(() => read('apiserver-heartbeat'), (l) => newer(l) && l?.spec.holderIdentity === 'apiserver-heartbeat_1');
    assert.ok(newer(reclaimed), 'no write after the intruder\'s');
    assert.equal(reclaimed?.spec.holderIdentity, 'apiserver-heartbeat_1');

    // Deleted by hand (or collected): the next heartbeats find it gone and create it again.
    await leases.delete(NS, 'apiserver-heartbeat');
    const again = await until(() => read('apiserver-heartbeat'), (l) => l !== undefined && l.metadata.uid !== first.metadata.uid);
    assert.ok(again && again.metadata.uid !== first.metadata.uid, 'the deleted lease was not recreated');
    assert.equal(again.spec.holderIdentity, 'apiserver-heartbeat_1');
    stop.abort();
    await running;
    assert.deepEqual(logger.entries.filter((e) => e.level === 'error'), []);
  });

  it('the garbage collector deletes expired identity Leases and only those', async () => {
    const now = new Date();
    const old = microTime(new Date(now.getTime() - 2 * HOUR_MS));
    const identity = { [IDENTITY_LEASE_LABEL]: 'kube-apiserver' };
    await leases.create(NS, lease('gc-expired', { holderIdentity: 'x', leaseDurationSeconds: 3600, renewTime: old }, identity));
    await leases.create(NS, lease('gc-no-renew-time', { holderIdentity: 'x', leaseDurationSeconds: 3600 }, identity));
    await leases.create(NS, lease('gc-fresh', { holderIdentity: 'x', leaseDurationSeconds: 3600, renewTime: microTime(now) }, identity));
    // Expired but not an identity Lease (another component's): never touched.
    await leases.create(NS, lease('gc-other-component', { holderIdentity: 'x', leaseDurationSeconds: 15, renewTime: old }, { [IDENTITY_LEASE_LABEL]: 'other' }));
    await leases.create(NS, lease('gc-unlabelled', { holderIdentity: 'x', leaseDurationSeconds: 15, renewTime: old }));
    const gc = new APIServerLeaseGC({ leases, namespace: NS, selector: parseLabelSelector(`${IDENTITY_LEASE_LABEL}=kube-apiserver`), periodMs: HOUR_MS });
    // The watch cache may lag the writes above: sweep until both expired ones have gone.
    const deleted: string[] = [];
    for (let i = 0; i < 500 && deleted.length < 2; i++) {
      deleted.push(...(await gc.gc()));
      if (deleted.length < 2) await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(deleted.sort(), ['gc-expired', 'gc-no-renew-time']);
    for (const name of ['gc-expired', 'gc-no-renew-time']) assert.equal(await read(name), undefined, name);
    for (const name of ['gc-fresh', 'gc-other-component', 'gc-unlabelled']) assert.ok(await read(name), name);
  });

  it('isLeaseExpired: renewTime + duration in the past, or either missing', () => {
    const at = new Date('2026-01-01T01:00:00Z');
    const l = (spec: Record<string, unknown>) => ({ metadata: { name: 'l' }, spec });
    assert.equal(isLeaseExpired(l({ renewTime: '2026-01-01T00:00:00.000000Z', leaseDurationSeconds: 3599 }), at), true);
    assert.equal(isLeaseExpired(l({ renewTime: '2026-01-01T00:00:00.000000Z', leaseDurationSeconds: 3600 }), at), false);
    assert.equal(isLeaseExpired(l({ leaseDurationSeconds: 3600 }), at), true);
    assert.equal(isLeaseExpired(l({ renewTime: '2026-01-01T00:59:00.000000Z' }), at), true);
  });
});
