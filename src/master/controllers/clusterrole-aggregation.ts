import { labelSelectorAsSelector, type LabelSelectorSpec } from '../../apimachinery/labels.js';
import { isNotFound } from '../../apimachinery/status-error.js';
import type { ClusterRole, PolicyRule } from '../../apis/rbac/v1/types.js';
import { ControllerRunner } from '../../controller/controller-runner.js';
import { Informer } from '../../controller/informer.js';
import type { Logger } from '../../observability/logger.js';
import type { Store } from '../../registry/store.js';
import type { Storage } from '../../storage/interfaces.js';

export interface ClusterRoleAggregationOptions {
  storage: Storage;
  /** The clusterroles Store: where aggregated rules are written (as the controller, outside any request). */
  clusterRoles: Store;
  logger: Logger;
}

const selectorsOf = (role: ClusterRole): LabelSelectorSpec[] | undefined => {
  const rule = role.aggregationRule;
  if (typeof rule !== 'object' || rule === null) return undefined;
  return Array.isArray(rule.clusterRoleSelectors) ? rule.clusterRoleSelectors : [];
};

/**
 * The rules a role with an aggregationRule should have: for each selector in
 * order, the rules of every other ClusterRole it matches (by name), each rule
 * once (kube's clusterrole-aggregation controller).
 */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] | undefined {
  const selectors = selectorsOf(role);
  if (!selectors) return undefined;
  const out: PolicyRule[] = [];
  const seen = new Set<string>();
  const byName = [...all].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  for (const spec of selectors) {
    let selector;
    try {
      selector = labelSelectorAsSelector(spec);
    } catch {
      continue;
    }
    for (const other of byName) {
      if (other.metadata?.name === role.metadata?.name || !selector.matches(other.metadata?.labels)) continue;
      for (const rule of Array.isArray(other.rules) ? other.rules : []) {
        const key = JSON.stringify(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(rule);
      }
    }
  }
  return out;
}

/**
 * Keeps every ClusterRole that has an aggregationRule holding the union of the
 * rules of the ClusterRoles its selectors match. Any change to any ClusterRole
 * re-syncs every aggregated role (a label may have started or stopped matching).
 */
export class ClusterRoleAggregationController {
  readonly informer: Informer<ClusterRole>;
  readonly runner: ControllerRunner<string>;

  constructor(private readonly opts: ClusterRoleAggregationOptions) {
    this.informer = new Informer<ClusterRole>({ storage: opts.storage, prefix: opts.clusterRoles.prefix, logger: opts.logger });
    this.runner = new ControllerRunner<string>({
      name: 'clusterrole-aggregation-controller',
      sync: (name) => this.sync(name),
      maxRetries: Number.POSITIVE_INFINITY,
      logger: opts.logger,
    });
    const enqueueAll = () => {
      for (const role of this.informer.indexer.list()) {
        if (selectorsOf(role) && role.metadata?.name) this.runner.enqueue(role.metadata.name);
      }
    };
    this.informer.addEventHandler({ onAdd: enqueueAll, onUpdate: enqueueAll, onDelete: enqueueAll });
  }

  async run(signal: AbortSignal): Promise<void> {
    void this.informer.run(signal);
    await this.informer.waitForSync(signal);
    await this.runner.run(signal);
  }

  /** Idempotent: computes from the cache, writes only when the rules differ. */
  async sync(name: string): Promise<void> {
    const role = this.informer.indexer.get(name);
    if (!role) return;
    const want = aggregatedRules(role, this.informer.indexer.list());
    if (!want || JSON.stringify(want) === JSON.stringify(role.rules ?? [])) return;
    try {
      await this.opts.clusterRoles.update('', name, (current) => {
        const next = structuredClone(current!) as ClusterRole;
        next.rules = structuredClone(want);
        return next;
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
