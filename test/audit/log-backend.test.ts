import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogBackend } from '../../src/audit/log-backend.js';
import { backupName, pruneBackups } from '../../src/audit/prune.js';
import { RawJSON, type AuditEvent } from '../../src/audit/types.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';

const event = (seq: number, padding = ''): AuditEvent => ({
  level: 'Request',
  auditID: `id-${seq}`,
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/default/configmaps',
  verb: 'create',
  user: { username: 'alice' },
  requestObject: new RawJSON(JSON.stringify({ seq, padding })),
  requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z',
  stageTimestamp: '2026-01-01T00:00:00.000001Z',
});

const seqs = async (path: string): Promise<number[]> =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { requestObject: { seq: number } }).requestObject.seq);

const DAY = 24 * 60 * 60 * 1000;
const BACKUP = /^audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}(-\d+)?\.log$/;

/** Backups oldest first, as the time (and index) in their names orders them. */
const backupsOf = async (dir: string): Promise<string[]> =>
  (await readdir(dir))
    .filter((f) => BACKUP.test(f))
    .sort((a, b) => {
      const key = (f: string) => {
        const m = /^audit-(.*?)(?:-(\d+))?\.log$/.exec(f)!;
        return [m[1]!, Number(m[2] ?? 1)] as const;
      };
      const [ta, ia] = key(a);
      const [tb, ib] = key(b);
      return ta < tb ? -1 : ta > tb ? 1 : ia - ib;
    });

describe('audit log backend', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await makeTempDir('frontdoor-audit-log-');
  });
  after(async () => {
    await tmp.remove();
  });

  it('writes one JSON line per event and has written every one when close() resolves', async () => {
    const path = join(tmp.path, 'flush', 'audit.log');
    const sink = createLogBackend({ path, maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0 });
    for (let i = 0; i < 5000; i++) sink.processEvent(event(i));
    await sink.close();
    assert.deepEqual(await seqs(path), [...Array(5000).keys()]);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    sink.processEvent(event(5000)); // after close: dropped, not thrown
    assert.equal((await seqs(path)).length, 5000);
  });

  it('rotates at the size limit without losing or splitting a line; the path stays the newest file', async () => {
    const dir = join(tmp.path, 'rotate');
    const path = join(dir, 'audit.log');
    const sink = createLogBackend({ path, maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0, maxSizeBytes: 64 * 1024 });
    const total = 300; // about 300 KiB: four rotations or more
    for (let i = 0; i < total; i++) sink.processEvent(event(i, 'x'.repeat(1024)));
    await sink.close();
    const backups = await backupsOf(dir);
    assert.ok(backups.length >= 4, `backups: ${backups.join(', ')}`);
    assert.deepEqual((await readdir(dir)).filter((f) => !BACKUP.test(f)), ['audit.log']);
    const all: number[] = [];
    for (const f of [...backups, 'audit.log']) all.push(...(await seqs(join(dir, f))));
    assert.deepEqual(all, [...Array(total).keys()], 'every line once, in order, oldest backup first');
    for (const f of backups) assert.ok((await stat(join(dir, f))).size >= 64 * 1024, `${f} was rotated early`);
  });

  it('keeps only --audit-log-maxbackup backups', async () => {
    const dir = join(tmp.path, 'maxbackup');
    const path = join(dir, 'audit.log');
    const sink = createLogBackend({ path, maxAgeDays: 0, maxBackups: 2, maxSizeMB: 0, maxSizeBytes: 16 * 1024 });
    for (let i = 0; i < 100; i++) sink.processEvent(event(i, 'x'.repeat(1024)));
    await sink.close();
    // Cleanup runs after each rotation, in the background: wait for it (bounded).
    let backups = await backupsOf(dir);
    for (let i = 0; i < 100 && backups.length > 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      backups = await backupsOf(dir);
    }
    assert.equal(backups.length, 2, backups.join(', '));
    const kept = [...(await seqs(join(dir, backups[0]!))), ...(await seqs(join(dir, backups[1]!))), ...(await seqs(path))];
    assert.equal(kept.at(-1), 99, 'the newest events are the ones kept');
    assert.deepEqual(kept, [...Array(kept.length).keys()].map((i) => 100 - kept.length + i));
  });

  it('removes backups beyond the count or older than the age, judged by the time in their names', async () => {
    const dir = join(tmp.path, 'prune');
    const now = Date.parse('2026-06-10T12:00:00Z');
    const names = [1, 2, 3, 8, 9].map((daysAgo) => backupName('audit', '.log', new Date(now - daysAgo * DAY)));
    await mkdir(dir, { recursive: true });
    for (const f of [...names, 'audit.log', 'other-2026-01-01T00-00-00.000.log', 'audit.log.bak']) await writeFile(join(dir, f), '{}\n');
    assert.deepEqual(await pruneBackups(dir, 'audit', '.log', { maxBackups: 0, maxAgeDays: 7 }, now), [names[3], names[4]]);
    assert.deepEqual(await pruneBackups(dir, 'audit', '.log', { maxBackups: 2, maxAgeDays: 0 }, now), [names[2]]);
    assert.deepEqual(
      (await readdir(dir)).sort(),
      [names[0]!, names[1]!, 'audit.log', 'audit.log.bak', 'other-2026-01-01T00-00-00.000.log'].sort(),
    );
  });

  it('removes old backups when it opens the log', async () => {
    const dir = join(tmp.path, 'prune-on-open');
    const path = join(dir, 'audit.log');
    await createLogBackend({ path, maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0 }).close();
    const old = backupName('audit', '.log', new Date(Date.now() - 3 * DAY));
    const recent = backupName('audit', '.log', new Date(Date.now() - DAY));
    await writeFile(join(dir, old), '{}\n');
    await writeFile(join(dir, recent), '{}\n');
    const sink = createLogBackend({ path, maxAgeDays: 2, maxBackups: 0, maxSizeMB: 0 });
    try {
      for (let i = 0; i < 100 && (await readdir(dir)).includes(old); i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual((await readdir(dir)).sort(), ['audit.log', recent].sort());
    } finally {
      await sink.close();
    }
  });
});
