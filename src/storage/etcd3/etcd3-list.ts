/**
 * GetList over etcd, as kube's etcd3 store pages it: every range asks for at
 * most `pageSize` keys (the caller's limit, doubled up to 10,000 while a
 * predicate filters out most of a page), all pages after the first read at the
 * first page's revision, and a cut list returns a continue token pointing just
 * after the last key examined.
 */
import type { IKeyValue, IRangeRequest, IRangeResponse } from 'etcd3';
import { decodeContinue, encodeContinue } from '../continue-token.js';
import type { ListOptions, ListResult, StoredObject } from '../interfaces.js';
import type { StorageLogger } from '../logger.js';
import { decodableOrLogged } from '../value-limit.js';
import { decodeObject } from './codec.js';
import { prefixRangeEnd } from './keys.js';

/** kube's maxLimit: the largest page asked of etcd while a predicate filters. */
const MAX_PAGE = 10_000;
/** Page size for a list with no limit: bounds each response while reading everything. */
const UNLIMITED_PAGE = 500;

export type RangeFn = (req: IRangeRequest, revision: number) => Promise<IRangeResponse>;

/**
 * Reads the list under `dir` (an etcd key ending in `/`). `range` performs one
 * etcd range and maps its errors (it knows which revision was asked for).
 * `prefix` is the backend's key prefix, stripped from the keys reported in `tooLarge`.
 */
export async function listEtcd(dir: string, opts: ListOptions, range: RangeFn, prefix: string, logger: StorageLogger): Promise<ListResult> {
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
  const predicate = opts.predicate;
  let revision = 0;
  let start = dir;
  if (opts.continue) {
    const token = decodeContinue(opts.continue);
    revision = token.revision;
    start = dir + token.start;
  } else if (opts.revision && opts.revision > 0) {
    revision = opts.revision;
  }
  const rangeEnd = prefixRangeEnd(dir);
  let pageSize = limit > 0 ? limit : UNLIMITED_PAGE;
  const items: StoredObject[] = [];
  const tooLarge: string[] = [];
  let lastKey: Buffer | undefined;
  let remaining: number | undefined;
  let hasMore = false;

  for (;;) {
    const resp = await range({ key: Buffer.from(start), range_end: rangeEnd, limit: pageSize, revision: revision || undefined }, revision);
    if (revision === 0) revision = Number(resp.header.revision);
    if (resp.kvs.length === 0 && resp.more) {
      throw new Error(`etcd returned no keys under ${dir} but said more remain`);
    }
    hasMore = resp.more;
    let examined = 0;
    for (const kv of resp.kvs) {
      if (limit > 0 && items.length >= limit) {
        hasMore = true;
        break;
      }
      examined++;
      lastKey = kv.key;
      if (!decodableOrLogged(logger, kv.key.toString(), kv.value.length)) {
        tooLarge.push(kv.key.toString().slice(prefix.length));
        continue;
      }
      const obj = decode(kv);
      if (!predicate || predicate(obj)) items.push(obj);
    }
    if (hasMore) remaining = Number(resp.count) - examined;
    if (!hasMore) break;
    if (limit > 0 && items.length >= limit) break;
    if (limit > 0 && pageSize < MAX_PAGE) pageSize = Math.min(pageSize * 2, MAX_PAGE);
    start = nextKey(lastKey);
  }

  const result: ListResult = { items, revision };
  if (tooLarge.length > 0) result.tooLarge = tooLarge;
  if (hasMore && lastKey) {
    result.continue = encodeContinue({ revision, start: nextKey(lastKey).slice(dir.length) });
    // Only without a predicate: etcd's count includes objects the predicate would drop (kube leaves it out too).
    if (remaining !== undefined && !predicate) result.remainingItemCount = remaining;
  }
  return result;
}

function decode(kv: IKeyValue): StoredObject {
  return decodeObject(kv.key.toString(), kv.value, kv.mod_revision);
}

/** The smallest key after `key`: range starts are inclusive. */
function nextKey(key: Buffer | undefined): string {
  return `${key?.toString() ?? ''}\u0000`;
}
