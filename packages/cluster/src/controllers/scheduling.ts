/**
 * kube-scheduler's decision for one pod, reduced to what shapes Service
 * experiments: filter nodes (nodeName, nodeSelector, unschedulable, taints
 * the pod does not tolerate), then prefer the node with the fewest pods of
 * the same owner (the default topology spreading), then the fewest pods
 * overall; equal scores are broken at random like the scheduler's
 * selectHost.
 */
import type { Node, Pod, Taint, Toleration } from "kubernetes-types/core/v1";

export function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return t.key === undefined || t.key === "" || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

/** Why the node cannot run the pod, in the scheduler's FailedScheduling wording, or undefined. */
export function unfitReason(pod: Pod, node: Node): string | undefined {
  if (node.spec?.unschedulable) return "node(s) were unschedulable";
  const selector = pod.spec?.nodeSelector ?? {};
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
  }
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
    if (!tolerates(pod.spec?.tolerations ?? [], taint)) {
      return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`;
    }
  }
  return undefined;
}

export interface NodeLoad {
  readonly node: Node;
  /** Pods bound to the node (not yet terminated). */
  readonly pods: number;
  /** Of those, pods with the same controller owner as the pod being scheduled. */
  readonly siblings: number;
}

/** NodeResourcesFit's pod count check against the node's allocatable pods. */
function tooManyPods(l: NodeLoad): string | undefined {
  const allocatable = l.node.status?.allocatable?.pods;
  return allocatable !== undefined && l.pods >= Number(allocatable) ? "Too many pods" : undefined;
}

export type SchedulingResult = { readonly node: string } | { readonly message: string };

/**
 * Picks a node, or returns the FailedScheduling message
 * (`0/4 nodes are available: 1 node(s) had untolerated taint ...`).
 */
export function selectNode(pod: Pod, loads: readonly NodeLoad[], int: (n: number) => number): SchedulingResult {
  const reasons = new Map<string, number>();
  let best: NodeLoad[] = [];
  for (const l of loads) {
    const reason = unfitReason(pod, l.node) ?? tooManyPods(l);
    if (reason !== undefined) {
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      continue;
    }
    const top = best[0];
    if (top === undefined || l.siblings < top.siblings || (l.siblings === top.siblings && l.pods < top.pods)) best = [l];
    else if (l.siblings === top.siblings && l.pods === top.pods) best.push(l);
  }
  if (best.length > 0) return { node: (best[int(best.length)] as NodeLoad).node.metadata?.name ?? "" };
  const parts = [...reasons.entries()].map(([r, n]) => `${n} ${r}`).sort();
  return {
    message: `0/${loads.length} nodes are available: ${parts.join(", ")}. preemption: 0/${loads.length} nodes are available: ${loads.length} Preemption is not helpful for scheduling.`,
  };
}
