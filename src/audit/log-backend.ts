import { once } from 'node:events';
import { basename, dirname, extname } from 'node:path';
import winston from 'winston';
import { encodeEvent } from './format.js';
import { pruneOldBackups } from './prune.js';
import type { AuditEvent, AuditSink } from './types.js';

/** kube's --audit-log-* flags; 0 keeps lumberjack's meaning ("default" for size, "no limit" for the others). */
export interface LogBackendOptions {
  /** A file, or "-" for standard output. */
  path: string;
  maxAgeDays: number;
  maxBackups: number;
  maxSizeMB: number;
  /** Told about write failures and pruning errors; the request path never waits for them. */
  onError?: (err: Error) => void;
}

/** lumberjack's size when none is given. */
const DEFAULT_MAX_SIZE_MB = 100;
/**
 * winston's tailable rotation needs a bound on the backups it renames; kube's
 * "0 = keep every backup" becomes this many (then --audit-log-maxage applies).
 */
export const UNLIMITED_BACKUPS = 999;

/**
 * kube's log backend: one JSON line per event. A file is written through
 * winston's File transport with tailable rotation, so the path is always the
 * current file and backups are <name>1<ext> (newest) … <name>N<ext>.
 * Writes are queued in the transport's stream, never awaited by a request;
 * close() drains the queue to disk.
 */
export function createLogBackend(opts: LogBackendOptions): AuditSink {
  if (opts.path === '-') return stdoutBackend();
  const onError = opts.onError ?? (() => undefined);
  const transport = new winston.transports.File({
    filename: opts.path,
    maxsize: (opts.maxSizeMB > 0 ? opts.maxSizeMB : DEFAULT_MAX_SIZE_MB) * 1024 * 1024,
    maxFiles: (opts.maxBackups > 0 ? opts.maxBackups : UNLIMITED_BACKUPS) + 1,
    tailable: true,
    eol: '\n',
  });
  transport.on('error', (err: Error) => onError(err));
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.printf((info) => String(info.message)),
    transports: [transport],
    exitOnError: false,
  });
  logger.on('error', (err: Error) => onError(err));
  if (opts.maxAgeDays > 0) {
    const prune = () => pruneOldBackups(dirname(opts.path), basename(opts.path, extname(opts.path)), extname(opts.path), opts.maxAgeDays).catch(onError);
    // Each rotation opens the file again; lumberjack also prunes at start.
    transport.on('open', () => void prune());
  }
  let closed: Promise<void> | undefined;
  return {
    processEvent(ev: AuditEvent) {
      if (closed) return;
      logger.info(encodeEvent(ev));
    },
    close() {
      closed ??= (async () => {
        const finished = once(transport, 'finish');
        logger.end();
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

