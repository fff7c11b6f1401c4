/**
 * The etcd3 backend across an etcd outage: requests fail with UnavailableError
 * instead of hanging, work again by themselves when etcd is back, and a watch
 * either gets every event it missed or an ERROR with ExpiredError, never a gap.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { isExpired, isUnavailable } from '../../src/storage/errors.js';
import type { StoredObject, WatchEvent, Watcher } from '../../src/storage/interfaces.js';
import { Etcd3Storage } from '../../src/storage/etcd3/etcd3-storage.js';
import { ETCDCTL_BINARY, startEtcd, startTcpProxy, type EtcdServer } from '../helpers/etcd.js';

const REQUEST_TIMEOUT_MS = 2_000;
/** Generous bounds for waiting on conditions; tests never assert on time. */
const WAIT_MS = 20_000;

let etcd: EtcdServer;

before(async () => {
  etcd = await startEtcd();
});

after(async () => {
  await etcd?.stop();
});

const pod = (name: string, extra: Record<string, unknown> = {}): StoredObject => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  ...extra,
});

const rv = (obj: StoredObject): number => Number(obj.metadata?.resourceVersion);

/** Drains a watcher into an array in the background. */
function collect(watcher: Watcher): { events: WatchEvent[]; ended: Promise<void> } {
  const events: WatchEvent[] = [];
  const ended = (async () => {
    for await (const event of watcher) events.push(event);
  })();
  return { events, ended };
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Resolves once a request gets through again. */
async function waitUntilServing(storage: Etcd3Storage): Promise<void> {
  await waitFor('etcd to serve again', () => storage.check().then(() => true, () => false));
}

describe('etcd3 storage across an etcd outage', () => {
  it('fails fast while etcd is down, recovers by itself, and watches miss nothing', async (t) => {
    const storage = await Etcd3Storage.connect({ endpoints: [etcd.endpoint], requestTimeoutMs: REQUEST_TIMEOUT_MS });
    t.after(() => storage.close());
    // A second watcher reaches etcd through a relay that stays cut until the writes after the
    // restart are done, so that it must fetch events it missed, whichever reconnects first.
    const proxy = await startTcpProxy(etcd.endpoint);
    t.after(() => proxy.close());
    const behind = await Etcd3Storage.connect({ endpoints: [proxy.endpoint], requestTimeoutMs: REQUEST_TIMEOUT_MS });
    t.after(() => behind.close());

    const start = await storage.currentRevision();
    const direct = storage.watch('/pods', { recursive: true, revision: start });
    const late = behind.watch('/pods', { recursive: true, revision: start });
    t.after(() => {
      direct.stop();
      late.stop();
    });
    const seen = [collect(direct).events, collect(late).events];

    const written: Array<{ type: string; name: string; revision: number }> = [];
    const a = await storage.create('/pods/default/a', pod('a'));
    written.push({ type: 'ADDED', name: 'a', revision: rv(a) });
    const b = await storage.create('/pods/default/b', pod('b'));
    written.push({ type: 'ADDED', name: 'b', revision: rv(b) });
    await waitFor('the events before the outage', () => seen.every((events) => events.length === 2));

    proxy.pause();
    await etcd.kill('SIGTERM');
    await assert.rejects(storage.get('/pods/default/a'), isUnavailable);
    await assert.rejects(storage.list('/pods'), isUnavailable);
    await assert.rejects(storage.create('/pods/default/c', pod('c')), isUnavailable);
    await assert.rejects(storage.check(), isUnavailable);

    await etcd.restart();
    await waitUntilServing(storage);
    const c = await storage.create('/pods/default/c', pod('c'));
    written.push({ type: 'ADDED', name: 'c', revision: rv(c) });
    const a2 = await storage.guaranteedUpdate('/pods/default/a', (cur) => ({ ...cur, v: 2 }));
    written.push({ type: 'MODIFIED', name: 'a', revision: rv(a2) });
    const gone = await storage.delete('/pods/default/b');
    written.push({ type: 'DELETED', name: 'b', revision: rv(gone) });
    proxy.resume();

    for (const events of seen) {
      await waitFor('every event written before and after the outage', () => events.length >= written.length);
      assert.deepEqual(
        events.map((e) => ({ type: e.type, name: e.object.metadata?.name, revision: e.revision })),
        written,
      );
    }
  });

  it('etcdctl lists the keys the backend wrote', { skip: !existsSync(ETCDCTL_BINARY) && 'etcdctl is not installed (apt-get install -y etcd-client)' }, async (t) => {
    const storage = await Etcd3Storage.connect({ endpoints: [etcd.endpoint] });
    t.after(() => storage.close());
    await storage.create('/configmaps/kube-system/ctl', pod('ctl'));
    const { stdout } = await promisify(execFile)(ETCDCTL_BINARY, ['--endpoints', etcd.endpoint, 'get', '--prefix', '/registry', '--keys-only'], {
      env: { ...process.env, ETCDCTL_API: '3' },
    });
    const keys = stdout.split('\n').filter((line) => line !== '');
    assert.ok(keys.includes('/registry/configmaps/kube-system/ctl'), stdout);
    assert.ok(keys.includes('/registry/pods/default/a'), stdout);
  });

  it('a watch that was down across a compaction of its next revision ends with ERROR/Expired', async (t) => {
    // The watcher reaches etcd through a relay, so it stays cut off while another client writes and compacts.
    const proxy = await startTcpProxy(etcd.endpoint);
    t.after(() => proxy.close());
    const watching = await Etcd3Storage.connect({ endpoints: [proxy.endpoint], requestTimeoutMs: REQUEST_TIMEOUT_MS });
    t.after(() => watching.close());
    const writer = await Etcd3Storage.connect({ endpoints: [etcd.endpoint], requestTimeoutMs: REQUEST_TIMEOUT_MS });
    t.after(() => writer.close());

    const start = await writer.currentRevision();
    const watcher = watching.watch('/secrets', { recursive: true, revision: start });
    t.after(() => watcher.stop());
    const { events, ended } = collect(watcher);
    const s1 = await writer.create('/secrets/default/s1', pod('s1'));
    await waitFor('the event before the outage', () => events.length === 1);

    proxy.pause();
    await etcd.kill('SIGTERM');
    await etcd.restart();
    await waitUntilServing(writer);
    await assert.rejects(watching.get('/secrets/default/s1'), isUnavailable);
    await writer.create('/secrets/default/s2', pod('s2'));
    const s3 = await writer.create('/secrets/default/s3', pod('s3'));
    await writer.compact(rv(s3));
    proxy.resume();

    await ended;
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'ERROR']);
    assert.equal(events[0]?.revision, rv(s1));
    assert.ok(isExpired(events[1]?.error), `expected ExpiredError, got ${String(events[1]?.error)}`);
    assert.equal(await watching.compactedRevision(), rv(s3), 'the watch taught the storage the compaction revision');
  });

  it('a hung etcd (SIGSTOP) fails requests at the deadline with UnavailableError instead of hanging', async (t) => {
    const storage = await Etcd3Storage.connect({ endpoints: [etcd.endpoint], requestTimeoutMs: 1000 });
    t.after(() => storage.close());
    await storage.create('/pods/default/frozen', pod('frozen'));
    await etcd.kill('SIGSTOP');
    try {
      await assert.rejects(storage.get('/pods/default/frozen'), isUnavailable);
      await assert.rejects(storage.guaranteedUpdate('/pods/default/frozen', (cur) => ({ ...cur, v: 2 })), isUnavailable);
      await assert.rejects(storage.check(), isUnavailable);
    } finally {
      await etcd.kill('SIGCONT');
    }
    await waitUntilServing(storage);
    assert.equal((await storage.get('/pods/default/frozen')).metadata?.name, 'frozen');
  });
});
