import { createLogger, discardLogger, type Logger } from '../observability/logger.js';
import type { EmbedLogLevel } from './api.js';

/** A logger for an embedded server: a test's output shows only what went wrong, unless asked for more. */
export function embedLogger(level: EmbedLogLevel, verbosity: number): Logger {
  if (level === 'silent') return discardLogger;
  const full = createLogger({ format: 'text', verbosity });
  if (level === 'info') return full;
  const silent = { info: () => undefined };
  return {
    info: () => undefined,
    warn: level === 'warn' ? full.warn : () => undefined,
    error: full.error,
    v: () => silent,
    enabled: () => false,
  };
}
