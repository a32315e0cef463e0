/**
 * The simulated API server: REST verbs (create, get, list, update,
 * updateStatus, patch, delete, watch, and the pod binding) by resource,
 * namespace and name. Every write runs @svclab/manifest's admission
 * pipeline (strict decoding, defaulting, the strategy's prepare step,
 * the registry's allocation hook, validation) before it reaches the
 * store; a rejected write changes nothing, and what the hook reserved is
 * given back.
 */
import {
  type KindInfo,
  type KubeObject,
  type PatchType,
  type FieldValidation,
  admitDecodedCreate,
  admitDecodedUpdate,
  alreadyExistsError,
  badRequestError,
  conflictError,
  decodeWithFieldValidation,
  invalidError,
  matchesLabelSelector,
  notFoundError,
  patchObject,
  semanticEqual,
  validateObjectUpdate,
} from "@svclab/manifest";
import type { SeededRandom } from "@svclab/sim";
import { generateName } from "./names";
import { newUid, rfc3339 } from "./metadata";
import { forbiddenError } from "./errors";
import { KINDS, SERVED_KINDS } from "./kinds";
import { ResourceStore, type StoredObject, type WatchHandler } from "../store/storage";
import { shiftTimestamps } from "../store/timestamps";
import { parseLabelSelector } from "./selector";

/** What a registry hook reserved: kept on commit, given back on revert. */
export interface Transaction {
  commit(): void;
  revert(): void;
}

/** Per-resource behaviour, like a registry strategy plus its storage hooks. */
export interface ResourceHooks<T extends object = KubeObject> {
  /** Allocations between defaulting and validation (may fill fields, may throw a StatusError). */
  allocate?(obj: T, old: T | undefined): Transaction;
  /** Releases what the object held, once it is gone. */
  afterDelete?(obj: T): void;
  /** Graceful deletion: the grace period to apply, or 0 to delete now. */
  gracePeriod?(obj: T, requested: number | undefined): number;
  /** Refuses a deletion by throwing (e.g. the `default` namespace). */
  beforeDelete?(obj: T): void;
  /** Deletion that waits for a controller (finalizers): what to store meanwhile, or undefined to delete now. */
  pendingDeletion?(obj: T, deletionTimestamp: string): T | undefined;
  /** etcd lease: the object goes this long after its last write (events: kube-apiserver's --event-ttl). */
  readonly ttlSeconds?: number;
  /**
   * Uids from a stream of their own: objects written as a side effect
   * (events) must not move the uids and generated names of everything else.
   */
  readonly ownUidStream?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

export interface ListOptions {
  /** kubectl's -l syntax: `app=x,tier!=db,env in (a,b),!legacy`. */
  labelSelector?: string;
}

/** What every write request may say (`?dryRun=All`, `?fieldValidation=`). */
export interface WriteOptions {
  /** Run admission and report the outcome without storing anything or keeping allocations. */
  dryRun?: boolean;
  /** Unknown fields: Strict rejects them, Warn (the server's default for requests) drops them with a warning. */
  fieldValidation?: FieldValidation;
}

export interface PatchOptions extends WriteOptions {}

export interface WriteResult<T extends object = KubeObject> {
  readonly object: T;
  /** False when the write left the object as it was (`unchanged`, `patched (no change)`). */
  readonly changed: boolean;
  readonly warnings: readonly string[];
}

type Obj = KubeObject & StoredObject;

function resourceKey(kind: Pick<KindInfo, "group" | "resource">): string {
  return kind.group === "" ? kind.resource : `${kind.resource}.${kind.group}`;
}

const noTransaction: Transaction = { commit() {}, revert() {} };

export class ApiServer {
  private readonly stores = new Map<string, ResourceStore<Obj>>();
  private readonly hooks = new Map<string, ResourceHooks>();
  /** Per resource with a TTL: object key -> expiry (ms on the wall clock), in write order, so the oldest go first. */
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly uidStreams = new Map<string, SeededRandom>();
  private version = 1;

  constructor(
    private readonly rng: SeededRandom,
    /** Virtual wall-clock time. */
    private readonly wallClock: () => Date,
  ) {
    for (const k of SERVED_KINDS) this.stores.set(resourceKey(k), new ResourceStore<Obj>(() => String(++this.version)));
  }

  /** The store's current revision: what a list reports as its resourceVersion. */
  resourceVersion(): string {
    return String(this.version);
  }

  /**
   * Moves every stored instant by `deltaMs` without a new resourceVersion:
   * not a write, but the clock the objects were stamped on being re-based.
   */
  shiftTimestamps(deltaMs: number): void {
    // Whole-second instants move once the shifts add up to a second, so many small ones sum right.
    const total = this.unshiftedMs + deltaMs;
    const whole = Math.trunc(total / 1000) * 1000;
    this.unshiftedMs = total - whole;
    for (const store of this.stores.values()) for (const obj of store.list()) shiftTimestamps(obj, deltaMs, whole);
    for (const leases of this.leases.values()) for (const [k, at] of leases) leases.set(k, at + deltaMs);
  }
  /** The part of the shifts so far that whole-second instants have not taken yet (under a second). */
  private unshiftedMs = 0;

  setHooks<T extends object>(kind: KindInfo, hooks: ResourceHooks<T>): void {
    const key = resourceKey(kind);
    this.hooks.set(key, hooks as unknown as ResourceHooks);
    if (hooks.ttlSeconds !== undefined) this.leases.set(key, new Map());
    else this.leases.delete(key);
    if (hooks.ownUidStream !== undefined) this.uidStreams.set(key, this.rng.fork(hooks.ownUidStream));
  }

  /** Renews an object's lease after a write (etcd's TTL restarts with every update). */
  private renewLease(kind: KindInfo, obj: Obj): void {
    const leases = this.leases.get(resourceKey(kind));
    if (leases === undefined) return;
    const key = `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
    leases.delete(key);
    leases.set(key, this.wallClock().getTime() + (this.hooksOf(kind).ttlSeconds ?? 0) * 1000);
  }

  /** Removes what outlived its lease, oldest first; called before every read and write of the resource. */
  private expire(kind: KindInfo): void {
    const leases = this.leases.get(resourceKey(kind));
    if (leases === undefined || leases.size === 0) return;
    const now = this.wallClock().getTime();
    const store = this.store(kind);
    for (const [key, at] of leases) {
      if (at > now) break;
      const slash = key.indexOf("/");
      const old = store.get(key.slice(0, slash), key.slice(slash + 1));
      if (old === undefined) leases.delete(key);
      else this.removeStored(kind, old);
    }
  }

  private store(kind: KindInfo): ResourceStore<Obj> {
    const s = this.stores.get(resourceKey(kind));
    if (s === undefined) throw new Error(`no storage for ${resourceKey(kind)}`);
    return s;
  }

  private hooksOf(kind: KindInfo): ResourceHooks {
    return this.hooks.get(resourceKey(kind)) ?? {};
  }

  get<T extends object>(kind: KindInfo, namespace: string, name: string): T {
    this.expire(kind);
    const obj = this.store(kind).get(kind.namespaced ? namespace : "", name);
    if (obj === undefined) throw notFoundError(kind, name);
    return obj as unknown as T;
  }

  tryGet<T extends object>(kind: KindInfo, namespace: string, name: string): T | undefined {
    this.expire(kind);
    return this.store(kind).get(kind.namespaced ? namespace : "", name) as unknown as T | undefined;
  }

  /** Objects sorted by namespace and name; all namespaces when `namespace` is undefined. */
  list<T extends object>(kind: KindInfo, namespace?: string, opts: ListOptions = {}): T[] {
    this.expire(kind);
    const all = this.store(kind).list(kind.namespaced ? namespace : undefined);
    if (!opts.labelSelector) return all as unknown as T[];
    const sel = parseLabelSelector(opts.labelSelector);
    return all.filter((o) => matchesLabelSelector(sel, o.metadata?.labels ?? {})) as unknown as T[];
  }

  watch<T extends object>(kind: KindInfo, handler: WatchHandler<T & StoredObject>): () => void {
    return this.store(kind).watch(handler as unknown as WatchHandler<Obj>);
  }

  /** POST: decode, default, allocate, validate, store. `raw` is the object as JSON. */
  create<T extends object>(kind: KindInfo, raw: unknown, namespace?: string): T {
    return this.createWithOptions<T>(kind, raw, namespace, { fieldValidation: "Strict" }).object;
  }

  /** POST with the request's options (a dry run returns the object it would store, without a resourceVersion). */
  createWithOptions<T extends object>(kind: KindInfo, raw: unknown, namespace: string | undefined, opts: WriteOptions): WriteResult<T> {
    const requestNs = kind.namespaced ? namespace ?? ((raw as Obj).metadata?.namespace || "default") : "";
    if (kind.namespaced) {
      const ns = this.tryGet<Obj>(KINDS.namespace, "", requestNs);
      if (ns === undefined) throw notFoundError(KINDS.namespace, requestNs);
      if (ns.metadata?.deletionTimestamp !== undefined) {
        const name = (raw as Obj).metadata?.name ?? "";
        throw forbiddenError(kind, name, `unable to create new content in namespace ${requestNs} because it is being terminated`);
      }
    }
    let txn = noTransaction;
    const hooks = this.hooksOf(kind);
    const { object: decodedObject, warnings } = decodeWithFieldValidation(raw, opts.fieldValidation ?? "Strict");
    const decoded = decodedObject as Obj;
    const meta = (decoded.metadata ??= {});
    if (kind.namespaced && meta.namespace && meta.namespace !== requestNs) {
      throw badRequestError("the namespace of the provided object does not match the namespace sent on the request");
    }
    if (!meta.name && meta.generateName) meta.name = generateName((n) => this.rng.intBelow(n), meta.generateName);
    let obj: Obj;
    try {
      obj = admitDecodedCreate(decoded, {
        namespace: requestNs,
        allocate: (o) => {
          txn = hooks.allocate?.(o, undefined) ?? noTransaction;
          return o;
        },
      }) as Obj;
      if (this.store(kind).get(requestNs, obj.metadata?.name ?? "") !== undefined) throw alreadyExistsError(kind, obj.metadata?.name ?? "");
    } catch (e) {
      txn.revert();
      throw e;
    }
    if (opts.dryRun) txn.revert();
    else txn.commit();
    const stored = (obj.metadata ??= {});
    stored.uid = newUid(this.uidStreams.get(resourceKey(kind)) ?? this.rng);
    stored.creationTimestamp = rfc3339(this.wallClock());
    delete stored.resourceVersion;
    if (opts.dryRun) return { object: obj as unknown as T, changed: true, warnings };
    const inserted = this.store(kind).insert(obj);
    this.renewLease(kind, inserted);
    return { object: inserted as unknown as T, changed: true, warnings };
  }

  /** PUT: replaces spec and metadata; status keeps its stored value (it has its own subresource). */
  update<T extends object>(kind: KindInfo, raw: unknown, opts: WriteOptions = {}): WriteResult<T> {
    const rawObj = raw as Obj;
    const old = this.get<Obj>(kind, rawObj.metadata?.namespace || "default", rawObj.metadata?.name ?? "");
    const rv = rawObj.metadata?.resourceVersion;
    if (rv !== undefined && rv !== "" && rv !== old.metadata?.resourceVersion) {
      throw conflictError(kind, old.metadata?.name ?? "", "the object has been modified; please apply your changes to the latest version and try again");
    }
    const hooks = this.hooksOf(kind);
    let txn = noTransaction;
    let next: Obj;
    let warnings: string[] = [];
    try {
      const decoded = decodeWithFieldValidation(raw, opts.fieldValidation ?? "Strict");
      warnings = decoded.warnings;
      next = admitDecodedUpdate(decoded.object, old, {
        allocate: (o) => {
          txn = hooks.allocate?.(o, old) ?? noTransaction;
          return o;
        },
      }) as Obj;
    } catch (e) {
      txn.revert();
      throw e;
    }
    return this.commit(kind, this.withSystemFields(next, old), old, txn, warnings, opts.dryRun);
  }

  /** PUT .../status: only the status changes. */
  updateStatus<T extends object>(kind: KindInfo, obj: T, opts: WriteOptions = {}): T {
    const meta = (obj as Obj).metadata;
    const old = this.get<Obj>(kind, meta?.namespace ?? "", meta?.name ?? "");
    const next = { ...old, status: (obj as StoredObject).status } as Obj;
    if (semanticEqual(next.status, old.status)) return old as unknown as T;
    const errs = validateObjectUpdate(next, old);
    if (errs.length > 0) throw invalidError(kind, old.metadata?.name ?? "", errs);
    if (opts.dryRun) return next as unknown as T;
    return this.store(kind).replace(next, old) as unknown as T;
  }

  /** PATCH with a strategic merge, JSON merge or JSON patch. */
  patch<T extends object>(kind: KindInfo, namespace: string, name: string, type: PatchType, patch: unknown, opts: PatchOptions = {}): WriteResult<T> {
    const old = this.get<Obj>(kind, namespace, name);
    const hooks = this.hooksOf(kind);
    let txn = noTransaction;
    let result: ReturnType<typeof patchObject>;
    try {
      result = patchObject(old, patch, type, {
        ...(opts.fieldValidation ? { fieldValidation: opts.fieldValidation } : {}),
        allocate: (o) => {
          txn = hooks.allocate?.(o, old) ?? noTransaction;
          return o;
        },
      });
    } catch (e) {
      txn.revert();
      throw e;
    }
    return this.commit(kind, this.withSystemFields(result.object as Obj, old), old, txn, result.warnings, opts.dryRun);
  }

  /**
   * POST pods/{name}/binding: sets spec.nodeName, which no pod update may
   * change, and the PodScheduled condition.
   */
  bindPod(namespace: string, name: string, nodeName: string): void {
    const kind = KINDS.pod;
    const old = this.get<Obj>(kind, namespace, name);
    const spec = (old as StoredObject).spec as { nodeName?: string } | undefined;
    if (spec?.nodeName) throw conflictError(kind, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    const status = ((old as StoredObject).status ?? {}) as { conditions?: { type: string }[] };
    const conditions = [
      ...(status.conditions ?? []).filter((c) => c.type !== "PodScheduled"),
      { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(this.wallClock()) },
    ];
    const next = { ...old, spec: { ...spec, nodeName }, status: { ...status, conditions } } as Obj;
    this.store(kind).replace(next, old);
  }

  /** DELETE: graceful where the resource has a grace period, else immediate. */
  delete<T extends object>(kind: KindInfo, namespace: string, name: string, opts: DeleteOptions = {}): T {
    const old = this.get<Obj>(kind, namespace, name);
    const hooks = this.hooksOf(kind);
    hooks.beforeDelete?.(old);
    // A dry run reports what the delete would leave behind and keeps everything.
    const keep = (next: Obj): T => (opts.dryRun ? next : this.store(kind).replace(next, old)) as unknown as T;
    if (hooks.pendingDeletion !== undefined) {
      if (old.metadata?.deletionTimestamp !== undefined) return old as unknown as T;
      const pending = hooks.pendingDeletion(old, rfc3339(this.wallClock()));
      if (pending !== undefined) return keep(pending as Obj);
    }
    const grace = hooks.gracePeriod?.(old, opts.gracePeriodSeconds) ?? 0;
    if (grace > 0) {
      const meta = old.metadata ?? {};
      // Already terminating: a delete may only shorten the grace period.
      if (meta.deletionTimestamp !== undefined && (meta.deletionGracePeriodSeconds ?? 0) <= grace) return old as unknown as T;
      const deadline = new Date(this.wallClock().getTime() + grace * 1000);
      const next = { ...old, metadata: { ...meta, deletionTimestamp: rfc3339(deadline), deletionGracePeriodSeconds: grace } };
      return keep(next);
    }
    if (opts.dryRun) return old as unknown as T;
    this.removeStored(kind, old);
    return old as unknown as T;
  }

  /** Removes an object whose finalizers are done (the controller's last step). */
  purge(kind: KindInfo, namespace: string, name: string): void {
    const old = this.tryGet<Obj>(kind, namespace, name);
    if (old !== undefined) this.removeStored(kind, old);
  }

  private removeStored(kind: KindInfo, old: Obj): void {
    this.store(kind).remove(old);
    this.leases.get(resourceKey(kind))?.delete(`${old.metadata?.namespace ?? ""}/${old.metadata?.name ?? ""}`);
    this.hooksOf(kind).afterDelete?.(old);
  }

  /** Fields only the server writes survive any client update. */
  private withSystemFields(next: Obj, old: Obj): Obj {
    const meta = { ...next.metadata };
    const o = old.metadata ?? {};
    meta.uid = o.uid;
    meta.creationTimestamp = o.creationTimestamp;
    meta.resourceVersion = o.resourceVersion;
    if (o.deletionTimestamp !== undefined) {
      meta.deletionTimestamp = o.deletionTimestamp;
      meta.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    return { ...next, metadata: meta };
  }

  private commit<T extends object>(kind: KindInfo, next: Obj, old: Obj, txn: Transaction, warnings: readonly string[], dryRun = false): WriteResult<T> {
    if (semanticEqual(next, old)) {
      txn.revert();
      return { object: old as unknown as T, changed: false, warnings };
    }
    if (dryRun) {
      txn.revert();
      return { object: next as unknown as T, changed: true, warnings };
    }
    txn.commit();
    const replaced = this.store(kind).replace(next, old);
    this.renewLease(kind, replaced);
    return { object: replaced as unknown as T, changed: true, warnings };
  }
}
