/**
 * What every mode shares: the Provider handlers over ProxyState (with
 * kube-proxy's rule that nothing is written before both initial lists were
 * seen), and the packet API over a mode's packet path and netfilter
 * conntrack (all three Linux modes keep connections in nf_conntrack).
 */

import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { formatIPv4, parseIPv4 } from "@svclab/sim";
import { ConntrackTable, DEFAULT_CONNTRACK_TIMEOUTS, type CtProto } from "../netfilter/conntrack";
import { prefixContains, tryParsePrefix4 } from "../netfilter/addr";
import type { PacketOrigin, StackPacket, StackResult } from "../netfilter/stack";
import type { KubeProxyOptions } from "./config";
import type { FlowRef, HealthCheckResponse, PacketDecision, PacketRequest, Protocol, ProxyMode, ServiceProxy, SyncResult, TraceStep } from "./provider";
import { ProxyState, type ServicePortSnapshot } from "./state";

const LOOPBACK = { addr: 0x7f000000, mask: 0xff000000, bits: 8 };

export abstract class BaseProxier implements ServiceProxy {
  abstract readonly mode: ProxyMode;
  readonly nodeName: string;
  protected readonly state: ProxyState;
  protected readonly conntrack: ConntrackTable;
  protected readonly nodeIPs: readonly number[];
  private readonly localSet: Set<number>;
  private lastSync: SyncResult = { applied: false, services: 0, endpoints: 0, counts: {} };
  private lastSnapshot: readonly ServicePortSnapshot[] = [];

  constructor(protected readonly opts: KubeProxyOptions) {
    this.nodeName = opts.nodeName;
    this.state = new ProxyState(opts.nodeName, opts.preferSameTrafficDistribution ?? true);
    this.conntrack = new ConntrackTable({ ...DEFAULT_CONNTRACK_TIMEOUTS, ...opts.conntrackTimeouts });
    this.nodeIPs = opts.nodeIPs.map(parseIPv4);
    this.localSet = new Set(this.nodeIPs);
    if (opts.clusterCIDR !== undefined && !tryParsePrefix4(opts.clusterCIDR)) {
      throw new Error(`invalid clusterCIDR "${opts.clusterCIDR}"`);
    }
  }

  /** `addrtype LOCAL`: the node's own addresses and all of 127.0.0.0/8. */
  readonly isLocal = (addr: number): boolean => this.localSet.has(addr) || prefixContains(LOOPBACK, addr);

  protected masqueradeAddress(dst: number): number {
    if (this.opts.masqueradeAddress) return parseIPv4(this.opts.masqueradeAddress(formatIPv4(dst)));
    return this.nodeIPs[0] ?? 0;
  }

  /**
   * NodePortAddresses.GetNodeIPs: this node's addresses inside `cidrs`
   * (undefined: every local address); 127.0.0.1 is a candidate only where
   * localhost NodePorts exist (iptables mode).
   */
  protected resolveNodePortAddresses(cidrs: readonly string[], withLoopback: boolean): string[] | undefined {
    if (cidrs.length === 0) return undefined;
    const prefixes = cidrs.map((c) => {
      const p = tryParsePrefix4(c);
      if (!p || !c.includes("/")) throw new Error(`invalid nodePortAddresses CIDR "${c}"`);
      return p;
    });
    const candidates = withLoopback ? [...this.opts.nodeIPs, "127.0.0.1"] : this.opts.nodeIPs;
    return candidates.filter((ip) => prefixes.some((p) => prefixContains(p, parseIPv4(ip))));
  }

  protected get masqueradeMark(): string {
    return "0x" + (1 << (this.opts.masqueradeBit ?? 14)).toString(16);
  }

  onServiceAdd(service: Service): void {
    this.state.updateService(undefined, service);
  }
  onServiceUpdate(oldService: Service, service: Service): void {
    this.state.updateService(oldService, service);
  }
  onServiceDelete(service: Service): void {
    this.state.updateService(service, undefined);
  }
  onServicesSynced(): void {
    this.state.servicesSynced = true;
    if (this.state.initialized) this.sync();
  }
  onEndpointSliceAdd(slice: EndpointSlice): void {
    this.state.updateEndpointSlice(slice, false);
  }
  onEndpointSliceUpdate(_old: EndpointSlice, slice: EndpointSlice): void {
    this.state.updateEndpointSlice(slice, false);
  }
  onEndpointSliceDelete(slice: EndpointSlice): void {
    this.state.updateEndpointSlice(slice, true);
  }
  onEndpointSlicesSynced(): void {
    this.state.endpointSlicesSynced = true;
    if (this.state.initialized) this.sync();
  }
  // Events for other nodes are ignored, as kube-proxy logs and ignores them.
  onNodeAdd(node: Node): void {
    if (node.metadata?.name === this.nodeName) this.state.updateNode(node);
  }
  onNodeUpdate(_old: Node, node: Node): void {
    if (node.metadata?.name === this.nodeName) this.state.updateNode(node);
  }
  onNodeDelete(node: Node): void {
    if (node.metadata?.name === this.nodeName) this.state.updateNode(undefined);
  }
  onNodeSynced(): void {}

  sync(): SyncResult {
    if (!this.state.initialized) return { applied: false, services: 0, endpoints: 0, counts: {} };
    const snapshot = this.state.snapshot();
    const counts = this.syncRules(snapshot);
    this.state.dirty = false;
    let endpoints = 0;
    for (const s of snapshot) endpoints += s.endpoints.length;
    this.cleanStaleUDP(snapshot);
    this.lastSnapshot = snapshot;
    this.lastSync = { applied: true, services: snapshot.length, endpoints, counts };
    return this.lastSync;
  }

  /** The last sync's result. */
  lastSyncResult(): SyncResult {
    return this.lastSync;
  }

  /** Programs the mode's dataplane; returns its sizes. */
  protected abstract syncRules(snapshot: readonly ServicePortSnapshot[]): Record<string, number>;
  /** Runs one packet through the mode's packet path. */
  protected abstract process(pkt: StackPacket, wantTrace: boolean): StackResult;
  /** The mode's own timed state (affinity, persistence templates) to expire in gc(). */
  protected gcExtra(): number {
    return 0;
  }

  /**
   * conntrack.CleanStaleEntries: UDP flows DNATed to an endpoint that is
   * gone would keep black-holing (UDP has no reset), so kube-proxy deletes them.
   */
  private cleanStaleUDP(snapshot: readonly ServicePortSnapshot[]): void {
    const live = new Set<string>();
    for (const s of snapshot) if (s.svc.protocol === "UDP") for (const ep of s.categorized.allReachableEndpoints) live.add(`${parseIPv4(ep.ip)}:${ep.port}`);
    this.conntrack.deleteWhere((e) => e.proto === "udp" && e.dnat && !live.has(`${e.reply.src}:${e.reply.sport}`));
  }

  private toStack(req: PacketRequest): StackPacket {
    const proto = (req.protocol ?? "TCP").toLowerCase() as CtProto;
    const src = parseIPv4(req.src);
    const origin: PacketOrigin = req.origin ?? (this.isLocal(src) ? "output" : "prerouting");
    return {
      proto,
      tuple: { src, sport: req.srcPort, dst: parseIPv4(req.dst), dport: req.dstPort },
      origin,
      ...(req.tcpFlags ? { tcpFlags: req.tcpFlags } : {}),
    };
  }

  private toDecision(req: StackPacket, r: StackResult): PacketDecision {
    const steps: TraceStep[] = [];
    for (const h of r.trace) for (const s of h.steps) steps.push({ hook: h.hook, table: s.table, chain: s.chain, rule: s.rule, text: s.text });
    const d = r.decidedBy;
    const hookOf = (s: { table: string; chain: string; rule: number }): string =>
      r.trace.find((h) => h.steps.some((x) => x.chain === s.chain && x.rule === s.rule && x.table === s.table))?.hook ?? s.table;
    const e = r.conntrack;
    return {
      verdict: r.verdict,
      src: formatIPv4(r.out.src),
      srcPort: r.out.sport,
      dst: formatIPv4(r.out.dst),
      dstPort: r.out.dport,
      backend: e && e.dnat ? `${formatIPv4(e.reply.src)}:${e.reply.sport}` : undefined,
      masqueraded: e ? e.snat : false,
      established: r.established,
      direction: r.direction,
      decidedBy: d ? { hook: hookOf(d), table: d.table, chain: d.chain, rule: d.rule, text: d.text } : undefined,
      trace: steps,
      rulesEvaluated: r.rulesEvaluated,
      flow: e
        ? {
            protocol: e.proto.toUpperCase() as Protocol,
            src: formatIPv4(e.orig.src),
            srcPort: e.orig.sport,
            dst: formatIPv4(e.orig.dst),
            dstPort: e.orig.dport,
            origin: req.origin,
          }
        : undefined,
    };
  }

  packet(req: PacketRequest): PacketDecision {
    const pkt = this.toStack(req);
    return this.toDecision(pkt, this.process(pkt, req.trace ?? true));
  }

  connect(req: PacketRequest): PacketDecision {
    const tcp = (req.protocol ?? "TCP") === "TCP";
    const first = this.packet({ ...req, ...(tcp ? { tcpFlags: "SYN" as const } : {}) });
    if (!tcp || first.verdict !== "ACCEPT" || !first.flow || first.established) return first;
    this.reply(first.flow, { trace: false, tcpFlags: "SYN-ACK" });
    this.packet({ ...req, tcpFlags: "ACK", trace: false });
    return first;
  }

  reply(flow: FlowRef, opts: { trace?: boolean; tcpFlags?: "SYN-ACK" | "ACK" | "FIN" } = {}): PacketDecision {
    const e = this.conntrack.lookup(
      flow.protocol.toLowerCase() as CtProto,
      { src: parseIPv4(flow.src), sport: flow.srcPort, dst: parseIPv4(flow.dst), dport: flow.dstPort },
      this.opts.clock.nowNs(),
    );
    if (!e) throw new Error(`no conntrack entry for ${flow.protocol} ${flow.src}:${flow.srcPort} -> ${flow.dst}:${flow.dstPort}`);
    const r = e.entry.reply;
    return this.packet({
      protocol: flow.protocol,
      src: formatIPv4(r.src),
      srcPort: r.sport,
      dst: formatIPv4(r.dst),
      dstPort: r.dport,
      // A backend on this host answers from its own socket; any other arrives on an interface.
      origin: this.isLocal(r.src) ? "output" : "prerouting",
      ...(flow.protocol === "TCP" ? { tcpFlags: opts.tcpFlags ?? "ACK" } : {}),
      trace: opts.trace ?? true,
    });
  }

  close(flow: FlowRef): void {
    if (flow.protocol !== "TCP") return;
    const req = { protocol: flow.protocol, src: flow.src, srcPort: flow.srcPort, dst: flow.dst, dstPort: flow.dstPort, origin: flow.origin, trace: false };
    this.packet({ ...req, tcpFlags: "FIN" });
    this.reply(flow, { trace: false, tcpFlags: "FIN" });
  }

  gc(): number {
    return this.conntrack.gc(this.opts.clock.nowNs()) + this.gcExtra();
  }

  conntrackList(): string {
    return this.conntrack.list(this.opts.clock.nowNs());
  }

  healthCheck(nodePort: number): HealthCheckResponse | undefined {
    const owner = this.lastSnapshot.find((s) => s.svc.healthCheckNodePort === nodePort)?.svc;
    if (!owner) return undefined;
    // LocalReadyEndpoints: local ready endpoints of every port of the service.
    let count = 0;
    for (const s of this.lastSnapshot) {
      if (s.svc.namespace !== owner.namespace || s.svc.name !== owner.name) continue;
      for (const ep of s.endpoints) if (ep.isLocal && ep.ready) count++;
    }
    const body = [
      "{",
      '\t"service": {',
      `\t\t"namespace": ${JSON.stringify(owner.namespace)},`,
      `\t\t"name": ${JSON.stringify(owner.name)}`,
      "\t},",
      `\t"localEndpoints": ${count},`,
      '\t"serviceProxyHealthy": true',
      "}",
    ].join("\n");
    return {
      status: count !== 0 ? 200 : 503,
      headers: { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff", "X-Load-Balancing-Endpoint-Weight": String(count) },
      body,
    };
  }
}
