/**
 * Which resource a request path names (apiserver's RequestInfoFactory):
 * `/api/v1/...` for the core group, `/apis/{group}/{version}/...` for the
 * others, then `namespaces/{ns}/{resource}[/{name}[/{subresource}]]` or a
 * cluster-wide `{resource}[/{name}[/{subresource}]]`. A namespace's own
 * subresources (`namespaces/{name}/status`, `/finalize`) stay on the
 * namespace.
 */
import type { KindInfo } from "@svclab/manifest";
import { SERVED_KINDS } from "../api/kinds";
import { resourceNotFoundError } from "../api/errors";

export interface ResourceRequest {
  readonly kind: KindInfo;
  /** Undefined for cluster-scoped resources and for lists across namespaces. */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

/** Parses a resource path; undefined when the path is not under /api or /apis. Throws NotFound for unknown resources. */
export function parseResourcePath(path: string): ResourceRequest | undefined {
  const parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1] as string;
    version = parts[2] as string;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] as string)) rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  const kind = SERVED_KINDS.find((k) => k.group === group && k.version === version && k.resource === resource);
  if (kind === undefined || extra.length > 0) throw resourceNotFoundError();
  if (kind.kind === "Namespace") return { kind, namespace: undefined, name: name ?? (rest[0] === "namespaces" ? namespace : undefined), subresource };
  if (!kind.namespaced && namespace !== undefined) throw resourceNotFoundError();
  return { kind, namespace, name, subresource };
}
