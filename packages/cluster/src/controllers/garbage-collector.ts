/**
 * The garbage collector's background cascading deletion: when an owner is
 * gone, its dependents (by ownerReferences uid) are deleted in turn, pods
 * gracefully. The dependents come from an owner-uid index of each
 * dependent kind, as the collector's dependency graph holds them.
 */
import type { KindInfo, KubeObject } from "@svclab/manifest";
import type { ApiServer } from "@svclab/apiserver";
import type { EventLoop } from "@svclab/sim";
import { BY_OWNER, byOwner } from "./indexes";
import type { Informer, SharedInformers } from "./informer";
import { WorkQueue } from "./work-queue";

export class GarbageCollector {
  private readonly queue: WorkQueue;
  private readonly dependents: readonly { kind: KindInfo; informer: Informer<KubeObject> }[];

  constructor(
    private readonly api: ApiServer,
    informers: SharedInformers,
    loop: EventLoop,
    owners: readonly KindInfo[],
    dependents: readonly KindInfo[],
  ) {
    this.dependents = dependents.map((kind) => {
      const informer = informers.for<KubeObject>(kind);
      informer.addIndex(BY_OWNER, byOwner);
      return { kind, informer };
    });
    this.queue = new WorkQueue(loop, (uid) => this.collect(uid));
    for (const kind of owners) {
      api.watch<KubeObject>(kind, (e) => {
        if (e.type === "DELETED" && e.object.metadata?.uid) this.queue.add(e.object.metadata.uid);
      });
    }
  }

  private collect(ownerUid: string): void {
    for (const { kind, informer } of this.dependents) {
      for (const obj of informer.byIndex(BY_OWNER, ownerUid)) {
        if (obj.metadata?.deletionTimestamp !== undefined) continue;
        this.api.delete(kind, obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
      }
    }
  }
}
