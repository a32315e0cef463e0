/**
 * client-go's shared informers, in one process: one cache per resource fed
 * by the API server's watch, with named indexers (cache.Indexer) so a
 * controller asks "the pods owned by this ReplicaSet" or "the slices of this
 * Service" without listing a whole kind. The cache is updated before any
 * controller's handler sees the event (it subscribes first), so a handler or
 * a reconcile reads what the store holds.
 *
 * Lookups return objects in the API server's list order (namespace, then
 * name), which keeps every controller's decisions what they were when they
 * listed and filtered.
 */
import type { KindInfo } from "@svclab/manifest";
import type { ApiServer, StoredObject, WatchEvent } from "@svclab/apiserver";

/** What the cache reads of an object: its namespace and name. */
export interface Cached {
  readonly metadata?: { readonly namespace?: string; readonly name?: string };
}

/** The values an object is filed under in one index (cache.IndexFunc). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/** The store's key: namespace and name joined by a character below any a name may hold. */
export function objectKey(obj: Cached): string {
  const ns = obj.metadata?.namespace ?? "";
  const name = obj.metadata?.name ?? "";
  return ns === "" ? name : `${ns}\u0001${name}`;
}

function byKey<T>(entries: Map<string, T>): T[] {
  if (entries.size === 1) return [...entries.values()];
  return [...entries.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
}

interface Index<T> {
  readonly fn: IndexFunc<T>;
  /** Index value -> object key -> object. */
  readonly buckets: Map<string, Map<string, T>>;
}

export class Informer<T extends Cached> {
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<string, Index<T>>();
  /** Keys in list order, kept until the next add or delete. */
  private sortedKeys: string[] | undefined;

  constructor(api: ApiServer, kind: KindInfo) {
    for (const obj of api.list<T>(kind)) this.items.set(objectKey(obj), obj);
    api.watch<T>(kind, (e) => this.onEvent(e));
  }

  /**
   * Adds a named index over the objects cached so far and every later
   * change; controllers sharing an index add it under the same name, and the
   * first one builds it.
   */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexes.has(name)) return;
    const index: Index<T> = { fn, buckets: new Map() };
    this.indexes.set(name, index);
    for (const [key, obj] of this.items) this.file(index, key, obj);
  }

  get(namespace: string, name: string): T | undefined {
    return this.items.get(namespace === "" ? name : `${namespace}\u0001${name}`);
  }

  /** Every cached object, in list order. */
  list(): T[] {
    this.sortedKeys ??= [...this.items.keys()].sort();
    return this.sortedKeys.map((k) => this.items.get(k) as T);
  }

  /** Objects filed under `value` in index `name`, in list order. */
  byIndex(name: string, value: string): T[] {
    const bucket = this.index(name).buckets.get(value);
    return bucket === undefined ? [] : byKey(bucket);
  }

  /** How many objects are filed under `value` (a counter, without building a list). */
  countByIndex(name: string, value: string): number {
    return this.index(name).buckets.get(value)?.size ?? 0;
  }

  private index(name: string): Index<T> {
    const index = this.indexes.get(name);
    if (index === undefined) throw new Error(`no index ${name}`);
    return index;
  }

  private onEvent(e: WatchEvent<T & StoredObject>): void {
    const key = objectKey(e.object);
    const old = this.items.get(key);
    if (e.type === "DELETED") {
      if (old === undefined) return;
      this.items.delete(key);
      this.sortedKeys = undefined;
      for (const index of this.indexes.values()) this.unfile(index, key, old);
      return;
    }
    this.items.set(key, e.object as T);
    if (old === undefined) this.sortedKeys = undefined;
    for (const index of this.indexes.values()) {
      if (old !== undefined) this.unfile(index, key, old);
      this.file(index, key, e.object);
    }
  }

  private file(index: Index<T>, key: string, obj: T): void {
    for (const value of index.fn(obj)) {
      let bucket = index.buckets.get(value);
      if (bucket === undefined) index.buckets.set(value, (bucket = new Map()));
      bucket.set(key, obj);
    }
  }

  private unfile(index: Index<T>, key: string, obj: T): void {
    for (const value of index.fn(obj)) {
      const bucket = index.buckets.get(value);
      if (bucket === undefined) continue;
      bucket.delete(key);
      if (bucket.size === 0) index.buckets.delete(value);
    }
  }
}

/** One informer per resource, shared by every controller (SharedInformerFactory). */
export class SharedInformers {
  private readonly informers = new Map<string, Informer<Cached>>();

  constructor(private readonly api: ApiServer) {}

  for<T extends Cached>(kind: KindInfo): Informer<T> {
    const resource = `${kind.resource}.${kind.group}`;
    let informer = this.informers.get(resource);
    if (informer === undefined) {
      informer = new Informer<Cached>(this.api, kind);
      this.informers.set(resource, informer);
    }
    return informer as unknown as Informer<T>;
  }
}
