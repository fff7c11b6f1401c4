/**
 * The package's programmatic API: `import { startServer } from 'frontdoor'`.
 * Importing it has no side effects (no signal handlers, no timers, no
 * process.exit); the `frontdoor` binary is src/cli/frontdoor.ts. Its
 * declarations are index.types.ts's, which this checks it matches.
 */
import { startServer } from './embed/start-server.js';
import type { startServer as declared } from './index.types.js';

export { startServer };
export type { EmbeddedServer, EmbedLogLevel, StartServerOptions } from './embed/api.js';
export type { Logger, LogFields } from './observability/logger.js';

startServer satisfies typeof declared;
