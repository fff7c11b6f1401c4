import type { Request, Response } from 'express';
import { encodeOnce } from '../../storage/cacher/index.js';
import type { WatchEvent } from '../../storage/interfaces.js';
import { interpretStorageError } from '../../registry/interpret-errors.js';
import { errorToAPIStatus } from '../responsewriters/status.js';
import { MEDIA_JSON, MEDIA_PROTOBUF, MEDIA_YAML, type Rendering } from '../negotiation.js';
import { listOptions } from '../query.js';
import { infoOf, renderingFor, type ResourceContext } from './context.js';
import { setLongTimeout } from '../request/long-timeout.js';
import { toTable } from '../table.js';
import type { KubeObject } from '../../registry/object.js';
import { startWatchRecorder } from '../../observability/metrics/watch-metrics.js';

/** Encodes one watch event frame for protobuf clients; registered by the protobuf codec. */
export type ProtobufWatchEncoder = (event: { type: string; object: Record<string, unknown> }) => Buffer;
let protobufWatchEncoder: ProtobufWatchEncoder | undefined;
export function registerProtobufWatchEncoder(encoder: ProtobufWatchEncoder): void {
  protobufWatchEncoder = encoder;
}

/** kube's --min-request-timeout default, for a context that names none. */
const MIN_REQUEST_TIMEOUT_S = 1800;

/**
 * How long a watch lasts, in ms (kube's rule): its timeoutSeconds, or else a
 * random time between min and 2*min, so that clients re-watch spread out
 * rather than all at once; with min 0, until the client or the server ends it.
 */
export function watchTimeoutMs(timeoutSeconds: number | undefined, minRequestTimeoutS: number, random: () => number = Math.random): number {
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) return timeoutSeconds * 1000;
  return minRequestTimeoutS > 0 ? minRequestTimeoutS * 1000 * (1 + random()) : Infinity;
}

/**
 * A watch: newline-delimited JSON events (or length-prefixed protobuf frames),
 * flushed as they come. Events from the watch cache are shared by every
 * watcher, and their plain JSON encoding is computed once for all of them.
 */
export async function handleWatch(ctx: ResourceContext, req: Request, res: Response): Promise<void> {
  const info = infoOf(req);
  const rendering = renderingFor(req, true);
  const opts = listOptions(req);
  const name = info.name || undefined;
  const watcher = ctx.store.watch(info.namespace, name, opts);
  const timeoutMs = watchTimeoutMs(opts.timeoutSeconds, ctx.minRequestTimeoutSeconds ?? MIN_REQUEST_TIMEOUT_S);

  res.status(200);
  res.setHeader('Content-Type', contentTypeOf(rendering));
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.flushHeaders();
  const { group, version, resource, kind } = ctx.def.info;
  const recorder = startWatchRecorder(group, version, resource, kind);

  let ended = false;
  let unsubscribe = () => {};
  const end = () => {
    if (ended) return;
    ended = true;
    recorder.ended();
    unsubscribe();
    watcher.stop();
    cancelTimer();
    if (!res.writableEnded) res.end();
  };
  // Any timeoutSeconds, even past Node's 24.8-day timer limit (a plain setTimeout would fire at once).
  const cancelTimer = setLongTimeout(end, timeoutMs);
  req.on('close', end);
  res.on('close', end);
  // Watches are long-running: shutdown ends them instead of waiting for them.
  unsubscribe = ctx.lifecycle?.draining.subscribe(end) ?? unsubscribe;

  let first = true;
  try {
    for await (const event of watcher) {
      if (ended) break;
      // kube sends bookmarks, the initial-events-end one too, only to clients that allow them.
      if (event.type === 'BOOKMARK' && !opts.allowWatchBookmarks) continue;
      // A version stored in another is converted (perhaps by a webhook) before it is encoded, once per event for all its watchers.
      const object = ctx.store.converts && isObjectEvent(event) ? await externalizedOnce(ctx, event) : undefined;
      if (ended) break;
      const frame = encodeEvent(ctx, event, rendering, first, object);
      first = false;
      recorder.sent(frame.length);
      if (!res.write(frame)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
      if (event.type === 'ERROR') break;
    }
  } finally {
    end();
  }
}

const contentTypeOf = (r: Rendering): string =>
  r.format === 'protobuf' ? `${MEDIA_PROTOBUF};stream=watch` : r.format === 'yaml' ? MEDIA_YAML : MEDIA_JSON;

const isObjectEvent = (e: WatchEvent): boolean => e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED';

/** Events converted to a version, per event instance and version: every watcher of that version shares one conversion. */
const externalized = new WeakMap<WatchEvent, Map<string, Promise<KubeObject>>>();

function externalizedOnce(ctx: ResourceContext, event: WatchEvent): Promise<KubeObject> {
  let byVersion = externalized.get(event);
  if (!byVersion) externalized.set(event, (byVersion = new Map()));
  const key = versionKey(ctx);
  let p = byVersion.get(key);
  if (!p) byVersion.set(key, (p = ctx.store.externalize(event.object)));
  return p;
}

function wireObject(ctx: ResourceContext, event: WatchEvent, object: KubeObject | undefined): Record<string, unknown> {
  const { group, version } = ctx.def.info;
  const apiVersion = group ? `${group}/${version}` : version;
  if (event.type === 'ERROR') {
    return errorToAPIStatus(interpretStorageError(event.error, { group, resource: ctx.def.info.resource }, '')).status as unknown as Record<string, unknown>;
  }
  if (event.type === 'BOOKMARK') {
    return { kind: ctx.def.info.kind, apiVersion, metadata: { ...(event.object.metadata ?? {}), creationTimestamp: null } };
  }
  return object ?? ctx.store.externalizeSync(event.object);
}

/**
 * The versions of a resource share its watch cache, hence its event instances:
 * encoded bytes are kept per version they were encoded for.
 */
const versionKey = (ctx: ResourceContext): string => `${ctx.def.info.group}/${ctx.def.info.version}`;

/** `converted`: the event's object in this version when the store converts; otherwise it is made here, inside the once-per-event encodings. */
function encodeEvent(ctx: ResourceContext, event: WatchEvent, rendering: Rendering, first: boolean, converted: KubeObject | undefined): Buffer {
  const object = converted ?? (isObjectEvent(event) && (rendering.as === 'Table' || rendering.as === 'PartialObjectMetadataList') ? ctx.store.externalizeSync(event.object) : undefined);
  if (rendering.as === 'Table' && object) {
    // kubectl get -w: each event carries a Table with this object's row; columns only in the first.
    const table = toTable(ctx.def, [object], { resourceVersion: event.object.metadata?.resourceVersion ?? '' }, rendering, {
      columns: first,
    });
    return Buffer.from(JSON.stringify({ type: event.type, object: table }) + '\n');
  }
  if (rendering.format === 'protobuf' && protobufWatchEncoder) {
    return encodeOnce(event, `protobuf ${versionKey(ctx)}`, (e) => protobufWatchEncoder!({ type: e.type, object: wireObject(ctx, e, converted) }));
  }
  if (rendering.as === 'PartialObjectMetadataList' && object) {
    const o = object;
    return Buffer.from(
      JSON.stringify({ type: event.type, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }) + '\n',
    );
  }
  return encodeOnce(event, `json ${versionKey(ctx)}`, (e) => Buffer.from(JSON.stringify({ type: e.type, object: wireObject(ctx, e, converted) }) + '\n'));
}
