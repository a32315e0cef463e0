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
