import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the OS temp dir; remove() deletes it and everything in it. */
export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

export async function makeTempDir(label = 'frontdoor-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), label));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
