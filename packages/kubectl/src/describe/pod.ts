/**
 * `kubectl describe pod`: status, containers (state, probes, environment),
 * conditions, QoS class, tolerations.
 */
import type { Event, Pod } from "kubernetes-types/core/v1";
import { age, rfc1123z } from "@svclab/apiserver";
import { PrefixWriter, describeContainers, describeEvents, printAnnotationsMultiline, printLabelsMultiline, printTolerations } from "./writer";

function qosClass(pod: Pod): string {
  const resources = (pod.spec?.containers ?? []).map((c) => c.resources ?? {});
  const any = resources.some((r) => Object.keys(r.requests ?? {}).length > 0 || Object.keys(r.limits ?? {}).length > 0);
  if (!any) return "BestEffort";
  const guaranteed = resources.every((r) => ["cpu", "memory"].every((k) => r.limits?.[k] !== undefined && (r.requests?.[k] ?? r.limits?.[k]) === r.limits?.[k]));
  return guaranteed ? "Guaranteed" : "Burstable";
}

export function describePod(pod: Pod, now: Date, events: readonly Event[] = []): string {
  const w = new PrefixWriter();
  const meta = pod.metadata ?? {};
  const spec = pod.spec;
  const st = pod.status ?? {};
  w.write(0, `Name:\t${meta.name ?? ""}\n`);
  w.write(0, `Namespace:\t${meta.namespace ?? ""}\n`);
  if (spec?.priority !== undefined) w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec?.priorityClassName) w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec?.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(0, spec?.nodeName ? `Node:\t${spec.nodeName}/${st.hostIP ?? ""}\n` : "Node:\t<none>\n");
  if (st.startTime !== undefined) w.write(0, `Start Time:\t${rfc1123z(st.startTime)}\n`);
  printLabelsMultiline(w, "Labels", meta.labels);
  printAnnotationsMultiline(w, "Annotations", meta.annotations);
  if (meta.deletionTimestamp !== undefined && st.phase !== "Failed" && st.phase !== "Succeeded") {
    w.write(0, `Status:\tTerminating (lasts ${age(meta.deletionTimestamp, now)})\n`);
    w.write(0, `Termination Grace Period:\t${meta.deletionGracePeriodSeconds ?? 0}s\n`);
  } else {
    w.write(0, `Status:\t${st.phase ?? ""}\n`);
  }
  if (st.reason) w.write(0, `Reason:\t${st.reason}\n`);
  if (st.message) w.write(0, `Message:\t${st.message}\n`);
  w.write(0, `IP:\t${st.podIP ?? ""}\n`);
  const ips = st.podIPs ?? [];
  if (ips.length === 0) w.write(0, "IPs:\t<none>\n");
  else {
    w.write(0, "IPs:\n");
    for (const ip of ips) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const controller = (meta.ownerReferences ?? []).find((o) => o.controller);
  if (controller !== undefined) w.write(0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
  describeContainers(w, "Containers", spec?.containers ?? [], st.containerStatuses ?? []);
  const conditions = st.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\n");
    for (const c of conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  w.write(0, "Volumes:\t<none>\n");
  w.write(0, `QoS Class:\t${qosClass(pod)}\n`);
  printLabelsMultiline(w, "Node-Selectors", spec?.nodeSelector);
  printTolerations(w, "Tolerations", spec?.tolerations);
  describeEvents(w, events, now);
  return w.render();
}
