/**
 * What the IPVS proxier programs on a sync (pkg/proxy/ipvs/proxier.go
 * syncProxyRules, syncEndpoint, writeIptablesRules): one IPVS virtual server
 * per cluster IP, external IP, load-balancer IP and node IP:nodePort of each
 * service port, the service addresses to bind to kube-ipvs0, the entries of
 * each ip set, and the few iptables rules IPVS mode still needs (masquerade
 * marks matched through the ip sets, the hairpin MASQUERADE, the filters),
 * as the iptables-restore input kube-proxy writes.
 */

import { parseIPv4 } from "@svclab/sim";
import type { IpSetType } from "../netfilter/ipset";
import { saveString } from "../netfilter/tokenize";
import type { EndpointInfo } from "../proxy/endpoints";
import type { ServicePortSnapshot } from "../proxy/state";
import type { IpvsProto, VirtualServerSpec } from "./ipvs";

export const KUBE_SERVICES = "KUBE-SERVICES";
export const KUBE_POSTROUTING = "KUBE-POSTROUTING";
export const KUBE_NODE_PORT = "KUBE-NODE-PORT";
export const KUBE_LOAD_BALANCER = "KUBE-LOAD-BALANCER";
export const KUBE_MARK_MASQ = "KUBE-MARK-MASQ";
export const KUBE_FORWARD = "KUBE-FORWARD";
export const KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
export const KUBE_SOURCE_RANGES_FIREWALL = "KUBE-SOURCE-RANGES-FIREWALL";
export const KUBE_IPVS_FILTER = "KUBE-IPVS-FILTER";
export const KUBE_IPVS_OUT_FILTER = "KUBE-IPVS-OUT-FILTER";

/** ipsetInfo: every set the IPVS proxier creates, with its type and comment. */
export const IPVS_IPSETS: readonly { readonly name: string; readonly type: IpSetType; readonly comment: string }[] = [
  { name: "KUBE-LOOP-BACK", type: "hash:ip,port,ip", comment: "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" },
  { name: "KUBE-CLUSTER-IP", type: "hash:ip,port", comment: "Kubernetes service cluster ip + port for masquerade purpose" },
  { name: "KUBE-EXTERNAL-IP", type: "hash:ip,port", comment: "Kubernetes service external ip + port for masquerade and filter purpose" },
  { name: "KUBE-EXTERNAL-IP-LOCAL", type: "hash:ip,port", comment: "Kubernetes service external ip + port with externalTrafficPolicy=local" },
  { name: "KUBE-LOAD-BALANCER", type: "hash:ip,port", comment: "Kubernetes service lb portal" },
  { name: "KUBE-LOAD-BALANCER-FW", type: "hash:ip,port", comment: "Kubernetes service load balancer ip + port for load balancer with sourceRange" },
  { name: "KUBE-LOAD-BALANCER-LOCAL", type: "hash:ip,port", comment: "Kubernetes service load balancer ip + port with externalTrafficPolicy=local" },
  { name: "KUBE-LOAD-BALANCER-SOURCE-IP", type: "hash:ip,port,ip", comment: "Kubernetes service load balancer ip + port + source IP for packet filter purpose" },
  { name: "KUBE-LOAD-BALANCER-SOURCE-CIDR", type: "hash:ip,port,net", comment: "Kubernetes service load balancer ip + port + source cidr for packet filter purpose" },
  { name: "KUBE-NODE-PORT-TCP", type: "bitmap:port", comment: "Kubernetes nodeport TCP port for masquerade purpose" },
  { name: "KUBE-NODE-PORT-LOCAL-TCP", type: "bitmap:port", comment: "Kubernetes nodeport TCP port with externalTrafficPolicy=local" },
  { name: "KUBE-NODE-PORT-UDP", type: "bitmap:port", comment: "Kubernetes nodeport UDP port for masquerade purpose" },
  { name: "KUBE-NODE-PORT-LOCAL-UDP", type: "bitmap:port", comment: "Kubernetes nodeport UDP port with externalTrafficPolicy=local" },
  { name: "KUBE-NODE-PORT-SCTP-HASH", type: "hash:ip,port", comment: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'" },
  { name: "KUBE-NODE-PORT-LOCAL-SCTP-HASH", type: "hash:ip,port", comment: "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'" },
  { name: "KUBE-HEALTH-CHECK-NODE-PORT", type: "bitmap:port", comment: "Kubernetes health check node port" },
  { name: "KUBE-IPVS-IPS", type: "hash:ip", comment: "Addresses on the ipvs interface" },
];

const COMMENTS = new Map(IPVS_IPSETS.map((s) => [s.name, s.comment]));

/** ipsetWithIptablesChain: `-A <from> [-p proto] -m set --match-set <set> <match> -j <to>` for each non-empty set, in this order. */
const IPSET_JUMPS: readonly { set: string; table: "nat" | "filter"; from: string; to: string; match: string; proto: string }[] = [
  { set: "KUBE-LOOP-BACK", table: "nat", from: KUBE_POSTROUTING, to: "MASQUERADE", match: "dst,dst,src", proto: "" },
  { set: "KUBE-LOAD-BALANCER", table: "nat", from: KUBE_SERVICES, to: KUBE_LOAD_BALANCER, match: "dst,dst", proto: "" },
  { set: "KUBE-LOAD-BALANCER-LOCAL", table: "nat", from: KUBE_LOAD_BALANCER, to: "RETURN", match: "dst,dst", proto: "" },
  { set: "KUBE-NODE-PORT-LOCAL-TCP", table: "nat", from: KUBE_NODE_PORT, to: "RETURN", match: "dst", proto: "tcp" },
  { set: "KUBE-NODE-PORT-TCP", table: "nat", from: KUBE_NODE_PORT, to: KUBE_MARK_MASQ, match: "dst", proto: "tcp" },
  { set: "KUBE-NODE-PORT-LOCAL-UDP", table: "nat", from: KUBE_NODE_PORT, to: "RETURN", match: "dst", proto: "udp" },
  { set: "KUBE-NODE-PORT-UDP", table: "nat", from: KUBE_NODE_PORT, to: KUBE_MARK_MASQ, match: "dst", proto: "udp" },
  { set: "KUBE-NODE-PORT-LOCAL-SCTP-HASH", table: "nat", from: KUBE_NODE_PORT, to: "RETURN", match: "dst,dst", proto: "sctp" },
  { set: "KUBE-NODE-PORT-SCTP-HASH", table: "nat", from: KUBE_NODE_PORT, to: KUBE_MARK_MASQ, match: "dst,dst", proto: "sctp" },
  { set: "KUBE-LOAD-BALANCER-FW", table: "filter", from: KUBE_PROXY_FIREWALL, to: KUBE_SOURCE_RANGES_FIREWALL, match: "dst,dst", proto: "" },
  { set: "KUBE-LOAD-BALANCER-SOURCE-CIDR", table: "filter", from: KUBE_SOURCE_RANGES_FIREWALL, to: "RETURN", match: "dst,dst,src", proto: "" },
  { set: "KUBE-LOAD-BALANCER-SOURCE-IP", table: "filter", from: KUBE_SOURCE_RANGES_FIREWALL, to: "RETURN", match: "dst,dst,src", proto: "" },
];

/** iptablesChains, in kube-proxy's order. */
const NAT_CHAINS = [KUBE_SERVICES, KUBE_POSTROUTING, KUBE_NODE_PORT, KUBE_LOAD_BALANCER, KUBE_MARK_MASQ];
const FILTER_CHAINS = [KUBE_FORWARD, KUBE_NODE_PORT, KUBE_PROXY_FIREWALL, KUBE_SOURCE_RANGES_FIREWALL, KUBE_IPVS_FILTER, KUBE_IPVS_OUT_FILTER];

export interface IpvsSyncOptions {
  readonly masqueradeMark: string;
  readonly masqueradeAll: boolean;
  readonly clusterCIDR: string | undefined;
  readonly randomFully: boolean;
  /** The addresses node-port virtual servers are created on (nodePortAddresses, loopback excluded). */
  readonly nodePortIPs: readonly string[];
  /** Every address of the node outside kube-ipvs0 (external and LB IPs among them are not bound). */
  readonly nodeAddresses: ReadonlySet<string>;
  readonly nodeIP: number | undefined;
}

export interface IpvsSyncOutput {
  readonly virtualServers: readonly (Omit<VirtualServerSpec, "realServers"> & { readonly endpoints: readonly EndpointInfo[] })[];
  /** Addresses on kube-ipvs0 (the KUBE-IPVS-IPS set). */
  readonly boundAddresses: readonly string[];
  readonly ipsets: ReadonlyMap<string, readonly string[]>;
  /** The iptables-restore input. */
  readonly data: string;
  readonly natRules: number;
  readonly filterRules: number;
}

/** syncEndpoint's choice: local endpoints if the policy is Local and some exist, else the cluster endpoints (kubernetes#97081). */
function realEndpoints(s: ServicePortSnapshot, onlyLocal: boolean): readonly EndpointInfo[] {
  const c = s.categorized;
  return onlyLocal && c.localEndpoints.length > 0 ? c.localEndpoints : c.clusterEndpoints;
}

export function buildIpvsSync(snapshot: readonly ServicePortSnapshot[], opt: IpvsSyncOptions): IpvsSyncOutput {
  const sets = new Map<string, Set<string>>(IPVS_IPSETS.map((s) => [s.name, new Set<string>()]));
  const add = (set: string, entry: string): void => void sets.get(set)?.add(entry);
  const vss: IpvsSyncOutput["virtualServers"][number][] = [];
  const bound = new Set<string>();
  for (const s of snapshot) {
    const svc = s.svc;
    const proto = svc.protocol.toLowerCase();
    const ipPort = (ip: string, port: number): string => `${ip},${proto}:${port}`;
    const vs = (ip: string, port: number, onlyLocal: boolean) =>
      vss.push({
        proto: svc.protocol as IpvsProto,
        ip: parseIPv4(ip),
        port,
        scheduler: "rr",
        persistentSeconds: svc.sessionAffinityClientIP ? svc.stickyMaxAgeSeconds : 0,
        endpoints: realEndpoints(s, onlyLocal),
      });
    // A local pod reaching itself through the service must be masqueraded (hairpin).
    for (const ep of s.endpoints) if (ep.isLocal) add("KUBE-LOOP-BACK", `${ipPort(ep.ip, ep.port)},${ep.ip}`);
    add("KUBE-CLUSTER-IP", ipPort(svc.clusterIP, svc.port));
    vs(svc.clusterIP, svc.port, svc.internalPolicyLocal);
    bound.add(svc.clusterIP);
    for (const ip of svc.externalIPs) {
      add(svc.externalPolicyLocal ? "KUBE-EXTERNAL-IP-LOCAL" : "KUBE-EXTERNAL-IP", ipPort(ip, svc.port));
      vs(ip, svc.port, svc.externalPolicyLocal);
      if (!opt.nodeAddresses.has(ip)) bound.add(ip);
    }
    for (const ip of svc.loadBalancerVIPs) {
      const entry = ipPort(ip, svc.port);
      add("KUBE-LOAD-BALANCER", entry);
      if (svc.externalPolicyLocal) add("KUBE-LOAD-BALANCER-LOCAL", entry);
      if (svc.loadBalancerSourceRanges.length > 0) {
        add("KUBE-LOAD-BALANCER-FW", entry);
        let allowFromNode = false;
        for (const r of svc.loadBalancerSourceRanges) {
          add("KUBE-LOAD-BALANCER-SOURCE-CIDR", `${entry},${r.text}`);
          if (opt.nodeIP !== undefined && ((opt.nodeIP & r.prefix.mask) >>> 0) === r.prefix.addr) allowFromNode = true;
        }
        // Traffic from the LB's own backends loops back with the LB IP as its source.
        if (allowFromNode) add("KUBE-LOAD-BALANCER-SOURCE-IP", `${entry},${ip}`);
      }
      vs(ip, svc.port, svc.externalPolicyLocal);
      if (!opt.nodeAddresses.has(ip)) bound.add(ip);
    }
    if (svc.nodePort !== 0 && opt.nodePortIPs.length > 0) {
      const P = svc.protocol;
      if (P === "SCTP") {
        for (const ip of opt.nodePortIPs) {
          add("KUBE-NODE-PORT-SCTP-HASH", ipPort(ip, svc.nodePort));
          if (svc.externalPolicyLocal) add("KUBE-NODE-PORT-LOCAL-SCTP-HASH", ipPort(ip, svc.nodePort));
        }
      } else {
        add(`KUBE-NODE-PORT-${P}`, String(svc.nodePort));
        if (svc.externalPolicyLocal) add(`KUBE-NODE-PORT-LOCAL-${P}`, String(svc.nodePort));
      }
      for (const ip of opt.nodePortIPs) vs(ip, svc.nodePort, svc.externalPolicyLocal);
    }
    if (svc.healthCheckNodePort !== 0) add("KUBE-HEALTH-CHECK-NODE-PORT", String(svc.healthCheckNodePort));
  }
  for (const ip of bound) add("KUBE-IPVS-IPS", ip);
  const { data, natRules, filterRules } = writeIptablesRules(sets, opt);
  return { virtualServers: vss, boundAddresses: [...bound], ipsets: new Map([...sets].map(([k, v]) => [k, [...v]])), data, natRules, filterRules };
}

/** writeIptablesRules: the nat and filter rules, driven by which sets have entries. */
function writeIptablesRules(sets: ReadonlyMap<string, ReadonlySet<string>>, opt: IpvsSyncOptions): { data: string; natRules: number; filterRules: number } {
  const nat: string[] = [];
  const filter: string[] = [];
  const empty = (set: string): boolean => (sets.get(set)?.size ?? 0) === 0;
  const comment = (set: string): string[] => ["-m", "comment", "--comment", saveString(COMMENTS.get(set) ?? "")];
  const w = (buf: string[], ...args: string[]): void => void buf.push(args.join(" "));
  const mark = opt.masqueradeMark;

  w(nat, "-A", KUBE_SERVICES, "-s", "127.0.0.0/8", "-j", "RETURN");
  for (const j of IPSET_JUMPS) {
    if (empty(j.set)) continue;
    w(j.table === "nat" ? nat : filter, "-A", j.from, ...(j.proto ? ["-p", j.proto] : []), ...comment(j.set), "-m", "set", "--match-set", j.set, j.match, "-j", j.to);
  }
  if (!empty("KUBE-CLUSTER-IP")) {
    const args = ["-A", KUBE_SERVICES, ...comment("KUBE-CLUSTER-IP"), "-m", "set", "--match-set", "KUBE-CLUSTER-IP"];
    if (opt.masqueradeAll) w(nat, ...args, "dst,dst", "-j", KUBE_MARK_MASQ);
    else if (opt.clusterCIDR !== undefined) w(nat, ...args, "dst,dst", "!", "-s", opt.clusterCIDR, "-j", KUBE_MARK_MASQ);
    // Without a local-traffic detector, node-originated traffic leaves with a VIP as its source.
    else w(nat, ...args, "src,dst", "-j", KUBE_MARK_MASQ);
  }
  const externalIPRules = (args: readonly string[]): void => {
    w(nat, ...args, "-m", "physdev", "!", "--physdev-is-in", "-m", "addrtype", "!", "--src-type", "LOCAL", "-j", "ACCEPT");
    w(nat, ...args, "-m", "addrtype", "--dst-type", "LOCAL", "-j", "ACCEPT");
  };
  for (const set of ["KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL"]) {
    if (empty(set)) continue;
    const args = ["-A", KUBE_SERVICES, ...comment(set), "-m", "set", "--match-set", set, "dst,dst"];
    if (set === "KUBE-EXTERNAL-IP") w(nat, ...args, "-j", KUBE_MARK_MASQ);
    externalIPRules(args);
  }
  w(nat, "-A", KUBE_SERVICES, "-m", "addrtype", "--dst-type", "LOCAL", "-j", KUBE_NODE_PORT);
  w(nat, "-A", KUBE_LOAD_BALANCER, "-j", KUBE_MARK_MASQ);
  w(filter, "-A", KUBE_SOURCE_RANGES_FIREWALL, "-j", "DROP");
  // acceptIPVSTraffic: the end of KUBE-SERVICES accepts whatever IPVS will take.
  for (const set of ["KUBE-CLUSTER-IP", "KUBE-LOAD-BALANCER"]) if (!empty(set)) w(nat, "-A", KUBE_SERVICES, "-m", "set", "--match-set", set, "dst,dst", "-j", "ACCEPT");
  w(filter, "-A", KUBE_FORWARD, "-m", "comment", "--comment", saveString("kubernetes forwarding rules"), "-m", "mark", "--mark", `${mark}/${mark}`, "-j", "ACCEPT");
  w(filter, "-A", KUBE_FORWARD, "-m", "comment", "--comment", saveString("kubernetes forwarding conntrack rule"), "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT");
  w(filter, "-A", KUBE_NODE_PORT, ...comment("KUBE-HEALTH-CHECK-NODE-PORT"), "-m", "set", "--match-set", "KUBE-HEALTH-CHECK-NODE-PORT", "dst", "-j", "ACCEPT");
  // kubernetes#72236: a VIP on kube-ipvs0 must not expose the host's own ports.
  for (const set of ["KUBE-LOAD-BALANCER", "KUBE-CLUSTER-IP", "KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL"]) w(filter, "-A", KUBE_IPVS_FILTER, "-m", "set", "--match-set", set, "dst,dst", "-j", "RETURN");
  w(filter, "-A", KUBE_IPVS_FILTER, "-m", "set", "--match-set", "KUBE-HEALTH-CHECK-NODE-PORT", "dst", "-j", "RETURN");
  w(filter, "-A", KUBE_IPVS_FILTER, "-m", "conntrack", "--ctstate", "NEW", "-m", "set", "--match-set", "KUBE-IPVS-IPS", "dst", "-j", "REJECT");
  w(nat, "-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", `${mark}/${mark}`, "-j", "RETURN");
  w(nat, "-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", mark);
  w(nat, "-A", KUBE_POSTROUTING, "-m", "comment", "--comment", saveString("kubernetes service traffic requiring SNAT"), "-j", "MASQUERADE", ...(opt.randomFully ? ["--random-fully"] : []));
  w(nat, "-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", mark);
  const data = [
    "*nat",
    ...NAT_CHAINS.map((c) => `:${c} - [0:0]`),
    ...nat,
    "COMMIT",
    "*filter",
    ...FILTER_CHAINS.map((c) => `:${c} - [0:0]`),
    ...filter,
    "COMMIT",
    "",
  ].join("\n");
  return { data, natRules: nat.length, filterRules: filter.length };
}
