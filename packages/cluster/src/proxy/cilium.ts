/**
 * Cilium's kube-proxy replacement as the node's Service proxy: the agent's
 * reflector and reconciler programme the eBPF maps, and packets take the
 * datapath's lookups (socket LB at connect(), per packet otherwise).
 */
import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { LookupTrace, PROTO_TCP, PROTO_UDP, type LookupResult, type NodeDataplane } from "@svclab/dataplane";
import { formatIPv4 } from "@svclab/sim";
import type { TraceHop } from "../traffic/trace";
import type { NodeCommandResult, NodeServiceProxy, Protocol, ProxyDecision, ProxyError, ProxyFlow } from "./service-proxy";

interface CiliumFlow extends ProxyFlow {
  readonly revNat: number;
}

export class CiliumServiceProxy implements NodeServiceProxy {
  readonly mode = "none" as const;
  private readonly revOut = { address: 0, port: 0 };

  constructor(
    private readonly nodeName: string,
    readonly dataplane: NodeDataplane,
  ) {}

  upsertService(svc: Service): void {
    this.dataplane.reflector.upsertService(svc);
  }
  deleteService(svc: Service): void {
    this.dataplane.reflector.deleteService(svc.metadata?.namespace ?? "", svc.metadata?.name ?? "");
  }
  upsertEndpointSlice(slice: EndpointSlice): void {
    this.dataplane.reflector.upsertEndpointSlice(slice);
  }
  deleteEndpointSlice(slice: EndpointSlice): void {
    this.dataplane.reflector.deleteEndpointSlice(slice);
  }
  updateNode(_node: Node): void {}
  setRemoteNodeIPs(ips: readonly string[]): void {
    this.dataplane.setRemoteNodeIPs([...ips]);
  }
  sync(): readonly ProxyError[] {
    return this.dataplane.reconcile().errors;
  }
  /** Cilium's conntrack GC over both maps (TCP and any). */
  gc(): void {
    this.dataplane.conntrackGC();
  }
  get gcIntervalSeconds(): number {
    return this.dataplane.conntrackGCInterval;
  }

  socketConnect(cookie: number, saddr: number, daddr: number, dport: number, protocol: Protocol, trace: boolean): ProxyDecision | undefined {
    if (!this.dataplane.config.socketLB) return undefined;
    const lt = trace ? new LookupTrace() : null;
    const r = this.dataplane.lb.socketConnect(cookie, saddr, daddr, dport, proto(protocol), lt);
    // Translated at connect(): no per-packet NAT, so no reverse NAT on the reply either.
    return this.decision(r, lt, false, protocol, saddr, 0, daddr, dport);
  }

  fromLocal(saddr: number, sport: number, daddr: number, dport: number, protocol: Protocol, trace: boolean): ProxyDecision {
    const lt = trace ? new LookupTrace() : null;
    return this.decision(this.dataplane.lb.eastWest(saddr, sport, daddr, dport, proto(protocol), true, lt), lt, true, protocol, saddr, sport, daddr, dport);
  }

  fromOutside(saddr: number, sport: number, daddr: number, dport: number, protocol: Protocol, trace: boolean): ProxyDecision {
    const lt = trace ? new LookupTrace() : null;
    return this.decision(this.dataplane.lb.northSouth(saddr, sport, daddr, dport, proto(protocol), true, lt), lt, true, protocol, saddr, sport, daddr, dport);
  }

  reply(flow: ProxyFlow): { from: string; reverseNat: string } | undefined {
    const lt = new LookupTrace();
    if (!this.dataplane.lb.reverseNat((flow as CiliumFlow).revNat, this.revOut, lt)) return undefined;
    const a = lt.accesses[0];
    return { from: `${formatIPv4(this.revOut.address)}:${this.revOut.port}`, reverseNat: a ? `${a.map} ${a.key} -> ${a.result} ${a.value}`.trim() : "" };
  }

  /** The model's Cilium conntrack entries need no reply to stay valid. */
  answered(_flow: ProxyFlow): void {}

  close(flow: ProxyFlow): void {
    this.dataplane.lb.closeConnection(flow.saddr, flow.sport, flow.daddr, flow.dport, proto(flow.protocol));
  }

  command(_argv: readonly string[]): NodeCommandResult | undefined {
    return undefined;
  }

  private decision(r: LookupResult, lt: LookupTrace | null, perPacket: boolean, protocol: Protocol, saddr: number, sport: number, daddr: number, dport: number): ProxyDecision {
    const verdict = r.verdictName;
    const revNat = perPacket && verdict === "forward" ? r.revNatIndex : 0;
    const flow: CiliumFlow | undefined = revNat === 0 ? undefined : { saddr, sport, daddr, dport, protocol, revNat };
    return {
      verdict,
      backendAddr: r.backendAddr,
      backendPort: r.backendPort,
      sourceAddr: r.sourceAddr,
      sourcePort: r.sourcePort,
      flow,
      consulted: lt !== null && lt.accesses.length > 0,
      hop: lt === null ? undefined : this.hop(r, lt),
    };
  }

  private hop(r: LookupResult, lt: LookupTrace): TraceHop {
    const s = r.snapshot();
    return {
      step: "datapath",
      node: this.nodeName,
      path: s.path,
      verdict: s.verdict,
      frontend: s.frontend,
      backend: s.backend,
      backendNode: s.backendNode,
      source: s.source,
      snat: s.snat,
      dsr: s.dsr,
      affinityHit: s.affinityHit,
      conntrackHit: s.conntrackHit,
      dropReason: s.dropReason,
      accesses: lt.accesses,
    };
  }
}

function proto(p: Protocol): number {
  return p === "UDP" ? PROTO_UDP : PROTO_TCP;
}
