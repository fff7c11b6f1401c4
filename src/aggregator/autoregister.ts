/**
 * kube-aggregator's autoregister controller with its two feeders (the
 * apiservice registration of built-in group-versions at start and the CRD
 * registration controller): every group-version this server serves locally
 * has a local APIService (`service: null`), so that `kubectl get apiservices`
 * lists them and the aggregator knows what is local.
 *
 * Built-in group-versions are labelled `onstart`: written at start, and not
 * put back if someone deletes one later. CRD group-versions are labelled
 * `true`: kept in step with the served CRDs continuously, and removed when
 * their group-version goes. Only APIServices carrying the label are ever
 * changed or removed here; a user's APIService of the same name is left alone.
 */
import { isAlreadyExists, isConflict, isNotFound } from '../apimachinery/status-error.js';
import { apiServiceNameFor, type APIService } from '../apis/apiregistration/v1/index.js';
import { ControllerRunner } from '../controller/controller-runner.js';
import type { Informer } from '../controller/informer.js';
import { BUILTIN_GROUP_PRIORITIES, DEFAULT_GROUP_PRIORITY } from '../endpoints/discovery/index.js';
import type { Logger } from '../observability/logger.js';
import type { KubeObject } from '../registry/object.js';
import type { Store } from '../registry/store.js';
import type { AggregatorInformers } from './informers.js';

export const AUTO_MANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';
export type AutoManaged = 'onstart' | 'true';

/** A group-version served locally, and how it is managed. */
export interface LocalGroupVersion {
  group: string;
  version: string;
  managed: AutoManaged;
}

/** kube's version priorities for built-in group-versions that differ from the usual 15 (the core group's is 1). */
const VERSION_PRIORITIES: Readonly<Record<string, number>> = { '/v1': 1, 'autoscaling/v2': 30 };
/** Where kube's APIService priority differs from the discovery order's (which lists the aggregator's own group first, above what an APIService may say). */
const GROUP_PRIORITIES: Readonly<Record<string, number>> = { 'apiregistration.k8s.io': 18000 };

/** CRD group-versions: low in the group order, versions ordered as kube orders names (kube's crdregistration). */
const CRD_GROUP_PRIORITY = 1000;
const CRD_VERSION_PRIORITY = 100;

/** kube's APIService names: `<version>.<group>`, so the core group's is "v1.". */
const apiServiceName = apiServiceNameFor;

/** The local APIService kube registers for a group-version. */
export function localAPIService(gv: LocalGroupVersion): APIService {
  const builtin = gv.managed === 'onstart';
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: apiServiceName(gv.group, gv.version), labels: { [AUTO_MANAGED_LABEL]: gv.managed } },
    spec: {
      service: null,
      group: gv.group,
      version: gv.version,
      groupPriorityMinimum: builtin ? (GROUP_PRIORITIES[gv.group] ?? BUILTIN_GROUP_PRIORITIES[gv.group] ?? DEFAULT_GROUP_PRIORITY) : CRD_GROUP_PRIORITY,
      versionPriority: builtin ? (VERSION_PRIORITIES[`${gv.group}/${gv.version}`] ?? 15) : CRD_VERSION_PRIORITY,
    },
  };
}

export interface AutoRegisterOptions {
  /** The shared caches (this controller reads APIServices). */
  informers: AggregatorInformers;
  /** The apiservices Store, written as the controller (outside any request). */
  apiServices: Store;
  /** What is served locally now: built-ins (`onstart`) and CRD group-versions (`true`). */
  desired: () => LocalGroupVersion[];
  logger: Logger;
}

const labelOf = (s: APIService): string | undefined => s.metadata?.labels?.[AUTO_MANAGED_LABEL];

export class AutoRegisterController {
  readonly informer: Informer<APIService>;
  readonly runner: ControllerRunner<string>;
  /** onstart APIServices already made sure of in this process: not recreated if deleted later. */
  private readonly syncedOnStart = new Set<string>();
  /** The wanted local APIServices by name, as of the last resync (one pass over what is served, not one per name). */
  private wanted = new Map<string, LocalGroupVersion>();

  constructor(private readonly opts: AutoRegisterOptions) {
    this.informer = opts.informers.apiServices;
    this.runner = new ControllerRunner<string>({
      name: 'autoregister-controller',
      sync: (name) => this.sync(name),
      maxRetries: Number.POSITIVE_INFINITY,
      logger: opts.logger,
    });
    const enqueue = (s: APIService) => s.metadata?.name && labelOf(s) && this.runner.enqueue(s.metadata.name);
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, s) => enqueue(s), onDelete: enqueue });
  }

  /**
   * Call when the set of local group-versions may have changed (a CRD was
   * served or went): queues only the names whose APIService differs from what
   * is wanted, so a change with 1,000 CRDs served costs one pass, not 1,000 syncs.
   */
  resync(): void {
    const before = this.wanted;
    this.wanted = new Map(this.opts.desired().map((gv) => [apiServiceName(gv.group, gv.version), gv]));
    for (const [name, gv] of this.wanted) {
      const prev = before.get(name);
      if (prev && prev.managed === gv.managed && !this.differs(name, gv)) continue;
      this.runner.enqueue(name);
    }
    for (const name of before.keys()) if (!this.wanted.has(name)) this.runner.enqueue(name);
  }

  /** Whether the stored APIService is not (yet) what this controller would write. */
  private differs(name: string, gv: LocalGroupVersion): boolean {
    const have = this.informer.indexer.get(name);
    if (!have) return !(gv.managed === 'onstart' && this.syncedOnStart.has(name));
    if (!labelOf(have)) return false;
    const want = localAPIService(gv);
    return labelOf(have) !== gv.managed || JSON.stringify(have.spec) !== JSON.stringify(want.spec);
  }

  async run(signal: AbortSignal): Promise<void> {
    this.opts.informers.start(signal);
    await this.informer.waitForSync(signal);
    this.resync();
    // At start, also what was registered before and is not served any more.
    for (const s of this.informer.indexer.list()) if (labelOf(s) && s.metadata?.name && !this.wanted.has(s.metadata.name)) this.runner.enqueue(s.metadata.name);
    await this.runner.run(signal);
  }

  private async sync(name: string): Promise<void> {
    const want = this.wanted.get(name);
    const have = this.informer.indexer.get(name);
    if (!want) {
      // Only what this controller manages goes: a built-in's (onstart) at start only, a CRD's always.
      if (!have || !labelOf(have)) return;
      if (labelOf(have) === 'onstart' && this.syncedOnStart.has(name)) return;
      await this.opts.apiServices.delete('', name, { preconditions: { uid: have.metadata?.uid } }).catch((err: unknown) => {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      });
      return;
    }
    const desired = localAPIService(want);
    if (!have) {
      if (want.managed === 'onstart' && this.syncedOnStart.has(name)) return;
      await this.opts.apiServices.create('', desired as KubeObject).catch((err: unknown) => {
        if (!isAlreadyExists(err)) throw err;
      });
      this.syncedOnStart.add(name);
      return;
    }
    this.syncedOnStart.add(name);
    // A user's APIService of the same name (no label) is theirs; ours is kept as we register it.
    if (!labelOf(have)) return;
    if (labelOf(have) === desired.metadata!.labels![AUTO_MANAGED_LABEL] && JSON.stringify(have.spec) === JSON.stringify(desired.spec)) return;
    await this.opts.apiServices.update('', name, (current) =>
      current
        ? { ...current, metadata: { ...current.metadata, labels: { ...(current.metadata?.labels ?? {}), ...desired.metadata!.labels } }, spec: desired.spec }
        : (desired as KubeObject),
    );
  }
}
