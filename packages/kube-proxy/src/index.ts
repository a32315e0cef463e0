/**
 * @svclab/kube-proxy: a per-node model of kube-proxy's Linux proxiers. Feed a
 * proxier Services, EndpointSlices and its Node through the Provider
 * handlers, sync(), then ask it where packets go: each decision comes from
 * walking the rules kube-proxy would have written, with netfilter conntrack
 * keeping established flows on their backend.
 */

// The Service proxy contract every mode implements.
export type {
  ServiceProxy,
  ProxyMode,
  Protocol,
  PacketRequest,
  PacketDecision,
  TraceStep,
  FlowRef,
  SyncResult,
  HealthCheckResponse,
} from "./proxy/provider";
export type { KubeProxyOptions } from "./proxy/config";

// Modes.
export { createKubeProxy, SUPPORTED_PROXY_MODES } from "./create";
export { IptablesProxier } from "./iptables/proxier";
export { NftablesProxier } from "./nftables/proxier";
export { IpvsProxier } from "./ipvs/proxier";

// IPVS's kernel table (virtual servers, persistence templates) and the ip sets IPVS mode matches in iptables rules.
export { IpvsTable, DEFAULT_IPVS_TIMEOUTS } from "./ipvs/ipvs";
export { IpSets } from "./netfilter/ipset";
export type { IpSetType } from "./netfilter/ipset";
export type { VirtualServerSpec, RealServerSpec, IpvsTimeouts, IpvsProto, IpvsConn, IpvsConnState, ScheduleResult } from "./ipvs/ipvs";

// What kube-proxy derives from the API objects.
export { servicePortsOf, shouldSkipService } from "./proxy/service-port";
export type { ServicePortInfo, L4Protocol } from "./proxy/service-port";
export type { EndpointInfo } from "./proxy/endpoints";
export { categorizeEndpoints } from "./proxy/topology";
export type { CategorizedEndpoints } from "./proxy/topology";
export { portProtoHash, endpointChainName, servicePortNameString } from "./proxy/names";

// The netfilter model, usable on its own (iptables-restore / iptables-save / conntrack).
export { IptablesTables, IptablesRestoreError } from "./netfilter/tables";
export type { TableName, Chain, Policy } from "./netfilter/tables";
export { DEFAULT_CONNTRACK_TIMEOUTS, conntrackSummary } from "./netfilter/conntrack";
export type { ConntrackTimeouts } from "./netfilter/conntrack";
export { DEFAULT_RECENT_LIMITS } from "./netfilter/recent";
export type { RecentLimits } from "./netfilter/recent";
