/**
 * The watch cache (apiserver/pkg/storage/cacher): a bounded history of each
 * resource's events, so a watch can start from a resourceVersion a list
 * returned. Too old a resourceVersion (evicted from the history) is
 * `410 Expired`, sent as an ERROR event, after which clients relist.
 * Without a resourceVersion (or with "0") a watch starts with a synthetic
 * ADDED event per current object. Selectors filter per event as the cacher
 * does: an object that stops matching is a DELETED event, one that starts
 * matching an ADDED one.
 */
import type { KindInfo } from "@svclab/manifest";
import type { ApiServer } from "../api/server";
import { expiredError } from "../api/errors";
import { SERVED_KINDS } from "../api/kinds";
import type { StoredObject, WatchEventType } from "../store/storage";
import type { ObjectFilter } from "./selectors";

/** One event as a watch sends it; ERROR carries a Status. */
export interface WireEvent {
  readonly type: WatchEventType | "ERROR";
  readonly object: unknown;
}

interface Recorded {
  readonly rv: number;
  readonly type: WatchEventType;
  readonly object: StoredObject;
  readonly old: StoredObject | undefined;
}

interface Listener {
  readonly filter: ObjectFilter;
  readonly namespace: string | undefined;
  readonly send: (e: WireEvent) => void;
}

class ResourceHistory {
  /** Recorded events; those before `start` are evicted (dropped in batches, not one shift per event). */
  events: Recorded[] = [];
  start = 0;
  /** Watches from this resourceVersion or later can be served. */
  floor: number;
  readonly listeners = new Set<Listener>();

  constructor(floor: number) {
    this.floor = floor;
  }
}

const rvOf = (o: StoredObject): number => Number(o.metadata?.resourceVersion ?? "0");

function resourceKey(kind: KindInfo): string {
  return `${kind.group}/${kind.resource}`;
}

/** What one listener sees of an event, after its selectors. */
function translate(l: Listener, e: Recorded): WireEvent | undefined {
  const inNs = (o: StoredObject) => l.namespace === undefined || o.metadata?.namespace === l.namespace;
  const now = inNs(e.object) && l.filter(e.object);
  if (e.type !== "MODIFIED") return now ? { type: e.type, object: e.object } : undefined;
  const before = e.old !== undefined && inNs(e.old) && l.filter(e.old);
  if (now) return { type: before ? "MODIFIED" : "ADDED", object: e.object };
  return before ? { type: "DELETED", object: e.object } : undefined;
}

export class WatchCache {
  private readonly histories = new Map<string, ResourceHistory>();

  constructor(
    private readonly api: ApiServer,
    /** Events kept per resource. */
    private readonly capacity: number,
  ) {
    const floor = Number(api.resourceVersion());
    for (const kind of SERVED_KINDS) {
      const h = new ResourceHistory(floor);
      this.histories.set(resourceKey(kind), h);
      api.watch(kind, (e) => {
        const rec: Recorded = { rv: rvOf(e.object), type: e.type, object: e.object, old: e.old };
        h.events.push(rec);
        if (h.events.length - h.start > this.capacity) {
          h.floor = (h.events[h.start] as Recorded).rv;
          h.start++;
          if (h.start >= this.capacity) {
            h.events = h.events.slice(h.start);
            h.start = 0;
          }
        }
        for (const l of [...h.listeners]) {
          const wire = translate(l, rec);
          if (wire !== undefined) l.send(wire);
        }
      });
    }
  }

  /** Open watches, across resources (each must be closed by its client or its timeout). */
  get watchers(): number {
    let n = 0;
    for (const h of this.histories.values()) n += h.listeners.size;
    return n;
  }

  /**
   * Starts a watch: replays what it must (current objects, or the history
   * after `resourceVersion`), then sends live events until the returned
   * function is called. An expired resourceVersion sends one ERROR event
   * and returns undefined.
   */
  watch(kind: KindInfo, namespace: string | undefined, resourceVersion: string, filter: ObjectFilter, send: (e: WireEvent) => void): (() => void) | undefined {
    const h = this.histories.get(resourceKey(kind)) as ResourceHistory;
    const listener: Listener = { filter, namespace, send };
    if (resourceVersion === "" || resourceVersion === "0") {
      for (const o of this.api.list<StoredObject>(kind, namespace)) if (filter(o)) send({ type: "ADDED", object: o });
    } else {
      // The handler checked that resourceVersion is a number.
      const from = Number(resourceVersion);
      if (from < h.floor) {
        send({ type: "ERROR", object: expiredError(`too old resource version: ${from} (${h.floor})`).status });
        return undefined;
      }
      for (let i = h.start; i < h.events.length; i++) {
        const e = h.events[i] as Recorded;
        if (e.rv <= from) continue;
        const wire = translate(listener, e);
        if (wire !== undefined) send(wire);
      }
    }
    h.listeners.add(listener);
    return () => void h.listeners.delete(listener);
  }
}
