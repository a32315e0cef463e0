/**
 * kubectl against the simulated cluster, and the network clients (curl,
 * dig, nslookup, wget) that run in its pods.
 */
export { Kubectl } from "./kubectl";
export type { KubectlCluster } from "./cluster";
export type { FileAccess, KubectlIO, KubectlResult } from "./io";
export { curl } from "./tools/curl";
export { dig, nslookupBind, nslookupBusybox } from "./tools/dns";
export { wget } from "./tools/wget";
export type { Tool, ToolContext, ToolResult } from "./tools/tool";
