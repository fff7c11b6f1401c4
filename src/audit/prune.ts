import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * --audit-log-maxage: removes the rotated backups (<base><n><ext>, as winston's
 * tailable rotation names them) last written more than maxAgeDays ago. The
 * current file is never touched. Returns the names removed.
 */
export async function pruneOldBackups(dir: string, base: string, ext: string, maxAgeDays: number, now = Date.now()): Promise<string[]> {
  const cutoff = now - maxAgeDays * 24 * 60 * 60 * 1000;
  const pattern = new RegExp(`^${escape(base)}\\d+${escape(ext)}$`);
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    if (!pattern.test(name)) continue;
    const path = join(dir, name);
    try {
      if ((await stat(path)).mtimeMs < cutoff) {
        await unlink(path);
        removed.push(name);
      }
    } catch (err) {
      // Renamed or removed by a concurrent rotation: nothing left to prune.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
