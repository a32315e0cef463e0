// A node failing and coming back, as `docker stop` / `docker start` do to a
// kind node, against what kube-controller-manager does (node lifecycle
// controller, taint eviction) and what Cilium's datapath then sees.
import { describe, expect, it } from "vitest";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { createCluster, type Cluster } from "../index";
import { e2eBackend } from "../test-support/manifests";
import { isPodReady } from "../controllers/endpoints-model";

function backendPods(c: Cluster): Pod[] {
  return c.list<Pod>("pods").filter((p) => p.metadata?.name?.startsWith("web-"));
}

function readyCondition(c: Cluster, node: string) {
  return c.get<Node>("node", node).status?.conditions?.find((x) => x.type === "Ready");
}

function endpointAddresses(c: Cluster): string[] {
  return c
    .list<EndpointSlice>("endpointslices")
    .filter((s) => s.metadata?.labels?.["kubernetes.io/service-name"] === "web")
    .flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses))
    .sort();
}

function boot(): { c: Cluster; victim: string; url: string } {
  const c = createCluster({ seed: 7 });
  c.apply(e2eBackend("web", "ClusterIP", "None"));
  c.settle();
  const victim = backendPods(c).find((p) => c.get<Pod>("pod", "execpod").spec?.nodeName !== p.spec?.nodeName)?.spec?.nodeName as string;
  return { c, victim, url: `http://${c.get<Service>("service", "web").spec?.clusterIP}/` };
}

describe("a node failing (docker stop) and recovering (docker start)", () => {
  it("goes Ready Unknown after the 40 s grace period, tainted unreachable; its pods leave every Service", () => {
    const { c, victim, url } = boot();
    const lost = backendPods(c).filter((p) => p.spec?.nodeName === victim);
    expect(lost.length).toBeGreaterThan(0);
    const lostIPs = new Set(lost.map((p) => p.status?.podIP));
    const t0 = c.now();
    c.stopNode(victim);
    c.advance(39);
    expect(readyCondition(c, victim)?.status).toBe("True");
    c.waitFor(() => readyCondition(c, victim)?.status === "Unknown", { timeoutSeconds: 60 });
    // Lease renewed every 10 s, grace 40 s, monitor tick every 5 s: noticed 40 to 55 s after the stop.
    expect(c.now() - t0).toBeGreaterThan(40);
    expect(c.now() - t0).toBeLessThanOrEqual(55);
    expect(readyCondition(c, victim)).toMatchObject({ reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." });
    const taints = c.get<Node>("node", victim).spec?.taints ?? [];
    expect(taints.map((t) => `${t.key}:${t.effect}`)).toEqual(["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]);
    for (const p of lost) expect(isPodReady(c.get<Pod>("pod", p.metadata?.name ?? ""))).toBe(false);
    c.advance(1);
    expect(endpointAddresses(c).some((a) => lostIPs.has(a))).toBe(false);
    for (let i = 0; i < 30; i++) {
      const r = c.curl(url, { pod: "execpod" }, { trace: false, connectTimeoutSeconds: 2 });
      expect(r.exitCode).toBe(0);
      expect(lost.map((p) => p.metadata?.name)).not.toContain(r.stdout);
    }
  });

  it("evicts the pods after their 300 s DefaultTolerationSeconds, replaces them elsewhere, and cleans up when the node is back", () => {
    const { c, victim } = boot();
    const lost = backendPods(c).filter((p) => p.spec?.nodeName === victim);
    expect(lost[0]?.spec?.tolerations).toContainEqual({ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
    c.stopNode(victim);
    c.waitFor(() => readyCondition(c, victim)?.status === "Unknown", { timeoutSeconds: 60 });
    c.advance(299);
    for (const p of lost) expect(c.get<Pod>("pod", p.metadata?.name ?? "").metadata?.deletionTimestamp).toBeUndefined();
    c.advance(2);
    for (const p of lost) {
      const now = c.get<Pod>("pod", p.metadata?.name ?? "");
      expect(now.metadata?.deletionTimestamp).toBeDefined();
      expect(now.status?.conditions).toContainEqual(expect.objectContaining({ type: "DisruptionTarget", reason: "DeletionByTaintManager" }));
    }
    c.settle();
    const running = backendPods(c).filter((p) => p.metadata?.deletionTimestamp === undefined);
    expect(running).toHaveLength(3);
    for (const p of running) {
      expect(p.spec?.nodeName).not.toBe(victim);
      expect(isPodReady(p)).toBe(true);
    }
    c.startNode(victim);
    c.settle();
    expect(readyCondition(c, victim)?.status).toBe("True");
    expect(c.get<Node>("node", victim).spec?.taints ?? []).toEqual([]);
    for (const p of lost) expect(() => c.get("pod", p.metadata?.name ?? "")).toThrow(/not found/);
  });

  it("brings a pod that was not evicted back on the node when it returns", () => {
    const { c, victim } = boot();
    const lost = backendPods(c).filter((p) => p.spec?.nodeName === victim);
    c.stopNode(victim);
    c.advance(120);
    c.startNode(victim);
    c.settle();
    for (const p of lost) expect(isPodReady(c.get<Pod>("pod", p.metadata?.name ?? ""))).toBe(true);
    expect(endpointAddresses(c)).toHaveLength(3);
  });
});

describe("a Cilium agent restart", () => {
  it("keeps forwarding with the pinned maps while down, keeps affinity, and drops what was deleted meanwhile once it syncs", () => {
    const c = createCluster({ seed: 9 });
    c.apply(e2eBackend("web", "ClusterIP", "ClientIP"));
    c.settle();
    const url = `http://${c.get<Service>("service", "web").spec?.clusterIP}/`;
    const node = c.get<Pod>("pod", "execpod").spec?.nodeName as string;
    const first = c.curl(url, { pod: "execpod" }, { trace: false }).stdout;
    c.restartAgent(node, { downSeconds: 30 });
    expect(c.curl(url, { pod: "execpod" }, { trace: false }).stdout).toBe(first);
    const otherPod = backendPods(c).find((p) => p.metadata?.name !== first) as Pod;
    const other = otherPod.metadata?.name as string;
    c.delete("pod", other);
    // While the agent is down the node's datapath still lists the deleted pod.
    expect(c.node(node).dataplane.serviceList()).toContain(otherPod.status?.podIP);
    c.advance(31);
    c.settle();
    expect(c.curl(url, { pod: "execpod" }, { trace: false }).stdout).toBe(first);
    const backends = c.node(node).dataplane.serviceList();
    expect(backends).not.toContain(otherPod.status?.podIP);
    for (const ip of endpointAddresses(c)) expect(backends).toContain(ip);
  });
});

describe("a pod network partition", () => {
  it("makes a node's pods unreachable from the other nodes until it heals", () => {
    const { c, victim } = boot();
    const pod = backendPods(c).find((p) => p.spec?.nodeName === victim) as Pod;
    const url = `http://${pod.status?.podIP}:9376/`;
    c.partitionNode(victim);
    const r = c.curl(url, { pod: "execpod" }, { trace: false, connectTimeoutSeconds: 2 });
    expect(r.exitCode).toBe(28);
    c.healPartition(victim);
    expect(c.curl(url, { pod: "execpod" }, { trace: false }).stdout).toBe(pod.metadata?.name);
  });
});
