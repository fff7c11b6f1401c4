import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runStorageConformance, type StorageFixture } from './conformance.js';

async function sqliteFixture(): Promise<StorageFixture> {
  const dir = await makeTempDir('frontdoor-sqlite-');
  const storage = SqliteStorage.open({ path: join(dir.path, 'state.db'), compactionIntervalMs: 0 });
  return {
    storage,
    backend: storage,
    close: async () => {
      await storage.close();
      await dir.remove();
    },
  };
}

runStorageConformance('sqlite', sqliteFixture);
