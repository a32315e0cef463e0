/**
 * The agent's desired state, after Cilium's pkg/loadbalancer data model:
 * a Service carries the policies (traffic policies, session affinity, source
 * ranges), a Frontend is one address+port+proto+scope that the datapath must
 * answer for, and a Backend is one address+port+proto with one instance per
 * service that references it (port names, state, node, zone).
 */

import type { L4Type } from "./addr";

/** Cilium's SVCType: the kind of frontend (a Kubernetes Service yields several). */
export type SVCType = "ClusterIP" | "NodePort" | "ExternalIPs" | "LoadBalancer" | "HostPort" | "LocalRedirect";

export type TrafficPolicy = "Cluster" | "Local";

/**
 * Backend states in Cilium's order. `terminating` backends (serving while
 * terminating) are the fallback when no backend is active;
 * `terminating-not-serving` ones never receive new flows.
 */
export type BackendState = "active" | "terminating" | "terminating-not-serving" | "quarantined" | "maintenance";

export const BACKEND_STATE_ORDER: Readonly<Record<BackendState, number>> = {
  active: 0,
  terminating: 1,
  "terminating-not-serving": 2,
  quarantined: 3,
  maintenance: 4,
};

/** Lookup scopes of the service key: external (default) and internal (east-west of a two-scope service). */
export const SCOPE_EXTERNAL = 0;
export const SCOPE_INTERNAL = 1;
export type Scope = typeof SCOPE_EXTERNAL | typeof SCOPE_INTERNAL;

/** A service as the writer accepts it; omitted fields take Kubernetes' defaults. */
export interface ServiceParams {
  /** "namespace/name". */
  name: string;
  extTrafficPolicy?: TrafficPolicy;
  intTrafficPolicy?: TrafficPolicy;
  /** sessionAffinity: ClientIP. */
  sessionAffinity?: boolean;
  /** sessionAffinityConfig.clientIP.timeoutSeconds (default 10800). */
  sessionAffinityTimeoutSec?: number;
  /** loadBalancerSourceRanges (IPv4 CIDRs). */
  sourceRanges?: readonly string[];
  healthCheckNodePort?: number;
  /** Service port name -> port (Cilium's PortNames). */
  portNames?: Readonly<Record<string, number>>;
  /** `service.cilium.io/src-ranges-policy: deny`: the source ranges list who is refused. */
  sourceRangesPolicy?: SourceRangesPolicy;
  /** `service.cilium.io/lb-algorithm`: overrides `--bpf-lb-algorithm` for this service. */
  lbAlgorithm?: "random" | "maglev";
  /** `service.cilium.io/forwarding-mode`: overrides `--bpf-lb-mode` for this service. */
  forwardingMode?: "snat" | "dsr";
  /** spec.loadBalancerClass. */
  loadBalancerClass?: string;
  /** PreferClose from spec.trafficDistribution or the topology annotations. */
  trafficDistribution?: "PreferClose";
  /** NAT46/64 translation (Cilium's NatPolicy). */
  natPolicy?: "NAT46" | "NAT64";
  /** L7 proxy port the frontends redirect to (Cilium's ProxyRedirect), 0 for none. */
  proxyRedirectPort?: number;
}

export type SourceRangesPolicy = "allow" | "deny";

export interface Service {
  readonly name: string;
  readonly extTrafficPolicy: TrafficPolicy;
  readonly intTrafficPolicy: TrafficPolicy;
  readonly sessionAffinity: boolean;
  readonly sessionAffinityTimeoutSec: number;
  readonly sourceRanges: readonly string[];
  readonly healthCheckNodePort: number;
  readonly portNames: Readonly<Record<string, number>>;
  readonly sourceRangesPolicy: SourceRangesPolicy;
  readonly lbAlgorithm: "random" | "maglev" | undefined;
  readonly forwardingMode: "snat" | "dsr" | undefined;
  readonly loadBalancerClass: string | undefined;
  readonly trafficDistribution: "PreferClose" | undefined;
  readonly natPolicy: "NAT46" | "NAT64" | undefined;
  readonly proxyRedirectPort: number;
}

export interface FrontendParams {
  /** IPv4 address; "0.0.0.0" for the NodePort surrogate that is expanded to the node addresses. */
  address: string;
  port: number;
  protocol: L4Type;
  type: SVCType;
  /** The service port's name; backends are matched on it ("" matches any). */
  portName?: string;
  scope?: Scope;
}

export interface BackendParams {
  address: string;
  port: number;
  protocol: L4Type;
  /** EndpointSlice port names this address+port serves. */
  portNames?: readonly string[];
  state?: BackendState;
  /** EndpointSlice endpoint nodeName. */
  nodeName?: string;
  zone?: string;
  /** Failed health checks: the slot is kept but quarantined. */
  unhealthy?: boolean;
  /** Maglev weight (Cilium's default 100; the EndpointSlice's service.cilium.io/weight). */
  weight?: number;
}

export const DEFAULT_AFFINITY_TIMEOUT_SEC = 10800;

export function newService(p: ServiceParams): Service {
  if (!/^[^/]+\/[^/]+$/.test(p.name)) {
    throw new Error(`invalid service name "${p.name}": expected "namespace/name"`);
  }
  const timeout = p.sessionAffinityTimeoutSec ?? DEFAULT_AFFINITY_TIMEOUT_SEC;
  // 0 is what the agent stores when the frontend comes without a timeout (TestBPFOps); the API server refuses it earlier.
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > 86400) {
    throw new Error(
      `spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: ${timeout}: must be greater than 0 and less than 86400`,
    );
  }
  return {
    name: p.name,
    extTrafficPolicy: p.extTrafficPolicy ?? "Cluster",
    intTrafficPolicy: p.intTrafficPolicy ?? "Cluster",
    sessionAffinity: p.sessionAffinity ?? false,
    sessionAffinityTimeoutSec: timeout,
    sourceRanges: [...(p.sourceRanges ?? [])],
    healthCheckNodePort: p.healthCheckNodePort ?? 0,
    portNames: { ...(p.portNames ?? {}) },
    sourceRangesPolicy: p.sourceRangesPolicy ?? "allow",
    lbAlgorithm: p.lbAlgorithm,
    forwardingMode: p.forwardingMode,
    loadBalancerClass: p.loadBalancerClass,
    trafficDistribution: p.trafficDistribution,
    natPolicy: p.natPolicy,
    proxyRedirectPort: p.proxyRedirectPort ?? 0,
  };
}

/** Whether eTP=Local and iTP=Local disagree on a frontend that has an external scope. */
export function needsTwoScopes(svc: Service, type: SVCType): boolean {
  return (svc.extTrafficPolicy === "Local") !== (svc.intTrafficPolicy === "Local") && type !== "ClusterIP";
}

/**
 * Whether a frontend only gets this node's backends: the internal scope and
 * ClusterIP follow iTP, every other external-scope frontend follows eTP.
 */
export function isNodeLocalOnly(svc: Service, type: SVCType, scope: Scope): boolean {
  if (type === "ClusterIP" || scope === SCOPE_INTERNAL) return svc.intTrafficPolicy === "Local";
  return svc.extTrafficPolicy === "Local";
}
