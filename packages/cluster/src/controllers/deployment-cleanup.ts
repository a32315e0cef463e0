/**
 * The deployment controller's cleanupDeployment (pkg/controller/deployment/
 * sync.go): a Deployment keeps at most spec.revisionHistoryLimit (default 10)
 * old ReplicaSets; older ones that run no pod are deleted, oldest revision
 * first, so a Deployment rolled out every day does not pile up ReplicaSets.
 * A paused Deployment or one still rolling out keeps them all.
 */
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { KINDS, type ApiServer } from "@svclab/apiserver";
import type { EventLoop } from "@svclab/sim";
import { BY_CONTROLLER, byController } from "./indexes";
import type { Informer, SharedInformers } from "./informer";
import { keyOf, splitKey, WorkQueue } from "./work-queue";

const REVISION = "deployment.kubernetes.io/revision";

export class DeploymentHistoryCleaner {
  private readonly queue: WorkQueue;
  private readonly replicaSets: Informer<ReplicaSet>;

  constructor(
    private readonly api: ApiServer,
    informers: SharedInformers,
    loop: EventLoop,
  ) {
    this.replicaSets = informers.for<ReplicaSet>(KINDS.replicaSet);
    this.replicaSets.addIndex(BY_CONTROLLER, byController);
    this.queue = new WorkQueue(loop, (key) => this.cleanup(key));
    api.watch<Deployment>(KINDS.deployment, (e) => e.type !== "DELETED" && this.queue.add(keyOf(e.object)));
    api.watch<ReplicaSet>(KINDS.replicaSet, (e) => {
      const owner = e.object.metadata?.ownerReferences?.find((r) => r.controller && r.kind === "Deployment");
      if (owner !== undefined) this.queue.add(`${e.object.metadata?.namespace ?? ""}/${owner.name}`);
    });
  }

  private cleanup(key: string): void {
    const [ns, name] = splitKey(key);
    const d = this.api.tryGet<Deployment>(KINDS.deployment, ns, name);
    if (d === undefined || d.spec?.paused || d.metadata?.deletionTimestamp !== undefined) return;
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const current = d.metadata?.annotations?.[REVISION];
    const old = this.replicaSets
      .byIndex(BY_CONTROLLER, d.metadata?.uid ?? "")
      .filter((rs) => rs.metadata?.namespace === ns && rs.metadata?.annotations?.[REVISION] !== current);
    const diff = old.length - limit;
    if (diff <= 0) return;
    const revision = (rs: ReplicaSet) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);
    const idle = old
      .filter((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0 && rs.metadata?.deletionTimestamp === undefined)
      .sort((a, b) => revision(a) - revision(b) || (a.metadata?.creationTimestamp ?? "").localeCompare(b.metadata?.creationTimestamp ?? ""));
    for (const rs of idle.slice(0, diff)) this.api.delete(KINDS.replicaSet, ns, rs.metadata?.name ?? "");
  }
}
