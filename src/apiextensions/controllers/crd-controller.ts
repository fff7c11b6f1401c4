import { recordOpenAPIV3Regeneration } from '../../observability/metrics/extension-metrics.js';
import { isNotFound } from '../../apimachinery/status-error.js';
import { ControllerRunner } from '../../controller/controller-runner.js';
import { Informer } from '../../controller/informer.js';
import type { Logger } from '../../observability/logger.js';
import type { KubeObject } from '../../registry/object.js';
import type { Store } from '../../registry/store.js';
import type { APIResources } from '../../server/api-resources.js';
import type { Storage } from '../../storage/interfaces.js';
import type { ResolveService } from '../conversion/client.js';
import { newConverter, type CRConverter } from '../conversion/converter.js';
import { deprecationWarnings } from '../conversion/deprecation.js';
import { customResourceDefinitionFor, type SchemaCompiler } from '../customresource/definition.js';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionStatus } from '../customresourcedefinition/types.js';
import { acceptedNamesFor } from './naming.js';

export interface CRDControllerOptions {
  storage: Storage;
  /** The customresourcedefinitions Store: status is written through its /status. */
  crds: Store;
  /** Where custom resources are served (the CRD server's unit). */
  resources: APIResources;
  compileSchema: SchemaCompiler;
  /** Finds a conversion webhook's Service (`service` clientConfig); without it only `url` webhooks work. */
  resolveService?: ResolveService;
  logger: Logger;
  now?: () => Date;
}

/** What is served for one CRD now, to tell what a change must install or remove. */
interface Served {
  group: string;
  plural: string;
  versions: string[];
  /** The CRD's generation and accepted names when they were installed. */
  fingerprint: string;
  /** Shared by its versions; closed when they are installed again or removed. */
  converter: CRConverter;
}

/**
 * kube's CRD controllers that every replica runs, in one loop over the CRD
 * informer (naming, establishing, the handler's install): for each CRD,
 * accept its names unless another CRD of the group holds them
 * (NamesAccepted) and serve every served version through the CRD server's
 * APIResources (Established). A deleted CRD stays served until it is gone;
 * emptying it is the finalizer controller's (finalizer-controller.ts), which
 * runs once per cluster. sync reads the cache only and is idempotent; status
 * is written only when it changes.
 */
export class CRDController {
  readonly informer: Informer<CustomResourceDefinition & KubeObject>;
  readonly runner: ControllerRunner<string>;
  private readonly served = new Map<string, Served>();
  /** CRDs whose names another CRD of their group holds: handled, not served. */
  private readonly refused = new Set<string>();
  private readonly waiters = new Set<() => void>();
  /** Deprecation warnings of served versions, by "group/version/plural". */
  private readonly warnings = new Map<string, string[]>();

  constructor(private readonly opts: CRDControllerOptions) {
    this.informer = new Informer<CustomResourceDefinition & KubeObject>({ storage: opts.storage, prefix: opts.crds.prefix, logger: opts.logger });
    this.runner = new ControllerRunner<string>({ name: 'crd-controller', sync: (name) => this.sync(name), maxRetries: Number.POSITIVE_INFINITY, logger: opts.logger });
    // A CRD's names may free or take names of others in its group: every change re-syncs the group.
    const enqueueGroup = (crd: CustomResourceDefinition) => {
      for (const other of this.informer.indexer.list()) if (other.spec?.group === crd.spec?.group) this.runner.enqueue(other.metadata!.name!);
      this.runner.enqueue(crd.metadata.name!);
    };
    this.informer.addEventHandler({
      onAdd: enqueueGroup,
      onUpdate: (_old, obj) => enqueueGroup(obj),
      onDelete: enqueueGroup,
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    void this.informer.run(signal);
    await this.informer.waitForSync(signal);
    await this.runner.run(signal);
  }

  /** Whether every CRD the informer has seen so far is served (or refused): the CRD server's routes are complete. */
  caughtUp(): boolean {
    if (!this.informer.hasSynced()) return false;
    return this.informer.indexer.list().every((crd) => !isEstablishable(crd) || this.served.has(crd.metadata.name!) || this.refused.has(crd.metadata.name!));
  }

  /** The Warning texts a request for this served resource answers with (a deprecated version's). */
  warningsFor(group: string, version: string, plural: string): readonly string[] | undefined {
    return this.warnings.get(`${group}/${version}/${plural}`);
  }

  /** Resolves once `pred` holds after a sync (bounded by the caller's signal). */
  async until(pred: () => boolean, signal: AbortSignal): Promise<void> {
    while (!pred()) {
      if (signal.aborted) throw signal.reason;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.add(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  async sync(name: string): Promise<void> {
    try {
      await this.syncOne(name);
    } finally {
      for (const w of [...this.waiters]) w();
    }
  }

  private async syncOne(name: string): Promise<void> {
    const crd = this.informer.indexer.get(name);
    this.refused.delete(name);
    if (!crd) {
      await this.unserve(name);
      return;
    }
    if (crd.metadata.deletionTimestamp) {
      // Its custom resources stay served until it goes, so the finalizer controller (on whichever replica leads) can delete them.
      if (!this.served.has(name) && crd.status?.acceptedNames?.plural) this.serve(crd);
      return;
    }
    const names = acceptedNamesFor(crd, this.informer.indexer.list());
    if (!names.accepted) {
      this.refused.add(name);
      await this.unserve(name);
      await this.writeStatus(crd, { namesAccepted: condition('NamesAccepted', 'False', 'NameConflict', names.message), established: undefined });
      return;
    }
    const accepted: CustomResourceDefinition = { ...crd, status: { ...crd.status, acceptedNames: names.names } };
    this.serve(accepted);
    await this.writeStatus(crd, {
      acceptedNames: names.names,
      namesAccepted: condition('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'),
      established: condition('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'),
    });
  }

  /** Installs each served version (again only when the CRD changed), removes versions no longer served. */
  private serve(crd: CustomResourceDefinition): void {
    const name = crd.metadata.name!;
    const plural = crd.status!.acceptedNames!.plural!;
    const fingerprint = JSON.stringify([crd.metadata.generation, crd.status?.acceptedNames]);
    const before = this.served.get(name);
    if (before?.fingerprint === fingerprint) return;
    const versions = crd.spec.versions.filter((v) => v.served);
    const converter = newConverter(crd, { resolveService: this.opts.resolveService });
    const compiled = new Map(versions.map((v) => [v.name, this.opts.compileSchema(crd, v)]));
    const storage = crd.spec.versions.find((v) => v.storage);
    const storageSchema = storage ? (compiled.get(storage.name) ?? this.opts.compileSchema(crd, storage)) : undefined;
    // Together: the versions share one watch cache on the CRD's storage prefix.
    this.opts.resources.installAll(versions.map((v) => ({ def: customResourceDefinitionFor(crd, v, compiled.get(v.name)!, converter, storageSchema) })));
    if (before) {
      before.converter.close();
      const keep = new Set(versions.map((v) => `${crd.spec.group}/${v.name}/${plural}`));
      for (const v of before.versions) {
        this.warnings.delete(`${before.group}/${v}/${before.plural}`);
        if (!keep.has(`${before.group}/${v}/${before.plural}`)) {
          void this.opts.resources.uninstall(before.group, v, before.plural);
          recordOpenAPIV3Regeneration(before.group, v, name, 'remove');
        }
      }
    }
    // Each served version's OpenAPI v3 document is made again with the new definition (kube's openapiv3 controller).
    for (const v of versions) recordOpenAPIV3Regeneration(crd.spec.group, v.name, name, before?.versions.includes(v.name) ? 'update' : 'add');
    for (const v of versions) {
      const texts = deprecationWarnings(crd, v.name);
      if (texts.length > 0) this.warnings.set(`${crd.spec.group}/${v.name}/${plural}`, texts);
    }
    this.served.set(name, { group: crd.spec.group, plural, versions: versions.map((v) => v.name), fingerprint, converter });
    this.opts.logger.info('serving custom resources', { crd: name, versions: versions.map((v) => v.name) });
  }

  private async unserve(name: string): Promise<void> {
    const before = this.served.get(name);
    if (!before) return;
    this.served.delete(name);
    before.converter.close();
    for (const v of before.versions) {
      this.warnings.delete(`${before.group}/${v}/${before.plural}`);
      await this.opts.resources.uninstall(before.group, v, before.plural);
      recordOpenAPIV3Regeneration(before.group, v, name, 'remove');
    }
    this.opts.logger.info('stopped serving custom resources', { crd: name });
  }

  /** Merges conditions (keeping lastTransitionTime when the status did not change) and writes /status if anything changed. */
  private async writeStatus(
    crd: CustomResourceDefinition,
    change: {
      acceptedNames?: CustomResourceDefinitionStatus['acceptedNames'];
      namesAccepted?: CustomResourceDefinitionCondition;
      established?: CustomResourceDefinitionCondition | undefined;
    },
  ): Promise<void> {
    const now = (this.opts.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
    const status: CustomResourceDefinitionStatus = structuredClone(crd.status ?? {});
    let conditions = status.conditions ?? [];
    const set = (c: CustomResourceDefinitionCondition) => {
      const old = conditions.find((x) => x.type === c.type);
      const next = { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
      conditions = old ? conditions.map((x) => (x.type === c.type ? next : x)) : [...conditions, next];
    };
    if (change.namesAccepted) set(change.namesAccepted);
    if ('established' in change && change.established) set(change.established);
    status.conditions = conditions;
    if (change.acceptedNames) status.acceptedNames = change.acceptedNames;
    if (JSON.stringify(status) === JSON.stringify(crd.status ?? {})) return;
    try {
      await this.opts.crds.update(
        '',
        crd.metadata.name!,
        (current) => {
          const next = structuredClone(current!);
          // storedVersions is the strategy's and the user's: a status read from a lagging cache must not shrink it.
          const stored = (current?.status as CustomResourceDefinitionStatus | undefined)?.storedVersions;
          next.status = structuredClone({ ...status, ...(stored ? { storedVersions: stored } : {}) }) as unknown as KubeObject['status'];
          return next;
        },
        { subresource: 'status' },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

const condition = (type: string, status: 'True' | 'False', reason: string, message: string): CustomResourceDefinitionCondition => ({ type, status, reason, message });

/** A CRD this controller serves once it has run: not being deleted. */
const isEstablishable = (crd: CustomResourceDefinition): boolean => !crd.metadata.deletionTimestamp;
