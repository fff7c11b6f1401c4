import { once } from 'node:events';
import { basename, dirname, extname, sep } from 'node:path';
import { createStream } from 'rotating-file-stream';
import { encodeEvent } from './format.js';
import { backupName, pruneBackups } from './prune.js';
import type { AuditEvent, AuditSink } from './types.js';

/** kube's --audit-log-* flags; 0 keeps lumberjack's meaning ("default" for size, "no limit" for the others). */
export interface LogBackendOptions {
  /** A file, or "-" for standard output. */
  path: string;
  maxAgeDays: number;
  maxBackups: number;
  maxSizeMB: number;
  /** Told about write and cleanup failures; the request path never waits for them. */
  onError?: (err: Error) => void;
  /** Overrides maxSizeMB (tests). */
  maxSizeBytes?: number;
}

/** lumberjack's size when none is given. */
const DEFAULT_MAX_SIZE_MB = 100;

/**
 * kube's log backend: one JSON line per event. The file is written through
 * rotating-file-stream, which rotates by size without splitting a line; the
 * path is always the current file and backups are named as lumberjack names
 * them (<name>-<UTC time><ext>). After each rotation, and at start, backups
 * beyond --audit-log-maxbackup or older than --audit-log-maxage are removed.
 * processEvent only queues (the stream buffers past its high-water mark);
 * close() resolves once everything queued is in the file.
 */
export function createLogBackend(opts: LogBackendOptions): AuditSink {
  if (opts.path === '-') return stdoutBackend();
  const onError = opts.onError ?? (() => undefined);
  const dir = dirname(opts.path);
  const ext = extname(opts.path);
  const base = basename(opts.path, ext);
  const name = (time: number | Date | null, index?: number) => (time ? backupName(base, ext, new Date(time), index) : basename(opts.path));
  const stream = createStream(name, {
    // Prepended as it is to each name.
    path: dir + sep,
    size: `${opts.maxSizeBytes ?? (opts.maxSizeMB > 0 ? opts.maxSizeMB : DEFAULT_MAX_SIZE_MB) * 1024 * 1024}B`,
    mode: 0o600,
  });
  stream.on('error', (err: Error) => onError(err));
  const prune = () => {
    if (opts.maxBackups > 0 || opts.maxAgeDays > 0) {
      pruneBackups(dir, base, ext, { maxBackups: opts.maxBackups, maxAgeDays: opts.maxAgeDays }).catch((err: unknown) => onError(err as Error));
    }
  };
  stream.on('rotated', prune);
  prune();
  let closed: Promise<void> | undefined;
  return {
    processEvent(ev: AuditEvent) {
      if (!closed) stream.write(encodeEvent(ev) + '\n');
    },
    close() {
      closed ??= (async () => {
        const finished = once(stream, 'finish');
        stream.end();
        await finished;
      })();
      return closed;
    },
  };
}

/** "-": lines to standard output, as kube. */
function stdoutBackend(): AuditSink {
  let closed = false;
  return {
    processEvent(ev) {
      if (!closed) process.stdout.write(encodeEvent(ev) + '\n');
    },
    async close() {
      closed = true;
      if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
    },
  };
}
