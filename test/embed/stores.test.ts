import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { startServer } from '../../src/index.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';

/** Where a file descriptor points; '' for one closed between listing and reading. */
const readlinkOr = (path: string): string => {
  try {
    return readlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
};

const configMap = (name: string) => ({ metadata: { name }, data: { k: name } });

describe('startServer stores', { timeout: 120_000 }, () => {
  it('with a dataDir: SQLite on disk by default, kept across servers and after stop', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-embed-test-'));
    const openFiles = () => readdirSync('/proc/self/fd').map((fd) => readlinkOr(`/proc/self/fd/${fd}`)).filter((f) => f.startsWith(dataDir));
    try {
      const first = await startServer({ dataDir });
      // The database and its WAL are open while it runs, and closed by stop().
      assert.ok(openFiles().some((f) => f.endsWith('state.db')), `open files: ${openFiles().join(', ')}`);
      await first.kubeConfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: 'default', body: configMap('kept') });
      await first.stop();
      assert.ok(existsSync(join(dataDir, 'state.db')));
      assert.ok(existsSync(first.kubeconfigPath));

      const second = await startServer({ dataDir });
      try {
        const cm = await second.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: 'default', name: 'kept' });
        assert.equal(cm.data?.k, 'kept');
      } finally {
        await second.stop();
      }
      assert.deepEqual(openFiles(), []);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  describe('on etcd', () => {
    let etcd: EtcdServer | undefined;
    after(() => etcd?.stop());

    it('two servers on one etcd and prefix share objects; another prefix does not see them', async () => {
      etcd = await startEtcd();
      const a = await startServer({ etcdServers: [etcd.endpoint], etcdPrefix: '/embed-a' });
      const b = await startServer({ etcdServers: [etcd.endpoint], etcdPrefix: '/embed-a' });
      const c = await startServer({ etcdServers: [etcd.endpoint], etcdPrefix: '/embed-c' });
      try {
        await a.kubeConfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: 'default', body: configMap('shared') });
        const seen = await b.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: 'default', name: 'shared' });
        assert.equal(seen.data?.k, 'shared');
        const other = await c.kubeConfig.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: 'default' });
        assert.ok(!other.items.some((i) => i.metadata?.name === 'shared'));
      } finally {
        await Promise.all([a.stop(), b.stop(), c.stop()]);
      }
    });
  });

  it('a bad flag rejects the start and leaves no temporary directory', async () => {
    // A private TMPDIR (os.tmpdir() reads it on each call): other test files may create theirs meanwhile.
    const own = await mkdtemp(join(tmpdir(), 'frontdoor-embed-test-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      await assert.rejects(startServer({ extraArgs: ['--no-such-flag'] }), /unknown option '--no-such-flag'/);
      await assert.rejects(startServer({ extraArgs: ['--etcd-prefix', 'relative'] }), /--etcd-prefix/);
      assert.deepEqual(readdirSync(own), []);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      await rm(own, { recursive: true, force: true });
    }
  });
});
