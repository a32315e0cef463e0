/**
 * kube-proxy's iptables mode on one node: each sync writes the rules
 * kube-proxy writes (sync-rules.ts) into the node's netfilter tables through
 * the same iptables-restore --noflush, and every packet is decided by walking
 * those tables (netfilter/). The jump rules from the built-in chains are
 * ensured once, as kube-proxy's first full sync does, after the kubelet's own
 * KUBE-FIREWALL jumps which exist since the node booted.
 */

import { DEFAULT_RECENT_LIMITS, RecentTables } from "../netfilter/recent";
import { NetfilterStack, type StackPacket, type StackResult } from "../netfilter/stack";
import { IptablesTables, type TableName } from "../netfilter/tables";
import { BaseProxier } from "../proxy/base";
import { IptablesHooks } from "./hooks";
import type { KubeProxyOptions } from "../proxy/config";
import type { ServicePortSnapshot } from "../proxy/state";
import {
  buildIptablesRestore,
  ChainNames,
  KUBE_EXTERNAL_SERVICES,
  KUBE_FIREWALL,
  KUBE_FORWARD,
  KUBE_NODEPORTS,
  KUBE_POSTROUTING,
  KUBE_PROXY_CANARY,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
  type IptablesSyncOptions,
} from "./sync-rules";

export interface JumpChain {
  readonly table: TableName;
  readonly dst: string;
  readonly src: string;
  readonly comment: string;
  readonly extra: readonly string[];
}

const NEW = ["-m", "conntrack", "--ctstate", "NEW"];

/** iptablesJumpChains, in kube-proxy's order (each is prepended, so the last ends up first). */
const JUMP_CHAINS: readonly JumpChain[] = [
  { table: "filter", dst: KUBE_EXTERNAL_SERVICES, src: "INPUT", comment: "kubernetes externally-visible service portals", extra: NEW },
  { table: "filter", dst: KUBE_EXTERNAL_SERVICES, src: "FORWARD", comment: "kubernetes externally-visible service portals", extra: NEW },
  { table: "filter", dst: KUBE_NODEPORTS, src: "INPUT", comment: "kubernetes health check service ports", extra: [] },
  { table: "filter", dst: KUBE_SERVICES, src: "FORWARD", comment: "kubernetes service portals", extra: NEW },
  { table: "filter", dst: KUBE_SERVICES, src: "OUTPUT", comment: "kubernetes service portals", extra: NEW },
  { table: "filter", dst: KUBE_FORWARD, src: "FORWARD", comment: "kubernetes forwarding rules", extra: [] },
  { table: "filter", dst: KUBE_PROXY_FIREWALL, src: "INPUT", comment: "kubernetes load balancer firewall", extra: NEW },
  { table: "filter", dst: KUBE_PROXY_FIREWALL, src: "OUTPUT", comment: "kubernetes load balancer firewall", extra: NEW },
  { table: "filter", dst: KUBE_PROXY_FIREWALL, src: "FORWARD", comment: "kubernetes load balancer firewall", extra: NEW },
  { table: "nat", dst: KUBE_SERVICES, src: "OUTPUT", comment: "kubernetes service portals", extra: [] },
  { table: "nat", dst: KUBE_SERVICES, src: "PREROUTING", comment: "kubernetes service portals", extra: [] },
  { table: "nat", dst: KUBE_POSTROUTING, src: "POSTROUTING", comment: "kubernetes postrouting rules", extra: [] },
];

/** The kubelet's jumps to its anti-martian chain (iptablesKubeletJumpChains). */
export const KUBELET_JUMP_CHAINS: readonly JumpChain[] = [
  { table: "filter", dst: KUBE_FIREWALL, src: "INPUT", comment: "", extra: [] },
  { table: "filter", dst: KUBE_FIREWALL, src: "OUTPUT", comment: "", extra: [] },
];

/** EnsureChain + EnsureRule(Prepend) for each jump, as kube-proxy and the kubelet install them. */
export function ensureJumpChains(tables: IptablesTables, jumps: readonly JumpChain[]): void {
  for (const j of jumps) {
    tables.ensureChain(j.table, j.dst);
    const args = [...j.extra, ...(j.comment ? ["-m", "comment", "--comment", j.comment] : []), "-j", j.dst];
    tables.ensureRule("prepend", j.table, j.src, args);
  }
}

export class IptablesProxier extends BaseProxier {
  readonly mode = "iptables" as const;
  readonly tables = new IptablesTables();
  readonly recent: RecentTables;
  private readonly stack: NetfilterStack;
  private readonly names = new ChainNames();
  private readonly syncOptions: IptablesSyncOptions;
  private jumpsEnsured = false;
  private lastRestore = "";

  constructor(opts: KubeProxyOptions) {
    super(opts);
    this.recent = new RecentTables({ ...DEFAULT_RECENT_LIMITS, ...opts.recentLimits });
    this.stack = new NetfilterStack({
      hooks: new IptablesHooks(this.tables),
      recent: this.recent,
      conntrack: this.conntrack,
      random: opts.random,
      clock: opts.clock,
      isLocal: this.isLocal,
      masqueradeAddress: (dst) => this.masqueradeAddress(dst),
    });
    const nodePortIPs = this.resolveNodePortAddresses(opts.nodePortAddresses ?? [], true);
    // localhost NodePorts need 127.0.0.1 among the nodeport addresses (NewProxier).
    const localhostNodePorts = (opts.localhostNodePorts ?? true) && (nodePortIPs === undefined || nodePortIPs.some((ip) => ip.startsWith("127.")));
    this.syncOptions = {
      masqueradeMark: this.masqueradeMark,
      masqueradeAll: opts.masqueradeAll ?? false,
      clusterCIDR: opts.clusterCIDR,
      localhostNodePorts,
      nodePortIPs,
      nodeIP: this.nodeIPs[0],
      randomFully: opts.randomFully ?? true,
      nfacct: opts.nfacct ?? true,
      conntrackTCPLiberal: opts.conntrackTCPLiberal ?? false,
    };
    // ipt.Monitor keeps a canary chain in each table to notice a flush.
    for (const t of ["mangle", "nat", "filter"] as const) this.tables.ensureChain(t, KUBE_PROXY_CANARY);
    this.ensureJumps(KUBELET_JUMP_CHAINS);
  }

  private ensureJumps(jumps: readonly JumpChain[]): void {
    ensureJumpChains(this.tables, jumps);
  }

  protected syncRules(snapshot: readonly ServicePortSnapshot[]): Record<string, number> {
    if (!this.jumpsEnsured) {
      this.ensureJumps(JUMP_CHAINS);
      this.jumpsEnsured = true;
    }
    const out = buildIptablesRestore(snapshot, this.tables.chainNames("nat"), this.syncOptions, this.names);
    this.tables.restore(out.data);
    this.lastRestore = out.data;
    // A recent table lives as long as some rule names it, so affinity survives a resync.
    const referenced = new Set<string>();
    for (const name of this.tables.chainNames("nat")) {
      for (const r of this.tables.chain("nat", name)?.rules ?? []) for (const m of r.matches) if (m.kind === "recent") referenced.add(m.name);
    }
    this.recent.retain(referenced);
    return { filterRules: out.filterRules, natRules: out.natRules, natChains: out.natChains, largeClusterMode: out.largeClusterMode ? 1 : 0 };
  }

  protected process(pkt: StackPacket, wantTrace: boolean): StackResult {
    return this.stack.process(pkt, wantTrace);
  }

  /** What the last sync handed to iptables-restore (kube-proxy's iptablesData). */
  restoreData(): string {
    return this.lastRestore;
  }

  /** `iptables-save [-t table]` of this node. */
  iptablesSave(table?: TableName): string {
    return this.tables.save(table);
  }

  /** `cat /proc/net/xt_recent/<name>`: the affinity table of one endpoint chain. */
  recentTable(name: string): string {
    return this.recent.procText(name);
  }
}
