/**
 * The API server's request contract, independent of any transport. A
 * `RestHandler` answers one Kubernetes API request; the in-process
 * transport (kubectl inside `svclab run`, notebooks) calls it directly, and
 * the HTTP(S) front (`svclab serve`) turns node:http requests into the same
 * calls. Keeping sockets out of this contract is what lets both transports
 * give byte-identical answers.
 */

/** One API request, as a transport hands it over. */
export interface RestRequest {
  /** Upper-case HTTP verb: GET, POST, PUT, PATCH, DELETE. */
  readonly method: string;
  /** The URL path without the query, e.g. `/api/v1/namespaces/default/pods`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Request headers with lower-case names (`accept`, `content-type`, `authorization`). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The request body as text; "" when there is none. */
  readonly body: string;
  /** The body's bytes, for binary media types (protobuf); `body` as UTF-8 when absent. */
  readonly bytes?: Uint8Array;
}

/** A complete answer: a JSON document (object, list, Table, Status) or plain text. */
export interface RestBody {
  readonly kind: "body";
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body's bytes when it is binary (protobuf); then `body` is "". */
  readonly bytes?: Uint8Array;
}

/** Where a streamed answer goes; the transport owns the socket behind it. */
export interface StreamSink {
  /** One chunk, already framed (a watch event is one JSON line ending in "\n"). */
  write(chunk: string): void;
  /** The server ended the stream (watch timeout, `logs -f` of a stopped container). */
  end(): void;
}

/**
 * A streamed answer: a watch (`?watch=true`) or `logs -f`. The transport calls
 * `open` once with its sink; the returned function is called when the client
 * goes away, and must release every watcher and timer the stream holds.
 */
export interface RestStream {
  readonly kind: "stream";
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  open(sink: StreamSink): () => void;
}

/** The standard streams of an exec session, as the transport relays them. */
export interface ExecStreams {
  /** Everything the client sends on stdin, ending when the client closes stdin ("" when stdin was not asked for). */
  readonly stdin: AsyncIterable<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * `pods/exec` (and `pods/attach`): the API server has checked the pod and
 * container; the transport upgrades the connection (WebSocket
 * `v5.channel.k8s.io` over HTTP, direct calls in-process) and then calls
 * `run`. The result is the process's exit code; the transport reports it the
 * way the kubelet does (a Success Status for 0, `NonZeroExitCode` otherwise).
 * When the runtime cannot start the process, `run` rejects with a
 * StatusError (InternalError), which the transport reports as that Status.
 */
export interface RestExec {
  readonly kind: "exec";
  readonly tty: boolean;
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  run(streams: ExecStreams): Promise<number>;
}

export type RestResponse = RestBody | RestStream | RestExec;

/** Answers API requests. Authentication happens in the transport, before this. */
export interface RestHandler {
  handle(request: RestRequest): Promise<RestResponse>;
}
