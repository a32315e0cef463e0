/**
 * The failure Statuses the HTTP front answers by itself, before the
 * `RestHandler` is asked: authentication and the body limit. Their texts are
 * kube-apiserver's (the authentication filter's `NewUnauthorized`, and
 * `limitedReadBody`), so the real kubectl prints its usual lines for them.
 */
import { StatusError } from "@svclab/manifest";

/** `apierrors.NewUnauthorized("Unauthorized")`; kubectl prints "You must be logged in to the server (Unauthorized)". */
export function unauthorizedError(): StatusError {
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
}

/** `NewRequestEntityTooLargeError(fmt.Sprintf("limit is %d", limit))`. */
export function requestEntityTooLargeError(limit: number): StatusError {
  return new StatusError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `Request entity too large: limit is ${limit}`,
    reason: "RequestEntityTooLarge",
    code: 413,
  });
}
