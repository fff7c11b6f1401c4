import { isDeepStrictEqual } from 'node:util';
import { InvalidObjError } from '../errors.js';
import type { StoredObject } from '../interfaces.js';

/**
 * JSON in and out of the log. Stored text never carries
 * metadata.resourceVersion; every object handed out gets it back as the
 * revision of the row it came from. Each decode parses afresh, so callers and
 * watchers never share (and so never mutate each other's) objects; a writer
 * gets back its own object (see written).
 */

/** The text to store: the object without metadata.resourceVersion. The caller's object is not modified. */
export function encode(obj: StoredObject): string {
  if (obj.metadata?.resourceVersion === undefined) return JSON.stringify(obj);
  const { resourceVersion: _dropped, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

export function decode(key: string, text: string, revision: number): StoredObject {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new InvalidObjError(`stored value of ${key} is not valid JSON: ${(err as Error).message}`, key, revision);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new InvalidObjError(`stored value of ${key} is not a JSON object`, key, revision);
  }
  const stored = obj as StoredObject;
  stored.metadata = { ...(stored.metadata ?? {}), resourceVersion: String(revision) };
  return stored;
}

/** True when two stored texts hold the same object (key order aside). */
export function sameStored(a: string, b: string): boolean {
  if (a === b) return true;
  // Reordering keys keeps the length, so texts of other lengths differ in content.
  return a.length === b.length && isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
}

/**
 * What a write hands back to its caller: the object it gave, with the new
 * revision, without parsing the text just encoded from it. Only metadata is
 * new; the rest is still the caller's, which watchers (they decode the text)
 * never see.
 */
export function written(obj: StoredObject, revision: number): StoredObject {
  return { ...obj, metadata: { ...(obj.metadata ?? {}), resourceVersion: String(revision) } };
}
