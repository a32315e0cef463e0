// What the node agent hands its dataplane: the cluster's NodePort range and
// Cilium's conntrack GC over both conntrack maps, on the virtual clock.
import { describe, expect, it } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import { createCluster } from "../index";
import { SAMPLE_DEPLOYMENT } from "../test-support/manifests";

const NODEPORT_SVC = `apiVersion: v1
kind: Service
metadata:
  name: sample-np
spec:
  type: NodePort
  selector:
    app: sample-app
  ports:
  - name: udp
    port: 53
    targetPort: 80
    protocol: UDP
  - name: tcp
    port: 8080
    targetPort: 80
`;

describe("node agent and dataplane", () => {
  it("socket LB treats ports of the cluster's --service-node-port-range as NodePorts", { timeout: 60_000 }, () => {
    const c = createCluster({ seed: 61, nodePortRange: "20000-20099" });
    c.apply(SAMPLE_DEPLOYMENT);
    c.apply(NODEPORT_SVC);
    c.settle();
    const ports = c.get<Service>("service", "sample-np").spec?.ports ?? [];
    const nodePort = ports.find((p) => p.name === "tcp")?.nodePort ?? 0;
    expect(nodePort).toBeGreaterThanOrEqual(20000);
    expect(nodePort).toBeLessThanOrEqual(20099);
    const [from, to] = c.nodes().filter((n) => n.name !== "kind-control-plane");
    // A pod dialling another node's address at the NodePort: translated at connect() on its own node.
    const snap = from!.dataplane.connect({ path: "east-west", client: "10.244.1.77", clientPort: 41000, address: to!.internalIP, port: nodePort, netnsCookie: 7 });
    expect(snap.path).toBe("socket");
    expect(snap.backend).toMatch(/^10\.244\.\d\.\d+:80$/);
  });

  it("the agent's conntrack GC sweeps expired UDP entries from cilium_ct_any4_global as well as TCP ones", { timeout: 60_000 }, () => {
    const c = createCluster({ seed: 62 });
    c.apply(SAMPLE_DEPLOYMENT);
    c.apply(NODEPORT_SVC);
    c.settle();
    const ports = c.get<Service>("service", "sample-np").spec?.ports ?? [];
    const node = c.node("kind-worker");
    for (const p of ports) {
      const req = { path: "north-south", client: "172.18.0.1", clientPort: 42000, address: node.internalIP, port: p.nodePort ?? 0, protocol: p.protocol === "UDP" ? "UDP" : "TCP" } as const;
      node.dataplane.connect(req);
      // The handshake's next packet: a TCP entry past SYN lives 8000 s, not the SYN timeout's 60.
      node.dataplane.connect({ ...req, syn: false });
    }
    const flows = () => node.dataplane.conntrackDump().filter((l) => l.includes("172.18.0.1:42000"));
    expect(flows().some((l) => l.startsWith("UDP"))).toBe(true);
    expect(flows().some((l) => l.startsWith("TCP"))).toBe(true);
    // The UDP entry's lifetime (60 s) passes, then the next GC run (every 300 s) removes it; TCP (8000 s) stays.
    c.advance(node.dataplane.conntrackGCInterval + 1);
    expect(flows().some((l) => l.startsWith("UDP"))).toBe(false);
    expect(flows().some((l) => l.startsWith("TCP"))).toBe(true);
    c.advance(8000 + node.dataplane.conntrackGCInterval);
    expect(flows()).toEqual([]);
  });
});
