/**
 * The Kubernetes reflector (Cilium's pkg/loadbalancer/reflectors): turns
 * Services and EndpointSlices into writer calls. A Service yields one
 * frontend per port for its ClusterIP, its NodePort (the 0.0.0.0 surrogate,
 * which the reconciler expands to the node addresses), each externalIP and
 * each load-balancer ingress IP, plus internal-scope twins of the
 * non-ClusterIP frontends when eTP=Local and iTP=Local disagree. The
 * EndpointSlices of a service are merged into its backends, with the state
 * read from the endpoint conditions the way kube-proxy reads them.
 *
 * The object types are the structural subset of kubernetes-types that is
 * read, so objects from kubernetes-types (or parsed YAML) fit as they are.
 */

import { parseL4Type } from "./addr";
import {
  SCOPE_EXTERNAL,
  SCOPE_INTERNAL,
  newService,
  needsTwoScopes,
  type BackendParams,
  type BackendState,
  type FrontendParams,
  type ServiceParams,
  type SVCType,
  type TrafficPolicy,
} from "./model";
import type { Writer } from "./writer";

export interface K8sObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export interface K8sServicePort {
  name?: string;
  protocol?: string;
  port: number;
  nodePort?: number;
}

export interface K8sService {
  metadata?: K8sObjectMeta;
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: K8sServicePort[];
    externalIPs?: string[];
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    loadBalancerSourceRanges?: string[];
    healthCheckNodePort?: number;
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

export interface K8sEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  nodeName?: string;
  zone?: string;
}

export interface K8sEndpointSlice {
  metadata?: K8sObjectMeta;
  addressType?: string;
  endpoints?: K8sEndpoint[];
  ports?: Array<{ name?: string | null; port?: number | null; protocol?: string | null }> | null;
}

/** Label that ties an EndpointSlice to its Service. */
export const LABEL_SERVICE_NAME = "kubernetes.io/service-name";

function namespacedName(meta: K8sObjectMeta | undefined, what: string): string {
  const name = meta?.name;
  if (name === undefined || name === "") throw new Error(`${what}: metadata.name: Required value`);
  return `${meta?.namespace ?? "default"}/${name}`;
}

function trafficPolicy(v: string | undefined): TrafficPolicy {
  return v === "Local" ? "Local" : "Cluster";
}

/** The writer input for a Service: its policies and all its frontends. */
export function serviceToFrontends(svc: K8sService): { service: ServiceParams; frontends: FrontendParams[] } {
  const name = namespacedName(svc.metadata, "Service");
  const spec = svc.spec ?? {};
  const type = spec.type ?? "ClusterIP";
  const service: ServiceParams = {
    name,
    extTrafficPolicy: trafficPolicy(spec.externalTrafficPolicy),
    intTrafficPolicy: trafficPolicy(spec.internalTrafficPolicy),
    sessionAffinity: spec.sessionAffinity === "ClientIP",
    // Defaulting drops the config unless the affinity is ClientIP.
    sessionAffinityTimeoutSec:
      spec.sessionAffinity === "ClientIP" ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds : undefined,
    sourceRanges: spec.loadBalancerSourceRanges ?? [],
    healthCheckNodePort: spec.healthCheckNodePort ?? 0,
  };
  const frontends: FrontendParams[] = [];
  if (type === "ExternalName") return { service, frontends };

  const resolved = newService(service);
  const add = (address: string, port: number, protocol: FrontendParams["protocol"], feType: SVCType, portName: string) => {
    frontends.push({ address, port, protocol, type: feType, portName, scope: SCOPE_EXTERNAL });
    if (needsTwoScopes(resolved, feType)) {
      frontends.push({ address, port, protocol, type: feType, portName, scope: SCOPE_INTERNAL });
    }
  };

  const clusterIPs = (spec.clusterIPs ?? (spec.clusterIP !== undefined ? [spec.clusterIP] : [])).filter(
    (ip) => ip !== "" && ip !== "None" && !ip.includes(":"),
  );
  const ingressIPs = (svc.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip)
    .filter((ip): ip is string => ip !== undefined && ip !== "" && !ip.includes(":"));
  for (const p of spec.ports ?? []) {
    const protocol = parseL4Type(p.protocol ?? "TCP");
    const portName = p.name ?? "";
    for (const ip of clusterIPs) add(ip, p.port, protocol, "ClusterIP", portName);
    if ((type === "NodePort" || type === "LoadBalancer") && p.nodePort !== undefined && p.nodePort !== 0) {
      add("0.0.0.0", p.nodePort, protocol, "NodePort", portName);
    }
    for (const ip of spec.externalIPs ?? []) {
      if (!ip.includes(":")) add(ip, p.port, protocol, "ExternalIPs", portName);
    }
    if (type === "LoadBalancer") for (const ip of ingressIPs) add(ip, p.port, protocol, "LoadBalancer", portName);
  }
  return { service, frontends };
}

/**
 * Backend state from EndpointSlice conditions: ready -> active; not ready but
 * serving and terminating -> terminating (the fallback when nothing is
 * ready); terminating and not serving -> terminating-not-serving; otherwise
 * the endpoint is not a backend at all.
 */
export function endpointState(c: K8sEndpoint["conditions"]): BackendState | undefined {
  const ready = c?.ready == null || c.ready;
  const serving = c?.serving == null || c.serving;
  const terminating = c?.terminating === true;
  if (ready && !terminating) return "active";
  if (terminating) return serving ? "terminating" : "terminating-not-serving";
  return undefined;
}

export function endpointSliceToBackends(slice: K8sEndpointSlice): BackendParams[] {
  if (slice.addressType !== undefined && slice.addressType !== "IPv4") return [];
  const out: BackendParams[] = [];
  for (const ep of slice.endpoints ?? []) {
    const state = endpointState(ep.conditions);
    if (state === undefined) continue;
    for (const address of ep.addresses) {
      for (const p of slice.ports ?? []) {
        if (p.port == null) continue;
        out.push({
          address,
          port: p.port,
          protocol: parseL4Type(p.protocol ?? "TCP"),
          portNames: [p.name ?? ""],
          state,
          nodeName: ep.nodeName ?? "",
          zone: ep.zone ?? "",
        });
      }
    }
  }
  return out;
}

/** Feeds a Writer from Services and EndpointSlices, keeping the slices of each service merged. */
export class K8sReflector {
  private readonly slices = new Map<string, Map<string, BackendParams[]>>();

  constructor(private readonly writer: Writer) {}

  upsertService(svc: K8sService): void {
    const { service, frontends } = serviceToFrontends(svc);
    this.writer.upsertService(service, frontends);
  }

  deleteService(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    this.writer.deleteService(key);
    this.slices.delete(key);
  }

  upsertEndpointSlice(slice: K8sEndpointSlice): void {
    const sliceName = namespacedName(slice.metadata, "EndpointSlice");
    const svcName = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
    if (svcName === undefined) return;
    const serviceKey = `${slice.metadata?.namespace ?? "default"}/${svcName}`;
    const backends = endpointSliceToBackends(slice);
    const bySlice = this.slices.get(serviceKey) ?? new Map<string, BackendParams[]>();
    const previous = bySlice.get(sliceName);
    bySlice.set(sliceName, backends);
    try {
      this.writer.setBackends(serviceKey, [...bySlice.values()].flat());
    } catch (err) {
      if (previous === undefined) bySlice.delete(sliceName);
      else bySlice.set(sliceName, previous);
      throw err;
    }
    this.slices.set(serviceKey, bySlice);
  }

  deleteEndpointSlice(slice: K8sEndpointSlice): void {
    const sliceName = namespacedName(slice.metadata, "EndpointSlice");
    const svcName = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
    if (svcName === undefined) return;
    const serviceKey = `${slice.metadata?.namespace ?? "default"}/${svcName}`;
    const bySlice = this.slices.get(serviceKey);
    if (bySlice === undefined || !bySlice.delete(sliceName)) return;
    this.writer.setBackends(serviceKey, [...bySlice.values()].flat());
  }
}
