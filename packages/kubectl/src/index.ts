/**
 * @svclab/kubectl: kubectl's command line (flags, verbs, client-side apply,
 * describe, printing, error texts) as a client of an API server, through an
 * in-process or an HTTP transport.
 */
export { Kubectl } from "./kubectl";
export type { FileAccess, KubectlIO, KubectlResult } from "./io";
export { inProcessClient } from "./client/cluster-client";
export type { ClusterClient, ClientClock } from "./client/cluster-client";
export { ApiClient } from "./client/api-client";
export type { ExecOptions, ExecOutcome, ListOptions, PatchResult, WriteOptions } from "./client/api-client";
export { httpClient, httpTransport, kubeconfigCluster, wallClock } from "./client/http-transport";
export type { HttpClusterConfig } from "./client/http-transport";
