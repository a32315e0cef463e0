/**
 * kube-scheduler's loop: every pod without a node and not being deleted is
 * placed by `selectNode` and bound (the binding subresource), or marked
 * unschedulable with the scheduler's message and retried when nodes or
 * pods change.
 */
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { SeededRandom } from "@svclab/sim";
import { KINDS, type ApiServer } from "@svclab/apiserver";
import type { EventLoop } from "@svclab/sim";
import { isPodActive } from "./replicaset";
import { selectNode, type NodeLoad } from "./scheduling";
import { controllerUid, keyOf, splitKey, WorkQueue } from "./work-queue";

export class Scheduler {
  private readonly queue: WorkQueue;
  private readonly unschedulable = new Set<string>();

  constructor(
    private readonly api: ApiServer,
    loop: EventLoop,
    private readonly rng: SeededRandom,
    private readonly bind: (pod: Pod, node: string) => void,
  ) {
    this.queue = new WorkQueue(loop, (k) => this.schedule(k));
    api.watch<Pod>(KINDS.pod, (e) => {
      if (e.type === "DELETED") {
        this.unschedulable.delete(keyOf(e.object));
        // Freed room: retry pods that did not fit.
        for (const k of this.unschedulable) this.queue.add(k);
        return;
      }
      if (!e.object.spec?.nodeName) this.queue.add(keyOf(e.object));
    });
    api.watch<Node>(KINDS.node, () => {
      for (const k of this.unschedulable) this.queue.add(k);
    });
  }

  private schedule(key: string): void {
    const [ns, name] = splitKey(key);
    const pod = this.api.tryGet<Pod>(KINDS.pod, ns, name);
    if (pod === undefined || pod.spec?.nodeName || pod.metadata?.deletionTimestamp !== undefined) {
      this.unschedulable.delete(key);
      return;
    }
    const owner = controllerUid(pod);
    const bound = this.api.list<Pod>(KINDS.pod).filter((p) => p.spec?.nodeName && isPodActive(p));
    const loads: NodeLoad[] = this.api.list<Node>(KINDS.node).map((node) => {
      const onNode = bound.filter((p) => p.spec?.nodeName === node.metadata?.name);
      return { node, pods: onNode.length, siblings: owner === undefined ? 0 : onNode.filter((p) => controllerUid(p) === owner).length };
    });
    const result = selectNode(pod, loads, (n) => this.rng.intBelow(n));
    if ("node" in result) {
      this.unschedulable.delete(key);
      this.bind(pod, result.node);
      return;
    }
    this.unschedulable.add(key);
    const cond = { type: "PodScheduled", status: "False", reason: "Unschedulable", message: result.message, lastProbeTime: null };
    const prev = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    if (prev?.message === result.message) return;
    this.api.updateStatus(KINDS.pod, { ...pod, status: { ...pod.status, phase: "Pending", conditions: [cond as never] } });
  }
}
