import type { StoredObject } from '../storage/interfaces.js';

/** An object's cache key: "namespace/name" for namespaced objects, "name" otherwise. */
export type KeyFunc<T> = (obj: T) => string;

/** The values an object is indexed under for one named index (e.g. its namespace). */
export type IndexFunc<T> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';

/** client-go's MetaNamespaceKeyFunc: "namespace/name", or "name" when the object has no namespace. */
export function metaNamespaceKey(obj: StoredObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new TypeError('object has no metadata.name: cannot key it');
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of metaNamespaceKey. */
export function splitMetaNamespaceKey(key: string): { namespace: string; name: string } {
  const parts = key.split('/');
  if (parts.length === 1) return { namespace: '', name: parts[0]! };
  if (parts.length === 2) return { namespace: parts[0]!, name: parts[1]! };
  throw new TypeError(`unexpected key format: ${JSON.stringify(key)}`);
}

/** Indexes an object by its namespace ("" for cluster-scoped ones). */
export function namespaceIndexFunc(obj: StoredObject): string[] {
  return [obj.metadata?.namespace ?? ''];
}

/**
 * The read side of the informer's cache (client-go's Lister/Indexer). Objects
 * returned are the cache's own: callers must not mutate them (copy first).
 */
export interface IndexerReader<T> {
  get(key: string): T | undefined;
  list(): T[];
  listKeys(): string[];
  /** Every object the named index maps to `value`; throws for an unknown index. */
  byIndex(indexName: string, value: string): T[];
  readonly size: number;
}

/**
 * A local cache of objects by key, with named secondary indices kept up to
 * date on every write. Written only by its informer.
 */
export class Indexer<T> implements IndexerReader<T> {
  private readonly items = new Map<string, T>();
  /** index name -> indexed value -> keys. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Record<string, IndexFunc<T>> = {}) {
    for (const name of Object.keys(indexers)) this.indices.set(name, new Map());
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index ${JSON.stringify(indexName)} does not exist`);
    return [...(index.get(value) ?? [])].map((key) => this.items.get(key)!);
  }

  /** Adds or replaces; returns the object it replaced. */
  set(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    if (old !== undefined) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes; returns the object removed. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
