/** `npm run bench`: every benchmark, each printing its tables. `npm run bench -- storage` runs one. */
import { benchAggregator } from './aggregator.js';
import { benchApi } from './api.js';
import { benchApply } from './apply.js';
import { benchAuthz } from './authz.js';
import { benchCodec } from './codec.js';
import { benchCrd } from './crd.js';
import { benchCrdVersions } from './crd-versions.js';
import { benchEmbed } from './embed.js';
import { benchInputChecks } from './input-checks.js';
import { benchMetrics } from './metrics.js';
import { benchSoak } from './soak.js';
import { benchStartup } from './startup.js';
import { benchStorage } from './storage.js';
import { benchStorm } from './storm.js';

const benches: Record<string, () => Promise<void>> = {
  api: benchApi,
  startup: benchStartup,
  storage: benchStorage,
  apply: benchApply,
  authz: benchAuthz,
  codec: benchCodec,
  storm: benchStorm,
  input: benchInputChecks,
  crd: benchCrd,
  'crd-versions': benchCrdVersions,
  aggregator: benchAggregator,
  embed: benchEmbed,
  soak: benchSoak,
  metrics: benchMetrics,
};

const only = process.argv[2];
for (const [name, run] of Object.entries(benches)) {
  if (only && name !== only) continue;
  await run();
}
