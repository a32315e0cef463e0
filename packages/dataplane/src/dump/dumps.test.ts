import { describe, expect, it } from "vitest";
import { clusterIPService, endpoint, node, slice } from "../control/test-support/fixtures";

function kubernetesService() {
  const { dp, clock } = node();
  dp.applyService({
    metadata: { name: "kubernetes", namespace: "default" },
    spec: { type: "ClusterIP", clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP" }] },
  });
  dp.applyEndpointSlice({
    metadata: { name: "kubernetes", namespace: "default", labels: { "kubernetes.io/service-name": "kubernetes" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["172.18.0.2"], conditions: { ready: true } }],
    ports: [{ name: "https", port: 6443, protocol: "TCP" }],
  });
  return { dp, clock };
}

describe("cilium-dbg service list", () => {
  it("prints the realized frontends like the CLI, trailing padding included", () => {
    const { dp } = kubernetesService();
    expect(dp.serviceList()).toBe(
      "ID   Frontend            Service Type   Backend                             \n" +
        "1    10.96.0.1:443/TCP   ClusterIP      1 => 172.18.0.2:6443/TCP (active)   \n",
    );
  });

  it("lists NodePort surrogate and node-address frontends, states, and empty services", () => {
    const { dp } = node();
    dp.applyService({
      metadata: { name: "web", namespace: "default" },
      spec: { type: "NodePort", clusterIP: "10.96.0.20", ports: [{ port: 80, nodePort: 30080 }] },
    });
    dp.applyEndpointSlice(
      slice("web", [endpoint("10.244.1.1", "node-a"), endpoint("10.244.1.2", "node-a", { ready: false, terminating: true })], 8080),
    );
    dp.applyService(clusterIPService("empty", "10.96.0.30"));
    const lines = dp.serviceList().split("\n");
    expect(lines.map((l) => l.trimEnd())).toEqual([
      "ID   Frontend               Service Type   Backend",
      "1    0.0.0.0:30080/TCP      NodePort       1 => 10.244.1.1:8080/TCP (active)",
      "                                           2 => 10.244.1.2:8080/TCP (terminating)",
      "2    172.18.0.2:30080/TCP   NodePort       1 => 10.244.1.1:8080/TCP (active)",
      "                                           2 => 10.244.1.2:8080/TCP (terminating)",
      "3    10.96.0.20:80/TCP      ClusterIP      1 => 10.244.1.1:8080/TCP (active)",
      "                                           2 => 10.244.1.2:8080/TCP (terminating)",
      "4    10.96.0.30:80/TCP      ClusterIP",
      "",
    ]);
  });
});

describe("cilium-dbg bpf lb list", () => {
  it("prints master entries with flags and slots with backends", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", "10.96.50.104", { affinity: 42 }));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a")], 80));
    // Column 2 is as wide as its longest cell (the master entry, which ends in a space) plus 3.
    const master = "0.0.0.0:0 (1) (0) [ClusterIP, sessionAffinity, non-routable] ";
    const col2 = master.length + 3;
    expect(dp.lbList()).toBe(
      "SERVICE ADDRESS           " + "BACKEND ADDRESS (REVNAT_ID) (SLOT)".padEnd(col2) + "\n" +
        "10.96.50.104:0/ANY (0)    " + "0.0.0.0:0 (0) (0) [ClusterIP, non-routable] ".padEnd(col2) + "\n" +
        "10.96.50.104:80/TCP (0)   " + master.padEnd(col2) + "\n" +
        "10.96.50.104:80/TCP (1)   " + "10.244.1.1:80/TCP (1) (1)".padEnd(col2) + "\n",
    );
  });
});

describe("affinity and conntrack dumps", () => {
  it("show client, backend, age and expiry", () => {
    const { dp, clock } = node();
    dp.applyService(clusterIPService("echo", "10.96.50.104", { affinity: 100 }));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a")], 80));
    dp.connect({ path: "east-west", client: "10.0.0.1", clientPort: 40000, address: "10.96.50.104", port: 80, syn: false });
    clock.advance(30);
    expect(dp.affinityDump()).toEqual([
      "client 10.0.0.1 -> 10.96.50.104:80 (rev_nat 1) => 10.244.1.1:80 (id 1) last_used=1000 age=30s expires_in=70s",
    ]);
    expect(dp.conntrackDump()).toEqual([
      "TCP 10.0.0.1:40000 -> 10.96.50.104:80 SERVICE => 10.244.1.1:80 (id 1) rev_nat=1 expires=9000 (in 7970s)",
    ]);
    clock.advance(70);
    expect(dp.affinityDump()[0]).toMatch(/age=100s expired$/);
  });
});
