/**
 * kube-proxy's IPVS mode on one node. Each sync binds every service address
 * to the kube-ipvs0 dummy interface (so the node routes them to itself),
 * programs one IPVS virtual server per address and port with the endpoints
 * as real servers, fills the ip sets and restores the iptables rules IPVS
 * mode still needs. A new connection walks nat PREROUTING (KUBE-SERVICES marks
 * it for masquerading through the ip sets and accepts it), is routed to the
 * host, passes filter INPUT (KUBE-IPVS-FILTER), and is taken by IPVS at
 * LOCAL_IN, which picks the real server (rr, or a persistence template) and
 * sends it on through LOCAL_OUT and POST_ROUTING, where KUBE-POSTROUTING
 * masquerades marked packets. With net.ipv4.vs.conntrack=1, as kube-proxy
 * sets it, nf_conntrack records IPVS's DNAT, so replies are translated back.
 *
 * Endpoints that leave are deleted gracefully, as the GracefulTerminationManager
 * does: a TCP real server that still has connections stays with weight 0 (no
 * new connections) until its connections are gone.
 */

import { formatIPv4, parseIPv4 } from "@svclab/sim";
import type { HookChain } from "../netfilter/hooks";
import { IpSets } from "../netfilter/ipset";
import { RecentTables } from "../netfilter/recent";
import { NetfilterStack, type StackPacket, type StackResult } from "../netfilter/stack";
import { IptablesTables, type TableName } from "../netfilter/tables";
import type { TraceStep, WalkEnv, WalkPacket } from "../netfilter/walk";
import { IptablesHooks } from "../iptables/hooks";
import { ensureJumpChains, KUBELET_JUMP_CHAINS, type JumpChain } from "../iptables/proxier";
import { BaseProxier } from "../proxy/base";
import type { KubeProxyOptions } from "../proxy/config";
import type { ServicePortSnapshot } from "../proxy/state";
import { IpvsTable, type IpvsProto, type RealServerSpec, type VirtualServerSpec } from "./ipvs";
import {
  buildIpvsSync,
  IPVS_IPSETS,
  KUBE_FORWARD,
  KUBE_IPVS_FILTER,
  KUBE_IPVS_OUT_FILTER,
  KUBE_NODE_PORT,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
  type IpvsSyncOptions,
} from "./sync-rules";

const jump = (table: TableName, src: string, dst: string, comment: string): JumpChain => ({ table, src, dst, comment, extra: [] });

/** iptablesJumpChain of the IPVS proxier, in its order (each is prepended). */
const IPVS_JUMP_CHAINS: readonly JumpChain[] = [
  jump("nat", "OUTPUT", KUBE_SERVICES, "kubernetes service portals"),
  jump("nat", "PREROUTING", KUBE_SERVICES, "kubernetes service portals"),
  jump("nat", "POSTROUTING", KUBE_POSTROUTING, "kubernetes postrouting rules"),
  jump("filter", "FORWARD", KUBE_FORWARD, "kubernetes forwarding rules"),
  jump("filter", "INPUT", KUBE_NODE_PORT, "kubernetes health check rules"),
  jump("filter", "INPUT", KUBE_PROXY_FIREWALL, "kube-proxy firewall rules"),
  jump("filter", "FORWARD", KUBE_PROXY_FIREWALL, "kube-proxy firewall rules"),
  jump("filter", "INPUT", KUBE_IPVS_FILTER, "kubernetes ipvs access filter"),
  jump("filter", "OUTPUT", KUBE_IPVS_OUT_FILTER, "kubernetes ipvs access filter"),
];

const LOOPBACK_PREFIX = "127.";

export class IpvsProxier extends BaseProxier {
  readonly mode = "ipvs" as const;
  readonly tables = new IptablesTables();
  readonly ipsets = new IpSets();
  readonly ipvs: IpvsTable;
  private readonly stack: NetfilterStack;
  private readonly syncOptions: IpvsSyncOptions;
  /** Addresses on kube-ipvs0. */
  private bound = new Set<number>();
  private jumpsEnsured = false;
  private lastRestore = "";

  constructor(opts: KubeProxyOptions) {
    super(opts);
    this.ipvs = new IpvsTable(opts.clock, { ...(opts.ipvsTimeouts ? { timeouts: opts.ipvsTimeouts } : {}), expireQuiescentTemplate: opts.expireQuiescentTemplate ?? true });
    for (const s of IPVS_IPSETS) this.ipsets.create(s.name, s.type, s.comment);
    const isLocal = (addr: number): boolean => this.isLocal(addr) || this.bound.has(addr);
    this.stack = new NetfilterStack({
      hooks: new IptablesHooks(this.tables, this.localIn()),
      recent: new RecentTables(),
      ipsets: this.ipsets,
      conntrack: this.conntrack,
      random: opts.random,
      clock: opts.clock,
      isLocal,
      masqueradeAddress: (dst) => this.masqueradeAddress(dst),
    });
    // Node ports live on the node's addresses (all of them, or those in nodePortAddresses), never on loopback.
    const nodePortIPs = (this.resolveNodePortAddresses(opts.nodePortAddresses ?? [], false) ?? opts.nodeIPs).filter((ip) => !ip.startsWith(LOOPBACK_PREFIX));
    this.syncOptions = {
      masqueradeMark: this.masqueradeMark,
      masqueradeAll: opts.masqueradeAll ?? false,
      clusterCIDR: opts.clusterCIDR,
      randomFully: opts.randomFully ?? true,
      nodePortIPs,
      nodeAddresses: new Set(opts.nodeIPs),
      nodeIP: this.nodeIPs[0],
    };
    ensureJumpChains(this.tables, KUBELET_JUMP_CHAINS);
  }

  /** IPVS's LOCAL_IN hook (ip_vs_remote_request4 / ip_vs_local_request4): a hash lookup of the virtual server. */
  private localIn(): HookChain {
    return {
      name: "ipvs/LOCAL_IN",
      nat: true, // a connection's later packets follow its IPVS / conntrack entry
      walk: (p: WalkPacket, env: WalkEnv) => {
        env.counter.rules++;
        const proto = p.proto.toUpperCase() as IpvsProto;
        if (!this.ipvs.isVirtualServer(proto, p.dst, p.dport)) return { verdict: "ACCEPT", dnat: undefined, masquerade: undefined, decidedBy: undefined };
        const r = this.ipvs.schedule(proto, p.src, p.sport, p.dst, p.dport);
        const vs = `${proto}  ${formatIPv4(p.dst)}:${p.dport}`;
        if (!r.dest) {
          // ip_vs_leave: no real server to schedule, the client gets ICMP port unreachable.
          const step: TraceStep = { table: "ipvs", chain: "LOCAL_IN", rule: 1, text: `${vs} rr: no destination available` };
          env.trace?.push(step);
          return { verdict: "REJECT", dnat: undefined, masquerade: undefined, decidedBy: step };
        }
        const step: TraceStep = { table: "ipvs", chain: "LOCAL_IN", rule: 1, text: `${vs} -> ${formatIPv4(r.dest.ip)}:${r.dest.port} Masq (${r.via})` };
        env.trace?.push(step);
        return { verdict: "ACCEPT", dnat: { ip: r.dest.ip, port: r.dest.port }, masquerade: undefined, decidedBy: step };
      },
    };
  }

  protected syncRules(snapshot: readonly ServicePortSnapshot[]): Record<string, number> {
    if (!this.jumpsEnsured) {
      ensureJumpChains(this.tables, IPVS_JUMP_CHAINS);
      this.jumpsEnsured = true;
    }
    const out = buildIpvsSync(snapshot, this.syncOptions);
    for (const [name, entries] of out.ipsets) this.ipsets.replace(name, entries);
    this.tables.restore(out.data);
    this.lastRestore = out.data;
    this.bound = new Set(out.boundAddresses.map(parseIPv4));
    const specs: VirtualServerSpec[] = out.virtualServers.map(({ endpoints, ...vs }) => ({ ...vs, realServers: this.realServersFor(vs, endpoints) }));
    this.ipvs.sync(specs);
    let realServers = 0;
    let ipsetEntries = 0;
    for (const s of specs) realServers += s.realServers.length;
    for (const e of out.ipsets.values()) ipsetEntries += e.length;
    return { virtualServers: specs.length, realServers, ipsetEntries, natRules: out.natRules, filterRules: out.filterRules, kubeIpvs0Addresses: this.bound.size };
  }

  /**
   * syncEndpoint + gracefulDeleteRS: the new endpoints at weight 1; a TCP real
   * server that left but still has connections stays at weight 0 (UDP and
   * SCTP ones are deleted at once, IsRsGracefulTerminationNeeded).
   */
  private realServersFor(vs: Omit<VirtualServerSpec, "realServers">, endpoints: readonly { ip: string; port: number }[]): RealServerSpec[] {
    const next: RealServerSpec[] = endpoints.map((ep) => ({ ip: parseIPv4(ep.ip), port: ep.port, weight: 1 }));
    if (vs.proto !== "TCP") return next;
    const keep = new Set(next.map((r) => `${r.ip}:${r.port}`));
    for (const old of this.ipvs.realServers(vs.proto, vs.ip, vs.port) ?? []) {
      if (keep.has(`${old.ip}:${old.port}`) || old.active + old.inactive === 0) continue;
      next.push({ ip: old.ip, port: old.port, weight: 0 });
    }
    return next;
  }

  protected process(pkt: StackPacket, wantTrace: boolean): StackResult {
    const r = this.stack.process(pkt, wantTrace);
    // IPVS keeps its own TCP state per connection (what `ipvsadm -Lnc` shows and templates wait on).
    const e = r.conntrack;
    if (e && e.dnat && e.proto === "tcp") {
      const c = this.ipvs.connection("TCP", e.orig.src, e.orig.sport, e.orig.dst, e.orig.dport);
      const st = e.tcpState;
      if (c && (st === "ESTABLISHED" || st === "FIN_WAIT" || st === "TIME_WAIT" || st === "CLOSE") && c.state !== st) this.ipvs.transition(c, st);
    }
    return r;
  }

  /** Connection timers, then the GracefulTerminationManager's pass over weight-0 real servers. */
  protected override gcExtra(): number {
    const n = this.ipvs.gc();
    this.ipvs.deleteDrainedRealServers();
    return n;
  }

  /** What the last sync handed to iptables-restore. */
  restoreData(): string {
    return this.lastRestore;
  }

  /** `iptables-save [-t table]` of this node. */
  iptablesSave(table?: TableName): string {
    return this.tables.save(table);
  }

  /** `ipvsadm -Ln`. */
  ipvsadmList(): string {
    return this.ipvs.list();
  }

  /** `ipvsadm -Lnc`. */
  ipvsadmListConnections(): string {
    return this.ipvs.listConnections();
  }

  /** `ipset list [name]`, References counting the iptables rules that name each set. */
  ipsetList(name?: string): string {
    const refs = new Map<string, number>();
    for (const t of ["nat", "filter"] as const) {
      for (const c of this.tables.chainNames(t)) {
        for (const r of this.tables.chain(t, c)?.rules ?? []) for (const m of r.matches) if (m.kind === "set") refs.set(m.name, (refs.get(m.name) ?? 0) + 1);
      }
    }
    return this.ipsets.list((n) => refs.get(n) ?? 0, name);
  }

  /** The addresses kube-proxy bound to kube-ipvs0, sorted. */
  kubeIpvs0Addresses(): string[] {
    return [...this.bound].sort((a, b) => a - b).map(formatIPv4);
  }
}
