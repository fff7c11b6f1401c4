/**
 * What storage logs through. The process logger (observability/) satisfies it
 * structurally, so storage imports nothing above itself.
 */
export interface StorageLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Used when a caller gives no logger (unit tests, tools): notices are dropped,
 * but warnings and errors still reach stderr, since they must never be lost.
 */
export const stderrStorageLogger: StorageLogger = {
  info: () => undefined,
  warn: (message, fields) => process.emitWarning(`${message} ${JSON.stringify(fields ?? {})}`, 'StorageWarning'),
  error: (message, fields) => process.emitWarning(`${message} ${JSON.stringify(fields ?? {})}`, 'StorageError'),
};
