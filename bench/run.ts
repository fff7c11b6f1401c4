/** `npm run bench`: every benchmark, each printing its tables. `npm run bench -- startup` runs one. */
import { benchStartup } from './startup.js';

const benches: Record<string, () => Promise<void>> = {
  startup: benchStartup,
};

const only = process.argv[2];
for (const [name, run] of Object.entries(benches)) {
  if (only && name !== only) continue;
  await run();
}
