/**
 * kube-proxy's nftables mode on one node: each sync rebuilds the
 * `ip kube-proxy` table as kube-proxy's transaction does (sync-rules.ts), and
 * every packet is decided by walking its base chains, sets and verdict maps
 * (table.ts), with netfilter conntrack as in the other modes.
 */

import { RecentTables } from "../netfilter/recent";
import { NetfilterStack, type StackPacket, type StackResult } from "../netfilter/stack";
import { BaseProxier } from "../proxy/base";
import type { KubeProxyOptions } from "../proxy/config";
import type { ServicePortSnapshot } from "../proxy/state";
import { NftNames, syncNftables, type NftSyncOptions } from "./sync-rules";
import { NftHooks, NftTable } from "./table";

export class NftablesProxier extends BaseProxier {
  readonly mode = "nftables" as const;
  readonly table = new NftTable();
  private readonly stack: NetfilterStack;
  private readonly names = new NftNames();
  private readonly syncOptions: NftSyncOptions;

  constructor(opts: KubeProxyOptions) {
    super(opts);
    this.stack = new NetfilterStack({
      hooks: new NftHooks(this.table),
      recent: new RecentTables(),
      conntrack: this.conntrack,
      random: opts.random,
      clock: opts.clock,
      isLocal: this.isLocal,
      masqueradeAddress: (dst) => this.masqueradeAddress(dst),
    });
    // The nftables mode's nodePortAddresses default is "primary": the node's primary IP.
    const cidrs = opts.nodePortAddresses ?? (opts.nodeIPs[0] ? [`${opts.nodeIPs[0]}/32`] : []);
    this.syncOptions = {
      masqueradeMark: this.masqueradeMark,
      masqueradeAll: opts.masqueradeAll ?? false,
      clusterCIDR: opts.clusterCIDR,
      serviceCIDRs: opts.serviceCIDRs ?? [],
      nodePortIPs: this.resolveNodePortAddresses(cidrs, false),
      nodeIP: this.nodeIPs[0],
    };
  }

  protected syncRules(snapshot: readonly ServicePortSnapshot[]): Record<string, number> {
    return syncNftables(this.table, snapshot, this.syncOptions, this.names);
  }

  protected process(pkt: StackPacket, wantTrace: boolean): StackResult {
    return this.stack.process(pkt, wantTrace);
  }

  protected override gcExtra(): number {
    return this.table.gc(this.opts.clock.nowNs());
  }

  /** knftables' Fake.Dump() of the table: what kube-proxy's golden tests compare. */
  dump(): string {
    return this.table.dump();
  }

  /** `nft list ruleset`. */
  listRuleset(): string {
    return this.table.list(this.opts.clock.nowNs());
  }
}
