/**
 * A data dir that holds an object too large to decode (stored in the past,
 * before any size limit) still starts: the server logs the key and its size,
 * serves and lists everything else, and a GET of that one key answers a 500
 * Status naming the problem instead of taking the process down.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MAX_DECODED_VALUE_BYTES } from '../../src/storage/value-limit.js';
import { startFrontdoor } from '../helpers/frontdoor.js';
import { adminCreds, eventually, request } from '../helpers/https.js';
import { makeTempDir } from '../helpers/tmp.js';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

/** Appends a ConfigMap row to the SQLite log as the backend would, bypassing every limit on the way in. */
function storeDirectly(dbPath: string, name: string, bytes: number): void {
  const db = new Database(dbPath);
  try {
    const value = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: new Date().toISOString() },
      data: { big: 'y'.repeat(bytes) },
    });
    db.prepare(
      `INSERT INTO log (name, created, deleted, create_revision, prev_revision, value, write_time) VALUES (?, 1, 0, 0, 0, ?, ?)`,
    ).run(`/registry/configmaps/default/${name}`, value, Date.now());
  } finally {
    db.close();
  }
}

describe('a data dir holding an oversized object', () => {
  it('starts, serves and lists the rest, and answers a GET of that object with a 500 Status', async (t) => {
    const dir = await makeTempDir('frontdoor-oversized-');
    t.after(() => dir.remove());

    const first = await startFrontdoor({ dataDir: dir.path });
    const admin = adminCreds(dir.path);
    try {
      await eventually(() => request(first.port, '/readyz', admin), (r) => r.status === 200, { tries: 300 });
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'small' }, data: { k: 'v' } });
      const made = await request(first.port, CONFIGMAPS, admin, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      assert.equal(made.status, 201, made.body);
    } finally {
      await first.stop({ keepDataDir: true });
    }

    storeDirectly(join(dir.path, 'state.db'), 'huge', MAX_DECODED_VALUE_BYTES + 1024 * 1024);

    const fd = await startFrontdoor({ dataDir: dir.path });
    try {
      await eventually(() => request(fd.port, '/readyz', admin), (r) => r.status === 200, { tries: 300 });
      const small = await request(fd.port, `${CONFIGMAPS}/small`, admin);
      assert.equal(small.status, 200, small.body);

      const list = await request(fd.port, CONFIGMAPS, admin);
      assert.equal(list.status, 200, list.body.slice(0, 500));
      const names = list.json<{ items: { metadata: { name: string } }[] }>().items.map((i) => i.metadata.name);
      assert.ok(names.includes('small'), names.join(','));
      assert.ok(!names.includes('huge'), names.join(','));
      // A list served from the watch cache too (resourceVersion=0).
      const cached = await request(fd.port, `${CONFIGMAPS}?resourceVersion=0`, admin);
      assert.deepEqual(cached.json<{ items: { metadata: { name: string } }[] }>().items.map((i) => i.metadata.name).includes('huge'), false);

      const huge = await request(fd.port, `${CONFIGMAPS}/huge`, admin);
      assert.equal(huge.status, 500, huge.body);
      const status = huge.json<{ kind: string; reason: string; message: string }>();
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'InternalError');
      assert.match(status.message, /\/configmaps\/default\/huge is too large to decode \(\d+ bytes/);

      const logged = fd.logs.find((l) => l.level === 'error' && l.key === '/registry/configmaps/default/huge');
      assert.ok(logged, 'the skipped object is logged with its key');
      assert.ok(Number(logged.bytes) > MAX_DECODED_VALUE_BYTES, `logged size ${String(logged.bytes)}`);
    } finally {
      await fd.stop({ keepDataDir: true });
    }
  });
});
