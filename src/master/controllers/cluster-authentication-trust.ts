/**
 * kube's cluster authentication trust controller: keeps the ConfigMap
 * kube-system/extension-apiserver-authentication telling aggregated API
 * servers which client CA and which front proxy (requestheader CA, header
 * names, allowed names) this server trusts. Each sync merges what is there
 * with what is configured now, so CAs accumulate across rotations (and across
 * replicas with different flags) until they expire.
 */
import { isAlreadyExists, isNotFound, isStatusError } from '../../apimachinery/status-error.js';
import type { ConfigMap } from '../../apis/core/v1/configmaps.js';
import { realClock, type Clock } from '../../controller/clock.js';
import { ControllerRunner } from '../../controller/controller-runner.js';
import { runLeaderOnly } from '../../controller/leaderelection/leader-controllers.js';
import { Informer } from '../../controller/informer.js';
import type { CAContentProvider, Listener } from '../../dynamiccertificates/interfaces.js';
import { DEFAULT_RESYNC_MS, every } from '../../dynamiccertificates/resync.js';
import type { Logger } from '../../observability/logger.js';
import type { MasterServer } from '../master.js';
import type { Store } from '../../registry/store.js';
import type { Storage } from '../../storage/interfaces.js';
import { combineCABundles } from './ca-bundle-merge.js';

export const CONFIGMAP_NAMESPACE = 'kube-system';
export const CONFIGMAP_NAME = 'extension-apiserver-authentication';
const KEY = `${CONFIGMAP_NAMESPACE}/${CONFIGMAP_NAME}`;

/** The ConfigMap's keys, as kube names them. */
export const DATA_KEYS = {
  clientCA: 'client-ca-file',
  requestHeaderCA: 'requestheader-client-ca-file',
  usernameHeaders: 'requestheader-username-headers',
  groupHeaders: 'requestheader-group-headers',
  extraHeaderPrefixes: 'requestheader-extra-headers-prefix',
  allowedNames: 'requestheader-allowed-names',
  uidHeaders: 'requestheader-uid-headers',
} as const;

type ListKey = 'usernameHeaders' | 'uidHeaders' | 'groupHeaders' | 'extraHeaderPrefixes' | 'allowedNames';
const LIST_KEYS: readonly ListKey[] = ['usernameHeaders', 'uidHeaders', 'groupHeaders', 'extraHeaderPrefixes', 'allowedNames'];

/** What this server trusts (kube's ClusterAuthenticationInfo). The CAs are read afresh on every sync. */
export interface ClusterAuthenticationInfo {
  clientCA?: CAContentProvider;
  requestHeaderCA?: CAContentProvider;
  usernameHeaders: readonly string[];
  /** Newer kube's --requestheader-uid-headers; we have no such flag, so [] (written, so a kube replica's list is kept, not dropped). */
  uidHeaders?: readonly string[];
  groupHeaders: readonly string[];
  extraHeaderPrefixes: readonly string[];
  allowedNames: readonly string[];
}

export interface MergedAuthenticationData {
  data: Record<string, string>;
  /** Subjects of expired CAs left out. */
  expired: string[];
  /** Existing values that could not be read (bad PEM blocks, non-JSON lists) and were left out. */
  unreadable: string[];
}

/**
 * The ConfigMap data for `existing` combined with `required` (kube's
 * combinedClusterAuthenticationInfo + getConfigMapDataFor): each CA bundle is
 * the existing certificates then the required ones, unique and unexpired;
 * each header list the existing entries then the required ones, unique. The
 * requestheader keys are written only when a requestheader CA remains, since
 * they mean nothing without a CA to verify the proxy by. Keys that are not
 * kube's are dropped, as kube replaces the whole data map.
 */
export function mergeAuthenticationData(existing: Readonly<Record<string, string>>, required: ClusterAuthenticationInfo, now: Date): MergedAuthenticationData {
  const expired: string[] = [];
  const unreadable: string[] = [];
  const bundle = (key: string, current: CAContentProvider | undefined): string => {
    const combined = combineCABundles([existing[key] ?? '', current?.currentCABundleContent() ?? ''], now);
    expired.push(...combined.expired);
    if (combined.unreadable > 0) unreadable.push(`${key}: ${combined.unreadable} PEM block(s)`);
    return combined.pem;
  };
  const data: Record<string, string> = {};
  const clientCA = bundle(DATA_KEYS.clientCA, required.clientCA);
  if (clientCA) data[DATA_KEYS.clientCA] = clientCA;
  const requestHeaderCA = bundle(DATA_KEYS.requestHeaderCA, required.requestHeaderCA);
  if (requestHeaderCA) {
    data[DATA_KEYS.requestHeaderCA] = requestHeaderCA;
    for (const k of LIST_KEYS) {
      const key = DATA_KEYS[k];
      const old = parseStringList(existing[key]);
      if (old === undefined) unreadable.push(`${key}: not a JSON list of strings`);
      data[key] = JSON.stringify(unique([...(old ?? []), ...(required[k] ?? [])]));
    }
  }
  return { data, expired, unreadable };
}

/** A JSON list of strings as kube writes it; [] when absent, undefined when unreadable. */
function parseStringList(text: string | undefined): string[] | undefined {
  if (text === undefined || text === '') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((s): s is string => typeof s === 'string')) return parsed;
  } catch {
    // unreadable: reported by the caller
  }
  return undefined;
}

const unique = (items: readonly string[]): string[] => [...new Set(items)];

export interface ClusterAuthenticationTrustOptions {
  /** Watched (kube-system configmaps only) so that edits and deletes by others are repaired at once. */
  storage: Storage;
  /** Where the ConfigMap is written, as the controller, through admission and validation. */
  configMaps: Store;
  /** kube-system is created if missing (kube does; the system namespaces hook usually wins). */
  namespaces: Store;
  info: ClusterAuthenticationInfo;
  logger: Logger;
  /** For the periodic resync; default real time. */
  clock?: Clock;
  /** Default: once a minute, as kube, in case a notification was missed. */
  resyncMs?: number;
  /** Wall time, to judge certificate expiry. */
  now?: () => Date;
}

/**
 * One key, one worker, retried with backoff for ever. Woken by the CA
 * contents (it is their Listener), by any change to the ConfigMap, and every
 * resyncMs.
 */
export class ClusterAuthenticationTrustController implements Listener {
  readonly informer: Informer<ConfigMap>;
  readonly runner: ControllerRunner<string>;
  private readonly clock: Clock;
  private readonly resyncMs: number;
  private readonly now: () => Date;

  constructor(private readonly opts: ClusterAuthenticationTrustOptions) {
    this.clock = opts.clock ?? realClock;
    this.resyncMs = opts.resyncMs ?? DEFAULT_RESYNC_MS;
    this.now = opts.now ?? (() => new Date());
    this.informer = new Informer<ConfigMap>({
      storage: opts.storage,
      prefix: `${opts.configMaps.prefix}/${CONFIGMAP_NAMESPACE}`,
      logger: opts.logger,
      clock: this.clock,
    });
    this.runner = new ControllerRunner<string>({
      name: 'cluster_authentication_trust_controller',
      sync: () => this.sync(),
      maxRetries: Number.POSITIVE_INFINITY,
      logger: opts.logger,
      key: KEY,
    });
    // The informer sees all of kube-system's ConfigMaps; only ours matters.
    const ifOurs = (cm: ConfigMap) => {
      if (cm.metadata?.name === CONFIGMAP_NAME) this.enqueue();
    };
    this.informer.addEventHandler({ onAdd: ifOurs, onUpdate: (_old, cm) => ifOurs(cm), onDelete: ifOurs });
    opts.info.clientCA?.addListener(this);
    opts.info.requestHeaderCA?.addListener(this);
  }

  enqueue(): void {
    this.runner.enqueue();
  }

  /** Runs until the signal aborts; the first sync follows the informer's first list. */
  async run(signal: AbortSignal): Promise<void> {
    void this.informer.run(signal);
    try {
      await this.informer.waitForSync(signal);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    every(this.clock, this.resyncMs, signal, () => this.enqueue());
    this.enqueue();
    await this.runner.run(signal);
  }

  /** Idempotent: writes only when the merged data differs from what the cache holds. */
  async sync(): Promise<void> {
    const cached = this.informer.indexer.get(KEY);
    const merged = this.merge(cached);
    if (cached && sameData(stringData(cached.data), merged.data)) return;
    await this.ensureNamespace();
    if (cached) return this.update();
    try {
      await this.create(merged);
    } catch (err) {
      // The cache is behind a create by someone else: merge with theirs instead.
      if (!isAlreadyExists(err)) throw err;
      await this.update();
    }
  }

  private async create(merged: MergedAuthenticationData): Promise<void> {
    await this.opts.configMaps.create(CONFIGMAP_NAMESPACE, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: CONFIGMAP_NAME, namespace: CONFIGMAP_NAMESPACE },
      data: merged.data,
    } as ConfigMap);
    this.logWritten(merged);
  }

  private merge(cm: ConfigMap | undefined): MergedAuthenticationData {
    const merged = mergeAuthenticationData(stringData(cm?.data), this.opts.info, this.now());
    if (merged.unreadable.length > 0) {
      this.opts.logger.warn('ignoring unreadable content of the authentication ConfigMap', { configmap: KEY, unreadable: merged.unreadable });
    }
    return merged;
  }

  /** Merges against the current object inside the store's read-modify-write, so a concurrent writer is re-merged, not overwritten. */
  private async update(): Promise<void> {
    let written: MergedAuthenticationData | undefined;
    try {
      await this.opts.configMaps.update(CONFIGMAP_NAMESPACE, CONFIGMAP_NAME, (current) => {
        const next = structuredClone(current ?? {}) as ConfigMap;
        written = this.merge(next);
        next.data = written.data;
        return next;
      });
    } catch (err) {
      // Deleted since the cache saw it: nothing is left to merge with.
      if (isNotFound(err)) return this.create(this.merge(undefined));
      if (isTooLong(err)) {
        // kube's way out of a ConfigMap grown past the size limit: delete it and rebuild it on the retry.
        await this.opts.configMaps.delete(CONFIGMAP_NAMESPACE, CONFIGMAP_NAME).catch((deleteErr: unknown) => {
          if (!isNotFound(deleteErr)) throw deleteErr;
        });
      }
      throw err;
    }
    if (written) this.logWritten(written);
  }

  private async ensureNamespace(): Promise<void> {
    try {
      await this.opts.namespaces.get('', CONFIGMAP_NAMESPACE);
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await this.opts.namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: CONFIGMAP_NAMESPACE } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private logWritten(merged: MergedAuthenticationData): void {
    this.opts.logger.v(2).info('wrote the authentication info ConfigMap', {
      configmap: KEY,
      keys: Object.keys(merged.data),
      ...(merged.expired.length > 0 ? { droppedExpiredCAs: merged.expired } : {}),
    });
  }
}

function stringData(data: unknown): Record<string, string> {
  if (typeof data !== 'object' || data === null) return {};
  return Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** The store refused the object for its size (kube: 413, or Invalid with a "Too long" cause). */
function isTooLong(err: unknown): boolean {
  if (!isStatusError(err)) return false;
  if (err.code === 413) return true;
  return err.reason === 'Invalid' && (err.status.details?.causes ?? []).some((c) => c.reason === 'FieldValueTooLong');
}

export const POST_START_HOOK_NAME = 'start-cluster-authentication-info-controller';

/**
 * Runs the controller from kube's post-start hook on the core server: on the
 * replica that holds the controllers' Lease, a new controller per term (one
 * writer per cluster; replicas share the PKI, so the leader's CAs are
 * everyone's). False (and no hook) when configmaps or namespaces are not
 * served (runtime-config turned them off).
 */
export function addClusterAuthenticationInfoHook(
  master: Pick<MasterServer, 'installer' | 'addPostStartHook'> & Partial<Pick<MasterServer, 'leaderControllers'>>,
  opts: Omit<ClusterAuthenticationTrustOptions, 'configMaps' | 'namespaces'>,
): boolean {
  const configMaps = master.installer.store('', 'v1', 'configmaps');
  const namespaces = master.installer.store('', 'v1', 'namespaces');
  if (!configMaps || !namespaces) return false;
  // The CA contents keep their listeners for good: they wake whichever term's controller runs now, through one relay.
  let current: Listener | undefined;
  const relay: Listener = { enqueue: () => current?.enqueue() };
  opts.info.clientCA?.addListener(relay);
  opts.info.requestHeaderCA?.addListener(relay);
  const info: ClusterAuthenticationInfo = { ...opts.info, clientCA: unobserved(opts.info.clientCA), requestHeaderCA: unobserved(opts.info.requestHeaderCA) };
  master.addPostStartHook(POST_START_HOOK_NAME, ({ signal }) => {
    const run = async (term: AbortSignal) => {
      const controller = new ClusterAuthenticationTrustController({ ...opts, info, configMaps, namespaces });
      current = controller;
      try {
        await controller.run(term);
      } finally {
        if (current === controller) current = undefined;
      }
    };
    runLeaderOnly(master.leaderControllers, 'cluster_authentication_trust_controller', signal, run, opts.logger);
  });
  return true;
}

/** The same content, without adding listeners to it (the relay above is its one listener). */
function unobserved(p: CAContentProvider | undefined): CAContentProvider | undefined {
  return p && { name: () => p.name(), currentCABundleContent: () => p.currentCABundleContent(), verifyOptions: () => p.verifyOptions(), addListener: () => undefined };
}
