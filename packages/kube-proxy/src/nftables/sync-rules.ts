/**
 * What the nftables proxier puts in its transaction on a (full) sync
 * (pkg/proxy/nftables/proxier.go setupNFTables, syncProxyRules,
 * writeServiceToEndpointRules): the fixed base chains, jump chains, sets and
 * verdict maps, then per service port its chains (service-, local-,
 * external-, firewall-, endpoint-), affinity sets and map elements. Service
 * dispatch is one verdict-map lookup (`ip daddr . meta l4proto . th dport
 * vmap @service-ips`), so a packet's cost does not grow with the number of
 * services.
 */

import type { EndpointInfo } from "../proxy/endpoints";
import { sha256Base32 } from "../proxy/names";
import type { ServicePortSnapshot } from "../proxy/state";
import { trafficPolicy } from "../proxy/traffic-policy";
import type { BaseChainSpec, NftTable } from "./table";

export const CLUSTER_IPS = "cluster-ips";
export const NODEPORT_IPS = "nodeport-ips";
export const FIREWALL_IPS = "firewall-ips";
export const NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";
export const NO_ENDPOINT_SERVICES = "no-endpoint-services";
export const SERVICE_IPS = "service-ips";
export const SERVICE_NODEPORTS = "service-nodeports";
const REJECT_CHAIN = "reject-chain";
const MARK_MASQ = "mark-for-masquerade";
const MASQUERADING = "masquerading";
const SERVICES = "services";
const CLUSTER_IPS_CHECK = "cluster-ips-check";
const FIREWALL_CHECK = "firewall-check";
const NODEPORT_ENDPOINTS_CHECK = "nodeport-endpoints-check";
const SERVICE_ENDPOINTS_CHECK = "service-endpoints-check";

const BASE_CHAINS: readonly (readonly [string, BaseChainSpec])[] = [
  ["filter-prerouting-pre-dnat", { type: "filter", hook: "prerouting", priority: -110 }],
  ["filter-output-pre-dnat", { type: "filter", hook: "output", priority: -110 }],
  ["filter-forward", { type: "filter", hook: "forward", priority: 0 }],
  ["filter-input", { type: "filter", hook: "input", priority: 0 }],
  ["filter-output", { type: "filter", hook: "output", priority: 0 }],
  ["nat-output", { type: "nat", hook: "output", priority: -100 }],
  ["nat-postrouting", { type: "nat", hook: "postrouting", priority: 100 }],
  ["nat-prerouting", { type: "nat", hook: "prerouting", priority: -100 }],
];

/** nftablesJumpChains: [destination, source, extra match]. */
const JUMP_CHAINS: readonly (readonly [string, string, string])[] = [
  [NODEPORT_ENDPOINTS_CHECK, "filter-input", "ct state new"],
  [SERVICE_ENDPOINTS_CHECK, "filter-input", "ct state new"],
  [SERVICE_ENDPOINTS_CHECK, "filter-forward", "ct state new"],
  [SERVICE_ENDPOINTS_CHECK, "filter-output", "ct state new"],
  [FIREWALL_CHECK, "filter-prerouting-pre-dnat", "ct state new"],
  [FIREWALL_CHECK, "filter-output-pre-dnat", "ct state new"],
  [SERVICES, "nat-output", ""],
  [SERVICES, "nat-prerouting", ""],
  [MASQUERADING, "nat-postrouting", ""],
  [CLUSTER_IPS_CHECK, "filter-forward", "ct state new"],
  [CLUSTER_IPS_CHECK, "filter-output", "ct state new"],
];

export interface NftSyncOptions {
  readonly masqueradeMark: string;
  readonly masqueradeAll: boolean;
  readonly clusterCIDR: string | undefined;
  /** The service CIDRs (dropping traffic to unallocated cluster IPs); empty: no such rule. */
  readonly serviceCIDRs: readonly string[];
  /** nodePortAddresses resolved to this node's non-loopback IPs; undefined: every local address. */
  readonly nodePortIPs: readonly string[] | undefined;
  readonly nodeIP: number | undefined;
}

/** hashAndTruncate: an 8-character hash, a dash, then the readable name. */
function hashAndTruncate(name: string): string {
  return (sha256Base32(name, 8) + "-" + name).slice(0, 240);
}

/** Memoises the sha256-derived names. */
export class NftNames {
  private readonly svc = new Map<string, string>();
  private readonly ep = new Map<string, string>();

  service(s: ServicePortSnapshot["svc"]): string {
    const name = `${s.namespace}/${s.name}/${s.protocol.toLowerCase()}/${s.portName}`;
    let b = this.svc.get(name);
    if (b === undefined) this.svc.set(name, (b = hashAndTruncate(name)));
    return b;
  }

  endpoint(s: ServicePortSnapshot["svc"], ep: EndpointInfo): string {
    const name = `${s.namespace}/${s.name}/${s.protocol.toLowerCase()}/${s.portName}__${ep.ip}/${ep.port}`;
    let b = this.ep.get(name);
    if (b === undefined) this.ep.set(name, (b = hashAndTruncate(name)));
    return b;
  }
}

const isServiceChainName = (c: string): boolean => c.includes("/");
const isAffinitySetName = (s: string): boolean => s.startsWith("affinity-");

/** Applies one full sync to `t`; returns its sizes. */
export function syncNftables(t: NftTable, snapshot: readonly ServicePortSnapshot[], opt: NftSyncOptions, names: NftNames): Record<string, number> {
  const created = new Set<string>();
  const ensureChain = (c: string): void => {
    if (created.has(c)) return;
    created.add(c);
    t.addChain(c);
    t.flushChain(c);
  };
  const mark = opt.masqueradeMark;

  t.comment = "rules for kube-proxy";
  for (const [name, base] of BASE_CHAINS) {
    t.addChain(name, { base });
    t.flushChain(name);
  }
  for (const [dst, src, extra] of JUMP_CHAINS) {
    ensureChain(dst);
    t.addRule(src, `${extra ? extra + " " : ""}jump ${dst}`);
  }
  for (const c of [SERVICES, CLUSTER_IPS_CHECK, MASQUERADING, MARK_MASQ]) ensureChain(c);
  t.addRule(MARK_MASQ, `mark set mark or ${mark}`);
  t.addRule(MASQUERADING, `mark and ${mark} == 0 return`);
  t.addRule(MASQUERADING, `mark set mark xor ${mark}`);
  t.addRule(MASQUERADING, "masquerade fully-random");

  t.addSet(CLUSTER_IPS, { isMap: false, type: "ipv4_addr", comment: "Active ClusterIPs" });
  t.addRule(CLUSTER_IPS_CHECK, `ip daddr @${CLUSTER_IPS} reject`, "Reject traffic to invalid ports of ClusterIPs");
  if (opt.serviceCIDRs.length > 0) {
    t.addRule(CLUSTER_IPS_CHECK, `ip daddr { ${opt.serviceCIDRs.join(" , ")} } drop`, "Drop traffic to unallocated ClusterIPs");
  }

  t.addSet(NODEPORT_IPS, { isMap: false, type: "ipv4_addr", comment: "IPs that accept NodePort traffic" });
  if (opt.nodePortIPs === undefined) t.deleteSet(NODEPORT_IPS);
  else {
    t.flushSet(NODEPORT_IPS);
    for (const ip of opt.nodePortIPs) t.addElement(NODEPORT_IPS, ip);
  }

  t.addSet(NO_ENDPOINT_SERVICES, { isMap: true, type: "ipv4_addr . inet_proto . inet_service : verdict", comment: "vmap to drop or reject packets to services with no endpoints" });
  t.addSet(NO_ENDPOINT_NODEPORTS, { isMap: true, type: "inet_proto . inet_service : verdict", comment: "vmap to drop or reject packets to service nodeports with no endpoints" });
  t.addChain(REJECT_CHAIN, { comment: "helper for @no-endpoint-services / @no-endpoint-nodeports" });
  t.flushChain(REJECT_CHAIN);
  t.addRule(REJECT_CHAIN, "reject");
  t.addRule(SERVICE_ENDPOINTS_CHECK, `ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES}`);
  const nodePortMatch = opt.nodePortIPs === undefined ? "ip daddr != 127.0.0.0/8" : `ip daddr @${NODEPORT_IPS}`;
  t.addRule(NODEPORT_ENDPOINTS_CHECK, `${nodePortMatch} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS}`);

  t.addSet(FIREWALL_IPS, { isMap: true, type: "ipv4_addr . inet_proto . inet_service : verdict", comment: "destinations that are subject to LoadBalancerSourceRanges" });
  ensureChain(FIREWALL_CHECK);
  t.addRule(FIREWALL_CHECK, `ip daddr . meta l4proto . th dport vmap @${FIREWALL_IPS}`);

  t.addSet(SERVICE_IPS, { isMap: true, type: "ipv4_addr . inet_proto . inet_service : verdict", comment: "ClusterIP, ExternalIP and LoadBalancer IP traffic" });
  t.addSet(SERVICE_NODEPORTS, { isMap: true, type: "inet_proto . inet_service : verdict", comment: "NodePort traffic" });
  t.addRule(SERVICES, `ip daddr . meta l4proto . th dport vmap @${SERVICE_IPS}`);
  t.addRule(
    SERVICES,
    opt.nodePortIPs === undefined
      ? `fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`
      : `ip daddr @${NODEPORT_IPS} meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`,
  );
  for (const c of [CLUSTER_IPS, SERVICE_IPS, FIREWALL_IPS, NO_ENDPOINT_SERVICES, NO_ENDPOINT_NODEPORTS, SERVICE_NODEPORTS]) t.flushSet(c);

  const activeChains = new Set<string>();
  const activeAffinitySets = new Set<string>();
  let rules = 0;

  for (const { svc, categorized } of snapshot) {
    const protocol = svc.protocol.toLowerCase();
    const base = names.service(svc);
    const clusterPolicyChain = "service-" + base;
    const localPolicyChain = "local-" + base;
    const externalTrafficChain = "external-" + base;
    const fwChain = "firewall-" + base;
    const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints: hasEndpoints } = categorized;
    const epBase = (ep: EndpointInfo): string => names.endpoint(svc, ep);
    const useChain = (c: string): void => {
      ensureChain(c);
      activeChains.add(c);
    };

    for (const ep of allReachableEndpoints) {
      useChain("endpoint-" + epBase(ep));
      if (svc.sessionAffinityClientIP) activeAffinitySets.add("affinity-" + epBase(ep));
    }
    const tp = trafficPolicy(svc, categorized);
    const { usesClusterPolicyChain, usesLocalPolicyChain, hasInternalEndpoints, hasExternalEndpoints, usesExternalTrafficChain } = tp;
    if (usesClusterPolicyChain) useChain(clusterPolicyChain);
    if (usesLocalPolicyChain) useChain(localPolicyChain);
    const internalTrafficChain = tp.internalPolicy === "local" ? localPolicyChain : clusterPolicyChain;
    const externalPolicyChain = tp.externalPolicy === "local" ? localPolicyChain : clusterPolicyChain;
    if (usesExternalTrafficChain) useChain(externalTrafficChain);

    let internalVerdict = "";
    let externalVerdict = "";
    if (!hasEndpoints) internalVerdict = externalVerdict = `goto ${REJECT_CHAIN}`;
    else {
      if (!hasInternalEndpoints) internalVerdict = "drop";
      if (!hasExternalEndpoints) externalVerdict = "drop";
    }
    const port = String(svc.port);
    const name = svc.nameString;

    t.addElement(CLUSTER_IPS, svc.clusterIP);
    if (hasInternalEndpoints) t.addElement(SERVICE_IPS, `${svc.clusterIP} . ${protocol} . ${port}`, `goto ${internalTrafficChain}`);
    else t.addElement(NO_ENDPOINT_SERVICES, `${svc.clusterIP} . ${protocol} . ${port}`, internalVerdict, name);

    for (const ip of svc.externalIPs) {
      if (hasEndpoints) t.addElement(SERVICE_IPS, `${ip} . ${protocol} . ${port}`, `goto ${externalTrafficChain}`);
      if (!hasExternalEndpoints) t.addElement(NO_ENDPOINT_SERVICES, `${ip} . ${protocol} . ${port}`, externalVerdict, name);
    }

    const usesFWChain = svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
    if (usesFWChain) useChain(fwChain);
    for (const lbip of svc.loadBalancerVIPs) {
      if (hasEndpoints) t.addElement(SERVICE_IPS, `${lbip} . ${protocol} . ${port}`, `goto ${externalTrafficChain}`);
      if (usesFWChain) t.addElement(FIREWALL_IPS, `${lbip} . ${protocol} . ${port}`, `goto ${fwChain}`);
    }
    if (!hasExternalEndpoints) {
      for (const lbip of svc.loadBalancerVIPs) t.addElement(NO_ENDPOINT_SERVICES, `${lbip} . ${protocol} . ${port}`, externalVerdict, name);
    }

    if (svc.nodePort !== 0) {
      const np = `${protocol} . ${svc.nodePort}`;
      if (hasEndpoints) t.addElement(SERVICE_NODEPORTS, np, `goto ${externalTrafficChain}`);
      if (!hasExternalEndpoints) t.addElement(NO_ENDPOINT_NODEPORTS, np, externalVerdict, name);
    }

    const rule = (chain: string, text: string, comment?: string): void => {
      t.addRule(chain, text, comment);
      rules++;
    };

    if (hasInternalEndpoints) {
      if (opt.masqueradeAll) rule(internalTrafficChain, `ip daddr ${svc.clusterIP} jump ${MARK_MASQ}`);
      else if (opt.clusterCIDR !== undefined) rule(internalTrafficChain, `ip daddr ${svc.clusterIP} ip saddr != ${opt.clusterCIDR} jump ${MARK_MASQ}`);
    }

    if (usesExternalTrafficChain) {
      if (!svc.externalPolicyLocal) rule(externalTrafficChain, `jump ${MARK_MASQ}`);
      else {
        if (opt.clusterCIDR !== undefined) rule(externalTrafficChain, `ip saddr ${opt.clusterCIDR} goto ${clusterPolicyChain}`, "short-circuit pod traffic");
        rule(externalTrafficChain, `fib saddr type local jump ${MARK_MASQ}`, "masquerade local traffic");
        rule(externalTrafficChain, `fib saddr type local goto ${clusterPolicyChain}`, "short-circuit local traffic");
      }
      if (hasExternalEndpoints) rule(externalTrafficChain, `goto ${externalPolicyChain}`);
    }

    if (usesFWChain) {
      const sources = svc.loadBalancerSourceRanges.map((c) => c.text);
      const allowFromNode = opt.nodeIP !== undefined && svc.loadBalancerSourceRanges.some((c) => ((opt.nodeIP as number) & c.prefix.mask) >>> 0 === c.prefix.addr);
      if (allowFromNode) sources.push(...svc.loadBalancerVIPs);
      rule(fwChain, `ip saddr != { ${sources.join(" , ")} } drop`);
    }

    if (svc.sessionAffinityClientIP) {
      for (const ep of allReachableEndpoints) {
        t.addSet("affinity-" + epBase(ep), { isMap: false, type: "ipv4_addr", flags: ["dynamic", "timeout"], timeoutSeconds: svc.stickyMaxAgeSeconds });
      }
    }

    const writeServiceToEndpointRules = (chain: string, endpoints: readonly EndpointInfo[]): void => {
      if (svc.sessionAffinityClientIP) {
        for (const ep of endpoints) rule(chain, `ip saddr @affinity-${epBase(ep)} goto endpoint-${epBase(ep)}`);
      }
      const elements = endpoints.map((ep, i) => `${i} : goto endpoint-${epBase(ep)}`).join(" , ");
      rule(chain, `numgen random mod ${endpoints.length} vmap { ${elements} }`);
    };
    if (usesClusterPolicyChain) writeServiceToEndpointRules(clusterPolicyChain, clusterEndpoints);
    if (usesLocalPolicyChain) writeServiceToEndpointRules(localPolicyChain, localEndpoints);

    for (const ep of allReachableEndpoints) {
      const c = "endpoint-" + epBase(ep);
      rule(c, `ip saddr ${ep.ip} jump ${MARK_MASQ}`);
      if (svc.sessionAffinityClientIP) rule(c, `update @affinity-${epBase(ep)} { ip saddr }`);
      rule(c, `meta l4proto ${protocol} dnat to ${ep.endpoint}`);
    }
  }

  // kube-proxy flushes stale chains now and deletes them a second later; unreferenced, they are gone at once here.
  for (const c of t.chainNames()) if (isServiceChainName(c) && !activeChains.has(c)) t.deleteChain(c);
  for (const s of t.setNames()) if (isAffinitySetName(s) && !activeAffinitySets.has(s)) t.deleteSet(s);
  t.validate();
  return { chains: t.chainNames().length, sets: t.setNames().length, serviceRules: rules };
}
