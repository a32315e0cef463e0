/**
 * The per-service-port decisions both rule writers take before writing
 * anything (the top of the service loop in syncProxyRules, identical in the
 * iptables and nftables proxiers): which policy chains exist, whether
 * internal and external traffic have endpoints, and which chain each kind of
 * traffic goes to ("cluster" or "local").
 */

import type { ServicePortInfo } from "./service-port";
import type { CategorizedEndpoints } from "./topology";

export interface TrafficPolicy {
  readonly usesClusterPolicyChain: boolean;
  readonly usesLocalPolicyChain: boolean;
  /** The chain ClusterIP traffic goes to. */
  readonly internalPolicy: "cluster" | "local";
  readonly hasInternalEndpoints: boolean;
  /** The chain NodePort / LoadBalancer / external-IP traffic ends in. */
  readonly externalPolicy: "cluster" | "local";
  readonly hasExternalEndpoints: boolean;
  /** The external chain exists even without external endpoints, for the short-circuit rules. */
  readonly usesExternalTrafficChain: boolean;
}

export function trafficPolicy(svc: ServicePortInfo, c: CategorizedEndpoints): TrafficPolicy {
  const noLocal = c.localEndpoints.length === 0;
  return {
    usesClusterPolicyChain: c.clusterEndpoints.length > 0 && svc.usesClusterEndpoints,
    usesLocalPolicyChain: !noLocal && svc.usesLocalEndpoints,
    internalPolicy: svc.internalPolicyLocal ? "local" : "cluster",
    hasInternalEndpoints: c.hasAnyEndpoints && !(svc.internalPolicyLocal && noLocal),
    externalPolicy: svc.externalPolicyLocal ? "local" : "cluster",
    hasExternalEndpoints: c.hasAnyEndpoints && !(svc.externalPolicyLocal && noLocal),
    usesExternalTrafficChain: c.hasAnyEndpoints && svc.externallyAccessible,
  };
}
