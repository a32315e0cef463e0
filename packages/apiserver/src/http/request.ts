import type { IncomingMessage } from "node:http";
import type { RestRequest } from "../rest/types";
import { badRequest, requestEntityTooLarge, unsupportedMediaType, type FailureStatus } from "./status";

/** kube-apiserver's `--max-request-body-bytes` default (3 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

// What create and update decode (apiserver's JSON and YAML serializers; svclab
// has no protobuf), and the patch types of a built-in resource, in the order
// the installer lists them.
const BODY_MEDIA_TYPES = ["application/json", "application/yaml"] as const;
const PATCH_MEDIA_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;

/** A request the front refuses before the handler sees it. */
export class RequestRejected extends Error {
  constructor(readonly status: FailureStatus) {
    super(status.message);
  }
}

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
  if (!raw.startsWith("/")) throw new RequestRejected(badRequest(`malformed request target "${raw}"`));
  const mark = raw.indexOf("?");
  const rawPath = mark < 0 ? raw : raw.slice(0, mark);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new RequestRejected(badRequest(`invalid URL escape in "${rawPath}"`));
  }
  return { path, query: new URLSearchParams(mark < 0 ? "" : raw.slice(mark + 1)) };
}

/** The media type without parameters (`application/json; charset=utf-8` is JSON). */
function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return "";
  const semicolon = contentType.indexOf(";");
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * The checks kube-apiserver makes on a write's Content-Type before decoding:
 * a PATCH must name one of the patch types; a create, update or delete body
 * must be JSON or YAML, and no Content-Type at all means JSON
 * (`NegotiateInputSerializerForMediaType`).
 */
export function checkContentType(method: string, contentType: string | undefined, hasBody: boolean): void {
  const type = mediaType(contentType);
  if (method === "PATCH") {
    if (!(PATCH_MEDIA_TYPES as readonly string[]).includes(type)) throw new RequestRejected(unsupportedMediaType(PATCH_MEDIA_TYPES));
    return;
  }
  const decodesBody = method === "POST" || method === "PUT" || (method === "DELETE" && hasBody);
  if (decodesBody && type !== "" && !(BODY_MEDIA_TYPES as readonly string[]).includes(type)) {
    throw new RequestRejected(unsupportedMediaType(BODY_MEDIA_TYPES));
  }
}

/**
 * Reads the body up to `limit` bytes, as `limitedReadBody` does: a declared
 * Content-Length over the limit is refused before anything is read.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) return Promise.reject(new RequestRejected(requestEntityTooLarge(limit)));
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
        reject(new RequestRejected(requestEntityTooLarge(limit)));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!refused) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

/** Everything the handler needs from a request that is not an upgrade. */
export async function toRestRequest(req: IncomingMessage, maxBodyBytes: number): Promise<RestRequest> {
  const method = (req.method ?? "GET").toUpperCase();
  const { path, query } = parseTarget(req.url);
  const headers = restHeaders(req);
  const hasBody = Number(headers["content-length"] ?? "0") > 0 || headers["transfer-encoding"] !== undefined;
  checkContentType(method, headers["content-type"], hasBody);
  const body = await readBody(req, maxBodyBytes);
  return { method, path, query, headers, body };
}
