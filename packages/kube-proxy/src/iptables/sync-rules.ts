/**
 * What the iptables proxier hands to `iptables-restore --noflush` on a sync
 * (pkg/proxy/iptables/proxier.go syncProxyRules and
 * writeServiceToEndpointRules), line for line: the filter table's REJECT/DROP
 * and firewall rules, the nat table's per-service chains (KUBE-SVC, KUBE-SVL,
 * KUBE-EXT, KUBE-FW) and per-endpoint chains (KUBE-SEP), and `-X` for service
 * chains that are no longer used. Services are written in name order (kube-proxy
 * walks a Go map, so its order varies from sync to sync; the rules do not).
 */

import { endpointChainName, portProtoHash } from "../proxy/names";
import type { ServicePortSnapshot } from "../proxy/state";
import type { EndpointInfo } from "../proxy/endpoints";
import { saveString } from "../netfilter/tokenize";
import { trafficPolicy } from "../proxy/traffic-policy";

export const KUBE_SERVICES = "KUBE-SERVICES";
export const KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
export const KUBE_NODEPORTS = "KUBE-NODEPORTS";
export const KUBE_POSTROUTING = "KUBE-POSTROUTING";
export const KUBE_MARK_MASQ = "KUBE-MARK-MASQ";
export const KUBE_FORWARD = "KUBE-FORWARD";
export const KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
export const KUBE_PROXY_CANARY = "KUBE-PROXY-CANARY";
export const KUBE_FIREWALL = "KUBE-FIREWALL";

/** Above this many endpoints kube-proxy drops per-endpoint comments (largeClusterEndpointsThreshold). */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

const SERVICE_CHAIN_PREFIXES = ["KUBE-SVC-", "KUBE-SVL-", "KUBE-SEP-", "KUBE-FW-", "KUBE-EXT-"];

export function isServiceChainName(name: string): boolean {
  return SERVICE_CHAIN_PREFIXES.some((p) => name.startsWith(p));
}

export interface IptablesSyncOptions {
  /** `0x4000` for masqueradeBit 14. */
  readonly masqueradeMark: string;
  readonly masqueradeAll: boolean;
  /** The pod CIDR of the local-traffic detector (detect-local-mode ClusterCIDR); undefined: not implemented. */
  readonly clusterCIDR: string | undefined;
  readonly localhostNodePorts: boolean;
  /** `--nodeport-addresses` resolved to this node's IPs; undefined: every local address. */
  readonly nodePortIPs: readonly string[] | undefined;
  readonly nodeIP: number | undefined;
  /** iptables supports --random-fully (true on every current distribution, false in kube-proxy's fake). */
  readonly randomFully: boolean;
  /** The nfacct counters exist (kube-proxy then adds `-m nfacct` to two rules). */
  readonly nfacct: boolean;
  readonly conntrackTCPLiberal: boolean;
}

export interface IptablesSyncOutput {
  /** The iptables-restore input. */
  readonly data: string;
  readonly filterRules: number;
  readonly natRules: number;
  readonly natChains: number;
  readonly largeClusterMode: boolean;
}

/** kube-proxy's 1/n probability strings, `%0.10f`. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

const q = (s: string): string => saveString(s);

class LineBuffer {
  readonly lines: string[] = [];
  write(...args: string[]): void {
    this.lines.push(args.join(" "));
  }
}

/** Memoises the sha256 chain names (a sync of 10,000 services computes 50,000 of them). */
export class ChainNames {
  private readonly svc = new Map<string, string>();
  private readonly ep = new Map<string, string>();

  hash(nameString: string, protocol: string): string {
    const k = nameString + "\0" + protocol;
    let h = this.svc.get(k);
    if (h === undefined) this.svc.set(k, (h = portProtoHash(nameString, protocol)));
    return h;
  }

  endpoint(nameString: string, protocol: string, endpoint: string): string {
    const k = nameString + "\0" + protocol + "\0" + endpoint;
    let c = this.ep.get(k);
    if (c === undefined) this.ep.set(k, (c = endpointChainName(nameString, protocol, endpoint)));
    return c;
  }
}

export function buildIptablesRestore(
  snapshot: readonly ServicePortSnapshot[],
  existingNatChains: readonly string[],
  opt: IptablesSyncOptions,
  names: ChainNames,
): IptablesSyncOutput {
  const filterChains = new LineBuffer();
  const filterRules = new LineBuffer();
  const natChains = new LineBuffer();
  const natRules = new LineBuffer();
  const chainLine = (b: LineBuffer, c: string): void => b.write(`:${c} - [0:0]`);
  const mark = opt.masqueradeMark;

  for (const c of [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL]) chainLine(filterChains, c);
  for (const c of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]) chainLine(natChains, c);

  natRules.write("-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", `${mark}/${mark}`, "-j", "RETURN");
  natRules.write("-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", mark);
  natRules.write(
    "-A", KUBE_POSTROUTING, "-m", "comment", "--comment", q("kubernetes service traffic requiring SNAT"),
    "-j", "MASQUERADE", ...(opt.randomFully ? ["--random-fully"] : []),
  );
  natRules.write("-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", mark);

  if (opt.localhostNodePorts) {
    chainLine(filterChains, KUBE_FIREWALL);
    filterRules.write(
      "-A", KUBE_FIREWALL, "-m", "comment", "--comment", q("block incoming localnet connections"),
      "-d", "127.0.0.0/8", "!", "-s", "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT", "-j", "DROP",
    );
  }

  const activeNatChains = new Set<string>();
  let totalEndpoints = 0;
  for (const s of snapshot) totalEndpoints += s.endpoints.length;
  const largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
  const comment = (c: string): string[] => (largeClusterMode ? [] : ["-m", "comment", "--comment", q(c)]);

  for (const { svc, categorized } of snapshot) {
    const protocol = svc.protocol.toLowerCase();
    const name = svc.nameString;
    const hash = names.hash(name, protocol);
    const clusterPolicyChain = "KUBE-SVC-" + hash;
    const localPolicyChain = "KUBE-SVL-" + hash;
    const externalTrafficChain = "KUBE-EXT-" + hash;
    const fwChain = "KUBE-FW-" + hash;
    const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints: hasEndpoints } = categorized;
    const epChain = (ep: EndpointInfo): string => names.endpoint(name, protocol, ep.endpoint);

    const tp = trafficPolicy(svc, categorized);
    const { usesClusterPolicyChain, usesLocalPolicyChain, hasInternalEndpoints, hasExternalEndpoints, usesExternalTrafficChain } = tp;
    const internalPolicyChain = tp.internalPolicy === "local" ? localPolicyChain : clusterPolicyChain;
    const externalPolicyChain = tp.externalPolicy === "local" ? localPolicyChain : clusterPolicyChain;
    const usesFWChain = hasEndpoints && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
    const loadBalancerTrafficChain = usesFWChain ? fwChain : externalTrafficChain;

    let internalFilterTarget = "";
    let internalFilterComment = "";
    let externalFilterTarget = "";
    let externalFilterComment = "";
    if (!hasEndpoints) {
      internalFilterTarget = externalFilterTarget = "REJECT";
      internalFilterComment = externalFilterComment = q(`${name} has no endpoints`);
    } else {
      if (!hasInternalEndpoints) {
        internalFilterTarget = "DROP";
        internalFilterComment = q(`${name} has no local endpoints`);
      }
      if (!hasExternalEndpoints) {
        externalFilterTarget = "DROP";
        externalFilterComment = q(`${name} has no local endpoints`);
      }
    }
    const port = String(svc.port);

    if (hasInternalEndpoints) {
      natRules.write(
        "-A", KUBE_SERVICES, "-m", "comment", "--comment", q(`${name} cluster IP`),
        "-m", protocol, "-p", protocol, "-d", svc.clusterIP, "--dport", port, "-j", internalPolicyChain,
      );
    } else {
      filterRules.write(
        "-A", KUBE_SERVICES, "-m", "comment", "--comment", internalFilterComment,
        "-m", protocol, "-p", protocol, "-d", svc.clusterIP, "--dport", port, "-j", internalFilterTarget,
      );
    }

    for (const ip of svc.externalIPs) {
      if (hasEndpoints) {
        natRules.write(
          "-A", KUBE_SERVICES, "-m", "comment", "--comment", q(`${name} external IP`),
          "-m", protocol, "-p", protocol, "-d", ip, "--dport", port, "-j", externalTrafficChain,
        );
      }
      if (!hasExternalEndpoints) {
        filterRules.write(
          "-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment", externalFilterComment,
          "-m", protocol, "-p", protocol, "-d", ip, "--dport", port, "-j", externalFilterTarget,
        );
      }
    }

    for (const lbip of svc.loadBalancerVIPs) {
      if (hasEndpoints) {
        natRules.write(
          "-A", KUBE_SERVICES, "-m", "comment", "--comment", q(`${name} loadbalancer IP`),
          "-m", protocol, "-p", protocol, "-d", lbip, "--dport", port, "-j", loadBalancerTrafficChain,
        );
      }
      if (usesFWChain) {
        filterRules.write(
          "-A", KUBE_PROXY_FIREWALL, "-m", "comment", "--comment", q(`${name} traffic not accepted by ${fwChain}`),
          "-m", protocol, "-p", protocol, "-d", lbip, "--dport", port, "-j", "DROP",
        );
      }
    }
    if (!hasExternalEndpoints) {
      for (const lbip of svc.loadBalancerVIPs) {
        filterRules.write(
          "-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment", externalFilterComment,
          "-m", protocol, "-p", protocol, "-d", lbip, "--dport", port, "-j", externalFilterTarget,
        );
      }
    }

    if (svc.nodePort !== 0) {
      const nodePort = String(svc.nodePort);
      if (hasEndpoints) {
        if (opt.localhostNodePorts && opt.nfacct) {
          natRules.write(
            "-A", KUBE_NODEPORTS, "-m", "comment", "--comment", q(name), "-m", protocol, "-p", protocol,
            "-d", "127.0.0.0/8", "--dport", nodePort, "-m", "nfacct", "--nfacct-name", "localhost_nps_accepted_pkts",
            "-j", externalTrafficChain,
          );
        }
        natRules.write(
          "-A", KUBE_NODEPORTS, "-m", "comment", "--comment", q(name), "-m", protocol, "-p", protocol,
          "--dport", nodePort, "-j", externalTrafficChain,
        );
      }
      if (!hasExternalEndpoints) {
        filterRules.write(
          "-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment", externalFilterComment,
          "-m", "addrtype", "--dst-type", "LOCAL", "-m", protocol, "-p", protocol, "--dport", nodePort, "-j", externalFilterTarget,
        );
      }
    }

    if (svc.healthCheckNodePort !== 0) {
      filterRules.write(
        "-A", KUBE_NODEPORTS, "-m", "comment", "--comment", q(`${name} health check node port`),
        "-m", "tcp", "-p", "tcp", "--dport", String(svc.healthCheckNodePort), "-j", "ACCEPT",
      );
    }

    if (hasInternalEndpoints) {
      const args = ["-m", "comment", "--comment", q(`${name} cluster IP`), "-m", protocol, "-p", protocol, "-d", svc.clusterIP, "--dport", port];
      if (opt.masqueradeAll) natRules.write("-A", internalPolicyChain, ...args, "-j", KUBE_MARK_MASQ);
      else if (opt.clusterCIDR !== undefined) natRules.write("-A", internalPolicyChain, ...args, "!", "-s", opt.clusterCIDR, "-j", KUBE_MARK_MASQ);
    }

    if (usesExternalTrafficChain) {
      chainLine(natChains, externalTrafficChain);
      activeNatChains.add(externalTrafficChain);
      if (!svc.externalPolicyLocal) {
        natRules.write(
          "-A", externalTrafficChain, "-m", "comment", "--comment", q(`masquerade traffic for ${name} external destinations`),
          "-j", KUBE_MARK_MASQ,
        );
      } else {
        if (opt.clusterCIDR !== undefined) {
          natRules.write(
            "-A", externalTrafficChain, "-m", "comment", "--comment", q(`pod traffic for ${name} external destinations`),
            "-s", opt.clusterCIDR, "-j", clusterPolicyChain,
          );
        }
        natRules.write(
          "-A", externalTrafficChain, "-m", "comment", "--comment", q(`masquerade LOCAL traffic for ${name} external destinations`),
          "-m", "addrtype", "--src-type", "LOCAL", "-j", KUBE_MARK_MASQ,
        );
        natRules.write(
          "-A", externalTrafficChain, "-m", "comment", "--comment", q(`route LOCAL traffic for ${name} external destinations`),
          "-m", "addrtype", "--src-type", "LOCAL", "-j", clusterPolicyChain,
        );
      }
      if (hasExternalEndpoints) natRules.write("-A", externalTrafficChain, "-j", externalPolicyChain);
    }

    if (usesFWChain) {
      chainLine(natChains, fwChain);
      activeNatChains.add(fwChain);
      const args = ["-A", fwChain, "-m", "comment", "--comment", q(`${name} loadbalancer IP`)];
      let allowFromNode = false;
      for (const cidr of svc.loadBalancerSourceRanges) {
        natRules.write(...args, "-s", cidr.text, "-j", externalTrafficChain);
        if (opt.nodeIP !== undefined && ((opt.nodeIP & cidr.prefix.mask) >>> 0) === cidr.prefix.addr) allowFromNode = true;
      }
      if (allowFromNode) for (const lbip of svc.loadBalancerVIPs) natRules.write(...args, "-s", lbip, "-j", externalTrafficChain);
      natRules.write("-A", fwChain, "-m", "comment", "--comment", q(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`));
    }

    const writeServiceToEndpointRules = (chain: string, endpoints: readonly EndpointInfo[]): void => {
      if (svc.sessionAffinityClientIP) {
        for (const ep of endpoints) {
          const c = epChain(ep);
          natRules.write(
            "-A", chain, ...comment(`${name} -> ${ep.endpoint}`),
            "-m", "recent", "--name", c, "--rcheck", "--seconds", String(svc.stickyMaxAgeSeconds), "--reap", "-j", c,
          );
        }
      }
      const n = endpoints.length;
      endpoints.forEach((ep, i) => {
        const stat = i < n - 1 ? ["-m", "statistic", "--mode", "random", "--probability", probability(n - i)] : [];
        natRules.write("-A", chain, ...comment(`${name} -> ${ep.endpoint}`), ...stat, "-j", epChain(ep));
      });
    };

    if (usesClusterPolicyChain) {
      chainLine(natChains, clusterPolicyChain);
      activeNatChains.add(clusterPolicyChain);
      writeServiceToEndpointRules(clusterPolicyChain, clusterEndpoints);
    }
    if (usesLocalPolicyChain) {
      chainLine(natChains, localPolicyChain);
      activeNatChains.add(localPolicyChain);
      writeServiceToEndpointRules(localPolicyChain, localEndpoints);
    }

    for (const ep of allReachableEndpoints) {
      const c = epChain(ep);
      chainLine(natChains, c);
      activeNatChains.add(c);
      const args = ["-A", c, ...(largeClusterMode ? [] : ["-m", "comment", "--comment", q(name)])];
      natRules.write(...args, "-s", ep.ip, "-j", KUBE_MARK_MASQ);
      const affinity = svc.sessionAffinityClientIP ? ["-m", "recent", "--name", c, "--set"] : [];
      natRules.write(...args, ...affinity, "-m", protocol, "-p", protocol, "-j", "DNAT", "--to-destination", ep.endpoint);
    }
  }

  for (const chain of existingNatChains) {
    if (activeNatChains.has(chain) || !isServiceChainName(chain)) continue;
    chainLine(natChains, chain);
    natRules.write("-X", chain);
  }

  const nodeportsComment = q("kubernetes service nodeports; NOTE: this must be the last rule in this chain");
  if (opt.nodePortIPs === undefined) {
    const dest = ["-m", "addrtype", "--dst-type", "LOCAL", ...(opt.localhostNodePorts ? [] : ["!", "-d", "127.0.0.0/8"])];
    natRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", nodeportsComment, ...dest, "-j", KUBE_NODEPORTS);
  } else {
    for (const ip of opt.nodePortIPs) {
      if (ip.startsWith("127.") && !opt.localhostNodePorts) continue;
      natRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", nodeportsComment, "-d", ip, "-j", KUBE_NODEPORTS);
    }
  }

  if (!opt.conntrackTCPLiberal) {
    const acct = opt.nfacct ? ["-m", "nfacct", "--nfacct-name", "ct_state_invalid_dropped_pkts"] : [];
    filterRules.write("-A", KUBE_FORWARD, "-m", "conntrack", "--ctstate", "INVALID", ...acct, "-j", "DROP");
  }
  filterRules.write(
    "-A", KUBE_FORWARD, "-m", "comment", "--comment", q("kubernetes forwarding rules"),
    "-m", "mark", "--mark", `${mark}/${mark}`, "-j", "ACCEPT",
  );
  filterRules.write(
    "-A", KUBE_FORWARD, "-m", "comment", "--comment", q("kubernetes forwarding conntrack rule"),
    "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT",
  );

  const data = [
    "*filter",
    ...filterChains.lines,
    ...filterRules.lines,
    "COMMIT",
    "*nat",
    ...natChains.lines,
    ...natRules.lines,
    "COMMIT",
    "",
  ].join("\n");
  return { data, filterRules: filterRules.lines.length, natRules: natRules.lines.length, natChains: natChains.lines.length, largeClusterMode };
}
