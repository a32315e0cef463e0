/**
 * `kubectl describe` for services, pods, nodes and deployments, in the field
 * order and spacing of k8s.io/kubectl/pkg/describe/describe.go: lines built
 * with PrefixWriter levels (two spaces each) and aligned by a tab writer
 * with padding 2. Related objects (a service's EndpointSlices, a node's pods,
 * a deployment's ReplicaSets) are passed in by the caller.
 */
import type { Container, ContainerStatus, Node, Pod, Probe, Service, Toleration, Taint } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { age, formatLabels, formatSelector, nodeRoles, rfc1123z } from "@svclab/apiserver";
import { tabwrite } from "./tabwriter";

/** PrefixWriter: each level indents by two spaces. */
class PrefixWriter {
  private text = "";
  write(level: number, s: string): void {
    this.text += "  ".repeat(level) + s;
  }
  render(): string {
    return tabwrite(this.text, { padding: 2 });
  }
}

const SKIPPED_ANNOTATIONS = new Set(["kubectl.kubernetes.io/last-applied-configuration"]);
const MAX_ANNOTATION_LEN = 140;

function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string> | undefined, initialIndent = ""): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    w.write(0, `${k}=${(labels as Record<string, string>)[k]}\n`);
  });
}

function shorten(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => !SKIPPED_ANNOTATIONS.has(k))
    .sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, "\t");
    const value = ((annotations as Record<string, string>)[k] ?? "").replace(/\n$/, "");
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes("\n")) {
      w.write(0, `${k}:\n`);
      for (const s of value.split("\n")) w.write(0, `\t  ${shorten(s, MAX_ANNOTATION_LEN - 2)}\n`);
    } else {
      w.write(0, `${k}: ${value}\n`);
    }
  });
}

function printTolerations(w: PrefixWriter, title: string, tolerations: readonly Toleration[] | undefined, initialIndent = ""): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const sorted = [...(tolerations ?? [])].sort((a, b) => ((a.key ?? "") < (b.key ?? "") ? -1 : (a.key ?? "") > (b.key ?? "") ? 1 : 0));
  if (sorted.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    let s = t.key ?? "";
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === "Exists" && !t.value) s += t.key || t.effect ? " op=Exists" : "op=Exists";
    if (t.tolerationSeconds !== undefined) s += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${s}\n`);
  });
}

function printTaints(w: PrefixWriter, taints: readonly Taint[] | undefined): void {
  w.write(0, "Taints:\t");
  const list = taints ?? [];
  if (list.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  list.forEach((t, i) => {
    if (i !== 0) w.write(0, "\t");
    w.write(0, `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}\n`);
  });
}

function describeEvents(w: PrefixWriter): void {
  // The simulated cluster records no Events.
  w.write(0, "Events:\t<none>\n");
}

function probeText(p: Probe): string {
  let handler = "unknown";
  if (p.httpGet !== undefined) {
    const host = p.httpGet.host ?? "";
    handler = `http-get ${(p.httpGet.scheme ?? "HTTP").toLowerCase()}://${host}:${p.httpGet.port}${p.httpGet.path ?? ""}`;
  } else if (p.tcpSocket !== undefined) handler = `tcp-socket ${p.tcpSocket.host ?? ""}:${p.tcpSocket.port}`;
  else if (p.exec !== undefined) handler = `exec [${(p.exec.command ?? []).join(" ")}]`;
  return `${handler} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

function describeContainerState(w: PrefixWriter, title: string, state: ContainerStatus["state"]): void {
  if (state?.running !== undefined) {
    w.write(2, `${title}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state?.terminated !== undefined) {
    const t = state.terminated;
    w.write(2, `${title}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode}\n`);
    if (t.signal) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(2, `${title}:\tWaiting\n`);
    if (state?.waiting?.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  }
}

function describeContainers(w: PrefixWriter, label: string, containers: readonly Container[], statuses: readonly ContainerStatus[], space = ""): void {
  w.write(0, `${space}${label}:\n`);
  for (const c of containers) {
    const st = statuses.find((s) => s.name === c.name);
    w.write(1, `${space === "" ? "" : " "}${c.name}:\n`);
    if (st !== undefined) w.write(2, `Container ID:\t${st.containerID ?? ""}\n`);
    w.write(2, `Image:\t${c.image ?? ""}\n`);
    if (st !== undefined) w.write(2, `Image ID:\t${st.imageID}\n`);
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? "TCP"}`).join(",");
    w.write(2, ports.includes(",") ? `Ports:\t${ports}\n` : `Port:\t${ports || "<none>"}\n`);
    const hostPorts = (c.ports ?? []).map((p) => `${p.hostPort ?? 0}/${p.protocol ?? "TCP"}`).join(",");
    w.write(2, hostPorts.includes(",") ? `Host Ports:\t${hostPorts}\n` : `Host Port:\t${hostPorts || "<none>"}\n`);
    for (const [title, list] of [["Command", c.command], ["Args", c.args]] as const) {
      if (list !== undefined && list.length > 0) {
        w.write(2, `${title}:\n`);
        for (const s of list.flatMap((x) => x.split("\n"))) w.write(3, `${s}\n`);
      }
    }
    if (st !== undefined) {
      describeContainerState(w, "State", st.state);
      if (st.lastState?.terminated !== undefined) describeContainerState(w, "Last State", st.lastState);
      w.write(2, `Ready:\t${st.ready ? "True" : "False"}\n`);
      w.write(2, `Restart Count:\t${st.restartCount}\n`);
    }
    if (c.livenessProbe !== undefined) w.write(2, `Liveness:\t${probeText(c.livenessProbe)}\n`);
    if (c.readinessProbe !== undefined) w.write(2, `Readiness:\t${probeText(c.readinessProbe)}\n`);
    const env = c.env ?? [];
    w.write(2, `Environment:${env.length === 0 ? "\t<none>" : ""}\n`);
    for (const e of env) {
      (e.value ?? "").split("\n").forEach((s, i) => w.write(3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`));
    }
    const mounts = c.volumeMounts ?? [];
    w.write(2, `Mounts:${mounts.length === 0 ? "\t<none>" : ""}\n`);
    for (const m of mounts) w.write(3, `${m.mountPath} from ${m.name} (${m.readOnly ? "ro" : "rw"})\n`);
  }
}

export function describeService(svc: Service, slices: readonly EndpointSlice[]): string {
  const w = new PrefixWriter();
  const spec = svc.spec ?? {};
  w.write(0, `Name:\t${svc.metadata?.name ?? ""}\n`);
  w.write(0, `Namespace:\t${svc.metadata?.namespace ?? ""}\n`);
  printLabelsMultiline(w, "Labels", svc.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", svc.metadata?.annotations);
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${spec.type ?? ""}\n`);
  if (spec.ipFamilyPolicy !== undefined) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${(spec.ipFamilies ?? []).join(",") || "<none>"}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ""}\n`);
  w.write(0, `IPs:\t${(spec.clusterIPs ?? []).join(",") || "<none>"}\n`);
  if ((spec.externalIPs ?? []).length > 0) w.write(0, `External IPs:\t${(spec.externalIPs ?? []).join(",")}\n`);
  if (spec.loadBalancerIP) w.write(0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  if (ingress.length > 0) {
    w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => (i.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ""}` : i.hostname ?? "")).join(", ")}\n`);
  }
  for (const sp of spec.ports ?? []) {
    const name = sp.name || "<unset>";
    const protocol = sp.protocol ?? "TCP";
    w.write(0, `Port:\t${name}\t${sp.port}/${protocol}\n`);
    w.write(0, `TargetPort:\t${sp.targetPort ?? sp.port}/${protocol}\n`);
    if (sp.nodePort) w.write(0, `NodePort:\t${name}\t${sp.nodePort}/${protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpointSlices(slices, sp.name ?? "")}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? ""}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy !== undefined) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  if ((spec.loadBalancerSourceRanges ?? []).length > 0) w.write(0, `LoadBalancer Source Ranges:\t${(spec.loadBalancerSourceRanges ?? []).join(",")}\n`);
  if (spec.trafficDistribution) w.write(0, `Traffic Distribution:\t${spec.trafficDistribution}\n`);
  describeEvents(w);
  return w.render();
}

/** describe.go formatEndpointSlices for one service port: ready `ip:port`s, three at most. */
export function formatEndpointSlices(slices: readonly EndpointSlice[], portName: string | undefined): string {
  if (slices.length === 0) return "<none>";
  const list: string[] = [];
  for (const s of slices) {
    const ready = (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false);
    if ((s.ports ?? []).length === 0) {
      list.push(...ready.map((e) => e.addresses[0] ?? ""));
      continue;
    }
    for (const p of s.ports ?? []) {
      if (portName !== undefined && (p.name ?? "") !== portName) continue;
      list.push(...ready.map((e) => `${e.addresses[0] ?? ""}:${p.port ?? 0}`));
    }
  }
  return list.length > 3 ? `${list.slice(0, 3).join(",")} + ${list.length - 3} more...` : list.join(",");
}

function qosClass(pod: Pod): string {
  const resources = (pod.spec?.containers ?? []).map((c) => c.resources ?? {});
  const any = resources.some((r) => Object.keys(r.requests ?? {}).length > 0 || Object.keys(r.limits ?? {}).length > 0);
  if (!any) return "BestEffort";
  const guaranteed = resources.every((r) => ["cpu", "memory"].every((k) => r.limits?.[k] !== undefined && (r.requests?.[k] ?? r.limits?.[k]) === r.limits?.[k]));
  return guaranteed ? "Guaranteed" : "Burstable";
}

export function describePod(pod: Pod, now: Date): string {
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
  describeEvents(w);
  return w.render();
}

export function describeNode(node: Node, pods: readonly Pod[], now: Date): string {
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
      w.write(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ""} \t${c.message ?? ""}\n`);
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
  describeEvents(w);
  return w.render();
}

export function describeDeployment(d: Deployment, replicaSets: readonly ReplicaSet[]): string {
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
  w.write(0, "Pod Template:\n");
  printLabelsMultiline(w, "Labels", spec?.template.metadata?.labels, "  ");
  describeContainers(w, "Containers", spec?.template.spec?.containers ?? [], [], "  ");
  w.write(0, "  Volumes:\t<none>\n");
  printLabelsMultiline(w, "Node-Selectors", spec?.template.spec?.nodeSelector, "  ");
  printTolerations(w, "Tolerations", spec?.template.spec?.tolerations, "  ");
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
  describeEvents(w);
  return w.render();
}
