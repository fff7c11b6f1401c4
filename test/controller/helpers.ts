import { join } from 'node:path';
import { leases as leasesDef } from '../../src/apis/coordination/v1/leases.js';
import type { LogFields, Logger } from '../../src/observability/logger.js';
import type { ResourceDefinition } from '../../src/registry/resource-definition.js';
import { Store } from '../../src/registry/store.js';
import { Cacher } from '../../src/storage/cacher/index.js';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { makeTempDir } from '../helpers/tmp.js';

/**
 * Waits for a condition by yielding to the event loop a bounded number of
 * times (never a fixed sleep); fails naming what it waited for.
 */
export async function waitFor(what: string, cond: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Like waitFor, but lets real time pass between checks (for real I/O such as SQLite commits). */
export async function waitForReal(what: string, cond: () => boolean, tries = 500, stepMs = 10): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

/** A Logger that keeps every entry, so tests can assert that errors were reported. */
export function capturingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (message: string, fields: LogFields = {}) => {
    entries.push({ level, message, fields });
  };
  return {
    entries,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    v: () => ({ info: at('info') }),
    enabled: () => true,
  };
}

/** The server's own leases Store over a watch cache on SQLite in a temporary directory; close() removes it all. */
export async function sqliteLeasesStore(prefix: string): Promise<{ leases: Store; close(): Promise<void> }> {
  const dir = await makeTempDir(prefix);
  const backend = SqliteStorage.open({ path: join(dir.path, 'state.db'), compactionIntervalMs: 0 });
  const cacher = new Cacher({ storage: backend, resourcePrefix: '/coordination.k8s.io/leases' });
  await cacher.start();
  return {
    leases: new Store(leasesDef as unknown as ResourceDefinition, cacher),
    async close() {
      await cacher.stop();
      await backend.close();
      await dir.remove();
    },
  };
}
