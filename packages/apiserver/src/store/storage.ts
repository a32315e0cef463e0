/**
 * The object store behind the simulated API server (etcd plus the generic
 * registry): objects in their Kubernetes JSON shape, keyed by resource,
 * namespace and name, with a cluster-wide resourceVersion and watch events.
 * It only keeps objects and system metadata; decoding, defaulting,
 * validation and per-resource rules live in the API server layer above it.
 *
 * Stored objects are never mutated: an update stores a new object, so
 * controllers may hold references to what they read.
 */

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface StoredObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchEvent<T extends StoredObject = StoredObject> {
  readonly type: WatchEventType;
  readonly object: T;
  /** The object before a MODIFIED or DELETED event. */
  readonly old?: T;
}

export type WatchHandler<T extends StoredObject = StoredObject> = (event: WatchEvent<T>) => void;

/** Namespace and name joined by a character below any a name may hold, so keys sort as the API lists. */
function key(namespace: string, name: string): string {
  return namespace === "" ? name : `${namespace}\u0001${name}`;
}

/** One resource's objects (one etcd prefix). */
export class ResourceStore<T extends StoredObject = StoredObject> {
  private readonly objects = new Map<string, T>();
  private readonly watchers = new Set<WatchHandler<T>>();
  /** Keys in list order, rebuilt after an insert or delete (controllers list far more often). */
  private sortedKeys: string[] | undefined;

  constructor(private readonly nextVersion: () => string) {}

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(key(namespace, name));
  }

  /** All objects, or a namespace's, sorted by namespace then name as the API server lists them. */
  list(namespace?: string): T[] {
    this.sortedKeys ??= [...this.objects.keys()].sort();
    const out: T[] = [];
    const all = namespace === undefined || namespace === "";
    for (const k of this.sortedKeys) {
      const obj = this.objects.get(k) as T;
      if (all || obj.metadata?.namespace === namespace) out.push(obj);
    }
    return out;
  }

  /** Stores a new object (the caller checked it does not exist), stamping its resourceVersion. */
  insert(obj: T): T {
    const stored = this.stamp(obj);
    this.objects.set(this.keyOf(stored), stored);
    this.sortedKeys = undefined;
    this.emit({ type: "ADDED", object: stored });
    return stored;
  }

  /** Replaces an existing object, stamping a new resourceVersion. */
  replace(obj: T, old: T): T {
    const stored = this.stamp(obj);
    this.objects.set(this.keyOf(stored), stored);
    this.emit({ type: "MODIFIED", object: stored, old });
    return stored;
  }

  remove(obj: T): void {
    const k = this.keyOf(obj);
    const old = this.objects.get(k);
    if (old === undefined) return;
    this.objects.delete(k);
    this.sortedKeys = undefined;
    // A delete gets its own resourceVersion, as etcd's delete revision.
    const gone = { ...old, metadata: { ...old.metadata, resourceVersion: this.nextVersion() } } as T;
    this.emit({ type: "DELETED", object: gone, old });
  }

  watch(handler: WatchHandler<T>): () => void {
    this.watchers.add(handler);
    return () => void this.watchers.delete(handler);
  }

  private keyOf(obj: T): string {
    return key(obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
  }

  private stamp(obj: T): T {
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: this.nextVersion() } };
  }

  private emit(e: WatchEvent<T>): void {
    for (const w of this.watchers) w(e);
  }
}
