/** controller.IsPodActive: a pod that still counts towards its owner and holds its node's room. */
import type { Pod } from "kubernetes-types/core/v1";

export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && pod.metadata?.deletionTimestamp === undefined;
}
