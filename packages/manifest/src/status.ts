// API errors as metav1.Status (what a REST server would return) and the way
// kubectl renders them (k8s.io/kubectl/pkg/cmd/util/helpers.go: checkErr,
// StandardErrorMessage, MultilineError, AddSourceToErr).
import type { Status, StatusCause } from "kubernetes-types/meta/v1";
import type { KindInfo } from "./kinds";
import { goQuote } from "./gofmt";
import type { FieldError } from "./validation/field";

export type StatusReason =
  | "BadRequest"
  | "Invalid"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Forbidden"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "UnsupportedMediaType"
  | "RequestEntityTooLarge"
  | "Unauthorized"
  | "Expired"
  | "InternalError";

/** An error the API server answers with a failure Status. */
export class StatusError extends Error {
  override readonly name = "StatusError";
  constructor(readonly status: Status & { reason: StatusReason; code: number; message: string }) {
    super(status.message);
  }
  get reason(): StatusReason {
    return this.status.reason;
  }
  get code(): number {
    return this.status.code;
  }
}

/** An error kubectl raises itself, printed as-is (one or more lines). */
export class KubectlError extends Error {
  override readonly name = "KubectlError";
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
  }
}

function failure(reason: StatusReason, code: number, message: string, details?: Status["details"]): StatusError {
  const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  return new StatusError(details === undefined ? status : { ...status, details });
}

function groupKind(kind: Pick<KindInfo, "kind" | "group">): string {
  return kind.group === "" ? kind.kind : `${kind.kind}.${kind.group}`;
}

/** apierrors.NewInvalid: 422 with one cause per field error. */
export function invalidError(kind: Pick<KindInfo, "kind" | "group"> | undefined, name: string, errs: readonly FieldError[]): StatusError {
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: e.body(), field: e.field }));
  const gk = kind === undefined ? "" : groupKind(kind);
  const agg = errs.length === 1 ? errs[0]!.toString() : `[${errs.map(String).join(", ")}]`;
  const message = errs.length === 0 ? `${gk} ${goQuote(name)} is invalid` : `${gk} ${goQuote(name)} is invalid: ${agg}`;
  return failure("Invalid", 422, message, { group: kind?.group ?? "", kind: kind?.kind ?? "", name, causes });
}

export function badRequestError(message: string): StatusError {
  return failure("BadRequest", 400, message);
}

/** The create/update handler's transformDecodeError. */
export function decodingError(kind: string, version: string, cause: string): StatusError {
  return badRequestError(`${kind} in version ${goQuote(version)} cannot be handled as a ${kind}: ${cause}`);
}

function resourceName(kind: Pick<KindInfo, "resource" | "group">): string {
  return kind.group === "" ? kind.resource : `${kind.resource}.${kind.group}`;
}

export function notFoundError(kind: Pick<KindInfo, "kind" | "resource" | "group">, name: string): StatusError {
  return failure("NotFound", 404, `${resourceName(kind)} ${goQuote(name)} not found`, {
    name,
    group: kind.group,
    kind: kind.resource,
  });
}

export function alreadyExistsError(kind: Pick<KindInfo, "kind" | "resource" | "group">, name: string): StatusError {
  return failure("AlreadyExists", 409, `${resourceName(kind)} ${goQuote(name)} already exists`, {
    name,
    group: kind.group,
    kind: kind.resource,
  });
}

export function conflictError(kind: Pick<KindInfo, "kind" | "resource" | "group">, name: string, cause: string): StatusError {
  return failure("Conflict", 409, `Operation cannot be fulfilled on ${resourceName(kind)} ${goQuote(name)}: ${cause}`, {
    name,
    group: kind.group,
    kind: kind.resource,
  });
}

export interface KubectlErrorContext {
  /** kubectl's gerund for AddSourceToErr: "creating", "replacing", "applying patch", ... */
  readonly verb?: string;
  /** The -f source, e.g. `sample-session-affinity.yaml`. */
  readonly file?: string;
}

/** The text kubectl writes to stderr for this error (no trailing newline). */
export function renderKubectlError(err: unknown, ctx: KubectlErrorContext = {}): string {
  if (err instanceof KubectlError) return err.message;
  if (!(err instanceof StatusError)) return `error: ${err instanceof Error ? err.message : String(err)}`;
  const s = err.status;
  // cmdutil.StandardErrorMessage: a 401 is the one Status kubectl words itself.
  if (s.reason === "Unauthorized") return `error: You must be logged in to the server (${s.message})`;
  if (s.reason === "Invalid") {
    const d = s.details;
    let head = "The request is invalid";
    if (d === undefined) return head;
    if ((d.kind ?? "") !== "" || (d.name ?? "") !== "") head = `The ${d.kind ?? ""} ${goQuote(d.name ?? "")} is invalid`;
    const causes = d.causes ?? [];
    if (causes.length === 0) return head;
    const lines = causes.map((c) => `${c.field ?? ""}: ${c.message ?? ""}`);
    if (lines.length === 1) return `${head}: ${lines[0]}`;
    return `${head}: \n${lines.map((l) => `* ${l}`).join("\n")}`;
  }
  const message =
    ctx.file !== undefined && ctx.file !== "" && ctx.verb !== undefined
      ? `error when ${ctx.verb} ${goQuote(ctx.file)}: ${s.message}`
      : s.message;
  return `Error from server (${s.reason}): ${message}`;
}
