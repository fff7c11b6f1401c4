import { isNotFound } from '../../apimachinery/status-error.js';
import { ControllerRunner } from '../../controller/controller-runner.js';
import { Informer } from '../../controller/informer.js';
import type { Logger } from '../../observability/logger.js';
import type { KubeObject } from '../../registry/object.js';
import type { Store } from '../../registry/store.js';
import type { Storage } from '../../storage/interfaces.js';

export const FINALIZER_KUBERNETES = 'kubernetes';

export interface NamespaceControllerOptions {
  storage: Storage;
  namespaces: Store;
  /** Every namespaced resource's store at the time of the sync (later custom resources included). */
  namespacedStores: () => Store[];
  logger: Logger;
}

/** Thrown by a sync that must look again later: content is still being removed (finalizers). */
class ContentRemaining extends Error {}

/**
 * kube's namespace controller: for a namespace being deleted, deletes every
 * namespaced object in it, and once none is left removes the `kubernetes`
 * finalizer, which lets the namespace go. Built on the shared informer and runner.
 */
export class NamespaceController {
  private readonly informer: Informer<KubeObject>;
  private readonly runner: ControllerRunner<string>;

  constructor(private readonly opts: NamespaceControllerOptions) {
    this.informer = new Informer<KubeObject>({ storage: opts.storage, prefix: opts.namespaces.prefix, logger: opts.logger });
    this.runner = new ControllerRunner<string>({
      name: 'namespace-controller',
      sync: (name) => this.sync(name),
      workers: 2,
      maxRetries: Number.POSITIVE_INFINITY,
      logger: opts.logger,
    });
    const enqueue = (ns: KubeObject) => {
      if (ns.metadata?.deletionTimestamp && ns.metadata.name) this.runner.enqueue(ns.metadata.name);
    };
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
  }

  async run(signal: AbortSignal): Promise<void> {
    void this.informer.run(signal);
    await this.informer.waitForSync(signal);
    await this.runner.run(signal);
  }

  /** Idempotent: reads the namespace from the cache; a missing one is done. */
  async sync(name: string): Promise<void> {
    const ns = this.informer.indexer.get(name);
    if (!ns?.metadata?.deletionTimestamp) return;
    let remaining = 0;
    for (const store of this.opts.namespacedStores()) {
      const { items } = await store.list(name);
      if (items.length === 0) continue;
      await store.deleteCollection(name, {});
      const after = await store.list(name);
      remaining += after.items.length;
    }
    if (remaining > 0) throw new ContentRemaining(`namespace ${name}: ${remaining} object(s) still being deleted`);
    try {
      await this.opts.namespaces.update('', name, (current) => {
        const next = structuredClone(current!);
        const spec = (next.spec ?? {}) as { finalizers?: string[] };
        spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
        next.spec = spec;
        return next;
      }, { subresource: 'finalize', strategy: this.opts.namespaces.def.subresources?.finalize?.strategy });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
