import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * How rotated files are named, as kube's lumberjack does: <name>-<UTC time><ext>,
 * e.g. audit-2026-01-02T15-04-05.000.log; a second rotation within the same
 * millisecond adds -<n> after the time.
 */
export function backupName(base: string, ext: string, time: Date, index = 1): string {
  return `${base}-${time.toISOString().slice(0, -1).replace(/:/g, '-')}${index > 1 ? `-${index}` : ''}${ext}`;
}

const BACKUP_TIME = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)\.(\d{3})(?:-(\d+))?$/;

/** The time (and same-millisecond index) a backup's name carries, or undefined when the name is not one of ours. */
function backupTime(name: string, base: string, ext: string): { time: number; index: number } | undefined {
  if (!name.startsWith(`${base}-`) || !name.endsWith(ext)) return undefined;
  const m = BACKUP_TIME.exec(name.slice(base.length + 1, name.length - ext.length));
  return m ? { time: Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`), index: Number(m[6] ?? 1) } : undefined;
}

/**
 * lumberjack's cleanup after a rotation: of the backups of <base><ext> in dir,
 * keeps the newest maxBackups (0: all), then removes those older than
 * maxAgeDays (0: none), judging age by the time in the name. The current
 * file and any other file are never touched. Returns the names removed.
 */
export async function pruneBackups(dir: string, base: string, ext: string, limits: { maxBackups: number; maxAgeDays: number }, now = Date.now()): Promise<string[]> {
  const backups = (await readdir(dir))
    .map((name) => ({ name, at: backupTime(name, base, ext) }))
    .filter((b): b is { name: string; at: { time: number; index: number } } => b.at !== undefined)
    .map((b) => ({ name: b.name, time: b.at.time, index: b.at.index }))
    .sort((a, b) => b.time - a.time || b.index - a.index);
  const cutoff = now - limits.maxAgeDays * 24 * 60 * 60 * 1000;
  const doomed = backups.filter((b, i) => (limits.maxBackups > 0 && i >= limits.maxBackups) || (limits.maxAgeDays > 0 && b.time < cutoff));
  for (const b of doomed) {
    try {
      await unlink(join(dir, b.name));
    } catch (err) {
      // Gone already (another cleanup got there first).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return doomed.map((b) => b.name);
}
