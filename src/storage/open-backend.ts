import { join } from 'node:path';
import { startCompactor } from './compactor.js';
import { Etcd3Storage } from './etcd3/etcd3-storage.js';
import type { StorageBackend } from './interfaces.js';
import type { StorageLogger } from './logger.js';
import { SqliteStorage } from './sqlite/sqlite-storage.js';
import { MAX_STORED_VALUE_BYTES } from './value-limit.js';

export interface BackendOptions {
  /** etcd URLs; empty means the embedded SQLite database in dataDir. */
  etcdServers: string[];
  etcdPrefix: string;
  etcdTLS?: { caFile?: string; certFile?: string; keyFile?: string };
  dataDir: string;
  /** The SQLite database in memory (':memory:'), gone when closed; ignored with etcdServers. */
  inMemory?: boolean;
  compactionIntervalMs: number;
  onCompactionError: (err: unknown) => void;
  /** Storage's own reports: values too large to decode, the one-time SQLite vacuum conversion, compaction failures. */
  logger?: StorageLogger;
}

export interface OpenedBackend {
  backend: StorageBackend;
  /** The readiness check's name: kube's `etcd`, or `storage` for the embedded database. */
  checkName: 'etcd' | 'storage';
  /** Where the objects are, for the log. */
  description: string;
  close(): Promise<void>;
}

/** Chooses and opens the backend the flags ask for, with its compaction running. */
export async function openBackend(opts: BackendOptions): Promise<OpenedBackend> {
  if (opts.etcdServers.length > 0) {
    const backend = await Etcd3Storage.connect({
      endpoints: opts.etcdServers,
      prefix: opts.etcdPrefix,
      tls: opts.etcdTLS,
      logger: opts.logger,
      maxValueBytes: MAX_STORED_VALUE_BYTES,
    });
    const stop = startCompactor({ backend, intervalMs: opts.compactionIntervalMs, onError: opts.onCompactionError });
    return {
      backend,
      checkName: 'etcd',
      description: `etcd ${opts.etcdServers.join(',')} under ${opts.etcdPrefix}`,
      close: async () => {
        stop();
        await backend.close();
      },
    };
  }
  const path = opts.inMemory ? ':memory:' : join(opts.dataDir, 'state.db');
  // SQLite compacts by its own policy (keeps the newest 1000 revisions and the last 5 minutes).
  const backend = SqliteStorage.open({
    path,
    prefix: opts.etcdPrefix,
    compactionIntervalMs: opts.compactionIntervalMs,
    logger: opts.logger,
    // Objects a kube-apiserver on a default etcd could store, and no larger: the same bound on both backends.
    maxValueBytes: MAX_STORED_VALUE_BYTES,
  });
  return { backend, checkName: 'storage', description: opts.inMemory ? 'SQLite in memory' : `SQLite ${path}`, close: () => backend.close() };
}
