/**
 * Request-level checks every endpoint shares: body size, media types of
 * bodies and answers, and the query parameters of writes (dryRun,
 * fieldManager, fieldValidation), each refused with the server's text.
 */
import { fieldInvalid, fieldNotSupported, fieldTooLong, invalidError, StatusError, type FieldValidation, type KindInfo, type PatchType } from "@svclab/manifest";
import { notAcceptableError, unsupportedMediaTypeError } from "../api/errors";

/** The API server's request body limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const BODY_TYPES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const PATCH_TYPES: Record<string, PatchType | "apply"> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};
const ANSWER_TYPES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

export function tooLarge(body: string): StatusError | undefined {
  if (Buffer.byteLength(body) <= MAX_BODY_BYTES) return undefined;
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Request entity too large: limit is ${MAX_BODY_BYTES}`, reason: "RequestEntityTooLarge", code: 413 });
}

function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

/** A POST/PUT body's format: JSON (the default), YAML or Kubernetes' protobuf. */
export function bodyFormat(contentType: string | undefined): "json" | "yaml" | "protobuf" {
  const t = mediaType(contentType);
  if (t === "" || t === "application/json" || t === "*/*") return "json";
  if (t === "application/yaml") return "yaml";
  if (t === "application/vnd.kubernetes.protobuf") return "protobuf";
  throw unsupportedMediaTypeError(BODY_TYPES);
}

/** A PATCH body's patch type, from its Content-Type. */
export function patchType(contentType: string | undefined): PatchType | "apply" {
  const t = PATCH_TYPES[mediaType(contentType)];
  if (t === undefined) throw unsupportedMediaTypeError(Object.keys(PATCH_TYPES));
  return t;
}

/** One media range of an Accept header, with its parameters. */
interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

function mediaRanges(accept: string | undefined): MediaRange[] {
  if (accept === undefined || accept.trim() === "") return [{ type: "*/*", params: {} }];
  return accept.split(",").map((r) => {
    const [type, ...params] = r.split(";").map((p) => p.trim());
    const ps: Record<string, string> = {};
    for (const p of params) {
      const eq = p.indexOf("=");
      if (eq > 0) ps[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1);
    }
    return { type: (type ?? "").toLowerCase(), params: ps };
  });
}

export type Answer = "object" | "table" | "discovery";

const PROTOBUF = "application/vnd.kubernetes.protobuf";

/** Whether the client takes nothing but protobuf: only then is an answer not JSON. */
export function requiresProtobuf(accept: string | undefined): boolean {
  const ranges = accept === undefined || accept.trim() === "" ? [] : mediaRanges(accept);
  return ranges.length > 0 && ranges.every((r) => r.type === PROTOBUF && r.params.as === undefined);
}

/**
 * What the client accepts, in its order of preference: a Table
 * (`as=Table;g=meta.k8s.io;v=v1`), aggregated discovery (when `discovery`
 * is allowed), or the object itself.
 */
export function negotiate(accept: string | undefined, allowed: { table?: boolean; discovery?: boolean }): Answer {
  for (const r of mediaRanges(accept)) {
    const as = r.params.as;
    if (as === "Table") {
      if (allowed.table && r.params.g === "meta.k8s.io" && r.params.v === "v1" && r.type === "application/json") return "table";
      continue;
    }
    if (as === "APIGroupDiscoveryList") {
      if (allowed.discovery && r.params.g === "apidiscovery.k8s.io" && r.params.v === "v2") return "discovery";
      continue;
    }
    if (as !== undefined) continue;
    if (r.type === "*/*" || r.type === "application/*" || r.type === "application/json" || r.type === "application/yaml" || r.type === "application/vnd.kubernetes.protobuf") return "object";
  }
  throw notAcceptableError(ANSWER_TYPES);
}

export interface WriteParams {
  readonly dryRun: boolean;
  readonly fieldManager: string | undefined;
  readonly fieldValidation: FieldValidation;
}

/** ValidateCreateOptions / ValidatePatchOptions over the query. */
export function writeParams(query: URLSearchParams, optionsKind: "CreateOptions" | "UpdateOptions" | "PatchOptions" | "DeleteOptions"): WriteParams {
  const errs = [];
  const dryRuns = query.getAll("dryRun");
  for (const d of dryRuns) if (d !== "All") errs.push(fieldNotSupported("dryRun", d, ["All"]));
  const fieldManager = query.get("fieldManager") ?? undefined;
  if (fieldManager !== undefined && Buffer.byteLength(fieldManager) > 128) errs.push(fieldTooLong("fieldManager", fieldManager, 128));
  if (fieldManager !== undefined && /[^\x20-\x7e]/.test(fieldManager)) errs.push(fieldInvalid("fieldManager", fieldManager, "must only contain printable characters"));
  const v = query.get("fieldValidation") ?? "";
  const fieldValidation = v === "" ? "Warn" : v;
  const known = fieldValidation === "Strict" || fieldValidation === "Warn" || fieldValidation === "Ignore";
  if (!known) errs.push(fieldNotSupported("fieldValidation", v, ["Ignore", "Strict", "Warn"]));
  // The options kinds are meta.k8s.io's, which @svclab/manifest's KindInfo does not list.
  if (errs.length > 0) throw invalidError({ kind: optionsKind, group: "meta.k8s.io" } as unknown as Pick<KindInfo, "kind" | "group">, "", errs);
  return { dryRun: dryRuns.length > 0, fieldManager, fieldValidation: fieldValidation as FieldValidation };
}
