import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic } from '../../src/pki/atomic-write.js';

const root = mkdtempSync(join(tmpdir(), 'frontdoor-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('creates the file with exactly the given mode, whatever the umask', async () => {
    const old = process.umask(0o077);
    try {
      const path = join(root, 'cert.pem');
      await writeFileAtomic(path, 'hello', 0o644);
      assert.equal(statSync(path).mode & 0o777, 0o644);
      assert.equal(readFileSync(path, 'utf8'), 'hello');
    } finally {
      process.umask(old);
    }
  });

  it('replaces an existing file, content and mode, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(root, 'replace-'));
    const path = join(dir, 'key.pem');
    writeFileSync(path, 'old content that is longer', { mode: 0o666 });
    await writeFileAtomic(path, Buffer.from('new'), 0o600);
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['key.pem']);
  });

  it('removes its temporary file when the rename fails', async () => {
    const dir = mkdtempSync(join(root, 'fail-'));
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'x');
    await assert.rejects(writeFileAtomic(target, 'data', 0o600));
    assert.deepEqual(readdirSync(dir), ['taken']);
  });
});
