/**
 * Namespace deletion: the namespace turns Terminating (its `kubernetes`
 * finalizer holds it), the namespace controller deletes everything in it
 * (pods gracefully), and the namespace goes once it is empty. `default`,
 * `kube-system` and `kube-public` may not be deleted.
 */
import type { Namespace } from "kubernetes-types/core/v1";
import type { KindInfo, KubeObject } from "@svclab/manifest";
import { KINDS, SERVED_KINDS, forbiddenError, type ApiServer, type ResourceHooks } from "@svclab/apiserver";
import type { EventLoop } from "@svclab/sim";
import { WorkQueue } from "./work-queue";

const UNDELETABLE = new Set(["default", "kube-system", "kube-public"]);

export const namespaceHooks: ResourceHooks<Namespace> = {
  beforeDelete(ns) {
    const name = ns.metadata?.name ?? "";
    if (UNDELETABLE.has(name)) throw forbiddenError(KINDS.namespace, name, "this namespace may not be deleted");
  },
  pendingDeletion(ns, deletionTimestamp) {
    if ((ns.spec?.finalizers ?? []).length === 0) return undefined;
    return { ...ns, metadata: { ...ns.metadata, deletionTimestamp, deletionGracePeriodSeconds: 0 }, status: { ...ns.status, phase: "Terminating" } };
  },
};

export class NamespaceController {
  private readonly queue: WorkQueue;
  private readonly contents: readonly KindInfo[] = SERVED_KINDS.filter((k) => k.namespaced);

  constructor(
    private readonly api: ApiServer,
    loop: EventLoop,
  ) {
    this.queue = new WorkQueue(loop, (name) => this.sync(name));
    api.watch<Namespace>(KINDS.namespace, (e) => {
      if (e.type !== "DELETED" && e.object.metadata?.deletionTimestamp !== undefined) this.queue.add(e.object.metadata.name ?? "");
    });
    for (const kind of this.contents) {
      api.watch<KubeObject>(kind, (e) => {
        if (e.type === "DELETED") this.queue.add(e.object.metadata?.namespace ?? "");
      });
    }
  }

  private sync(name: string): void {
    const ns = this.api.tryGet<Namespace>(KINDS.namespace, "", name);
    if (ns?.metadata?.deletionTimestamp === undefined) return;
    let remaining = 0;
    for (const kind of this.contents) {
      for (const obj of this.api.list<KubeObject>(kind, name)) {
        remaining++;
        if (obj.metadata?.deletionTimestamp === undefined) this.api.delete(kind, name, obj.metadata?.name ?? "");
      }
    }
    if (remaining === 0) this.api.purge(KINDS.namespace, "", name);
  }
}
