/**
 * The apierrors constructors @svclab/manifest does not provide (it renders
 * any StatusError the way kubectl does).
 */
import { StatusError, type KindInfo } from "@svclab/manifest";

type Reason = StatusError["status"]["reason"];

function failure(reason: Reason, code: number, message: string, details: StatusError["status"]["details"]): StatusError {
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code, details });
}

/** apierrors.NewInternalError. */
export function internalError(message: string): StatusError {
  return failure("InternalError", 500, `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** apierrors.NewForbidden: `<resource> "<name>" is forbidden: <reason>`. */
export function forbiddenError(kind: Pick<KindInfo, "resource" | "group">, name: string, reason: string): StatusError {
  const resource = kind.group === "" ? kind.resource : `${kind.resource}.${kind.group}`;
  return failure("Forbidden", 403, `${resource} "${name}" is forbidden: ${reason}`, { name, group: kind.group, kind: kind.resource });
}
