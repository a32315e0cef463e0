import { describe, expect, it } from "vitest";
import { IptablesProxier } from "../iptables/proxier";
import { NftablesProxier } from "../nftables/proxier";
import { fakeOptions, makeService, makeSlice, TEST_NODE_NAME } from "../test-support/fixtures";
import type { ServiceProxy } from "./provider";

const modes: [string, () => ServiceProxy][] = [
  ["iptables", () => new IptablesProxier(fakeOptions())],
  ["nftables", () => new NftablesProxier(fakeOptions())],
];

const svc = makeService("ns1", "web", { clusterIP: "172.30.0.10", ports: [{ name: "http", port: 80, protocol: "TCP" }] });
const slice = makeSlice("ns1", "web", 1, [{ addresses: ["10.180.0.1"] }], [{ name: "http", port: 80, protocol: "TCP" }]);

describe.each(modes)("Provider handlers (%s)", (_mode, make) => {
  it("writes nothing until both initial lists are synced", () => {
    const p = make();
    p.onServiceAdd(svc);
    p.onEndpointSliceAdd(slice);
    expect(p.sync().applied).toBe(false);
    p.onServicesSynced();
    expect(p.connect({ src: "10.0.0.2", srcPort: 1, dst: "172.30.0.10", dstPort: 80 }).backend).toBeUndefined();
    p.onEndpointSlicesSynced();
    expect(p.connect({ src: "10.0.0.2", srcPort: 2, dst: "172.30.0.10", dstPort: 80 }).backend).toBe("10.180.0.1:80");
  });

  it("skips headless and ExternalName services and unlabelled or IPv6 slices", () => {
    const p = make();
    p.onServiceAdd(makeService("ns1", "headless", { clusterIP: "None", ports: [{ name: "http", port: 80, protocol: "TCP" }] }));
    p.onServiceAdd(makeService("ns1", "ext", { type: "ExternalName", externalName: "example.com" }));
    p.onEndpointSliceAdd({ ...slice, metadata: { namespace: "ns1", name: "x" } });
    p.onEndpointSliceAdd({ ...slice, addressType: "IPv6" });
    p.onServicesSynced();
    p.onEndpointSlicesSynced();
    const r = p.sync();
    expect([r.applied, r.services, r.endpoints]).toEqual([true, 0, 0]);
  });

  it("ignores Node events for other nodes and keeps this node's zone", () => {
    const p = make();
    p.onServiceAdd(svc);
    p.onEndpointSliceAdd(
      makeSlice(
        "ns1",
        "web",
        1,
        [
          { addresses: ["10.180.0.1"], hints: { forZones: [{ name: "a" }] } },
          { addresses: ["10.180.0.2"], hints: { forZones: [{ name: "b" }] } },
        ],
        [{ name: "http", port: 80, protocol: "TCP" }],
      ),
    );
    p.onServicesSynced();
    p.onEndpointSlicesSynced();
    p.onNodeAdd({ metadata: { name: "other", labels: { "topology.kubernetes.io/zone": "a" } } });
    p.onNodeAdd({ metadata: { name: TEST_NODE_NAME, labels: { "topology.kubernetes.io/zone": "b" } } });
    p.sync();
    for (let port = 10; port < 30; port++) {
      expect(p.connect({ src: "10.0.0.2", srcPort: port, dst: "172.30.0.10", dstPort: 80 }).backend).toBe("10.180.0.2:80");
    }
  });

  it("deletes a service's rules when it is deleted", () => {
    const p = make();
    p.onServiceAdd(svc);
    p.onEndpointSliceAdd(slice);
    p.onServicesSynced();
    p.onEndpointSlicesSynced();
    p.onServiceDelete(svc);
    p.sync();
    const d = p.connect({ src: "10.0.0.2", srcPort: 3, dst: "172.30.0.10", dstPort: 80 });
    expect(d.backend).toBeUndefined();
  });
});

// kube-proxy's service health server (pkg/proxy/healthcheck/service_health.go hcHandler).
describe.each(modes)("health-check node port (%s)", (_mode, make) => {
  it("answers 200 with the local ready endpoint count, 503 without", () => {
    const p = make();
    const lb = makeService(
      "ns1",
      "lb",
      { type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: 30000, clusterIP: "172.30.0.20", ports: [{ name: "http", port: 80, protocol: "TCP", nodePort: 3001 }] },
      { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } },
    );
    p.onServiceAdd(lb);
    p.onEndpointSliceAdd(makeSlice("ns1", "lb", 1, [{ addresses: ["10.180.0.1"], nodeName: TEST_NODE_NAME }, { addresses: ["10.180.0.2"], nodeName: "other" }], [{ name: "http", port: 80, protocol: "TCP" }]));
    p.onServicesSynced();
    p.onEndpointSlicesSynced();
    expect(p.healthCheck(30000)).toEqual({
      status: 200,
      headers: { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff", "X-Load-Balancing-Endpoint-Weight": "1" },
      body: '{\n\t"service": {\n\t\t"namespace": "ns1",\n\t\t"name": "lb"\n\t},\n\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}',
    });
    p.onEndpointSliceUpdate(makeSlice("ns1", "lb", 1, []), makeSlice("ns1", "lb", 1, [{ addresses: ["10.180.0.2"], nodeName: "other" }], [{ name: "http", port: 80, protocol: "TCP" }]));
    p.sync();
    expect(p.healthCheck(30000)?.status).toBe(503);
    expect(p.healthCheck(30001)).toBeUndefined();
  });
});
