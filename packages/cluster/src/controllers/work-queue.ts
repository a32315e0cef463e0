/**
 * client-go's work queue, single-threaded: watch events add keys, a key
 * queued twice is reconciled once, and the event loop drains the queues that
 * have keys until the cluster is quiet.
 */
import type { EventLoop, WakeWorker } from "@svclab/sim";

export class WorkQueue {
  private pending = new Set<string>();
  private readonly wake: WakeWorker;

  constructor(
    loop: EventLoop,
    private readonly reconcile: (key: string) => void,
  ) {
    this.wake = loop.addWorker(() => this.drain());
  }

  add(key: string): void {
    this.pending.add(key);
    this.wake();
  }

  private drain(): void {
    const keys = this.pending;
    this.pending = new Set();
    for (const k of keys) this.reconcile(k);
  }
}

/** "namespace/name" as controllers key objects. */
export function keyOf(obj: { metadata?: { namespace?: string; name?: string } }): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

export function splitKey(key: string): [namespace: string, name: string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** The controller owner reference's uid, if any. */
export function controllerUid(obj: { readonly metadata?: { readonly ownerReferences?: readonly { readonly controller?: boolean; readonly uid: string }[] } }): string | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true)?.uid;
}
