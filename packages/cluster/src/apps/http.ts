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

/** UTF-8 length without a round trip through Buffer (bodies are short and mostly ASCII). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/**
 * A response with its Content-Length. An app that builds the body from
 * parts passes their summed length, so a body that is still a concatenation
 * (a V8 cons string) is not flattened just to be measured.
 */
export function response(status: number, headers: Readonly<Record<string, string>>, body: string, byteLength = utf8Length(body)): HttpResponse {
  const h: Record<string, string> = {};
  for (const k in headers) h[k] = headers[k] as string;
  h["Content-Length"] = String(byteLength);
  return { status, headers: h, body };
}
