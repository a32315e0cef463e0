/**
 * Event recorders as the components use them. `LegacyEventRecorder` is
 * client-go's tools/record (the kubelet and kube-controller-manager): each
 * event goes through the correlator of its broadcaster (events_cache.go),
 * which
 *  - drops what a source says about one object beyond a token bucket of 25
 *    with one token back every 5 minutes (the spam filter),
 *  - combines an 11th distinct message with the same reason about the same
 *    object within 10 minutes into "(combined from similar events): ..."
 *    (the aggregator),
 *  - turns a repeat of the same event into a PATCH of its count and
 *    lastTimestamp (the logger),
 * with LRU caches of 4096 entries so a long run stays flat.
 * `SchedulerEventRecorder` is the events.k8s.io/v1 recorder kube-scheduler
 * uses: eventTime and the reporting controller, no count.
 * Event names are `<object>.<hex of UnixNano>`, as both recorders make them.
 */
import type { Event, ObjectReference } from "kubernetes-types/core/v1";
import { KINDS, type ApiServer } from "@svclab/apiserver";

export type EventType = "Normal" | "Warning";

/** The object an event is about: any API object (its kind and apiVersion given when the object lacks them). */
export interface Involved {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly uid?: string; readonly resourceVersion?: string };
}

export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

const CACHE_SIZE = 4096;
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;

/** A map that forgets its least recently used entry beyond `size` (golang-lru). */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value as string);
  }
  /** Drops least recently used entries while `stale` holds: entries are in order of last use. */
  prune(stale: (v: V) => boolean): void {
    for (const [k, v] of this.map) {
      if (!stale(v)) return;
      this.map.delete(k);
    }
  }
}

export function objectReference(obj: Involved, kind?: { kind: string; apiVersion: string }, fieldPath?: string): ObjectReference {
  const m = obj.metadata ?? {};
  const ref: Record<string, string> = { kind: obj.kind ?? kind?.kind ?? "", namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid ?? "", apiVersion: obj.apiVersion ?? kind?.apiVersion ?? "" };
  if (m.resourceVersion) ref.resourceVersion = m.resourceVersion;
  if (fieldPath !== undefined) ref.fieldPath = fieldPath;
  for (const k of Object.keys(ref)) if (ref[k] === "") delete ref[k];
  return ref as ObjectReference;
}

/** Writes events into the API server, as the recorders' sinks do. */
export class EventSink {
  /** Nanoseconds already used per millisecond, so two events at one virtual instant get distinct names. */
  private lastNanos = 0n;

  constructor(
    private readonly api: ApiServer,
    readonly wallClock: () => Date,
  ) {}

  /** `<name>.<hex UnixNano>`: the virtual clock has milliseconds, so events in one millisecond count up in nanoseconds. */
  eventName(objectName: string, at: Date): string {
    let nanos = BigInt(at.getTime()) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return `${objectName}.${nanos.toString(16)}`;
  }

  create(ev: Event): Event | undefined {
    const ns = ev.metadata?.namespace ?? "default";
    // A namespace being deleted refuses new events, as the API server does; the recorder drops them.
    try {
      return this.api.createWithOptions<Event>(KINDS.event, ev, ns, { fieldValidation: "Ignore" }).object;
    } catch {
      return undefined;
    }
  }

  /** The logger's PATCH of a repeat; an event that expired meanwhile is created again. */
  bump(ev: Event): Event | undefined {
    const ns = ev.metadata?.namespace ?? "default";
    const name = ev.metadata?.name ?? "";
    if (this.api.tryGet(KINDS.event, ns, name) === undefined) {
      const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...meta } = ev.metadata ?? {};
      return this.create({ ...ev, metadata: meta });
    }
    return this.api.patch<Event>(KINDS.event, ns, name, "strategic", { count: ev.count, lastTimestamp: ev.lastTimestamp, message: ev.message }).object;
  }
}

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, "Z");
const microTime = (d: Date): string => d.toISOString().replace(/\.(\d+)Z$/, (_, ms: string) => `.${ms.padEnd(6, "0")}Z`);

interface AggregateRecord {
  readonly messages: Set<string>;
  lastMs: number;
}

interface LoggedEvent {
  readonly name: string;
  readonly firstTimestamp: string;
  count: number;
  readonly lastMs: number;
}

/**
 * Past this idle time an entry changes nothing (an aggregate record resets
 * after 10 minutes, a bucket is full again after 25 x 5 minutes), or its
 * event is gone from the API server (--event-ttl): forgetting it keeps the
 * caches of a long run flat before LRU eviction would. The one difference
 * from client-go: a repeat more than an hour after its event expired starts
 * a count of 1 rather than carrying the old count into the recreated event.
 */
const AGGREGATE_IDLE_MS = AGGREGATE_INTERVAL_MS;
const SPAM_IDLE_MS = SPAM_BURST * SPAM_REFILL_MS;
const LOGGED_IDLE_MS = 3_600_000;

interface Bucket {
  tokens: number;
  lastMs: number;
}

export class LegacyEventRecorder {
  private readonly aggregates = new Lru<AggregateRecord>(CACHE_SIZE);
  private readonly logged = new Lru<LoggedEvent>(CACHE_SIZE);
  private readonly spam = new Lru<Bucket>(CACHE_SIZE);

  constructor(
    private readonly sink: EventSink,
    readonly source: EventSource,
  ) {}

  /** Records an event about `obj` (`fieldPath` names a container: `spec.containers{web}`). */
  event(obj: Involved, type: EventType, reason: string, message: string, opts: { kind?: { kind: string; apiVersion: string }; fieldPath?: string } = {}): void {
    const ref = objectReference(obj, opts.kind, opts.fieldPath);
    const now = this.sink.wallClock();
    const nowMs = now.getTime();
    this.aggregates.prune((a) => nowMs - a.lastMs > AGGREGATE_IDLE_MS);
    this.spam.prune((b) => nowMs - b.lastMs > SPAM_IDLE_MS);
    this.logged.prune((l) => nowMs - l.lastMs > LOGGED_IDLE_MS);
    const src = `${this.source.component}/${this.source.host ?? ""}`;
    const objKey = `${ref.kind}/${ref.namespace ?? ""}/${ref.name ?? ""}/${ref.uid ?? ""}/${ref.apiVersion ?? ""}`;
    // Aggregation: many distinct messages for one reason become one combined event.
    const aggregateKey = `${src}/${objKey}/${type}/${reason}`;
    let agg = this.aggregates.get(aggregateKey);
    if (agg === undefined || nowMs - agg.lastMs > AGGREGATE_INTERVAL_MS) agg = { messages: new Set(), lastMs: nowMs };
    agg.lastMs = nowMs;
    agg.messages.add(message);
    this.aggregates.set(aggregateKey, agg);
    let key = `${aggregateKey}/${message}`;
    if (agg.messages.size >= AGGREGATE_MAX_EVENTS) {
      message = `(combined from similar events): ${message}`;
      key = aggregateKey;
    }
    // The spam filter sees every event, repeats included.
    const bucketKey = `${src}/${objKey}`;
    const bucket = this.spam.get(bucketKey) ?? { tokens: SPAM_BURST, lastMs: nowMs };
    bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + (nowMs - bucket.lastMs) / SPAM_REFILL_MS);
    bucket.lastMs = nowMs;
    this.spam.set(bucketKey, bucket);
    if (bucket.tokens < 1) return;
    bucket.tokens -= 1;
    const t = rfc3339(now);
    const seen = this.logged.get(key);
    const base: Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: seen?.name ?? this.sink.eventName(ref.name ?? "", now), namespace: ref.namespace || "default" },
      involvedObject: ref,
      reason,
      message,
      source: this.source.host === undefined ? { component: this.source.component } : { component: this.source.component, host: this.source.host },
      firstTimestamp: seen?.firstTimestamp ?? t,
      lastTimestamp: t,
      count: (seen?.count ?? 0) + 1,
      type,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? "",
    };
    const written = seen === undefined ? this.sink.create(base) : this.sink.bump(base);
    if (written === undefined) return;
    this.logged.set(key, { name: written.metadata?.name ?? "", firstTimestamp: written.firstTimestamp ?? t, count: written.count ?? 1, lastMs: nowMs });
  }
}

/** The events.k8s.io/v1 recorder (k8s.io/client-go/tools/events) as kube-scheduler sets it up. */
export class SchedulerEventRecorder {
  constructor(
    private readonly sink: EventSink,
    readonly controller: string,
    readonly instance: string,
  ) {}

  event(obj: Involved, type: EventType, reason: string, action: string, message: string, kind?: { kind: string; apiVersion: string }): void {
    const ref = objectReference(obj, kind);
    const now = this.sink.wallClock();
    this.sink.create({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: this.sink.eventName(ref.name ?? "", now), namespace: ref.namespace || "default" },
      involvedObject: ref,
      reason,
      message,
      source: {},
      type,
      eventTime: microTime(now),
      action,
      reportingComponent: this.controller,
      reportingInstance: this.instance,
    });
  }
}
