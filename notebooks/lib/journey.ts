// One request's story read off its trace, in the terms the pictures draw:
// who sent it, which node's datapath translated it and why, which pod
// answered and what source address that pod saw.
import type { Cluster, CurlResult, TraceHop } from "@svclab/cluster";
import type { Pod } from "kubernetes-types/core/v1";

type DatapathHop = Extract<TraceHop, { step: "datapath" }>;

export interface Journey {
  /** The client's address (without the port). */
  readonly client: string;
  /** The client pod, when a pod sent the request. */
  readonly clientPod: string | undefined;
  /** The load balancer address, when the request went through one. */
  readonly loadBalancer: string | undefined;
  /** The node whose datapath translated the service address (not DNS's). */
  readonly entryNode: string | undefined;
  readonly datapath: DatapathHop | undefined;
  readonly pod: string | undefined;
  readonly podNode: string | undefined;
  /** The source address the answering pod saw. */
  readonly seenSource: string | undefined;
  readonly dropped: boolean;
}

const hostOf = (address: string): string => address.replace(/:\d+$/, "");

/** Datapath hops of the request itself, without those of its DNS lookup (port 53). */
export function serviceHops(trace: readonly TraceHop[]): DatapathHop[] {
  return trace.filter((h): h is DatapathHop => h.step === "datapath" && !/:53\/UDP$/.test(h.frontend));
}

export function journey(cluster: Cluster, request: CurlResult): Journey {
  const connect = request.trace.find((h) => h.step === "connect");
  const client = connect?.step === "connect" ? hostOf(connect.source) : "";
  const clientPod = cluster.list<Pod>("pods", { allNamespaces: true }).find((p) => p.status?.podIP === client)?.metadata?.name;
  const lb = request.trace.find((h) => h.step === "cloud-lb");
  const datapath = serviceHops(request.trace)[0];
  const pod = request.trace.find((h) => h.step === "pod");
  return {
    client,
    clientPod,
    loadBalancer: lb?.step === "cloud-lb" ? lb.address : undefined,
    entryNode: lb?.step === "cloud-lb" ? lb.node : datapath?.node,
    datapath,
    // The trace names pods namespace/name.
    pod: pod?.step === "pod" ? pod.pod.slice(pod.pod.indexOf("/") + 1) : undefined,
    podNode: pod?.step === "pod" ? pod.node : undefined,
    seenSource: pod?.step === "pod" ? hostOf(pod.seenSource) : undefined,
    dropped: datapath?.verdict === "drop",
  };
}

/** The map access that decided the backend: a live affinity entry, the conntrack entry of the flow, or the draw. */
export function decidingAccess(hop: DatapathHop): string {
  const accesses = hop.accesses;
  const expired = accesses.some((a) => a.map === "cilium_lb4_affinity" && a.op === "delete");
  const affinity = accesses.find((a) => a.map === "cilium_lb4_affinity" && a.op === "lookup" && a.result === "hit");
  if (affinity && !expired) return `${affinity.map} hit ${affinity.key} → ${affinity.value}`;
  const ct = accesses.find((a) => a.map.startsWith("cilium_ct") && a.op === "lookup" && a.result === "hit");
  if (ct) return `${ct.map} hit ${ct.key} (${ct.reason})`;
  const draw = accesses.find((a) => a.map === "cilium_lb4_services_v2" && /slot|Maglev/.test(a.reason) && !a.key.includes("slot=0"));
  if (draw) return `${draw.map} ${draw.key} → ${draw.value} (${draw.reason}${expired ? ", the affinity entry had expired" : ""})`;
  const maglev = accesses.find((a) => a.reason.startsWith("Maglev"));
  if (maglev) return `${maglev.map} ${maglev.key} → ${maglev.value} (${maglev.reason})`;
  return hop.verdict === "drop" ? hop.dropReason : "no service lookup";
}
