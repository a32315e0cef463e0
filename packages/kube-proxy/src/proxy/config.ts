/**
 * The settings of one node's kube-proxy (KubeProxyConfiguration fields and
 * the node facts it discovers), shared by every mode.
 */

import type { MonotonicClock, SeededRandom } from "@svclab/sim";
import type { ConntrackTimeouts } from "../netfilter/conntrack";
import type { RecentLimits } from "../netfilter/recent";
import type { IpvsTimeouts } from "../ipvs/ipvs";

export interface KubeProxyOptions {
  readonly nodeName: string;
  /** This node's addresses, primary first (what `addrtype LOCAL` matches besides 127.0.0.0/8). */
  readonly nodeIPs: readonly string[];
  /** detectLocalMode ClusterCIDR: the pod CIDR; omitted = no local-traffic detector. */
  readonly clusterCIDR?: string;
  /** iptables.masqueradeBit (default 14: mark 0x4000). */
  readonly masqueradeBit?: number;
  /** iptables.masqueradeAll (default false). */
  readonly masqueradeAll?: boolean;
  /** iptables.localhostNodePorts (default true). */
  readonly localhostNodePorts?: boolean;
  /** The service CIDRs (nftables mode drops traffic to unallocated cluster IPs in them). */
  readonly serviceCIDRs?: readonly string[];
  /** nodePortAddresses CIDRs (default: all local addresses; nftables mode: the primary node IP). */
  readonly nodePortAddresses?: readonly string[];
  /** The MASQUERADE rule gets --random-fully (every current iptables; kube-proxy's unit-test fake says no). Default true. */
  readonly randomFully?: boolean;
  /** The nfacct counters exist (default true, as on a kind node and in kube-proxy's tests). */
  readonly nfacct?: boolean;
  /** net.netfilter.nf_conntrack_tcp_be_liberal is set: no INVALID-drop rule (default false). */
  readonly conntrackTCPLiberal?: boolean;
  /** The PreferSameTrafficDistribution feature gate (node hints), default true. */
  readonly preferSameTrafficDistribution?: boolean;
  readonly conntrackTimeouts?: Partial<ConntrackTimeouts>;
  readonly recentLimits?: Partial<RecentLimits>;
  /** IPVS mode: `ipvs.tcpTimeout` / `tcpFinTimeout` / `udpTimeout` (ipvsadm --set) and the state timeouts. */
  readonly ipvsTimeouts?: Partial<IpvsTimeouts>;
  /** IPVS mode: net.ipv4.vs.expire_quiescent_template, which kube-proxy sets to 1 at start. */
  readonly expireQuiescentTemplate?: boolean;
  /** Source address MASQUERADE chooses for a packet to `dst` (default: the primary node IP). */
  readonly masqueradeAddress?: (dst: string) => string;
  readonly random: SeededRandom;
  readonly clock: MonotonicClock;
}
