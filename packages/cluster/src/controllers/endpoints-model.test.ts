import { describe, expect, it } from "vitest";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { desiredEndpointGroups, endpointFor, resolveTargetPort } from "./endpoints-model";

const pod = (name: string, ip: string | undefined, ready: boolean, extra: Partial<Pod["metadata"]> = {}, port = 80): Pod => ({
  metadata: { name, namespace: "default", uid: `uid-${name}`, ...extra },
  spec: { nodeName: "kind-worker", containers: [{ name: "c", ports: [{ name: "http", containerPort: port }] }] },
  status: { phase: "Running", ...(ip ? { podIP: ip } : {}), conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

describe("endpoint conditions", () => {
  it.each([
    ["ready", pod("a", "10.244.1.2", true), { ready: true, serving: true, terminating: false }],
    ["not ready", pod("a", "10.244.1.2", false), { ready: false, serving: false, terminating: false }],
    ["terminating", pod("a", "10.244.1.2", true, { deletionTimestamp: "2024-01-01T00:00:30Z" }), { ready: false, serving: true, terminating: true }],
  ])("%s", (_, p, want) => expect(endpointFor(p, undefined, false).conditions).toEqual(want));
});

describe("named target ports", () => {
  const svc: Service = { spec: { selector: { app: "x" }, ports: [{ name: "http-port", port: 8080, targetPort: "http", protocol: "TCP" }] } };

  it("resolves per pod and groups pods by port set", () => {
    const groups = desiredEndpointGroups(svc, [pod("a", "10.244.1.2", true), pod("b", "10.244.2.2", true, {}, 81), pod("c", undefined, true)], () => "zone-a");
    expect(groups.map((g) => [g.ports[0]?.port, g.endpoints.map((e) => e.addresses[0])])).toEqual([
      [80, ["10.244.1.2"]],
      [81, ["10.244.2.2"]],
    ]);
    expect(groups[0]?.endpoints[0]?.zone).toBe("zone-a");
  });

  it("leaves a port unresolved when the pod has no such name", () => {
    expect(resolveTargetPort(pod("a", "1.1.1.1", true), { port: 8080, targetPort: "metrics" })).toBeUndefined();
    expect(resolveTargetPort(pod("a", "1.1.1.1", true), { port: 8080, targetPort: 9376 })).toBe(9376);
  });
});
