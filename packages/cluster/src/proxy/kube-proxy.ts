/**
 * kube-proxy (iptables, nftables or IPVS mode) as the node's Service proxy,
 * the way kind runs it with `networking.kubeProxyMode`: informer events go
 * to the proxier's handlers, sync() rewrites its rules, and every packet is
 * decided by walking them, with netfilter conntrack keeping flows on their
 * backend and undoing the NAT on replies. There is no socket-level
 * translation: pods' and hosts' packets meet the rules per packet.
 */
import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { conntrackSummary, createKubeProxy, type FlowRef, type IpvsProxier, type IptablesProxier, type NftablesProxier, type PacketDecision } from "@svclab/kube-proxy";
import { formatIPv4, type MonotonicClock, type SeededRandom } from "@svclab/sim";
import { tryParseIPv4 } from "../net/ip";
import type { TraceHop } from "../traffic/trace";
import type { KubeProxyMode, NodeCommandResult, NodeServiceProxy, Protocol, ProxyDecision, ProxyError, ProxyFlow } from "./service-proxy";

interface NetfilterFlow extends ProxyFlow {
  readonly ref: FlowRef;
}

export interface KubeProxyNodeOptions {
  readonly mode: Exclude<KubeProxyMode, "none">;
  readonly nodeName: string;
  readonly nodeIP: string;
  /** The cluster's pod CIDR (kube-proxy's --cluster-cidr: pod-sourced traffic is not masqueraded). */
  readonly clusterCIDR: string;
  readonly serviceCIDR: string;
  /** This node's pod CIDR: MASQUERADE towards a local pod takes the pod network's gateway address, as on kindnet's bridge. */
  readonly podGateway: string;
  readonly podCIDR: { readonly base: number; readonly prefix: number };
  readonly random: SeededRandom;
  readonly clock: MonotonicClock;
}

export class KubeProxyServiceProxy implements NodeServiceProxy {
  readonly mode: Exclude<KubeProxyMode, "none">;
  readonly proxier: IptablesProxier | NftablesProxier | IpvsProxier;
  private readonly services = new Map<string, Service>();
  private readonly slices = new Map<string, EndpointSlice>();
  private node: Node | undefined;

  constructor(private readonly opts: KubeProxyNodeOptions) {
    this.mode = opts.mode;
    const mask = opts.podCIDR.prefix === 0 ? 0 : (~0 << (32 - opts.podCIDR.prefix)) >>> 0;
    this.proxier = createKubeProxy(opts.mode, {
      nodeName: opts.nodeName,
      nodeIPs: [opts.nodeIP],
      clusterCIDR: opts.clusterCIDR,
      serviceCIDRs: [opts.serviceCIDR],
      masqueradeAddress: (dst) => {
        const ip = tryParseIPv4(dst);
        return ip !== undefined && ((ip & mask) >>> 0) === opts.podCIDR.base ? opts.podGateway : opts.nodeIP;
      },
      random: opts.random,
      clock: opts.clock,
    });
    // The agent hands over the informers' initial lists before the first sync.
    this.proxier.onServicesSynced();
    this.proxier.onEndpointSlicesSynced();
  }

  upsertService(svc: Service): void {
    const key = objectKey(svc);
    const old = this.services.get(key);
    this.services.set(key, svc);
    if (old === undefined) this.proxier.onServiceAdd(svc);
    else this.proxier.onServiceUpdate(old, svc);
  }
  deleteService(svc: Service): void {
    const key = objectKey(svc);
    const old = this.services.get(key);
    if (old === undefined) return;
    this.services.delete(key);
    this.proxier.onServiceDelete(old);
  }
  upsertEndpointSlice(slice: EndpointSlice): void {
    const key = objectKey(slice);
    const old = this.slices.get(key);
    this.slices.set(key, slice);
    if (old === undefined) this.proxier.onEndpointSliceAdd(slice);
    else this.proxier.onEndpointSliceUpdate(old, slice);
  }
  deleteEndpointSlice(slice: EndpointSlice): void {
    const key = objectKey(slice);
    const old = this.slices.get(key);
    if (old === undefined) return;
    this.slices.delete(key);
    this.proxier.onEndpointSliceDelete(old);
  }
  updateNode(node: Node): void {
    const old = this.node;
    this.node = node;
    if (old === undefined) this.proxier.onNodeAdd(node);
    else this.proxier.onNodeUpdate(old, node);
  }
  setRemoteNodeIPs(_ips: readonly string[]): void {}
  sync(): readonly ProxyError[] {
    try {
      this.proxier.sync();
      return [];
    } catch (err) {
      // kube-proxy logs a failed iptables-restore / nft run and retries at the next sync; the old rules stay.
      return [{ service: "", frontend: "", error: err instanceof Error ? err : new Error(String(err)) }];
    }
  }
  gc(): void {
    this.proxier.gc();
  }
  /** The kernel expires conntrack entries continuously; a minute of virtual time is fine-grained enough here. */
  readonly gcIntervalSeconds = 60;

  socketConnect(): ProxyDecision | undefined {
    return undefined;
  }

  fromLocal(saddr: number, sport: number, daddr: number, dport: number, protocol: Protocol, trace: boolean): ProxyDecision {
    return this.decide(saddr, sport, daddr, dport, protocol, trace);
  }

  fromOutside(saddr: number, sport: number, daddr: number, dport: number, protocol: Protocol, trace: boolean): ProxyDecision {
    return this.decide(saddr, sport, daddr, dport, protocol, trace);
  }

  reply(flow: ProxyFlow): { from: string; reverseNat: string } | undefined {
    const ref = (flow as NetfilterFlow).ref;
    let d: PacketDecision;
    try {
      d = this.proxier.reply(ref, { trace: false });
    } catch {
      // The entry expired while the request was in flight: nothing un-NATs the reply.
      return undefined;
    }
    const from = `${d.src}:${d.srcPort}`;
    return { from, reverseNat: `conntrack ${ref.protocol.toLowerCase()} ${ref.src}:${ref.srcPort} -> ${ref.dst}:${ref.dstPort}: reply un-NATed to ${from}` };
  }

  /** Netfilter marks the flow replied (a UDP entry's longer stream timeout). */
  answered(flow: ProxyFlow): void {
    this.reply(flow);
  }

  close(flow: ProxyFlow): void {
    this.proxier.close((flow as NetfilterFlow).ref);
  }

  command(argv: readonly string[]): NodeCommandResult | undefined {
    const [cmd, ...args] = argv;
    const ok = (stdout: string): NodeCommandResult => ({ stdout, stderr: "", exitCode: 0 });
    switch (cmd) {
      case "iptables-save": {
        const t = args[0] === "-t" ? args[1] : args[0]?.startsWith("--table=") ? args[0].slice(8) : undefined;
        if (t !== undefined && t !== "nat" && t !== "filter" && t !== "mangle" && t !== "raw") {
          return { stdout: "", stderr: `iptables-save v1.8.9 (nf_tables): Table '${t}' does not exist\n`, exitCode: 1 };
        }
        if (this.proxier.mode === "nftables") return undefined;
        const p = this.proxier as IptablesProxier | IpvsProxier;
        return ok(p.iptablesSave(t as "nat" | "filter" | undefined));
      }
      case "nft":
        if (args[0] !== "list" || args[1] !== "ruleset" || this.proxier.mode !== "nftables") return undefined;
        return ok((this.proxier as NftablesProxier).listRuleset());
      case "ipvsadm": {
        const flags = args.join("");
        if (this.proxier.mode !== "ipvs") return undefined;
        const p = this.proxier as IpvsProxier;
        return ok(flags.includes("c") ? p.ipvsadmListConnections() : p.ipvsadmList());
      }
      case "conntrack": {
        if (args[0] !== "-L" && args[0] !== "--dump") return undefined;
        const list = this.proxier.conntrackList();
        const count = list === "" ? 0 : list.trimEnd().split("\n").length;
        return { stdout: list, stderr: `${conntrackSummary(count)}\n`, exitCode: 0 };
      }
      default:
        return undefined;
    }
  }

  private decide(saddr: number, sport: number, daddr: number, dport: number, protocol: Protocol, trace: boolean): ProxyDecision {
    const src = formatIPv4(saddr);
    const dst = formatIPv4(daddr);
    const req = { protocol, src, srcPort: sport, dst, dstPort: dport, trace } as const;
    const d = protocol === "TCP" ? this.proxier.connect(req) : this.proxier.packet(req);
    const verdict = d.verdict === "DROP" ? "drop" : d.verdict === "REJECT" ? "reject" : d.backend !== undefined ? "forward" : "pass";
    const translated = d.flow !== undefined && (d.backend !== undefined || d.masqueraded);
    const flow: NetfilterFlow | undefined = translated && d.flow ? { saddr, sport, daddr, dport, protocol, ref: d.flow } : undefined;
    return {
      verdict,
      backendAddr: tryParseIPv4(d.dst) ?? 0,
      backendPort: d.dstPort,
      sourceAddr: tryParseIPv4(d.src) ?? 0,
      sourcePort: d.srcPort,
      flow,
      consulted: d.rulesEvaluated > 0 && verdict !== "pass",
      hop: trace ? this.hop(d, verdict, `${dst}:${dport}`) : undefined,
    };
  }

  private hop(d: PacketDecision, verdict: ProxyDecision["verdict"], frontend: string): TraceHop {
    return {
      step: "netfilter",
      node: this.opts.nodeName,
      mode: this.mode,
      verdict,
      frontend,
      backend: d.backend ?? "",
      source: `${d.src}:${d.srcPort}`,
      masqueraded: d.masqueraded,
      established: d.established,
      decidedBy: d.decidedBy ? `${d.decidedBy.table}/${d.decidedBy.chain}${d.decidedBy.rule > 0 ? ` #${d.decidedBy.rule}` : ""}: ${d.decidedBy.text}` : "",
      rules: d.trace.map((s) => `${s.hook} ${s.table}/${s.chain}${s.rule > 0 ? ` #${s.rule}` : ""}: ${s.text}`),
      rulesEvaluated: d.rulesEvaluated,
    };
  }
}

function objectKey(o: { metadata?: { namespace?: string; name?: string } }): string {
  return `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}
