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

/** The answer for a path no API group serves (apierrors.NewGenericServerResponse with an empty body). */
export function resourceNotFoundError(): StatusError {
  return failure("NotFound", 404, "the server could not find the requested resource", {});
}

/** apierrors.NewMethodNotSupported's generic form. */
export function methodNotAllowedError(): StatusError {
  return failure("MethodNotAllowed", 405, "the server does not allow this method on the requested resource", {});
}

/** negotiation.NewUnsupportedMediaTypeError: a body in a format the endpoint does not decode. */
export function unsupportedMediaTypeError(accepted: readonly string[]): StatusError {
  return failure("UnsupportedMediaType", 415, `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`, {});
}

/** negotiation.NewNotAcceptableError: no answer in a format the client accepts. */
export function notAcceptableError(accepted: readonly string[]): StatusError {
  return failure("NotAcceptable", 406, `only the following media types are accepted: ${accepted.join(", ")}`, {});
}

/** apierrors.NewResourceExpired: a watch from a resourceVersion older than the event history. */
export function expiredError(message: string): StatusError {
  return failure("Expired", 410, message, {});
}

/** The kubelet's answer for a container that is not running (kubectl prints it after "unable to upgrade connection: "). */
export function containerNotFoundError(container: string): StatusError {
  return failure("NotFound", 404, `container not found (${JSON.stringify(container)})`, {});
}
