/**
 * `kubectl describe node`: roles, labels, taints, addresses, system info,
 * and the pods on the node.
 */
import type { Event, Node, Pod } from "kubernetes-types/core/v1";
import { age, nodeRoles, rfc1123z } from "@svclab/apiserver";
import { PrefixWriter, describeEvents, printAnnotationsMultiline, printLabelsMultiline, printTaints } from "./writer";

/** A condition time kubectl was not sent prints as Go's zero time.Time in RFC 1123Z. */
const conditionTime = (t: string | undefined): string => (t === undefined || t === "" ? "Mon, 01 Jan 0001 00:00:00 +0000" : rfc1123z(t));

export function describeNode(node: Node, pods: readonly Pod[], now: Date, events: readonly Event[] = []): string {
  const w = new PrefixWriter();
  const meta = node.metadata ?? {};
  const st = node.status ?? {};
  w.write(0, `Name:\t${meta.name ?? ""}\n`);
  w.write(0, `Roles:\t${nodeRoles(node).join(",") || "<none>"}\n`);
  printLabelsMultiline(w, "Labels", meta.labels);
  printAnnotationsMultiline(w, "Annotations", meta.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta.creationTimestamp)}\n`);
  printTaints(w, node.spec?.taints);
  w.write(0, `Unschedulable:\t${node.spec?.unschedulable ? "true" : "false"}\n`);
  const conditions = st.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    for (const c of conditions) {
      w.write(1, `${c.type} \t${c.status} \t${conditionTime(c.lastHeartbeatTime)} \t${conditionTime(c.lastTransitionTime)} \t${c.reason ?? ""} \t${c.message ?? ""}\n`);
    }
  }
  w.write(0, "Addresses:\n");
  for (const a of st.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [["Capacity", st.capacity], ["Allocatable", st.allocatable]] as const) {
    const keys = Object.keys(list ?? {}).sort();
    if (keys.length === 0) continue;
    w.write(0, `${title}:\n`);
    for (const k of keys) w.write(0, `  ${k}:\t${String((list as Record<string, unknown>)[k])}\n`);
  }
  const info = st.nodeInfo;
  w.write(0, "System Info:\n");
  w.write(0, `  Machine ID:\t${info?.machineID ?? ""}\n`);
  w.write(0, `  System UUID:\t${info?.systemUUID ?? ""}\n`);
  w.write(0, `  Boot ID:\t${info?.bootID ?? ""}\n`);
  w.write(0, `  Kernel Version:\t${info?.kernelVersion ?? ""}\n`);
  w.write(0, `  OS Image:\t${info?.osImage ?? ""}\n`);
  w.write(0, `  Operating System:\t${info?.operatingSystem ?? ""}\n`);
  w.write(0, `  Architecture:\t${info?.architecture ?? ""}\n`);
  w.write(0, `  Container Runtime Version:\t${info?.containerRuntimeVersion ?? ""}\n`);
  w.write(0, `  Kubelet Version:\t${info?.kubeletVersion ?? ""}\n`);
  w.write(0, `  Kube-Proxy Version:\t${info?.kubeProxyVersion ?? ""}\n`);
  if (node.spec?.podCIDR) w.write(0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  if ((node.spec?.podCIDRs ?? []).length > 0) w.write(0, `PodCIDRs:\t${(node.spec?.podCIDRs ?? []).join(",")}\n`);
  if (node.spec?.providerID) w.write(0, `ProviderID:\t${node.spec.providerID}\n`);
  const running = pods.filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
  w.write(0, `Non-terminated Pods:\t(${running.length} in total)\n`);
  w.write(1, "Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
  w.write(1, "---------\t----\t------------\t----------\t---------------\t-------------\t---\n");
  for (const p of running) {
    w.write(1, `${p.metadata?.namespace ?? ""}\t${p.metadata?.name ?? ""}\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\t${age(p.metadata?.creationTimestamp, now)}\n`);
  }
  w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
  w.write(1, "Resource\tRequests\tLimits\n");
  w.write(1, "--------\t--------\t------\n");
  w.write(1, "cpu\t0 (0%)\t0 (0%)\n");
  w.write(1, "memory\t0 (0%)\t0 (0%)\n");
  w.write(1, "ephemeral-storage\t0 (0%)\t0 (0%)\n");
  describeEvents(w, events, now);
  return w.render();
}
