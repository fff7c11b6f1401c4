/**
 * The etcd3 backend against a real etcd (Debian's etcd-server, started on
 * loopback ports): etcd-specific checks, then the shared conformance suite.
 * One etcd serves the whole file; each test gets its own key prefix.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Etcd3 } from 'etcd3';
import forge from 'node-forge';
import { issueCertificate, type CertificateUsage, type Issuer } from '../../src/pki/issue.js';
import { generateRSAKeyPair } from '../../src/pki/keys.js';
import {
  isConflict,
  isExpired,
  isKeyExists,
  isKeyNotFound,
  isTooLargeResourceVersion,
  isUnavailable,
  InvalidObjError,
} from '../../src/storage/errors.js';
import type { StoredObject, WatchEvent, Watcher } from '../../src/storage/interfaces.js';
import { createEtcd3Client } from '../../src/storage/etcd3/client.js';
import { Etcd3Storage } from '../../src/storage/etcd3/etcd3-storage.js';
import { startEtcd, type EtcdServer, type EtcdTLS } from '../helpers/etcd.js';
import { runStorageConformance, type StorageFixture } from './conformance.js';

let etcd: EtcdServer;
let client: Etcd3;

before(async () => {
  etcd = await startEtcd();
  client = await createEtcd3Client({ endpoints: [etcd.endpoint] });
});

after(async () => {
  client?.close();
  await etcd?.stop();
});

/**
 * The conformance fixture: a storage over the shared client in a fresh keyspace.
 * It reads the current revision once, as a server does before serving: a
 * storage that has never talked to etcd has no "now" to start a watch from
 * synchronously (see fromNowStart in etcd3-storage.ts), and the suite opens
 * watches from revision 0 and writes at once.
 */
async function etcdFixture(): Promise<StorageFixture> {
  const storage = freshStorage();
  await storage.currentRevision();
  return { storage, backend: storage, close: () => storage.close() };
}

runStorageConformance('etcd3 storage: conformance', etcdFixture);

/** A storage over the shared client, in a keyspace no other test uses. */
function freshStorage(): Etcd3Storage {
  return new Etcd3Storage(client, { prefix: `/t-${randomUUID()}/registry` });
}

const pod = (name: string, extra: Record<string, unknown> = {}): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  ...extra,
});

const rv = (obj: StoredObject): number => Number(obj.metadata?.resourceVersion);

/** The next `n` events, failing (not hanging) if they do not come. */
async function take(watcher: Watcher, n: number, boundMs = 10_000): Promise<WatchEvent[]> {
  const it = watcher[Symbol.asyncIterator]();
  const out: WatchEvent[] = [];
  const deadline = Date.now() + boundMs;
  while (out.length < n) {
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      it.next(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(left, 0));
      }),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') assert.fail(`expected ${n} watch events, got ${out.length}: ${JSON.stringify(out.map((e) => e.type))}`);
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

describe('etcd3 storage: etcd specifics', () => {
  it('stores JSON without resourceVersion under the prefix, readable raw', async () => {
    const storage = freshStorage();
    const created = await storage.create('/pods/default/web', pod('web'));
    assert.equal(created.metadata?.name, 'web');
    const raw = await client.get(`${storage.prefix}/pods/default/web`).string();
    assert.ok(raw, 'the key is in etcd under the prefix');
    const stored = JSON.parse(raw) as StoredObject;
    assert.equal(stored.metadata?.resourceVersion, undefined);
    assert.equal(stored.metadata?.uid, 'uid-web');
    const kvs = await client.getAll().prefix(`${storage.prefix}/`).keys();
    assert.deepEqual(kvs, [`${storage.prefix}/pods/default/web`]);
    const header = await client.get(`${storage.prefix}/pods/default/web`).exec();
    assert.equal(created.metadata?.resourceVersion, header.kvs[0]?.mod_revision);
  });

  it('defaults the prefix to /registry', async () => {
    const storage = new Etcd3Storage(client);
    const name = `p-${randomUUID()}`;
    await storage.create(`/pods/default/${name}`, pod(name));
    assert.ok(await client.get(`/registry/pods/default/${name}`).string());
    await storage.delete(`/pods/default/${name}`);
  });

  it('refuses a create with a resourceVersion, and a second create', async () => {
    const storage = freshStorage();
    await assert.rejects(
      storage.create('/pods/default/a', { metadata: { name: 'a', resourceVersion: '5' } }),
      (err: unknown) => err instanceof InvalidObjError && /resourceVersion should not be set/.test(err.message),
    );
    await storage.create('/pods/default/a', pod('a'));
    await assert.rejects(storage.create('/pods/default/a', pod('a')), isKeyExists);
  });

  it('guaranteedUpdate retries on conflict until every writer got through', async () => {
    const storage = freshStorage();
    await storage.create('/counters/default/c', { metadata: { name: 'c' }, n: 0 });
    let calls = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        storage.guaranteedUpdate('/counters/default/c', (cur) => {
          calls++;
          return { ...cur, n: (cur.n as number) + 1 };
        }),
      ),
    );
    const final = await storage.get('/counters/default/c');
    assert.equal(final.n, 8);
    assert.ok(calls >= 8);
  });

  it('guaranteedUpdate writes nothing when the result equals the current object', async () => {
    const storage = freshStorage();
    const created = await storage.create('/pods/default/a', pod('a', { spec: { x: 1, y: [1, 2] } }));
    const before = await storage.currentRevision();
    const same = await storage.guaranteedUpdate('/pods/default/a', (cur) => ({ spec: { y: [1, 2], x: 1 }, metadata: cur.metadata, kind: 'Pod', apiVersion: 'v1' }));
    assert.equal(same.metadata?.resourceVersion, created.metadata?.resourceVersion);
    assert.equal(await storage.currentRevision(), before);
  });

  it('names both values when a precondition fails', async () => {
    const storage = freshStorage();
    const created = await storage.create('/pods/default/a', pod('a'));
    await assert.rejects(
      storage.guaranteedUpdate('/pods/default/a', (cur) => cur, { preconditions: { uid: 'other' } }),
      (err: unknown) => isConflict(err) && err.message === 'Precondition failed: UID in precondition: other, UID in object meta: uid-a',
    );
    await assert.rejects(
      storage.delete('/pods/default/a', { preconditions: { resourceVersion: '1' } }),
      (err: unknown) =>
        isConflict(err) &&
        err.message === `Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${created.metadata?.resourceVersion}`,
    );
  });

  it('delete returns the last state at the delete revision, and re-runs validation after a conflict', async () => {
    const storage = freshStorage();
    await storage.create('/pods/default/a', pod('a', { v: 1 }));
    let validations = 0;
    const deleted = await storage.delete('/pods/default/a', {
      validateDeletion: async () => {
        validations++;
        // The first validation races a write, so the guarded delete must lose once and re-validate.
        if (validations === 1) await storage.guaranteedUpdate('/pods/default/a', (cur) => ({ ...cur, v: 2 }));
      },
    });
    assert.equal(validations, 2);
    assert.equal(deleted.v, 2);
    assert.equal(rv(deleted), await storage.currentRevision());
    await assert.rejects(storage.get('/pods/default/a'), isKeyNotFound);
    await assert.rejects(storage.delete('/pods/default/a'), isKeyNotFound);
  });

  it('lists a prefix as a directory, in pages that read at one revision', async () => {
    const storage = freshStorage();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await storage.create(`/pods/default/${name}`, pod(name));
    await storage.create('/podsx/default/z', pod('z'));
    const first = await storage.list('/pods', { limit: 2 });
    assert.deepEqual(first.items.map((o) => o.metadata?.name), ['a', 'b']);
    assert.equal(first.remainingItemCount, 3);
    assert.ok(first.continue);
    await storage.create('/pods/default/f', pod('f'));
    const second = await storage.list('/pods', { limit: 2, continue: first.continue });
    assert.deepEqual(second.items.map((o) => o.metadata?.name), ['c', 'd']);
    assert.equal(second.revision, first.revision);
    const third = await storage.list('/pods', { limit: 2, continue: second.continue });
    assert.deepEqual(third.items.map((o) => o.metadata?.name), ['e'], 'f was created after the first page');
    assert.equal(third.continue, undefined);
    assert.equal((await storage.list('/pods')).items.length, 6);
    assert.equal(await storage.count('/pods'), 6);
  });

  it('counts only matches toward the limit when a predicate filters', async () => {
    const storage = freshStorage();
    for (let i = 0; i < 10; i++) await storage.create(`/pods/default/p${i}`, pod(`p${i}`, { even: i % 2 === 0 }));
    const page = await storage.list('/pods', { limit: 3, predicate: (o) => o.even === true });
    assert.deepEqual(page.items.map((o) => o.metadata?.name), ['p0', 'p2', 'p4']);
    const rest = await storage.list('/pods', { limit: 3, continue: page.continue, predicate: (o) => o.even === true });
    assert.deepEqual(rest.items.map((o) => o.metadata?.name), ['p6', 'p8']);
  });

  it('reads at a revision; compacted revisions expire and future ones are too large', async () => {
    const storage = freshStorage();
    const v1 = await storage.create('/pods/default/a', pod('a', { v: 1 }));
    await storage.guaranteedUpdate('/pods/default/a', (cur) => ({ ...cur, v: 2 }));
    const old = await storage.get('/pods/default/a', { revision: rv(v1) });
    assert.equal(old.v, 1);
    assert.equal((await storage.list('/pods', { revision: rv(v1) })).items[0]?.v, 1);
    const current = await storage.currentRevision();
    await assert.rejects(storage.get('/pods/default/a', { revision: current + 100 }), isTooLargeResourceVersion);
    await storage.compact(current);
    assert.equal(await storage.compactedRevision(), current);
    await assert.rejects(storage.get('/pods/default/a', { revision: rv(v1) }), isExpired);
    await assert.rejects(storage.list('/pods', { revision: rv(v1) }), isExpired);
    assert.equal((await storage.get('/pods/default/a', { revision: current })).v, 2, 'the compaction revision itself stays readable');
    // Replicas sharing an etcd each compact: at or below an earlier compaction is a no-op, the future is refused.
    await storage.compact(current);
    await storage.compact(rv(v1));
    assert.equal(await storage.compactedRevision(), current);
    await assert.rejects(storage.compact(current + 1000), isTooLargeResourceVersion);
  });

  it('stores and lists objects beyond the default 4 MiB receive limit', async () => {
    const storage = freshStorage();
    const big = 'x'.repeat(1024 * 1024 + 512 * 1024 - 4096);
    for (const name of ['a', 'b', 'c', 'd']) await storage.create(`/configmaps/default/${name}`, pod(name, { data: big }));
    assert.equal((await storage.get('/configmaps/default/a')).data, big);
    const all = await storage.list('/configmaps');
    assert.equal(all.items.length, 4);
  });

  it('watches from a revision with prevObject, and a predicate turns leaving into DELETED', async () => {
    const storage = freshStorage();
    const start = await storage.currentRevision();
    const all = storage.watch('/pods', { recursive: true, revision: start });
    const selected = storage.watch('/pods', { recursive: true, revision: start, predicate: (o) => o.role === 'web' });
    const a = await storage.create('/pods/default/a', pod('a', { role: 'db' }));
    const moved = await storage.guaranteedUpdate('/pods/default/a', (cur) => ({ ...cur, role: 'web' }));
    const left = await storage.guaranteedUpdate('/pods/default/a', (cur) => ({ ...cur, role: 'db' }));
    const gone = await storage.delete('/pods/default/a');
    const events = await take(all, 4);
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    assert.deepEqual(events.map((e) => e.revision), [rv(a), rv(moved), rv(left), rv(gone)]);
    assert.equal(events[1]?.prevObject?.role, 'db');
    assert.equal(events[1]?.prevObject?.metadata?.resourceVersion, a.metadata?.resourceVersion);
    assert.equal(events[3]?.object.metadata?.resourceVersion, String(rv(gone)));
    const filtered = await take(selected, 2);
    assert.deepEqual(filtered.map((e) => e.type), ['ADDED', 'DELETED']);
    assert.equal(filtered[1]?.object.role, 'web', 'the object that left, as it was before');
    assert.equal(filtered[1]?.object.metadata?.resourceVersion, String(rv(left)));
    all.stop();
    selected.stop();
  });

  it('a watch of one key sees only that key', async () => {
    const storage = freshStorage();
    const start = await storage.currentRevision();
    const w = storage.watch('/pods/default/a', { revision: start });
    await storage.create('/pods/default/ab', pod('ab'));
    await storage.create('/pods/default/a', pod('a'));
    const [event] = await take(w, 1);
    assert.equal(event?.object.metadata?.name, 'a');
    w.stop();
  });

  it('a watch from a compacted revision ends with one ERROR carrying ExpiredError', async () => {
    const storage = freshStorage();
    const first = await storage.create('/pods/default/a', pod('a'));
    await storage.guaranteedUpdate('/pods/default/a', (cur) => ({ ...cur, v: 2 }));
    await storage.guaranteedUpdate('/pods/default/a', (cur) => ({ ...cur, v: 3 }));
    const current = await storage.currentRevision();
    await storage.compact(current);
    const w = storage.watch('/pods', { recursive: true, revision: rv(first) - 1 });
    const events = await take(w, 2);
    assert.equal(events.length, 1, 'the stream ends after the error');
    assert.equal(events[0]?.type, 'ERROR');
    assert.ok(isExpired(events[0]?.error));
  });

  it('a watch from now sees the writes made after watch() returned, and no earlier ones', async () => {
    const storage = freshStorage();
    await storage.create('/pods/default/before', pod('before'));
    const w = storage.watch('/pods', { recursive: true });
    const created = await storage.create('/pods/default/after', pod('after'));
    const [event] = await take(w, 1);
    assert.equal(event?.type, 'ADDED');
    assert.equal(event?.object.metadata?.name, 'after');
    assert.equal(event?.revision, rv(created));
    w.stop();
  });

  it('a watch from now survives a compaction it could not know of', async () => {
    const watching = freshStorage();
    const other = new Etcd3Storage(client, { prefix: watching.prefix });
    await watching.create('/pods/default/x', pod('x'));
    await other.create('/pods/default/y', pod('y'));
    await other.create('/pods/default/z', pod('z'));
    // etcd keeps the compaction revision itself: compacting at z drops y, the watch's first revision.
    await other.compact(await other.currentRevision());
    const w = watching.watch('/pods', { recursive: true });
    const created = await watching.create('/pods/default/after', pod('after'));
    const events: WatchEvent[] = [];
    while (!events.some((e) => e.type === 'ERROR' || e.revision === rv(created))) events.push(...(await take(w, 1)));
    assert.deepEqual(events.filter((e) => e.type === 'ERROR'), []);
    assert.equal(events.at(-1)?.object.metadata?.name, 'after');
    w.stop();
  });

  it('check() resolves against a live etcd', async () => {
    await freshStorage().check();
  });

  it('close() ends its watches and refuses later calls, leaving a shared client open', async () => {
    const storage = freshStorage();
    const w = storage.watch('/pods', { recursive: true });
    await storage.close();
    assert.deepEqual(await take(w, 1), [], 'the watch ended');
    await assert.rejects(storage.get('/pods/default/a'), isUnavailable);
    await assert.rejects(storage.check(), isUnavailable);
    await freshStorage().check();
  });
});

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files in `dir`. */
async function writeTestPKI(dir: string): Promise<EtcdTLS & { caFile: string }> {
  const now = new Date();
  const issue = async (name: string, usage: CertificateUsage, issuer?: Issuer) => {
    const keys = await generateRSAKeyPair();
    const cert = issueCertificate({
      subject: { commonName: name },
      publicKey: keys.publicKey,
      usage,
      issuer,
      selfSigningKey: issuer ? undefined : keys.privateKey,
      ipAddresses: usage === 'server' ? ['127.0.0.1'] : undefined,
      now,
      days: 1,
    });
    const certFile = join(dir, `${name}.crt`);
    const keyFile = join(dir, `${name}.key`);
    await writeFile(certFile, forge.pki.certificateToPem(cert));
    await writeFile(keyFile, forge.pki.privateKeyToPem(keys.privateKey));
    return { certFile, keyFile, issuer: { cert: forge.pki.certificateFromPem(forge.pki.certificateToPem(cert)), key: keys.privateKey } };
  };
  const ca = await issue('etcd-ca', 'ca');
  const server = await issue('etcd-server', 'server', ca.issuer);
  const client = await issue('etcd-client', 'client', ca.issuer);
  return {
    caFile: ca.certFile,
    certFile: server.certFile,
    keyFile: server.keyFile,
    clientCAFile: ca.certFile,
    clientCertFile: client.certFile,
    clientKeyFile: client.keyFile,
  };
}

describe('etcd3 storage over TLS with a client certificate', () => {
  it('connects with caFile/certFile/keyFile, and is refused without a client certificate', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'frontdoor-etcd-tls-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const pki = await writeTestPKI(dir);
    const secure = await startEtcd({ tls: pki });
    t.after(() => secure.stop());
    assert.match(secure.endpoint, /^https:/);

    const storage = await Etcd3Storage.connect({
      endpoints: [secure.endpoint],
      tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
    });
    t.after(() => storage.close());
    await storage.check();
    const created = await storage.create('/pods/default/tls', pod('tls'));
    const w = storage.watch('/pods', { recursive: true, revision: rv(created) - 1 });
    const [event] = await take(w, 1);
    assert.equal(event?.object.metadata?.name, 'tls');
    w.stop();

    const anonymous = await Etcd3Storage.connect({ endpoints: [secure.endpoint], tls: { caFile: pki.caFile }, requestTimeoutMs: 2000 });
    t.after(() => anonymous.close());
    await assert.rejects(anonymous.check(), isUnavailable);
  });
});
