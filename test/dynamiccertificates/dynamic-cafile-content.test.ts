import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../src/controller/clock.js';
import { DynamicFileCAContent } from '../../src/dynamiccertificates/dynamic-cafile-content.js';
import { discardLogger } from '../../src/observability/logger.js';
import { makeTempDir, type TempDir } from '../helpers/tmp.js';
import { capturingLogger, newCA, newClientCert, replaceByRename, SecretVolume, waitFor, waitForReal, type TestCert } from './helpers.js';

const HOUR = 3_600_000;

describe('DynamicFileCAContent', () => {
  let tmp: TempDir;
  let caA: TestCert;
  let caB: TestCert;
  before(async () => {
    tmp = await makeTempDir('dyncerts-ca-');
    caA = newCA('ca-a');
    caB = newCA('ca-b');
  });
  after(() => tmp.remove());

  const counter = () => {
    const l = { calls: 0, enqueue: () => void l.calls++ };
    return l;
  };

  it('runOnce loads, notifies only on a real change, and verifies against the pool', async () => {
    const file = join(tmp.path, 'once.crt');
    await writeFile(file, caA.certPem);
    const content = new DynamicFileCAContent('client-ca-bundle', file, { logger: discardLogger });
    const listener = counter();
    content.addListener(listener);
    assert.equal(content.currentCABundleContent(), '');
    await content.runOnce();
    assert.equal(content.currentCABundleContent(), caA.certPem);
    assert.equal(content.name(), `client-ca-bundle::${file}`);
    assert.equal(listener.calls, 1);
    await content.runOnce();
    assert.equal(listener.calls, 1, 'same bytes: no notification');

    const client = newClientCert(caA, 'alice');
    const { X509Certificate } = await import('node:crypto');
    assert.equal(content.verifyOptions().roots.verify(new X509Certificate(client.certPem)).length, 2);
    assert.throws(() => content.pool.verify(new X509Certificate(newClientCert(caB, 'mallory').certPem)), /unknown authority/);

    await writeFile(file, caA.certPem + caB.certPem);
    await content.runOnce();
    assert.equal(listener.calls, 2);
    assert.equal(content.currentCertificates().length, 2);
    assert.equal(content.pool.size, 2);
  });

  it('refuses bad new content, keeping the old, and says which file and why', async () => {
    const file = join(tmp.path, 'bad.crt');
    await writeFile(file, caA.certPem);
    const content = new DynamicFileCAContent('client-ca-bundle', file, { logger: discardLogger });
    const listener = counter();
    content.addListener(listener);
    await content.runOnce();

    const cases: [string, string, RegExp][] = [
      ['garbage', 'this is not PEM at all', /no PEM data found/],
      ['empty', '', /no PEM data found/],
      ['a key in a CA file', caA.keyPem, /is a RSA PRIVATE KEY, not a CERTIFICATE/],
      ['a mangled certificate', caA.certPem.replace(/^(-----BEGIN CERTIFICATE-----\r?\n)..../, '$1AAAA'), /not a valid certificate/],
      ['an expired bundle', newCA('old', { now: new Date(Date.now() - 10 * 86_400_000), days: 1 }).certPem, /every certificate in the CA bundle has expired/],
    ];
    for (const [what, data, reason] of cases) {
      await writeFile(file, data);
      await assert.rejects(content.runOnce(), (err: Error) => {
        assert.match(err.message, reason, what);
        assert.ok(err.message.includes(file), `${what}: the error names the file`);
        return true;
      });
      assert.equal(content.currentCABundleContent(), caA.certPem, `${what}: old content kept`);
    }
    await writeFile(file, 'missing now');
    await writeFile(file, caA.certPem + '\n# an expired neighbour is kept\n' + newCA('old', { now: new Date(Date.now() - 10 * 86_400_000), days: 1 }).certPem);
    await content.runOnce();
    assert.equal(content.currentCertificates().length, 2, 'a bundle that still has a valid CA is accepted');
    assert.equal(listener.calls, 2);
  });

  it('refuses to start without a file name and fails runOnce on a missing file', async () => {
    assert.throws(() => new DynamicFileCAContent('client-ca-bundle', ''), /missing filename/);
    const missing = join(tmp.path, 'missing.crt');
    const content = new DynamicFileCAContent('client-ca-bundle', missing, { logger: discardLogger });
    await assert.rejects(content.runOnce(), (err: Error) => err.message.includes(missing) && /cannot read/.test(err.message));
  });

  describe('run: follows the file', () => {
    const running = async (file: string, opts: { watch?: boolean; clock?: FakeClock; resyncIntervalMs?: number } = {}) => {
      const logger = capturingLogger();
      const content = new DynamicFileCAContent('client-ca-bundle', file, { logger, resyncIntervalMs: HOUR, ...opts });
      const listener = counter();
      content.addListener(listener);
      const abort = new AbortController();
      const done = content.run(abort.signal);
      // run() loads once at its start: wait for that, so later changes are the only ones left to see.
      await waitForReal('the first load', () => content.currentCABundleContent() !== '');
      return {
        content,
        listener,
        logger,
        stop: async () => {
          abort.abort();
          await done;
        },
      };
    };

    it('picks up a file rewritten in place', async () => {
      const file = join(tmp.path, 'inplace.crt');
      await writeFile(file, caA.certPem);
      const r = await running(file);
      try {
        await writeFile(file, caB.certPem);
        await waitForReal('the new bundle', () => r.content.currentCABundleContent() === caB.certPem);
        assert.ok(r.listener.calls >= 2, 'listener enqueued');
      } finally {
        await r.stop();
      }
    });

    it('picks up a file replaced by rename, and again after that', async () => {
      const file = join(tmp.path, 'renamed.crt');
      await writeFile(file, caA.certPem);
      const r = await running(file);
      try {
        await replaceByRename(file, caB.certPem);
        await waitForReal('the renamed-in bundle', () => r.content.currentCABundleContent() === caB.certPem);
        // The file watch now follows the new inode: an in-place write to it is seen too.
        await writeFile(file, caA.certPem);
        await waitForReal('the rewritten bundle', () => r.content.currentCABundleContent() === caA.certPem);
        assert.equal(r.listener.calls, 3);
      } finally {
        await r.stop();
      }
    });

    it('picks up a Kubernetes secret volume update (..data symlink swap)', async () => {
      const { mkdir } = await import('node:fs/promises');
      const dir = join(tmp.path, 'secret');
      await mkdir(dir);
      const volume = new SecretVolume(dir);
      await volume.update({ 'ca.crt': caA.certPem });
      const r = await running(volume.path('ca.crt'));
      try {
        assert.equal(r.content.currentCABundleContent(), caA.certPem);
        await volume.update({ 'ca.crt': caB.certPem });
        await waitForReal('the swapped bundle', () => r.content.currentCABundleContent() === caB.certPem);
        await volume.update({ 'ca.crt': caA.certPem + caB.certPem });
        await waitForReal('the second swap', () => r.content.currentCertificates().length === 2);
      } finally {
        await r.stop();
      }
    });

    it('logs garbage with the file name and reason, keeps serving the old bundle, and recovers', async () => {
      const file = join(tmp.path, 'garbage.crt');
      await writeFile(file, caA.certPem);
      const r = await running(file);
      try {
        await replaceByRename(file, 'garbage\n');
        await waitForReal('an error log naming the file', () =>
          r.logger.entries.some((e) => e.level === 'error' && String(e.fields.err).includes(file) && String(e.fields.err).includes('no PEM data found')),
        );
        assert.equal(r.content.currentCABundleContent(), caA.certPem);
        assert.equal(r.listener.calls, 1, 'no notification for refused content');
        await replaceByRename(file, caB.certPem);
        await waitForReal('recovery', () => r.content.currentCABundleContent() === caB.certPem);
      } finally {
        await r.stop();
      }
    });

    it('re-reads on the resync interval even without file events', async () => {
      const file = join(tmp.path, 'resync.crt');
      await writeFile(file, caA.certPem);
      const clock = new FakeClock();
      const r = await running(file, { watch: false, clock, resyncIntervalMs: 60_000 });
      try {
        await waitFor('the resync timer', () => clock.pendingTimers > 0);
        await writeFile(file, caB.certPem);
        assert.equal(await readFile(file, 'utf8'), caB.certPem);
        clock.step(59_000);
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(r.content.currentCABundleContent(), caA.certPem, 'nothing re-read before the interval');
        clock.step(1_000);
        await waitForReal('the re-read', () => r.content.currentCABundleContent() === caB.certPem);
      } finally {
        await r.stop();
      }
    });
  });
});
