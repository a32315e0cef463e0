/**
 * `kubectl describe replicaset` (describeReplicaSet in kubectl's
 * describe.go): its owner, replica counts, its pods by phase and the pod template.
 */
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { Event, Pod } from "kubernetes-types/core/v1";
import { formatSelector } from "@svclab/apiserver";
import { describePodTemplate } from "./pod-template";
import { PrefixWriter, describeEvents, printAnnotationsMultiline, printLabelsMultiline } from "./writer";

/** `pods` are the ones the ReplicaSet's selector matches. */
export function describeReplicaSet(rs: ReplicaSet, pods: readonly Pod[], events: readonly Event[] = [], now: Date = new Date(0)): string {
  const w = new PrefixWriter();
  const meta = rs.metadata ?? {};
  w.write(0, `Name:\t${meta.name ?? ""}\n`);
  w.write(0, `Namespace:\t${meta.namespace ?? ""}\n`);
  w.write(0, `Selector:\t${formatSelector(rs.spec?.selector)}\n`);
  printLabelsMultiline(w, "Labels", meta.labels);
  printAnnotationsMultiline(w, "Annotations", meta.annotations);
  const owner = meta.ownerReferences?.find((o) => o.controller === true);
  if (owner !== undefined) w.write(0, `Controlled By:\t${owner.kind}/${owner.name}\n`);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired\n`);
  const phase = (p: string): number => pods.filter((pod) => (pod.status?.phase ?? "Pending") === p).length;
  w.write(0, `Pods Status:\t${phase("Running")} Running / ${phase("Pending")} Waiting / ${phase("Succeeded")} Succeeded / ${phase("Failed")} Failed\n`);
  describePodTemplate(w, rs.spec?.template);
  const conditions = rs.status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ""}\n`);
  }
  describeEvents(w, events, now);
  return w.render();
}
