/**
 * @svclab/cluster: a whole simulated Kubernetes cluster in one process.
 * `createCluster()` boots the book's kind cluster (a tainted control plane
 * and three workers, each with a Cilium dataplane); `apply` takes YAML as
 * kubectl does; `curl` sends a request along the real path and returns the
 * response with its hop-by-hop trace; `advance` / `settle` / `waitFor`
 * move the virtual clock.
 */
export { Cluster, createCluster, readTopologyFile } from "./cluster/cluster";
export type { ClusterOptions, ApplyResult, ApplyOptions, WaitOptions, ClusterNode, ResourceArg } from "./cluster/cluster";
export type { ApplyAction } from "./cluster/apply";
export type { DeleteOptions, ListOptions, WriteResult, WatchEvent, WatchEventType, WatchHandler } from "@svclab/apiserver";
export type { ClientSpec, CurlResult, RequestOptions } from "./traffic/network";
export { Connection, KERNEL_CONNECT_TIMEOUT_SECONDS } from "./traffic/network";
export type { TraceHop } from "./traffic/trace";
export { formatTrace } from "./traffic/trace";
export type { HttpRequest, HttpResponse } from "./apps/http";
export type { DnsQuery, Resolution } from "./dns/coredns";
export { resolveTopology, topologyFromConfig } from "./topology";
export type { Topology, TopologyOptions, NodeOptions, NodeTopology, DataplaneOptions, NodeRole, LBAlgorithm, ForwardingMode } from "./topology";
export { computeHash, safeEncodeString } from "@svclab/apiserver";
export type { ExecTarget } from "./cluster/cluster";
export type { ProcessResult } from "./node/container-runtime";
export { ShellDeterminism } from "./node/shell-determinism";
export type { ShellClock } from "./node/shell-determinism";
export { curl } from "./apps/tools/curl";
export { dig, nslookupBind, nslookupBusybox } from "./apps/tools/dns";
export { wget } from "./apps/tools/wget";
export type { Tool, ToolContext, ToolHost, ToolResult } from "./apps/tools/tool";
export { KUBE_PROXY_MODES } from "./proxy/service-proxy";
export type { KubeProxyMode, NodeServiceProxy, NodeCommandResult, ProxyDecision, ProxyError, ProxyFlow } from "./proxy/service-proxy";
