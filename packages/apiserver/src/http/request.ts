import type { IncomingMessage } from "node:http";
import type { RestRequest } from "../rest/types";
import { badRequestError } from "@svclab/manifest";
import { requestEntityTooLargeError } from "./status";

/** Header names lower-case, repeated headers joined as node joins them. */
export function restHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/**
 * The path and query of a request target. The path is percent-decoded, as
 * Go's `url.URL.Path` is, which is what kube-apiserver routes on; a bad
 * escape is a 400, as it is there.
 */
export function parseTarget(target: string | undefined): { path: string; query: URLSearchParams } {
  const raw = target ?? "/";
  if (!raw.startsWith("/")) throw badRequestError(`malformed request target "${raw}"`);
  const mark = raw.indexOf("?");
  const rawPath = mark < 0 ? raw : raw.slice(0, mark);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw badRequestError(`invalid URL escape in "${rawPath}"`);
  }
  return { path, query: new URLSearchParams(mark < 0 ? "" : raw.slice(mark + 1)) };
}

/**
 * Reads the body up to `limit` bytes, as `limitedReadBody` does: a declared
 * Content-Length over the limit is refused before anything is read.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) return Promise.reject(requestEntityTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(requestEntityTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

/**
 * Everything the handler needs from a request that is not an upgrade. Media
 * types are the handler's to check (the same in-process); the body limit is
 * the transport's, since only it can stop reading.
 */
export async function toRestRequest(req: IncomingMessage, maxBodyBytes: number): Promise<RestRequest> {
  const method = (req.method ?? "GET").toUpperCase();
  const { path, query } = parseTarget(req.url);
  const bytes = await readBody(req, maxBodyBytes);
  return { method, path, query, headers: restHeaders(req), body: bytes.toString("utf8"), bytes };
}
