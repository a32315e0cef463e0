/**
 * The pod registry's graceful deletion (pkg/registry/core/pod/strategy.go
 * CheckGracefulDeleteStrategy): a pod on a node gets its grace period (the
 * request's, else spec.terminationGracePeriodSeconds, else 30 s) and stays
 * Terminating until its kubelet confirms; an unscheduled or finished pod is
 * deleted at once.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { ResourceHooks } from "../api/server";

export const podHooks: ResourceHooks<Pod> = {
  gracePeriod(pod, requested) {
    if (!pod.spec?.nodeName) return 0;
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") return 0;
    const grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  },
};
