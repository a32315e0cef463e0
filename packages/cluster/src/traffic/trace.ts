/**
 * The hop-by-hop story of one request, in the order packets experienced
 * it: name resolution, the connection's addresses, the cloud load
 * balancer's choice, each node datapath's verdict with its map accesses,
 * the pod that answered (and the source address it saw), and the reply.
 */
import type { MapAccess, TrafficPath } from "@svclab/dataplane";
import type { DnsQuery } from "../dns/coredns";

export type TraceHop =
  | {
      readonly step: "dns";
      /** The nameserver in resolv.conf (the kube-dns Service address). */
      readonly server: string;
      /** The CoreDNS pod the client's datapath sent the queries to, if any answered. */
      readonly answeredBy: string | undefined;
      readonly queries: readonly DnsQuery[];
      readonly answer: string | undefined;
    }
  | { readonly step: "connect"; readonly source: string; readonly destination: string; readonly clientNode?: string }
  | { readonly step: "cloud-lb"; readonly address: string; readonly node: string; readonly healthyNodes: readonly string[] }
  | {
      readonly step: "datapath";
      readonly node: string;
      readonly path: TrafficPath;
      readonly verdict: "pass" | "forward" | "drop";
      readonly frontend: string;
      readonly backend: string;
      readonly backendNode: string;
      /** The source address the backend sees after this hop. */
      readonly source: string;
      readonly snat: boolean;
      readonly dsr: boolean;
      readonly affinityHit: boolean;
      readonly conntrackHit: boolean;
      readonly dropReason: string;
      readonly accesses: readonly MapAccess[];
    }
  | {
      /** kube-proxy's rules on a node: the netfilter hooks the packet crossed and what decided it. */
      readonly step: "netfilter";
      readonly node: string;
      readonly mode: "iptables" | "nftables" | "ipvs";
      readonly verdict: "pass" | "forward" | "drop" | "reject";
      readonly frontend: string;
      readonly backend: string;
      /** The packet's source as it leaves the node. */
      readonly source: string;
      readonly masqueraded: boolean;
      /** Conntrack knew the flow: no service rule was consulted. */
      readonly established: boolean;
      readonly decidedBy: string;
      readonly rules: readonly string[];
      readonly rulesEvaluated: number;
    }
  | { readonly step: "forward"; readonly from: string; readonly to: string; readonly reason: string }
  | { readonly step: "pod"; readonly pod: string; readonly node: string; readonly address: string; readonly seenSource: string }
  | { readonly step: "host"; readonly node: string; readonly address: string; readonly listener: string }
  | { readonly step: "reply"; readonly status: number; readonly from: string; readonly reverseNat: string }
  | { readonly step: "error"; readonly message: string };

/** One line per hop, for notebooks and failing tests. */
export function formatTrace(hops: readonly TraceHop[]): string {
  const lines: string[] = [];
  for (const h of hops) {
    switch (h.step) {
      case "dns":
        lines.push(`dns: ${h.queries.map((q) => `${q.name} ${q.rcode}`).join(", ")} -> ${h.answer ?? "no answer"} (server ${h.server}${h.answeredBy ? ` via ${h.answeredBy}` : ", unreachable"})`);
        break;
      case "connect":
        lines.push(`connect: ${h.source} -> ${h.destination}${h.clientNode ? ` on ${h.clientNode}` : ""}`);
        break;
      case "cloud-lb":
        lines.push(`cloud load balancer ${h.address}: to node ${h.node} (healthy: ${h.healthyNodes.join(", ") || "none"})`);
        break;
      case "datapath": {
        const what =
          h.verdict === "forward"
            ? `${h.frontend} -> ${h.backend} on ${h.backendNode || "?"}${h.affinityHit ? " (affinity)" : ""}${h.conntrackHit ? " (conntrack)" : ""}${h.snat ? `, SNAT to ${h.source}` : ""}${h.dsr ? ", DSR" : ""}`
            : h.verdict === "drop"
              ? `drop ${h.frontend}: ${h.dropReason}`
              : "pass (not a service address)";
        lines.push(`datapath ${h.node} [${h.path}]: ${what}`);
        for (const a of h.accesses) lines.push(`    ${a.map} ${a.op} ${a.key} -> ${a.result}${a.value ? ` ${a.value}` : ""} (${a.reason})`);
        break;
      }
      case "netfilter": {
        const what =
          h.verdict === "forward"
            ? `${h.frontend} -> ${h.backend}${h.established ? " (conntrack)" : ""}${h.masqueraded ? `, MASQUERADE to ${h.source}` : ""}`
            : h.verdict === "pass"
              ? "pass (not a service address)"
              : `${h.verdict} ${h.frontend}`;
        lines.push(`${h.mode} ${h.node}: ${what} (${h.rulesEvaluated} rules evaluated)`);
        for (const r of h.rules) lines.push(`    ${r}`);
        break;
      }
      case "forward":
        lines.push(`forward: ${h.from} -> ${h.to} (${h.reason})`);
        break;
      case "pod":
        lines.push(`pod ${h.pod} on ${h.node} (${h.address}) sees source ${h.seenSource}`);
        break;
      case "host":
        lines.push(`host ${h.node} (${h.address}): ${h.listener}`);
        break;
      case "reply":
        lines.push(`reply ${h.status} from ${h.from}${h.reverseNat ? ` (${h.reverseNat})` : ""}`);
        break;
      case "error":
        lines.push(`error: ${h.message}`);
        break;
    }
  }
  return lines.join("\n");
}
