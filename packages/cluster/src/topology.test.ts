import { describe, expect, it } from "vitest";
import { formatIPv4 } from "./net/ip";
import { resolveTopology, topologyFromConfig } from "./topology";

describe("resolveTopology", () => {
  it("defaults to the book's kind cluster", () => {
    const t = resolveTopology();
    expect(t.nodes.map((n) => [n.name, n.role, formatIPv4(n.internalIP), `${formatIPv4(n.podCIDR.base)}/${n.podCIDR.prefix}`])).toEqual([
      ["kind-control-plane", "control-plane", "172.18.0.2", "10.244.0.0/24"],
      ["kind-worker", "worker", "172.18.0.3", "10.244.1.0/24"],
      ["kind-worker2", "worker", "172.18.0.4", "10.244.2.0/24"],
      ["kind-worker3", "worker", "172.18.0.5", "10.244.3.0/24"],
    ]);
    expect(formatIPv4(t.externalHost)).toBe("172.18.0.1");
    expect(t.dataplane).toEqual({ mapSize: 65536, algorithm: "random", maglevTableSize: 16381, mode: "snat", socketLB: true });
  });

  it("rejects bad settings with a clear error", () => {
    expect(() => resolveTopology({ dataplane: { maglevTableSize: 1000 } })).toThrow("maglev table size 1000 is not one of");
    expect(() => resolveTopology({ nodes: [{ name: "a" }, { name: "a" }] })).toThrow("duplicate node name a");
    expect(() => resolveTopology({ serviceCIDR: "10.96.0.0" })).toThrow("invalid CIDR address: 10.96.0.0");
  });

  it("reads kind's cluster config", () => {
    const t = resolveTopology(
      topologyFromConfig({
        kind: "Cluster",
        apiVersion: "kind.x-k8s.io/v1alpha4",
        name: "lab",
        nodes: [{ role: "control-plane" }, { role: "worker", labels: { "topology.kubernetes.io/zone": "a" } }, { role: "worker" }],
        networking: { podSubnet: "10.200.0.0/16", serviceSubnet: "10.100.0.0/16" },
      }),
    );
    expect(t.nodes.map((n) => [n.name, n.zone])).toEqual([
      ["lab-control-plane", undefined],
      ["lab-worker", "a"],
      ["lab-worker2", undefined],
    ]);
    expect(formatIPv4(t.serviceCIDR.base)).toBe("10.100.0.0");
    expect(formatIPv4(t.nodes[2]?.podCIDR.base ?? 0)).toBe("10.200.2.0");
  });
});
