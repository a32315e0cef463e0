/**
 * Which endpoints a node uses for a service port (pkg/proxy/topology.go
 * CategorizeEndpoints): Ready endpoints, narrowed by topology hints when every
 * ready endpoint carries one for this node or zone, falling back to
 * serving-and-terminating endpoints when nothing is ready, separately for the
 * Cluster and the Local traffic policy.
 */

import type { EndpointInfo } from "./endpoints";
import type { ServicePortInfo } from "./service-port";

export interface CategorizedEndpoints {
  readonly clusterEndpoints: readonly EndpointInfo[];
  readonly localEndpoints: readonly EndpointInfo[];
  readonly allReachableEndpoints: readonly EndpointInfo[];
  readonly hasAnyEndpoints: boolean;
}

type TopologyMode = "" | "PreferSameNode" | "PreferSameZone";

function topologyMode(endpoints: readonly EndpointInfo[], nodeName: string, zone: string, nodeHints: boolean): TopologyMode {
  let forNode = false;
  let allNode = true;
  let forZone = false;
  let allZone = true;
  for (const ep of endpoints) {
    if (!ep.ready) continue;
    if (ep.nodeHints.size === 0) allNode = false;
    else if (ep.nodeHints.has(nodeName)) forNode = true;
    if (ep.zoneHints.size === 0) allZone = false;
    else if (ep.zoneHints.has(zone)) forZone = true;
  }
  if (nodeHints && allNode && forNode) return "PreferSameNode";
  if (allZone && forZone) return "PreferSameZone";
  return "";
}

function available(ep: EndpointInfo, mode: TopologyMode, nodeName: string, zone: string): boolean {
  if (mode === "PreferSameNode") return ep.nodeHints.has(nodeName);
  if (mode === "PreferSameZone") return ep.zoneHints.has(zone);
  return true;
}

export function categorizeEndpoints(
  endpoints: readonly EndpointInfo[],
  svc: ServicePortInfo,
  nodeName: string,
  nodeLabels: Readonly<Record<string, string>>,
  nodeHints: boolean,
): CategorizedEndpoints {
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;
  let mode: TopologyMode = "";
  let useServingTerminating = false;
  if (svc.usesClusterEndpoints) {
    const zone = nodeLabels["topology.kubernetes.io/zone"] ?? "";
    mode = topologyMode(endpoints, nodeName, zone, nodeHints);
    clusterEndpoints = endpoints.filter((ep) => ep.ready && available(ep, mode, nodeName, zone));
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((ep) => ep.serving && ep.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!svc.usesLocalEndpoints) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  }
  let localReady = false;
  let localServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAnyEndpoints = true;
      if (ep.isLocal) localReady = true;
    } else if (ep.serving && ep.terminating) {
      hasAnyEndpoints = true;
      if (ep.isLocal) localServingTerminating = true;
    }
  }
  if (localReady) {
    localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.ready);
  } else if (localServingTerminating) {
    useServingTerminating = true;
    localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.serving && ep.terminating);
  }
  if (!svc.usesClusterEndpoints) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  }
  if (mode === "" && !useServingTerminating) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  }
  // The union; kube-proxy builds it from a Go map (unordered), we keep IP:port order.
  const merged = new Map<string, EndpointInfo>();
  for (const ep of clusterEndpoints) merged.set(ep.endpoint, ep);
  for (const ep of localEndpoints) merged.set(ep.endpoint, ep);
  const allReachableEndpoints = [...merged.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  return { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints };
}
