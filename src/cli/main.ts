import { createLogger } from '../observability/logger.js';
import { OptionsError, parseOptions, type ServerOptions } from './options.js';
import { runServer, type RunHooks, type RunningServer } from './run.js';

/**
 * `frontdoor`: parse flags, start, and shut down gracefully on SIGTERM/SIGINT.
 * A second signal exits at once (status 1), as kube-apiserver does.
 */
export async function main(argv: string[], hooks: RunHooks = {}): Promise<void> {
  let opts: ServerOptions;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    const e = err as { code?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') {
      process.exitCode = 0;
      return;
    }
    if (err instanceof OptionsError) {
      process.stderr.write(`frontdoor: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ format: opts.logFormat, verbosity: opts.verbosity });
  // Handlers go in before anything listens, so no signal finds the default (kill) behaviour.
  let running: RunningServer | undefined;
  let signals = 0;
  let stopRequested = false;
  const stop = (server: RunningServer) =>
    server.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { err: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn('second signal: exiting at once', { signal: sig });
      process.exit(1);
    }
    logger.info('received signal, shutting down gracefully', { signal: sig });
    stopRequested = true;
    if (running) void stop(running);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    running = await runServer(opts, logger, hooks);
  } catch (err) {
    logger.error('failed to start', { err: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  if (stopRequested) void stop(running);
}
