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
import { BY_CONTROLLER, byController } from "./indexes";
import type { Informer, SharedInformers } from "./informer";
import { isPodActive } from "./pod-state";
import { keyOf, splitKey, WorkQueue } from "./work-queue";
import type { LegacyEventRecorder } from "../events/recorder";

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
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;

  constructor(
    private readonly api: ApiServer,
    informers: SharedInformers,
    loop: EventLoop,
    /** replicaset-controller's recorder: SuccessfulCreate and SuccessfulDelete (replica_set.go). */
    private readonly events?: LegacyEventRecorder,
  ) {
    this.replicaSets = informers.for<ReplicaSet>(KINDS.replicaSet);
    this.pods = informers.for<Pod>(KINDS.pod);
    this.pods.addIndex(BY_CONTROLLER, byController);
    this.queue = new WorkQueue(loop, (k) => this.sync(k));
    api.watch<ReplicaSet>(KINDS.replicaSet, (e) => this.queue.add(keyOf(e.object)));
    api.watch<Pod>(KINDS.pod, (e) => {
      const owner = e.object.metadata?.ownerReferences?.find((r) => r.controller && r.kind === "ReplicaSet");
      if (owner) this.queue.add(`${e.object.metadata?.namespace}/${owner.name}`);
    });
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const rs = this.replicaSets.get(ns, name);
    if (rs === undefined || rs.metadata?.deletionTimestamp !== undefined) return;
    const active = this.ownedPods(rs).filter(isPodActive);
    const want = rs.spec?.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) this.createPod(rs);
    } else if (active.length > want) {
      const victims = [...active].sort(compareForDeletion).slice(0, active.length - want);
      for (const p of victims) {
        this.api.delete(KINDS.pod, ns, p.metadata?.name ?? "");
        this.events?.event(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata?.name ?? ""}`, { kind: KINDS.replicaSet });
      }
    }
    this.updateStatus(rs);
  }

  /** The ReplicaSet's pods: its namespace's pods whose controller reference is its uid. */
  private ownedPods(rs: ReplicaSet): Pod[] {
    const ns = rs.metadata?.namespace ?? "";
    return this.pods.byIndex(BY_CONTROLLER, rs.metadata?.uid ?? "").filter((p) => p.metadata?.namespace === ns);
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
    const created = this.api.create<Pod>(KINDS.pod, pod);
    this.events?.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata?.name ?? ""}`, { kind: KINDS.replicaSet });
  }

  private updateStatus(rs: ReplicaSet): void {
    const ns = rs.metadata?.namespace ?? "";
    const current = this.replicaSets.get(ns, rs.metadata?.name ?? "");
    if (current === undefined) return;
    const active = this.ownedPods(current).filter(isPodActive);
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
