import winston from 'winston';

/**
 * The process logger. Verbosity follows klog's -v: a message logged at level N
 * is written only when -v >= N (0 is always written). Fields are structured:
 * key=value pairs in text, properties in JSON.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose info() writes only at verbosity >= level. */
  v(level: number): Pick<Logger, 'info'>;
  /** True when messages at this verbosity are written (to skip building them). */
  enabled(level: number): boolean;
}

export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  format: LogFormat;
  verbosity: number;
  /** Defaults to the console (stderr for all levels, as klog writes). */
  transport?: winston.transport;
}

const renderValue = (v: unknown): string => {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v instanceof Error) return JSON.stringify(v.message);
  return JSON.stringify(v);
};

const textFormat = winston.format.printf((info) => {
  const { level, message, timestamp, ...fields } = info;
  const pairs = Object.entries(fields)
    .filter(([k]) => typeof k === 'string')
    .map(([k, v]) => `${k}=${renderValue(v)}`)
    .join(' ');
  return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} ${String(message)}${pairs ? ' ' + pairs : ''}`;
});

export function createLogger(opts: LoggerOptions): Logger {
  const format =
    opts.format === 'json'
      ? winston.format.combine(winston.format.timestamp(), winston.format.json())
      : winston.format.combine(winston.format.timestamp(), textFormat);
  const transport =
    opts.transport ?? new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info'] });
  const w = winston.createLogger({ level: 'info', format, transports: [transport] });
  const write = (level: 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => {
    w.log(level, message, fields ?? {});
  };
  const silent = { info: () => undefined };
  const logger: Logger = {
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    v: (level) => (opts.verbosity >= level ? { info: write('info') } : silent),
    enabled: (level) => opts.verbosity >= level,
  };
  return logger;
}

/** A logger that drops everything, for unit tests of modules that log. */
export const discardLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  v: () => ({ info: () => undefined }),
  enabled: () => false,
};
