/**
 * kube-controller-manager's node lifecycle controller with its taint-based
 * eviction, and the kubelet's node Lease it watches
 * (pkg/controller/nodelifecycle, pkg/controller/tainteviction).
 *
 * The kubelet renews its Lease every 10 s (a quarter of the 40 s lease
 * duration). Every node-monitor-period (5 s) the controller looks at each
 * node; one whose Lease is older than node-monitor-grace-period (40 s, the
 * default up to Kubernetes 1.31; 1.32 raised it to 50 s, kubernetes#126287)
 * gets the Ready condition Unknown ("Kubelet stopped posting node status."),
 * the `node.kubernetes.io/unreachable` taints (NoSchedule, and NoExecute with
 * its timeAdded), and its pods are marked not Ready, so the EndpointSlice
 * controller takes them out of every Service. The NoExecute taint evicts each
 * pod once its toleration runs out: the DefaultTolerationSeconds admission
 * plugin gives every pod 300 s; a pod without a matching toleration goes at
 * once, one tolerating it without tolerationSeconds stays. Evicted pods stay
 * Terminating until their node comes back (nothing there confirms the kill),
 * and their ReplicaSet replaces them elsewhere. When the Lease is renewed again
 * the node is Ready at the next monitor tick and the taints go.
 *
 * The Lease is not an API object here: renewals are implied every 10 s while
 * the kubelet runs, and the controller acts at the monitor tick where it
 * would notice, so an idle cluster costs no timer per renewal.
 */
import type { LegacyEventRecorder } from "../events/recorder";
import type { Node, NodeCondition, Pod, Taint } from "kubernetes-types/core/v1";
import { KINDS, rfc3339, type ApiServer } from "@svclab/apiserver";
import type { EventLoop, TimerHandle } from "@svclab/sim";
import { keyOf } from "./work-queue";

export const NODE_LEASE_RENEW_SECONDS = 10;
export const NODE_MONITOR_PERIOD_SECONDS = 5;
export const NODE_MONITOR_GRACE_PERIOD_SECONDS = 40;
export const TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable";

/** A kubelet's Lease: when it was last renewed. */
export class NodeLease {
  private startedAt = 0;
  private stoppedAt: number | undefined = 0;

  constructor(
    readonly nodeName: string,
    private readonly changed: (lease: NodeLease) => void,
  ) {}

  get renewing(): boolean {
    return this.stoppedAt === undefined;
  }

  start(now: number): void {
    this.startedAt = now;
    this.stoppedAt = undefined;
    this.changed(this);
  }

  stop(now: number): void {
    this.stoppedAt = now;
    this.changed(this);
  }

  /** The last renewal at or before `now`: every 10 s from the kubelet's start while it runs. */
  renewTime(now: number): number {
    const until = this.stoppedAt ?? now;
    return this.startedAt + Math.floor((until - this.startedAt) / NODE_LEASE_RENEW_SECONDS) * NODE_LEASE_RENEW_SECONDS;
  }
}

export class NodeLifecycleController {
  private readonly leases = new Map<string, NodeLease>();
  /** The monitor tick that will act on a node's Lease change. */
  private readonly monitors = new Map<string, TimerHandle>();
  /** Pending evictions by the NoExecute taint, by pod key. */
  private readonly evictions = new Map<string, TimerHandle>();

  constructor(
    private readonly api: ApiServer,
    private readonly loop: EventLoop,
    private readonly wallClock: () => Date,
    /** node-controller's recorder: NodeNotReady (node_lifecycle_controller.go, MarkPodsNotReady). */
    private readonly events?: LegacyEventRecorder,
    /** taint-eviction-controller's recorder: TaintManagerEviction. */
    private readonly evictionEvents?: LegacyEventRecorder,
  ) {
    api.watch<Pod>(KINDS.pod, (e) => {
      const key = keyOf(e.object);
      if (e.type === "DELETED" || e.object.metadata?.deletionTimestamp !== undefined) this.cancelEviction(key);
      else if (e.object.spec?.nodeName && !this.evictions.has(key)) {
        const node = api.tryGet<Node>(KINDS.node, "", e.object.spec.nodeName);
        if (node !== undefined && noExecuteTaint(node) !== undefined) this.scheduleEviction(e.object, node);
      }
    });
  }

  /** The Lease of a node's kubelet. */
  lease(nodeName: string): NodeLease {
    let l = this.leases.get(nodeName);
    if (l === undefined) {
      l = new NodeLease(nodeName, (lease) => this.leaseChanged(lease));
      this.leases.set(nodeName, l);
    }
    return l;
  }

  private leaseChanged(lease: NodeLease): void {
    const name = lease.nodeName;
    this.monitors.get(name)?.cancel();
    this.monitors.delete(name);
    const now = this.loop.now();
    // The controller sees a node as unhealthy once now is after renewTime + grace, at its next tick.
    const due = lease.renewing ? now : lease.renewTime(now) + NODE_MONITOR_GRACE_PERIOD_SECONDS;
    const tick = lease.renewing ? Math.ceil(due / NODE_MONITOR_PERIOD_SECONDS) * NODE_MONITOR_PERIOD_SECONDS : (Math.floor(due / NODE_MONITOR_PERIOD_SECONDS) + 1) * NODE_MONITOR_PERIOD_SECONDS;
    const act = () => {
      this.monitors.delete(name);
      if (lease.renewing) this.markReady(name);
      else this.markUnreachable(name);
    };
    const node = this.api.tryGet<Node>(KINDS.node, "", name);
    if (lease.renewing && (node === undefined || readyStatus(node) === "True")) return;
    this.monitors.set(name, this.loop.after(Math.max(0, tick - now), act));
  }

  private markUnreachable(name: string): void {
    const node = this.api.tryGet<Node>(KINDS.node, "", name);
    if (node === undefined) return;
    const now = rfc3339(this.wallClock());
    const conditions = (node.status?.conditions ?? []).map((c): NodeCondition =>
      c.type === "Ready" && c.status !== "Unknown"
        ? { ...c, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: now }
        : c,
    );
    this.api.updateStatus(KINDS.node, { ...node, status: { ...node.status, conditions } });
    this.events?.event(node, "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
    const taints = (node.spec?.taints ?? []).filter((t) => t.key !== TAINT_NODE_UNREACHABLE);
    taints.push({ key: TAINT_NODE_UNREACHABLE, effect: "NoSchedule", timeAdded: now }, { key: TAINT_NODE_UNREACHABLE, effect: "NoExecute", timeAdded: now });
    this.api.patch(KINDS.node, "", name, "merge", { spec: { taints } });
    const tainted = this.api.get<Node>(KINDS.node, "", name);
    for (const pod of this.podsOn(name)) {
      this.markPodNotReady(pod, now);
      this.scheduleEviction(pod, tainted);
    }
  }

  private markReady(name: string): void {
    const node = this.api.tryGet<Node>(KINDS.node, "", name);
    if (node === undefined) return;
    const now = rfc3339(this.wallClock());
    // What the restarted kubelet posts, and the controller lifting its taints in the same tick.
    const conditions = (node.status?.conditions ?? []).map((c): NodeCondition =>
      c.type === "Ready" ? { ...c, status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastTransitionTime: now } : c,
    );
    this.api.updateStatus(KINDS.node, { ...node, status: { ...node.status, conditions } });
    const taints = (node.spec?.taints ?? []).filter((t) => t.key !== TAINT_NODE_UNREACHABLE);
    this.api.patch(KINDS.node, "", name, "merge", { spec: { taints: taints.length > 0 ? taints : null } });
    for (const pod of this.podsOn(name)) this.cancelEviction(keyOf(pod));
  }

  /** nodelifecycle's MarkPodsNotReady: the Ready condition goes False; the kubelet sets it again when it is back. */
  private markPodNotReady(pod: Pod, now: string): void {
    if (pod.metadata?.deletionTimestamp !== undefined) return;
    const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === "Ready" && c.status !== "False" ? { ...c, status: "False", lastTransitionTime: now } : c));
    this.api.updateStatus(KINDS.pod, { ...pod, status: { ...pod.status, conditions } });
    this.events?.event(pod, "Warning", "NodeNotReady", "Node is not ready");
  }

  /** The taint eviction controller: delete the pod when its toleration of the NoExecute taint runs out. */
  private scheduleEviction(pod: Pod, node: Node): void {
    const taint = noExecuteTaint(node);
    if (taint === undefined || pod.metadata?.deletionTimestamp !== undefined) return;
    const key = keyOf(pod);
    const toleration = (pod.spec?.tolerations ?? []).find(
      (t) => (t.effect === undefined || t.effect === "" || t.effect === "NoExecute") && (t.operator === "Exists" ? !t.key || t.key === taint.key : t.key === taint.key && (t.value ?? "") === (taint.value ?? "")),
    );
    if (toleration !== undefined && toleration.tolerationSeconds === undefined) return;
    const added = taint.timeAdded === undefined ? this.wallClock().getTime() : Date.parse(taint.timeAdded);
    const wait = toleration === undefined ? 0 : Math.max(0, added + Math.max(0, toleration.tolerationSeconds ?? 0) * 1000 - this.wallClock().getTime()) / 1000;
    this.cancelEviction(key);
    this.evictions.set(key, this.loop.after(wait, () => this.evict(key, pod.metadata?.uid)));
  }

  private evict(key: string, uid: string | undefined): void {
    this.evictions.delete(key);
    const slash = key.indexOf("/");
    const ns = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const pod = this.api.tryGet<Pod>(KINDS.pod, ns, name);
    if (pod === undefined || pod.metadata?.uid !== uid || pod.metadata?.deletionTimestamp !== undefined) return;
    const now = rfc3339(this.wallClock());
    const conditions = [
      ...(pod.status?.conditions ?? []).filter((c) => c.type !== "DisruptionTarget"),
      { type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint", lastTransitionTime: now },
    ];
    this.api.updateStatus(KINDS.pod, { ...pod, status: { ...pod.status, conditions } });
    this.evictionEvents?.event(pod, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${ns}/${name}`);
    this.api.delete(KINDS.pod, ns, name);
  }

  private cancelEviction(key: string): void {
    this.evictions.get(key)?.cancel();
    this.evictions.delete(key);
  }

  private podsOn(node: string): Pod[] {
    return this.api.list<Pod>(KINDS.pod).filter((p) => p.spec?.nodeName === node);
  }
}

function readyStatus(node: Node): string | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready")?.status;
}

function noExecuteTaint(node: Node): Taint | undefined {
  return node.spec?.taints?.find((t) => t.key === TAINT_NODE_UNREACHABLE && t.effect === "NoExecute");
}
