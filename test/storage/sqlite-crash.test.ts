/**
 * kill -9 loses no acknowledged write and corrupts nothing: a child creates
 * keys and prints each one after its create resolved; we SIGKILL it mid-stream,
 * reopen the database, and find every printed key and a clean integrity check.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { entryArgs } from '../helpers/frontdoor.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';

const ACKS_BEFORE_KILL = 300;
const ROUNDS = 3;
const CHILD_TIMEOUT_MS = 30_000;

let dir: TempDir;
before(async () => {
  dir = await makeTempDir('frontdoor-sqlite-crash-');
});
after(async () => {
  await dir.remove();
});

/** Runs the writer until it acknowledged enough keys, kills it with SIGKILL, returns the acknowledged keys. */
function runAndKill(dbPath: string, prefix: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entryArgs('test/storage/fixtures/sqlite-writer.ts'), dbPath, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let partial = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`writer acknowledged only ${acked.length} keys in ${CHILD_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, CHILD_TIMEOUT_MS);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      acked.push(...lines.filter((l) => l.length > 0));
      if (!killed && acked.length >= ACKS_BEFORE_KILL && child.pid !== undefined) {
        killed = true;
        process.kill(child.pid, 'SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (code ${code}); stderr: ${stderr}`));
      else resolve(acked);
    });
  });
}

test('SIGKILL of a writing process loses no acknowledged write and leaves the database intact', { timeout: 120_000 }, async () => {
  const dbPath = join(dir.path, 'state.db');
  const everyAcked: string[] = [];
  let lastRevision = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const acked = await runAndKill(dbPath, `r${round}`);
    assert.ok(acked.length >= ACKS_BEFORE_KILL);
    everyAcked.push(...acked);

    const raw = new Database(dbPath);
    try {
      assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      raw.close();
    }
    const storage = SqliteStorage.open({ path: dbPath, compactionIntervalMs: 0 });
    try {
      const present = new Set((await storage.list('/crash/default')).items.map((o) => o.metadata?.name));
      const missing = everyAcked.filter((k) => !present.has(k));
      assert.deepEqual(missing, [], `acknowledged keys lost after round ${round}`);
      const revision = await storage.currentRevision();
      assert.ok(revision >= lastRevision + acked.length, 'the revision survives the crash and keeps counting');
      lastRevision = revision;
    } finally {
      await storage.close();
    }
  }
});
