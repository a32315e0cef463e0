/**
 * @svclab/apiserver: the simulated kube-apiserver. The object store, the
 * registries (admission through @svclab/manifest, the Service IP and node
 * port allocators, graceful pod deletion) and the typed verbs controllers
 * call; transports (in-process calls, HTTP(S)) hand requests to a
 * `RestHandler` and relay its answers.
 */
export { ApiServer } from "./api/server";
export type { DeleteOptions, ListOptions, PatchOptions, WriteOptions, WriteResult, ResourceHooks, Transaction } from "./api/server";
export { KINDS, SERVED_KINDS } from "./api/kinds";
export { forbiddenError, internalError, methodNotAllowedError } from "./api/errors";
export { newUid, rfc3339 } from "./api/metadata";
export { canonicalJson, computeHash, generateName, safeEncodeString } from "./api/names";
export type { IntSource } from "./api/names";
export { parseLabelSelector } from "./api/selector";
export type { ObjectMeta, OwnerReference, StoredObject, WatchEvent, WatchEventType, WatchHandler } from "./store/storage";
export { IPAllocator, PortAllocator, AllocationError } from "./registry/allocators";
export { ServiceRegistry } from "./registry/service-registry";
export { podHooks } from "./registry/pod-registry";
export { eventHooks, DEFAULT_EVENT_TTL_SECONDS } from "./registry/event-registry";
export { buildTable, hasTablePrinter } from "./printers/table";
export type { Table, TableRow, TableOptions, IncludeObject } from "./printers/table";
export type { TableColumnDefinition, TableCell } from "./printers/printers";
export { formatEndpoints, nodeRoles } from "./printers/printers";
export { age, humanDuration, rfc1123z } from "./printers/duration";
export { formatLabels, formatSelector, listWithMore } from "./printers/format";

export { RestServer } from "./rest/handler";
export type { RestServerOptions, Timers } from "./rest/handler";
export type { NodeConnection, ContainerTarget, ExecResult, LogOptions } from "./rest/kubelet";
export { SERVER_VERSION } from "./rest/discovery";

export type {
  RestRequest,
  RestResponse,
  RestBody,
  RestStream,
  RestExec,
  StreamSink,
  ExecStreams,
  RestHandler,
} from "./rest/types";
export { startApiServerHttp } from "./http/server";
export type { ApiServerHttp, ApiServerHttpOptions } from "./http/server";
export { generateServingCertificates } from "./http/certs";
export type { ServingCertificates, ServingCertificateOptions } from "./http/certs";
export {
  kubeconfigKey,
  kubeconfigPaths,
  kubeconfigPathForMerge,
  writeKubeconfig,
  removeKubeconfigEntries,
} from "./http/kubeconfig";
export type { KubeconfigEntry, KubeconfigLocation } from "./http/kubeconfig";
