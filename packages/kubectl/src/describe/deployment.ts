/**
 * `kubectl describe deployment`: replicas, strategy, the pod template, and
 * its old and new ReplicaSets.
 */
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Event } from "kubernetes-types/core/v1";
import { formatSelector, rfc1123z } from "@svclab/apiserver";
import { describePodTemplate } from "./pod-template";
import { PrefixWriter, describeEvents, printAnnotationsMultiline, printLabelsMultiline } from "./writer";

export function describeDeployment(d: Deployment, replicaSets: readonly ReplicaSet[], events: readonly Event[] = [], now: Date = new Date(0)): string {
  const w = new PrefixWriter();
  const meta = d.metadata ?? {};
  const spec = d.spec;
  const st = d.status ?? {};
  w.write(0, `Name:\t${meta.name ?? ""}\n`);
  w.write(0, `Namespace:\t${meta.namespace ?? ""}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta.creationTimestamp)}\n`);
  printLabelsMultiline(w, "Labels", meta.labels);
  printAnnotationsMultiline(w, "Annotations", meta.annotations);
  w.write(0, `Selector:\t${formatSelector(spec?.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${spec?.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`,
  );
  const strategy = spec?.strategy?.type ?? "RollingUpdate";
  w.write(0, `StrategyType:\t${strategy}\n`);
  w.write(0, `MinReadySeconds:\t${spec?.minReadySeconds ?? 0}\n`);
  if (strategy === "RollingUpdate") {
    const ru = spec?.strategy?.rollingUpdate;
    w.write(0, `RollingUpdateStrategy:\t${ru?.maxUnavailable ?? "25%"} max unavailable, ${ru?.maxSurge ?? "25%"} max surge\n`);
  }
  describePodTemplate(w, spec?.template);
  const conditions = st.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ""}\n`);
  }
  const revision = meta.annotations?.["deployment.kubernetes.io/revision"];
  const owned = replicaSets.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === meta.uid));
  const current = owned.find((rs) => rs.metadata?.annotations?.["deployment.kubernetes.io/revision"] === revision);
  const old = owned.filter((rs) => rs !== current && (rs.spec?.replicas ?? 0) > 0);
  const rsText = (rs: ReplicaSet): string => `${rs.metadata?.name ?? ""} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`;
  w.write(0, `OldReplicaSets:\t${old.length === 0 ? "<none>" : old.map(rsText).join(", ")}\n`);
  w.write(0, `NewReplicaSet:\t${current === undefined ? "<none>" : rsText(current)}\n`);
  describeEvents(w, events, now);
  return w.render();
}
