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
import { BY_NODE, BY_NODE_AND_CONTROLLER, byNode, byNodeAndController, nodeControllerValue } from "./indexes";
import type { Informer, SharedInformers } from "./informer";
import { selectNode, type NodeLoad } from "./scheduling";
import { controllerUid, keyOf, splitKey, WorkQueue } from "./work-queue";
import type { SchedulerEventRecorder } from "../events/recorder";

export class Scheduler {
  private readonly queue: WorkQueue;
  private readonly unschedulable = new Set<string>();
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;

  constructor(
    private readonly api: ApiServer,
    informers: SharedInformers,
    loop: EventLoop,
    private readonly rng: SeededRandom,
    private readonly bind: (pod: Pod, node: string) => void,
    /** schedule_one.go's events: Scheduled on binding, FailedScheduling when no node fits. */
    private readonly events?: SchedulerEventRecorder,
  ) {
    this.pods = informers.for<Pod>(KINDS.pod);
    this.pods.addIndex(BY_NODE, byNode);
    this.pods.addIndex(BY_NODE_AND_CONTROLLER, byNodeAndController);
    this.nodes = informers.for<Node>(KINDS.node);
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
    const pod = this.pods.get(ns, name);
    if (pod === undefined || pod.spec?.nodeName || pod.metadata?.deletionTimestamp !== undefined) {
      this.unschedulable.delete(key);
      return;
    }
    const owner = controllerUid(pod);
    // Per-node counters, as the scheduler's cache keeps them: bound active pods, and those of the pod's owner.
    const loads: NodeLoad[] = this.nodes.list().map((node) => {
      const nodeName = node.metadata?.name ?? "";
      return {
        node,
        pods: this.pods.countByIndex(BY_NODE, nodeName),
        siblings: owner === undefined ? 0 : this.pods.countByIndex(BY_NODE_AND_CONTROLLER, nodeControllerValue(nodeName, owner)),
      };
    });
    const result = selectNode(pod, loads, (n) => this.rng.intBelow(n));
    if ("node" in result) {
      this.unschedulable.delete(key);
      this.bind(pod, result.node);
      this.events?.event(pod, "Normal", "Scheduled", "Binding", `Successfully assigned ${ns}/${name} to ${result.node}`);
      return;
    }
    this.unschedulable.add(key);
    const cond = { type: "PodScheduled", status: "False", reason: "Unschedulable", message: result.message, lastProbeTime: null };
    const prev = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    if (prev?.message === result.message) return;
    this.events?.event(pod, "Warning", "FailedScheduling", "Scheduling", result.message);
    this.api.updateStatus(KINDS.pod, { ...pod, status: { ...pod.status, phase: "Pending", conditions: [cond as never] } });
  }
}
