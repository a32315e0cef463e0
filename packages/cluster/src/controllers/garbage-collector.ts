/**
 * The garbage collector's background cascading deletion: when an owner is
 * gone, its dependents (by ownerReferences uid) are deleted in turn, pods
 * gracefully.
 */
import type { KindInfo, KubeObject } from "@svclab/manifest";
import type { ApiServer } from "@svclab/apiserver";
import type { EventLoop } from "@svclab/sim";
import { WorkQueue } from "./work-queue";

export class GarbageCollector {
  private readonly queue: WorkQueue;

  constructor(
    private readonly api: ApiServer,
    loop: EventLoop,
    owners: readonly KindInfo[],
    private readonly dependents: readonly KindInfo[],
  ) {
    this.queue = new WorkQueue(loop, (uid) => this.collect(uid));
    for (const kind of owners) {
      api.watch<KubeObject>(kind, (e) => {
        if (e.type === "DELETED" && e.object.metadata?.uid) this.queue.add(e.object.metadata.uid);
      });
    }
  }

  private collect(ownerUid: string): void {
    for (const kind of this.dependents) {
      for (const obj of this.api.list<KubeObject>(kind)) {
        const refs = obj.metadata?.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === ownerUid)) continue;
        if (obj.metadata?.deletionTimestamp !== undefined) continue;
        this.api.delete(kind, obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
      }
    }
  }
}
