/**
 * The event registry (pkg/registry/core/event): events are kept for
 * kube-apiserver's `--event-ttl` after their last write (etcd leases), so
 * a long run keeps the last hour of them and no more.
 */
import type { Event } from "kubernetes-types/core/v1";
import type { ResourceHooks } from "../api/server";

/** kube-apiserver's default --event-ttl. */
export const DEFAULT_EVENT_TTL_SECONDS = 3600;

export function eventHooks(ttlSeconds = DEFAULT_EVENT_TTL_SECONDS): ResourceHooks<Event> {
  return { ttlSeconds, ownUidStream: "events" };
}
