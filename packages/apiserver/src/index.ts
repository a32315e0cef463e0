/**
 * @svclab/apiserver: the simulated kube-apiserver. Transports (in-process
 * calls, HTTP(S)) hand requests to a `RestHandler` and relay its answers.
 */
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
export { DEFAULT_MAX_BODY_BYTES } from "./http/request";
export {
  kubeconfigKey,
  kubeconfigPaths,
  kubeconfigPathForMerge,
  writeKubeconfig,
  removeKubeconfigEntries,
} from "./http/kubeconfig";
export type { KubeconfigEntry, KubeconfigLocation } from "./http/kubeconfig";
