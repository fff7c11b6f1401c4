/**
 * The package's programmatic API: `import { startServer } from 'frontdoor'`.
 * Importing it has no side effects (no signal handlers, no timers, no
 * process.exit); the `frontdoor` binary is src/cli/frontdoor.ts.
 */
export { startServer, type EmbeddedServer, type StartServerOptions } from './embed/start-server.js';
export type { EmbedLogLevel } from './embed/logger.js';
export type { Logger, LogFields } from './observability/logger.js';
