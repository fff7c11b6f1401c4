import type { ResourceDefinition } from '../registry/resource-definition.js';

/**
 * kube's --runtime-config: a comma-separated list of `key[=true|false]`, where
 * key is `api/all`, `api/ga`, `api/beta`, `api/alpha`, `api/legacy` (core v1),
 * `<group>/<version>` (`v1` or `api/v1` for core) or `<group>/<version>/<resource>`.
 * A bare key means true. Later, more specific entries win over broader ones.
 */
export interface RuntimeConfig {
  all?: boolean;
  stability: Partial<Record<'ga' | 'beta' | 'alpha', boolean>>;
  groupVersions: Map<string, boolean>;
  resources: Map<string, boolean>;
}

export class RuntimeConfigError extends Error {}

export function parseRuntimeConfig(entries: string[]): RuntimeConfig {
  const config: RuntimeConfig = { stability: {}, groupVersions: new Map(), resources: new Map() };
  for (const raw of entries) {
    const [key, value = 'true'] = raw.split('=', 2) as [string, string?];
    if (value !== 'true' && value !== 'false') {
      throw new RuntimeConfigError(`invalid value ${JSON.stringify(value)} for ${JSON.stringify(key)}: must be true or false`);
    }
    const on = value === 'true';
    const k = key.trim();
    if (k === 'api/all') config.all = on;
    else if (k === 'api/ga' || k === 'api/beta' || k === 'api/alpha') config.stability[k.slice(4) as 'ga' | 'beta' | 'alpha'] = on;
    else if (k === 'api/legacy' || k === 'v1' || k === 'api/v1') config.groupVersions.set('/v1', on);
    else {
      const parts = k.split('/');
      if (parts.length === 2) config.groupVersions.set(`${parts[0]}/${parts[1]}`, on);
      else if (parts.length === 3) config.resources.set(`${parts[0] === 'api' ? '' : parts[0]}/${parts[1]}/${parts[2]}`, on);
      else throw new RuntimeConfigError(`invalid key ${JSON.stringify(k)}: expected api/all, <group>/<version> or <group>/<version>/<resource>`);
    }
  }
  return config;
}

const stabilityOf = (version: string): 'ga' | 'beta' | 'alpha' => (/alpha/.test(version) ? 'alpha' : /beta/.test(version) ? 'beta' : 'ga');

/** Whether a resource is served: the most specific entry decides; GA resources are on by default, others off. */
export function isEnabled(config: RuntimeConfig, def: ResourceDefinition): boolean {
  const { group, version, resource } = def.info;
  const byResource = config.resources.get(`${group}/${version}/${resource}`);
  if (byResource !== undefined) return byResource;
  const byGV = config.groupVersions.get(`${group}/${version}`);
  if (byGV !== undefined) return byGV;
  const stability = stabilityOf(version);
  const byStability = config.stability[stability];
  if (byStability !== undefined) return byStability;
  if (config.all !== undefined) return config.all;
  return stability === 'ga';
}

/** The group-versions and resources named in the config that nothing serves: a typo would otherwise pass silently. */
export function unknownEntries(config: RuntimeConfig, defs: ResourceDefinition[]): string[] {
  const gvs = new Set(defs.map((d) => `${d.info.group}/${d.info.version}`));
  const rs = new Set(defs.map((d) => `${d.info.group}/${d.info.version}/${d.info.resource}`));
  return [
    ...[...config.groupVersions.keys()].filter((gv) => !gvs.has(gv)).map((gv) => (gv.startsWith('/') ? `api${gv}` : gv)),
    ...[...config.resources.keys()].filter((r) => !rs.has(r)),
  ];
}
