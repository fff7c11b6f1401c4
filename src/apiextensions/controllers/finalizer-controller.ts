import { isNotFound } from '../../apimachinery/status-error.js';
import { ControllerRunner } from '../../controller/controller-runner.js';
import { Informer } from '../../controller/informer.js';
import type { Logger } from '../../observability/logger.js';
import type { KubeObject } from '../../registry/object.js';
import type { Store } from '../../registry/store.js';
import type { APIResources } from '../../server/api-resources.js';
import type { Storage } from '../../storage/interfaces.js';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionStatus } from '../customresourcedefinition/types.js';
import { CLEANUP_FINALIZER, hasCleanupFinalizer } from './cleanup-finalizer.js';

export interface CRDFinalizerControllerOptions {
  storage: Storage;
  /** The customresourcedefinitions Store: Terminating and the finalizer's removal are written through it. */
  crds: Store;
  /** Where this replica serves custom resources (the CRD controller keeps a deleted CRD served until it goes). */
  resources: APIResources;
  logger: Logger;
  now?: () => Date;
}

const TERMINATING: Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'> = {
  type: 'Terminating',
  status: 'True',
  reason: 'InstanceDeletionInProgress',
  message: 'CustomResource deletion is in progress',
};

/**
 * kube's CRD finalizer controller: for a deleted CRD that still carries
 * `customresourcecleanup.apiextensions.k8s.io`, marks it Terminating,
 * deletes every custom resource of it (in every namespace, through the
 * served Store), and once none is left removes the finalizer, which lets
 * the CRD go. It acts once per cluster: the chain runs it under the
 * controllers' Lease, a new one per term.
 */
export class CRDFinalizerController {
  readonly informer: Informer<CustomResourceDefinition & KubeObject>;
  readonly runner: ControllerRunner<string>;

  constructor(private readonly opts: CRDFinalizerControllerOptions) {
    this.informer = new Informer<CustomResourceDefinition & KubeObject>({ storage: opts.storage, prefix: opts.crds.prefix, logger: opts.logger });
    this.runner = new ControllerRunner<string>({ name: 'crd-finalizer', sync: (name) => this.sync(name), maxRetries: Number.POSITIVE_INFINITY, logger: opts.logger });
    const enqueue = (crd: CustomResourceDefinition & KubeObject) => {
      if (crd.metadata.deletionTimestamp && hasCleanupFinalizer(crd)) this.runner.enqueue(crd.metadata.name!);
    };
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, crd) => enqueue(crd) });
  }

  async run(signal: AbortSignal): Promise<void> {
    void this.informer.run(signal);
    await this.informer.waitForSync(signal);
    await this.runner.run(signal);
  }

  /** Idempotent: reads the CRD from the cache; throws (to be retried) while custom resources remain. */
  async sync(name: string): Promise<void> {
    const crd = this.informer.indexer.get(name);
    if (!crd?.metadata.deletionTimestamp || !hasCleanupFinalizer(crd)) return;
    await this.markTerminating(crd);
    const store = this.servedStore(crd);
    // Served by this replica once its CRD controller has seen the CRD: until then nothing can be listed.
    if (!store) throw new Error(`custom resources of ${name} are not served here yet`);
    const asked = await store.deleteCollection('', {});
    // Objects with finalizers of their own are only marked: wait for them (the requeue looks again).
    const left = (await store.list('', {})).items.length;
    if (left > 0) throw new Error(`waiting for ${left} custom resources of ${name} to finish deleting (${asked.length} asked)`);
    try {
      await this.opts.crds.update('', name, (current) => {
        const next = structuredClone(current!);
        next.metadata = { ...next.metadata, finalizers: (next.metadata?.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER) };
        return next;
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private servedStore(crd: CustomResourceDefinition): Store | undefined {
    const plural = crd.status?.acceptedNames?.plural ?? crd.spec.names.plural;
    for (const v of crd.spec.versions.filter((x) => x.served)) {
      const store = this.opts.resources.installer.store(crd.spec.group, v.name, plural);
      if (store) return store;
    }
    return undefined;
  }

  private async markTerminating(crd: CustomResourceDefinition): Promise<void> {
    const old = crd.status?.conditions?.find((c) => c.type === 'Terminating');
    if (old?.status === 'True' && old.reason === TERMINATING.reason) return;
    const now = (this.opts.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      await this.opts.crds.update(
        '',
        crd.metadata.name!,
        (current) => {
          const next = structuredClone(current!);
          const status = (next.status ?? {}) as CustomResourceDefinitionStatus;
          status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'Terminating'), { ...TERMINATING, lastTransitionTime: now }];
          next.status = status as unknown as KubeObject['status'];
          return next;
        },
        { subresource: 'status' },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
