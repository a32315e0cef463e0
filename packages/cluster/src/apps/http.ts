/**
 * The HTTP exchange between simulated clients and simulated apps. Requests
 * carry what a server can see of the connection (remote address after any
 * NAT, local address), the way a socket does.
 */

export interface HttpRequest {
  readonly method: string;
  /** Raw request-target: path with query string. */
  readonly path: string;
  /** Header names in lowercase. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The server side of one TCP connection as the app's socket reports it. */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}

const REASONS: Record<number, string> = {
  200: "OK",
  404: "Not Found",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? "";
}

export function response(status: number, headers: Record<string, string>, body: string): HttpResponse {
  return { status, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) }, body };
}
