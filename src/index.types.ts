/**
 * What the package's "types" condition points at (built by tsconfig.types.json
 * into dist/types): index.ts's exports, declared without importing the server,
 * so the declaration build reads three files instead of all of src/.
 */
import type { EmbeddedServer, StartServerOptions } from './embed/api.js';

export type { EmbeddedServer, EmbedLogLevel, StartServerOptions } from './embed/api.js';
export type { Logger, LogFields } from './observability/logger.js';

/** Starts frontdoor in this process and resolves once /readyz answers ok. */
export declare function startServer(options?: StartServerOptions): Promise<EmbeddedServer>;
