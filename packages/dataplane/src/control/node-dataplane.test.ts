import { describe, expect, it } from "vitest";
import type { K8sService } from "./reflector";
import { SeededRandom } from "@svclab/sim";
import { endpoint, node, slice } from "./test-support/fixtures";

// The Kubernetes e2e affinity checks (test/e2e/network/service.go): 3 backends answering
// their hostname on 9376, service port 80; 16 requests, affinity holds when the last 15 agree.
const AFFINITY_CONFIRM_COUNT = 15;

function affinityService(type: "ClusterIP" | "NodePort", affinity: boolean, timeout?: number): K8sService {
  return {
    metadata: { name: "affinity", namespace: "default" },
    spec: {
      type,
      clusterIP: "10.96.100.1",
      ports: [{ port: 80, ...(type === "NodePort" ? { nodePort: 30100 } : {}) }],
      sessionAffinity: affinity ? "ClientIP" : "None",
      ...(timeout !== undefined ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: timeout } } } : {}),
    },
  };
}

function setup(type: "ClusterIP" | "NodePort", affinity: boolean, timeout?: number) {
  const n = node();
  n.dp.applyService(affinityService(type, affinity, timeout));
  n.dp.applyEndpointSlice(
    slice("affinity", [endpoint("10.244.1.1", "node-a"), endpoint("10.244.2.1", "node-b"), endpoint("10.244.3.1", "node-c")]),
  );
  let port = 40000;
  const request =
    type === "NodePort"
      ? () => n.dp.connect({ path: "north-south", client: "172.18.0.9", clientPort: port++, address: "172.18.0.2", port: 30100 }).backend
      : () => n.dp.connect({ path: "east-west", client: "10.244.1.77", clientPort: port++, address: "10.96.100.1", port: 80, netnsCookie: 7 }).backend;
  return { ...n, request };
}

function affinityHolds(request: () => string): boolean {
  const hosts = Array.from({ length: AFFINITY_CONFIRM_COUNT + 1 }, request);
  return new Set(hosts.slice(1)).size === 1;
}

describe("Kubernetes e2e session affinity scenarios", () => {
  for (const type of ["ClusterIP", "NodePort"] as const) {
    it(`${type}: affinity holds with ClientIP and not without it`, () => {
      expect(affinityHolds(setup(type, true).request)).toBe(true);
      expect(affinityHolds(setup(type, false).request)).toBe(false);
    });

    it(`${type}: affinity breaks after timeoutSeconds (125 s, probing every 130 s)`, () => {
      const { request, clock } = setup(type, true, 125);
      expect(affinityHolds(request)).toBe(true);
      const seen = new Set<string>([request()]);
      for (let i = 0; i < 10 && seen.size < 2; i++) {
        clock.advance(130);
        seen.add(request());
      }
      expect(seen.size, "Session is sticky after reaching the timeout").toBeGreaterThanOrEqual(2);
    });

    it(`${type}: switching ClientIP -> None -> ClientIP`, () => {
      const { dp, request } = setup(type, true);
      expect(affinityHolds(request)).toBe(true);
      dp.applyService(affinityService(type, false));
      expect(affinityHolds(request)).toBe(false);
      dp.applyService(affinityService(type, true));
      expect(affinityHolds(request)).toBe(true);
    });
  }

  it("keeps affinity per node: through another node a client can land on a different pod", () => {
    const nodes = [
      node({ nodeName: "node-a", nodeIPs: ["172.18.0.2"], rng: new SeededRandom("a") }).dp,
      node({ nodeName: "node-b", nodeIPs: ["172.18.0.3"], rng: new SeededRandom("b") }).dp,
    ];
    for (const dp of nodes) {
      dp.applyService(affinityService("NodePort", true));
      dp.applyEndpointSlice(
        slice("affinity", [endpoint("10.244.1.1", "node-a"), endpoint("10.244.2.1", "node-b"), endpoint("10.244.3.1", "node-c")]),
      );
    }
    const via = (i: number, client: string) =>
      nodes[i]!.connect({ path: "north-south", client, clientPort: 40000, address: `172.18.0.${i + 2}`, port: 30100 }).backend;
    const clients = Array.from({ length: 20 }, (_, i) => `198.51.100.${i + 1}`);
    const onA = clients.map((c) => via(0, c));
    expect(nodes[1]!.affinityDump()).toEqual([]);
    const onB = clients.map((c) => via(1, c));
    expect(onA.some((backend, i) => backend !== onB[i])).toBe(true);
    // Each node stays sticky on its own choice.
    expect(clients.map((c) => via(0, c))).toEqual(onA);
    expect(clients.map((c) => via(1, c))).toEqual(onB);
  });
});
