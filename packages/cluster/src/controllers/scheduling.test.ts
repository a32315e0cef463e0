import { describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { selectNode, tolerates } from "./scheduling";

const cp: Node = {
  metadata: { name: "kind-control-plane" },
  spec: { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] },
};
const worker = (name: string): Node => ({ metadata: { name } });
const pod: Pod = { metadata: { name: "p" }, spec: { containers: [] } };

describe("scheduling", () => {
  it("never places an untolerating pod on the tainted control plane and prefers the least loaded node", () => {
    const loads = [
      { node: cp, pods: 0, siblings: 0 },
      { node: worker("kind-worker"), pods: 3, siblings: 1 },
      { node: worker("kind-worker2"), pods: 1, siblings: 1 },
      { node: worker("kind-worker3"), pods: 0, siblings: 2 },
    ];
    expect(selectNode(pod, loads, () => 0)).toEqual({ node: "kind-worker2" });
  });

  it("breaks ties with the random source", () => {
    const loads = [1, 2, 3].map((i) => ({ node: worker(`w${i}`), pods: 0, siblings: 0 }));
    expect(selectNode(pod, loads, (n) => n - 1)).toEqual({ node: "w3" });
  });

  it("reports why nothing fits", () => {
    expect(selectNode(pod, [{ node: cp, pods: 0, siblings: 0 }], () => 0)).toEqual({
      message:
        "0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    });
  });

  it("filters nodes at their allocatable pod count (NodeResourcesFit, kubelet --max-pods)", () => {
    const full = (name: string, pods: number): Node => ({ metadata: { name }, status: { allocatable: { pods: String(pods) } } });
    const loads = [
      { node: cp, pods: 2, siblings: 0 },
      { node: full("w1", 3), pods: 3, siblings: 0 },
      { node: full("w2", 4), pods: 3, siblings: 3 },
    ];
    expect(selectNode(pod, loads, () => 0)).toEqual({ node: "w2" });
    expect(selectNode(pod, loads.slice(0, 2), () => 0)).toEqual({
      message:
        "0/2 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    });
  });

  it.each([
    [{ operator: "Exists" }, true],
    [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }, true],
    [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoExecute" }, false],
    [{ key: "other", operator: "Exists" }, false],
  ])("toleration %j matches the control-plane taint: %s", (t, ok) => {
    expect(tolerates([t], { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" })).toBe(ok);
  });
});
