/**
 * The `metav1.Status` documents the HTTP front answers by itself, before or
 * instead of the `RestHandler`: authentication, body limits, content types,
 * malformed requests and internal errors. The texts are kube-apiserver's
 * (apimachinery `api/errors`, apiserver `endpoints/handlers`), so the real
 * kubectl prints its usual lines for them.
 */

export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/** The fields of a Failure Status, in the order Go's encoder writes them. */
export interface FailureStatus {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
  readonly causes?: readonly StatusCause[];
}

/** A Status answered over HTTP: `kind` and `apiVersion` included, as `responsewriters.ErrorNegotiated` writes it. */
export function statusJson(status: FailureStatus): string {
  return JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: status.message,
    reason: status.reason,
    ...(status.causes ? { details: { causes: status.causes } } : {}),
    code: status.code,
  });
}

/** `apierrors.NewUnauthorized("Unauthorized")`, which the authentication filter sends; kubectl prints "You must be logged in to the server (Unauthorized)". */
export const unauthorized: FailureStatus = { code: 401, reason: "Unauthorized", message: "Unauthorized" };

/** `limitedReadBody`: `NewRequestEntityTooLargeError(fmt.Sprintf("limit is %d", limit))`. */
export function requestEntityTooLarge(limit: number): FailureStatus {
  return { code: 413, reason: "RequestEntityTooLarge", message: `Request entity too large: limit is ${limit}` };
}

/** `negotiation.NewUnsupportedMediaTypeError(accepted)`. */
export function unsupportedMediaType(accepted: readonly string[]): FailureStatus {
  return {
    code: 415,
    reason: "UnsupportedMediaType",
    message: `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  };
}

/** `apierrors.NewBadRequest(message)`. */
export function badRequest(message: string): FailureStatus {
  return { code: 400, reason: "BadRequest", message };
}

/**
 * `apierrors.NewInternalError(err)`. The cause is deliberately generic: what
 * went wrong inside the server is logged there, never sent to the client.
 */
export function internalError(cause: string): FailureStatus {
  return { code: 500, reason: "InternalError", message: `Internal error occurred: ${cause}`, causes: [{ message: cause }] };
}
