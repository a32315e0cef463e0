/**
 * The Deployment controller: one ReplicaSet per pod template, named
 * `<deployment>-<pod-template-hash>`, scaled by the RollingUpdate
 * arithmetic (maxSurge rounds up, maxUnavailable rounds down, both 25% by
 * default) or by Recreate, plus the revision annotations and the status
 * kubectl rollout status reads.
 */
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { KINDS, canonicalJson, computeHash, rfc3339, type ApiServer } from "@svclab/apiserver";
import type { EventLoop } from "@svclab/sim";
import { BY_CONTROLLER, byController } from "./indexes";
import type { Informer, SharedInformers } from "./informer";
import type { LegacyEventRecorder } from "../events/recorder";
import { keyOf, splitKey, WorkQueue } from "./work-queue";

const HASH_LABEL = "pod-template-hash";
const REVISION = "deployment.kubernetes.io/revision";

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean, dflt: string): number {
  const value = v ?? dflt;
  if (typeof value === "number") return value;
  if (/^\d+$/.test(value)) return Number(value);
  const pct = Number(value.replace(/%$/, ""));
  const exact = (pct * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Canonical JSON of a template without the hash label; memoised per (immutable) stored template. */
const templateKeys = new WeakMap<object, string>();
function templateKey(t: PodTemplateSpec | undefined): string {
  if (t === undefined) return "";
  let k = templateKeys.get(t);
  if (k === undefined) {
    const labels = { ...(t.metadata?.labels ?? {}) };
    delete labels[HASH_LABEL];
    k = canonicalJson({ ...t, metadata: { ...t.metadata, labels } });
    templateKeys.set(t, k);
  }
  return k;
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

const replicasOf = (rs: ReplicaSet) => rs.spec?.replicas ?? 0;
const availableOf = (rs: ReplicaSet) => rs.status?.availableReplicas ?? 0;

export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly replicaSets: Informer<ReplicaSet>;

  constructor(
    private readonly api: ApiServer,
    informers: SharedInformers,
    loop: EventLoop,
    private readonly wallClock: () => Date,
    /** deployment-controller's recorder: ScalingReplicaSet (sync.go). */
    private readonly events?: LegacyEventRecorder,
  ) {
    this.replicaSets = informers.for<ReplicaSet>(KINDS.replicaSet);
    this.replicaSets.addIndex(BY_CONTROLLER, byController);
    this.queue = new WorkQueue(loop, (k) => this.sync(k));
    api.watch<Deployment>(KINDS.deployment, (e) => this.queue.add(keyOf(e.object)));
    api.watch<ReplicaSet>(KINDS.replicaSet, (e) => {
      const owner = e.object.metadata?.ownerReferences?.find((r) => r.controller && r.kind === "Deployment");
      if (owner) this.queue.add(`${e.object.metadata?.namespace}/${owner.name}`);
    });
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const d = this.api.tryGet<Deployment>(KINDS.deployment, ns, name);
    if (d === undefined || d.metadata?.deletionTimestamp !== undefined) return;
    const owned = this.ownedReplicaSets(d);
    const found = owned.find((rs) => templateKey(rs.spec?.template) === templateKey(d.spec?.template));
    const olds = owned.filter((rs) => rs !== found);
    const revisionOf = (rs: ReplicaSet) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);
    const maxOldRevision = Math.max(0, ...olds.map(revisionOf));
    const replicas = d.spec?.replicas ?? 1;

    let newRS: ReplicaSet;
    if (found === undefined) {
      newRS = this.createReplicaSet(d, olds, maxOldRevision + 1, replicas);
    } else if (revisionOf(found) <= maxOldRevision) {
      newRS = found;
      // A rollback to an older template makes that ReplicaSet the newest revision.
      const annotations = { ...newRS.metadata?.annotations, [REVISION]: String(maxOldRevision + 1) };
      newRS = this.api.update<ReplicaSet>(KINDS.replicaSet, { ...newRS, metadata: { ...newRS.metadata, annotations } }).object;
    } else {
      newRS = found;
    }

    const activeOlds = olds.filter((rs) => replicasOf(rs) > 0);
    if (d.spec?.strategy?.type === "Recreate") {
      for (const rs of activeOlds) this.scale(rs, 0);
      const oldPods = olds.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
      if (oldPods === 0) this.scale(newRS, replicas);
    } else if (activeOlds.length === 0) {
      this.scale(newRS, replicas);
    } else {
      this.rollingUpdate(d, newRS, activeOlds);
    }
    this.syncRevisionAnnotation(d, newRS);
    this.updateStatus(d);
  }

  /** The Deployment's ReplicaSets: its namespace's whose controller reference is its uid, in list order. */
  private ownedReplicaSets(d: Deployment): ReplicaSet[] {
    const ns = d.metadata?.namespace ?? "";
    return this.replicaSets.byIndex(BY_CONTROLLER, d.metadata?.uid ?? "").filter((rs) => rs.metadata?.namespace === ns);
  }

  private createReplicaSet(d: Deployment, olds: readonly ReplicaSet[], revision: number, replicas: number): ReplicaSet {
    const template = d.spec?.template ?? {};
    let collisionCount = d.status?.collisionCount;
    for (;;) {
      const hash = computeHash(template, collisionCount);
      const rsName = `${d.metadata?.name}-${hash}`;
      const existing = this.api.tryGet<ReplicaSet>(KINDS.replicaSet, d.metadata?.namespace ?? "", rsName);
      if (existing !== undefined) {
        // Hash collision with a ReplicaSet of another template: bump the count and rehash.
        collisionCount = (collisionCount ?? 0) + 1;
        continue;
      }
      const labels = { ...template.metadata?.labels, [HASH_LABEL]: hash };
      const surgeStart = olds.some((rs) => replicasOf(rs) > 0) ? 0 : replicas;
      const rs: ReplicaSet = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          name: rsName,
          namespace: d.metadata?.namespace,
          labels,
          annotations: {
            "deployment.kubernetes.io/desired-replicas": String(replicas),
            "deployment.kubernetes.io/max-replicas": String(replicas + scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, replicas, true, "25%")),
            [REVISION]: String(revision),
          },
          ownerReferences: [
            { apiVersion: "apps/v1", kind: "Deployment", name: d.metadata?.name ?? "", uid: d.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true },
          ],
        },
        spec: {
          replicas: surgeStart,
          minReadySeconds: d.spec?.minReadySeconds,
          selector: { ...d.spec?.selector, matchLabels: { ...d.spec?.selector?.matchLabels, [HASH_LABEL]: hash } },
          template: { ...template, metadata: { ...template.metadata, labels } },
        },
      };
      if (rs.spec?.minReadySeconds === undefined) delete rs.spec?.minReadySeconds;
      const created = this.api.create<ReplicaSet>(KINDS.replicaSet, rs);
      if (surgeStart > 0) this.scalingEvent(d, rsName, surgeStart, 0);
      return created;
    }
  }

  private rollingUpdate(d: Deployment, newRS: ReplicaSet, olds: ReplicaSet[]): void {
    const replicas = d.spec?.replicas ?? 1;
    const ru = d.spec?.strategy?.rollingUpdate;
    let maxSurge = scaledValue(ru?.maxSurge, replicas, true, "25%");
    let maxUnavailable = scaledValue(ru?.maxUnavailable, replicas, false, "25%");
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    if (replicas === 0) maxSurge = 0;
    const all = [newRS, ...olds];
    const total = all.reduce((n, rs) => n + replicasOf(rs), 0);
    // Scale up the new ReplicaSet within the surge budget.
    if (replicasOf(newRS) < replicas) {
      const room = replicas + maxSurge - total;
      if (room > 0) newRS = this.scale(newRS, Math.min(replicas, replicasOf(newRS) + room));
    }
    // Scale down old ReplicaSets while keeping minAvailable pods available.
    const minAvailable = replicas - maxUnavailable;
    const allPods = [newRS, ...olds].reduce((n, rs) => n + replicasOf(rs), 0);
    const newUnavailable = replicasOf(newRS) - availableOf(newRS);
    let budget = allPods - minAvailable - newUnavailable;
    // Old pods that are not available go first (cleanupUnhealthyReplicas).
    const oldest = [...olds].sort((a, b) => (a.metadata?.creationTimestamp ?? "").localeCompare(b.metadata?.creationTimestamp ?? ""));
    for (const rs of oldest) {
      if (budget <= 0) break;
      const unhealthy = replicasOf(rs) - availableOf(rs);
      const cut = Math.min(budget, unhealthy);
      if (cut > 0) {
        this.scale(rs, replicasOf(rs) - cut);
        budget -= cut;
      }
    }
    const available = [newRS, ...olds].reduce((n, rs) => n + availableOf(rs), 0);
    let scaleDown = available - minAvailable;
    for (const rs of oldest) {
      const current = this.api.tryGet<ReplicaSet>(KINDS.replicaSet, rs.metadata?.namespace ?? "", rs.metadata?.name ?? "");
      if (current === undefined || scaleDown <= 0) continue;
      const cut = Math.min(replicasOf(current), scaleDown);
      if (cut > 0) {
        this.scale(current, replicasOf(current) - cut);
        scaleDown -= cut;
      }
    }
  }

  private scale(rs: ReplicaSet, replicas: number): ReplicaSet {
    if (replicasOf(rs) === replicas) return rs;
    const current = this.api.get<ReplicaSet>(KINDS.replicaSet, rs.metadata?.namespace ?? "", rs.metadata?.name ?? "");
    const scaled = this.api.update<ReplicaSet>(KINDS.replicaSet, { ...current, spec: { ...current.spec, replicas } }).object;
    const owner = current.metadata?.ownerReferences?.find((r) => r.controller && r.kind === "Deployment");
    if (owner !== undefined) {
      const d = { metadata: { name: owner.name, namespace: current.metadata?.namespace, uid: owner.uid } };
      this.scalingEvent(d, current.metadata?.name ?? "", replicas, replicasOf(current));
    }
    return scaled;
  }

  private scalingEvent(d: Pick<Deployment, "metadata">, rsName: string, to: number, from: number): void {
    const direction = to > from ? "up" : "down";
    // The event names the Deployment as its informer has it (apiVersion apps/v1, its resourceVersion).
    const current = this.api.tryGet<Deployment>(KINDS.deployment, d.metadata?.namespace ?? "", d.metadata?.name ?? "") ?? d;
    this.events?.event(current, "Normal", "ScalingReplicaSet", `Scaled ${direction} replica set ${rsName} to ${to} from ${from}`, { kind: KINDS.deployment });
  }

  private syncRevisionAnnotation(d: Deployment, newRS: ReplicaSet): void {
    const revision = newRS.metadata?.annotations?.[REVISION];
    if (revision === undefined || d.metadata?.annotations?.[REVISION] === revision) return;
    const current = this.api.get<Deployment>(KINDS.deployment, d.metadata?.namespace ?? "", d.metadata?.name ?? "");
    this.api.update(KINDS.deployment, { ...current, metadata: { ...current.metadata, annotations: { ...current.metadata?.annotations, [REVISION]: revision } } });
  }

  private updateStatus(d: Deployment): void {
    const ns = d.metadata?.namespace ?? "";
    const current = this.api.get<Deployment>(KINDS.deployment, ns, d.metadata?.name ?? "");
    const owned = this.ownedReplicaSets(current);
    const newRS = owned.find((rs) => templateKey(rs.spec?.template) === templateKey(current.spec?.template));
    const replicas = owned.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
    const ready = owned.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
    const available = owned.reduce((n, rs) => n + availableOf(rs), 0);
    const want = current.spec?.replicas ?? 1;
    const maxUnavailable = scaledValue(current.spec?.strategy?.rollingUpdate?.maxUnavailable, want, false, "25%");
    const status: NonNullable<Deployment["status"]> = {
      observedGeneration: current.metadata?.generation ?? 1,
      replicas,
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: ready,
      availableReplicas: available,
      unavailableReplicas: Math.max(0, want - available),
      conditions: [
        available >= want - maxUnavailable
          ? { type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." }
          : { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." },
        newRS !== undefined && (newRS.status?.availableReplicas ?? 0) >= want && replicas === want
          ? { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "${newRS.metadata?.name}" has successfully progressed.` }
          : { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: `ReplicaSet "${newRS?.metadata?.name ?? ""}" is progressing.` },
      ],
    };
    for (const k of ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"] as const) {
      if (status[k] === 0) delete status[k];
    }
    if (current.status?.collisionCount !== undefined) status.collisionCount = current.status.collisionCount;
    const prevConds = current.status?.conditions ?? [];
    const conditions = (status.conditions ?? []).map((c) => {
      const prev = prevConds.find((p) => p.type === c.type);
      const same = prev !== undefined && prev.status === c.status && prev.reason === c.reason && prev.message === c.message;
      if (same) return prev;
      const now = rfc3339(this.wallClock());
      return { ...c, lastUpdateTime: now, lastTransitionTime: prev?.status === c.status ? prev.lastTransitionTime ?? now : now };
    });
    status.conditions = conditions;
    if (sameJson(status, current.status ?? {})) return;
    this.api.updateStatus(KINDS.deployment, { ...current, status });
  }
}
