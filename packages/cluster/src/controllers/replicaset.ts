/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods from the
 * template (named `<rs>-<5 random>`), deletes the least valuable extras
 * first (unscheduled, then pending, then not ready, then the youngest), and
 * reports replicas / ready / available counts in the status.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import { KINDS, type ApiServer } from "@svclab/apiserver";
import type { EventLoop } from "@svclab/sim";
import { isPodReady } from "./endpoints-model";
import { controllerUid, keyOf, splitKey, WorkQueue } from "./work-queue";

export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && pod.metadata?.deletionTimestamp === undefined;
}

/** controller.ActivePods ordering: the first pods are the first to delete. */
function deletionRank(pod: Pod): number[] {
  const phaseRank = pod.status?.phase === "Pending" ? 0 : pod.status?.phase === "Running" ? 2 : 1;
  return [pod.spec?.nodeName ? 1 : 0, phaseRank, isPodReady(pod) ? 1 : 0];
}

function compareForDeletion(a: Pod, b: Pod): number {
  const ra = deletionRank(a);
  const rb = deletionRank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
  // Younger pods go first.
  const ta = a.metadata?.creationTimestamp ?? "";
  const tb = b.metadata?.creationTimestamp ?? "";
  if (ta !== tb) return ta > tb ? -1 : 1;
  return (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? 1 : -1;
}

export class ReplicaSetController {
  private readonly queue: WorkQueue;

  constructor(
    private readonly api: ApiServer,
    loop: EventLoop,
  ) {
    this.queue = new WorkQueue(loop, (k) => this.sync(k));
    api.watch<ReplicaSet>(KINDS.replicaSet, (e) => this.queue.add(keyOf(e.object)));
    api.watch<Pod>(KINDS.pod, (e) => {
      const owner = e.object.metadata?.ownerReferences?.find((r) => r.controller && r.kind === "ReplicaSet");
      if (owner) this.queue.add(`${e.object.metadata?.namespace}/${owner.name}`);
    });
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const rs = this.api.tryGet<ReplicaSet>(KINDS.replicaSet, ns, name);
    if (rs === undefined || rs.metadata?.deletionTimestamp !== undefined) return;
    const uid = rs.metadata?.uid;
    const owned = this.api.list<Pod>(KINDS.pod, ns).filter((p) => controllerUid(p) === uid);
    const active = owned.filter(isPodActive);
    const want = rs.spec?.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) this.createPod(rs);
    } else if (active.length > want) {
      const victims = [...active].sort(compareForDeletion).slice(0, active.length - want);
      for (const p of victims) this.api.delete(KINDS.pod, ns, p.metadata?.name ?? "");
    }
    this.updateStatus(rs);
  }

  private createPod(rs: ReplicaSet): void {
    const template = rs.spec?.template ?? {};
    const pod: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...template.metadata,
        generateName: `${rs.metadata?.name}-`,
        namespace: rs.metadata?.namespace,
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: rs.metadata?.name ?? "", uid: rs.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: template.spec ?? { containers: [] },
    };
    this.api.create(KINDS.pod, pod);
  }

  private updateStatus(rs: ReplicaSet): void {
    const ns = rs.metadata?.namespace ?? "";
    const current = this.api.tryGet<ReplicaSet>(KINDS.replicaSet, ns, rs.metadata?.name ?? "");
    if (current === undefined) return;
    const uid = current.metadata?.uid;
    const active = this.api.list<Pod>(KINDS.pod, ns).filter((p) => controllerUid(p) === uid && isPodActive(p));
    const ready = active.filter(isPodReady).length;
    const status: NonNullable<ReplicaSet["status"]> = { replicas: active.length };
    // The API omits zero counts (omitempty), except replicas.
    if (active.length > 0) status.fullyLabeledReplicas = active.length;
    if (ready > 0) status.readyReplicas = ready;
    if (ready > 0) status.availableReplicas = ready;
    status.observedGeneration = current.metadata?.generation ?? 1;
    const prev: NonNullable<ReplicaSet["status"]> = current.status ?? { replicas: 0 };
    if (
      prev.replicas === status.replicas &&
      prev.readyReplicas === status.readyReplicas &&
      prev.availableReplicas === status.availableReplicas &&
      prev.observedGeneration === status.observedGeneration
    ) {
      return;
    }
    this.api.updateStatus(KINDS.replicaSet, { ...current, status });
  }
}
