import { describe, expect, it } from "vitest";
import { type Cidr, formatCidr, formatIPv4 } from "./net/ip";
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

  it.each([
    [{ dataplane: { algorithm: "bogus" as never } }, 'invalid LB algorithm (--bpf-lb-algorithm) "bogus": must be one of random, maglev'],
    [{ dataplane: { mode: "tunnel" as never } }, 'invalid LB mode (--bpf-lb-mode) "tunnel": must be one of snat, dsr, hybrid'],
    [{ dataplane: { mapSize: 0 } }, "invalid LB map size (--bpf-lb-map-max) 0: must be an integer from 1 to 16777216"],
    [{ workers: 2.5 }, "invalid workers 2.5: must be an integer from 0 to 65536"],
    [{ nodePortRange: "30000" }, 'invalid node port range "30000": expected <low>-<high> within 1-65535'],
    [{ podCIDR: "10.96.0.0/12" }, "pod CIDR 10.96.0.0/12 and service CIDR 10.96.0.0/16 overlap"],
    [{ workers: 300 }, "pod CIDR 10.244.0.0/16 holds 256 node ranges of /24 (--node-cidr-mask-size=24); 301 nodes need a pod CIDR of /15 or wider, or a longer mask size"],
    [{ nodeCIDRMaskSize: 23, workers: 128 }, "pod CIDR 10.244.0.0/16 holds 128 node ranges of /23 (--node-cidr-mask-size=23); 129 nodes need a pod CIDR of /15 or wider, or a longer mask size"],
    [{ nodeCIDRMaskSize: 15 }, "node CIDR mask size /15 is larger than the pod CIDR 10.244.0.0/16: it must be /16 or longer"],
    [{ maxPods: 300 }, "node kind-control-plane: max pods 300 exceeds the 253 pod addresses of its range 10.244.0.0/24; use a shorter --node-cidr-mask-size"],
    [{ nodes: [{ podCIDR: "10.0.0.0/24" }] }, "node kind-control-plane: pod range 10.0.0.0/24 is outside the pod CIDR 10.244.0.0/16"],
    [{ nodes: [{ internalIP: "172.18.0.1" }] }, "node kind-control-plane: address 172.18.0.1 is the external host's"],
    [{ nodes: [{ internalIP: "10.0.0.5" }] }, "node kind-control-plane: address 10.0.0.5 is not a host address of the node network 172.18.0.0/16"],
    [{ nodes: [{ name: "a", internalIP: "172.18.0.9" }, { name: "b", internalIP: "172.18.0.9" }] }, "node b: address 172.18.0.9 is already another node's"],
    [{ nodes: [{ role: "master" as never }] }, 'invalid nodes[0].role "master": must be one of control-plane, worker'],
  ])("refuses %j", (opts, message) => {
    expect(() => resolveTopology(opts)).toThrow(message);
  });

  it("cuts one --node-cidr-mask-size block per node, up to the pod CIDR's last", () => {
    const t = resolveTopology({ workers: 255 });
    expect(t.nodes.map((n) => formatCidr(n.podCIDR)).slice(-2)).toEqual(["10.244.254.0/24", "10.244.255.0/24"]);
    const wide = resolveTopology({ workers: 127, nodeCIDRMaskSize: 23, maxPods: 500 });
    expect(wide.nodes.map((n) => formatCidr(n.podCIDR)).slice(0, 2)).toEqual(["10.244.0.0/23", "10.244.2.0/23"]);
    expect(formatCidr((wide.nodes[127] as { podCIDR: Cidr }).podCIDR)).toBe("10.244.254.0/23");
    expect(new Set(wide.nodes.map((n) => n.maxPods))).toEqual(new Set([500]));
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
