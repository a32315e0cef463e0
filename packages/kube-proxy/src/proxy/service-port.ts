/**
 * One port of a Service as kube-proxy's proxiers see it
 * (pkg/proxy/serviceport.go BaseServicePortInfo, newBaseServiceInfo): the
 * addresses it answers on, its traffic policies and affinity, already
 * filtered to the proxier's IP family (svclab models IPv4).
 */

import type { Service, ServicePort } from "kubernetes-types/core/v1";
import { formatIPv4, isIPv4 } from "@svclab/sim";
import { tryParsePrefix4, type Prefix4 } from "../netfilter/addr";
import { servicePortNameString } from "./names";

export type L4Protocol = "TCP" | "UDP" | "SCTP";

export interface ServicePortInfo {
  readonly namespace: string;
  readonly name: string;
  readonly portName: string;
  /** `ns/name:port`, as proxy.ServicePortName.String() prints it. */
  readonly nameString: string;
  readonly clusterIP: string;
  readonly port: number;
  readonly protocol: L4Protocol;
  readonly nodePort: number;
  readonly sessionAffinityClientIP: boolean;
  readonly stickyMaxAgeSeconds: number;
  readonly externalIPs: readonly string[];
  readonly loadBalancerVIPs: readonly string[];
  /** Valid IPv4 source ranges, printed as kube-proxy prints them (`203.0.113.0/25`). */
  readonly loadBalancerSourceRanges: readonly { text: string; prefix: Prefix4 }[];
  readonly healthCheckNodePort: number;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  /** NodePort, LoadBalancer VIPs or external IPs exist. */
  readonly externallyAccessible: boolean;
  /** Cluster endpoints are needed: internal policy Cluster, or any external access (for short-circuiting). */
  readonly usesClusterEndpoints: boolean;
  readonly usesLocalEndpoints: boolean;
}

/** Key of a service port in the service and endpoints maps (ServicePortName with protocol). */
export function servicePortKey(namespace: string, name: string, portName: string, protocol: string): string {
  return `${namespace}/${name}:${portName}/${protocol}`;
}

/** Headless and ExternalName services are not proxied (proxyutil.ShouldSkipService). */
export function shouldSkipService(svc: Service): boolean {
  const spec = svc.spec ?? {};
  if (spec.type === "ExternalName") return true;
  return spec.clusterIP === undefined || spec.clusterIP === "" || spec.clusterIP === "None";
}

function clusterIPv4(svc: Service): string | undefined {
  const spec = svc.spec ?? {};
  const ips = spec.clusterIPs && spec.clusterIPs.length > 0 ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.find(isIPv4);
}

function externalPolicyLocal(svc: Service): boolean {
  const spec = svc.spec ?? {};
  if (spec.type !== "LoadBalancer" && spec.type !== "NodePort") return false;
  return spec.externalTrafficPolicy === "Local";
}

/** The IPv4 service ports of a Service, or none if kube-proxy skips it. */
export function servicePortsOf(svc: Service): ServicePortInfo[] {
  if (shouldSkipService(svc)) return [];
  const clusterIP = clusterIPv4(svc);
  if (clusterIP === undefined) return [];
  const spec = svc.spec ?? {};
  const namespace = svc.metadata?.namespace ?? "default";
  const name = svc.metadata?.name ?? "";
  const eLocal = externalPolicyLocal(svc);
  const iLocal = spec.internalTrafficPolicy === "Local";
  const clientIP = spec.sessionAffinity === "ClientIP";
  // The API server defaults timeoutSeconds to 10800 whenever affinity is ClientIP.
  const sticky = clientIP ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : 0;
  const externalIPs = (spec.externalIPs ?? []).filter(isIPv4);
  const loadBalancerVIPs = (svc.status?.loadBalancer?.ingress ?? [])
    .filter((ing) => ing.ip !== undefined && ing.ip !== "" && (ing.ipMode === undefined || ing.ipMode === "VIP"))
    .map((ing) => ing.ip as string)
    .filter(isIPv4);
  const loadBalancerSourceRanges: { text: string; prefix: Prefix4 }[] = [];
  for (const raw of spec.loadBalancerSourceRanges ?? []) {
    // kube-proxy trims and parses sloppily; what does not parse is ignored.
    const prefix = raw.includes("/") ? tryParsePrefix4(raw.trim()) : undefined;
    if (prefix) loadBalancerSourceRanges.push({ text: `${formatIPv4(prefix.addr)}/${prefix.bits}`, prefix });
  }
  const healthCheckNodePort = spec.type === "LoadBalancer" && eLocal ? (spec.healthCheckNodePort ?? 0) : 0;
  return (spec.ports ?? []).map((p: ServicePort) => {
    const portName = p.name ?? "";
    const nodePort = p.nodePort ?? 0;
    const externallyAccessible = nodePort !== 0 || loadBalancerVIPs.length > 0 || externalIPs.length > 0;
    return {
      namespace,
      name,
      portName,
      nameString: servicePortNameString(namespace, name, portName),
      clusterIP,
      port: p.port,
      protocol: (p.protocol ?? "TCP") as L4Protocol,
      nodePort,
      sessionAffinityClientIP: clientIP,
      stickyMaxAgeSeconds: sticky,
      externalIPs,
      loadBalancerVIPs,
      loadBalancerSourceRanges,
      healthCheckNodePort,
      externalPolicyLocal: eLocal,
      internalPolicyLocal: iLocal,
      externallyAccessible,
      usesClusterEndpoints: !iLocal || externallyAccessible,
      usesLocalEndpoints: iLocal || (eLocal && externallyAccessible),
    };
  });
}
