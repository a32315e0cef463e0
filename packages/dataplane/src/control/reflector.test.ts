import { describe, expect, it } from "vitest";
import { endpointSliceToBackends, endpointState, serviceToFrontends, ReflectionCache } from "./reflector";
import type { NodeDataplaneConfig } from "./node-dataplane";
import { clusterIPService, endpoint, node, slice } from "./test-support/fixtures";

describe("endpointState (EndpointSlice conditions as Cilium reads them)", () => {
  it.each([
    [{}, "active"],
    [{ ready: true }, "active"],
    [{ ready: null, serving: null, terminating: null }, "active"],
    // Ready while terminating still takes new connections.
    [{ ready: true, serving: true, terminating: true }, "active"],
    // Not ready and not terminating: kept, with its id, but without a slot.
    [{ ready: false }, "maintenance"],
    [{ ready: false, serving: false, terminating: false }, "maintenance"],
    [{ ready: false, serving: true, terminating: true }, "terminating"],
    [{ ready: false, serving: false, terminating: true }, "terminating-not-serving"],
    [{ ready: false, terminating: true }, "terminating"],
  ] as const)("%j -> %s", (conditions, state) => {
    expect(endpointState(conditions)).toBe(state);
  });
});

describe("serviceToFrontends", () => {
  it("yields ClusterIP, NodePort surrogate, externalIP and LoadBalancer frontends per port", () => {
    const { service, frontends } = serviceToFrontends({
      metadata: { name: "web", namespace: "prod" },
      spec: {
        type: "LoadBalancer",
        clusterIP: "10.96.0.5",
        externalIPs: ["192.0.2.9"],
        ports: [
          { name: "http", port: 80, nodePort: 30080 },
          { name: "dns", port: 53, nodePort: 30053, protocol: "UDP" },
        ],
        sessionAffinity: "ClientIP",
      },
      status: { loadBalancer: { ingress: [{ ip: "198.51.100.1" }, { hostname: "lb.example" }] } },
    });
    expect(service).toMatchObject({ name: "prod/web", sessionAffinity: true, sessionAffinityTimeoutSec: 10800 });
    // In address byte order (then port, protocol, scope), the order Cilium hands out their ids in.
    expect(frontends.map((f) => `${f.type} ${f.address}:${f.port}/${f.protocol} ${f.portName} scope=${f.scope}`)).toEqual([
      "NodePort 0.0.0.0:30053/UDP dns scope=0",
      "NodePort 0.0.0.0:30080/TCP http scope=0",
      "ClusterIP 10.96.0.5:53/UDP dns scope=0",
      "ClusterIP 10.96.0.5:80/TCP http scope=0",
      "ExternalIPs 192.0.2.9:53/UDP dns scope=0",
      "ExternalIPs 192.0.2.9:80/TCP http scope=0",
      "LoadBalancer 198.51.100.1:53/UDP dns scope=0",
      "LoadBalancer 198.51.100.1:80/TCP http scope=0",
    ]);
  });

  it("adds internal-scope twins of external frontends when eTP=Local and iTP=Cluster", () => {
    const { frontends } = serviceToFrontends({
      metadata: { name: "web" },
      spec: { type: "NodePort", clusterIP: "10.96.0.5", ports: [{ port: 80, nodePort: 30080 }], externalTrafficPolicy: "Local" },
    });
    expect(frontends.map((f) => `${f.type} ${f.address} scope=${f.scope}`)).toEqual([
      "NodePort 0.0.0.0 scope=0",
      "NodePort 0.0.0.0 scope=1",
      "ClusterIP 10.96.0.5 scope=0",
    ]);
  });

  it("gives headless and ExternalName services no frontends", () => {
    expect(serviceToFrontends({ metadata: { name: "h" }, spec: { clusterIP: "None", ports: [{ port: 80 }] } }).frontends).toEqual([]);
    expect(serviceToFrontends({ metadata: { name: "x" }, spec: { type: "ExternalName" } }).frontends).toEqual([]);
  });

  it("takes the default affinity timeout for 0, as Cilium's reflector does, and refuses one above 86400", () => {
    const spec = (timeoutSeconds: number) => ({
      metadata: { name: "a" },
      spec: { clusterIP: "10.96.0.5", ports: [{ port: 80 }], sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds } } },
    });
    expect(serviceToFrontends(spec(0)).service.sessionAffinityTimeoutSec).toBe(10800);
    const { dp } = node();
    expect(dp.applyService(spec(86401)).errors[0]?.error.message).toBe(
      "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400",
    );
  });
});

describe("endpointSliceToBackends", () => {
  it("produces one backend per address and port, with node, zone and state", () => {
    expect(
      endpointSliceToBackends({
        addressType: "IPv4",
        endpoints: [
          { addresses: ["10.244.1.1"], nodeName: "n1", zone: "z1", conditions: { ready: true } },
          { addresses: ["10.244.1.2"], nodeName: "n2", conditions: { ready: false } },
        ],
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      }),
    ).toEqual([
      { address: "10.244.1.1", port: 8080, protocol: "TCP", portNames: ["http"], state: "active", nodeName: "n1", zone: "z1" },
      { address: "10.244.1.2", port: 8080, protocol: "TCP", portNames: ["http"], state: "maintenance", nodeName: "n2", zone: "" },
    ]);
  });
});

describe("K8sReflector", () => {
  it("matches an unnamed EndpointSlice port to a named Service port", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("web", "10.96.0.10"));
    dp.applyEndpointSlice({ ...slice("web", [endpoint("10.244.1.1", "node-a")], 9376), ports: [{ port: 9376, protocol: "TCP" }] });
    expect(dp.lbMapsDump().filter((l) => l.includes("SLOT=1"))).toEqual([
      "SVC: ID=1 ADDR=10.96.0.10:80/TCP SLOT=1 BEID=1 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    ]);
  });

  it("keeps endpoints without nodeName under internalTrafficPolicy Local, and drops other nodes' ones", () => {
    const { dp } = node();
    dp.applyService({ ...clusterIPService("web", "10.96.0.10"), spec: { ...clusterIPService("web", "10.96.0.10").spec, internalTrafficPolicy: "Local" } });
    dp.applyEndpointSlice(slice("web", [{ addresses: ["10.244.1.1"] }, endpoint("10.244.2.1", "node-b"), endpoint("10.244.3.1", "node-a")], 9376));
    expect(dp.lbMapsDump().filter((l) => l.startsWith("BE:"))).toEqual([
      "BE: ID=1 ADDR=10.244.1.1:9376/TCP STATE=active",
      "BE: ID=2 ADDR=10.244.3.1:9376/TCP STATE=active",
    ]);
  });

  it("sizes the affinity match map like the affinity map", () => {
    const { dp } = node({ mapSizes: { affinity: 1000, lb: 4096 } });
    expect([dp.maps.affinityMatch.maxEntries, dp.maps.services.maxEntries]).toEqual([1000, 4096]);
  });

  it("merges the slices of a service and drops a deleted slice's endpoints", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("web", "10.96.0.10"));
    const a = slice("web", [endpoint("10.244.1.1", "node-a")], 9376, "web-a");
    const b = slice("web", [endpoint("10.244.2.1", "node-b")], 9376, "web-b");
    dp.applyEndpointSlice(a);
    dp.applyEndpointSlice(b);
    expect(dp.lbMapsDump().filter((l) => l.startsWith("BE:"))).toEqual([
      "BE: ID=1 ADDR=10.244.1.1:9376/TCP STATE=active",
      "BE: ID=2 ADDR=10.244.2.1:9376/TCP STATE=active",
    ]);
    dp.deleteEndpointSlice(a);
    expect(dp.lbMapsDump().filter((l) => l.startsWith("BE:"))).toEqual(["BE: ID=2 ADDR=10.244.2.1:9376/TCP STATE=active"]);
  });
});

describe("ReflectionCache (one conversion of a Service or slice for every node)", () => {
  const service = { ...clusterIPService("web", "10.96.0.10"), spec: { ...clusterIPService("web", "10.96.0.10").spec, internalTrafficPolicy: "Local" } };
  const slices = [
    slice("web", [endpoint("10.244.1.1", "node-a"), endpoint("10.244.2.1", "node-b"), endpoint("10.244.2.2", "node-b", { ready: false })], 9376, "web-a"),
    slice("web", [endpoint("10.244.1.1", "node-a", { ready: false, terminating: true })], 9376, "web-a"),
    slice("web", [endpoint("10.244.3.1", "node-a")], 9376, "web-b"),
  ];

  it("programs every node as its own conversion would, and the nodes share the backends' instances", () => {
    const cache = new ReflectionCache();
    const nodes = ["node-a", "node-b"].map((nodeName) => ({
      shared: node({ nodeName, reflectionCache: cache }).dp,
      own: node({ nodeName }).dp,
    }));
    for (const s of slices) {
      for (const { shared, own } of nodes) {
        shared.applyService(service);
        own.applyService(service);
        shared.applyEndpointSlice(s);
        own.applyEndpointSlice(s);
        expect(shared.lbMapsDump()).toEqual(own.lbMapsDump());
      }
    }
    const [a, b] = nodes.map(({ shared }) => shared.tables.backend("10.244.3.1:9376/TCP")?.instances.get("default/web"));
    expect(a).toBeDefined();
    expect(a).toBe(b);
    // The nodes filter by their own name even though they share the instance.
    expect(nodes[1]?.shared.lbMapsDump().filter((l) => l.startsWith("SVC:") && l.includes("SLOT=1"))).toEqual([]);
  });

  it("programs node-dependent frontends per node: NodePort expansion, a LoadBalancer IP shadowing a NodePort, service.cilium.io/node", () => {
    const lb = {
      metadata: { name: "web", namespace: "default", annotations: { "service.cilium.io/node": "edge" } },
      spec: { type: "LoadBalancer", clusterIP: "10.96.0.10", externalTrafficPolicy: "Local", ports: [{ name: "http", port: 30080, nodePort: 30080 }] },
      status: { loadBalancer: { ingress: [{ ip: "172.18.0.2" }, { ip: "192.0.2.7" }] } },
    };
    const cache = new ReflectionCache();
    const configs: Array<Partial<NodeDataplaneConfig>> = [
      { nodeName: "node-a", nodeIPs: ["172.18.0.2"], nodeLabels: { "service.cilium.io/node": "edge" } },
      { nodeName: "node-b", nodeIPs: ["172.18.0.3"], nodeLabels: { "service.cilium.io/node": "edge" } },
      { nodeName: "node-c", nodeIPs: ["172.18.0.4"], nodeLabels: {} },
    ];
    const nodes = configs.map((cfg) => ({ shared: node({ ...cfg, reflectionCache: cache }).dp, own: node(cfg).dp }));
    for (const { shared, own } of nodes) {
      for (const dp of [shared, own]) {
        dp.applyService(lb);
        dp.applyEndpointSlice(slices[0] as (typeof slices)[number]);
      }
      expect(shared.lbMapsDump()).toEqual(own.lbMapsDump());
    }
    expect(nodes.map(({ shared }) => shared.lbMapsDump().filter((l) => l.startsWith("SVC:") && l.includes("SLOT=0")).length)).toEqual([9, 12, 0]);
    // node-a leaves out the LoadBalancer IP that is its own address with a NodePort-range port (both scopes and its wildcard).
    expect(nodes[0]?.shared.lbMapsDump().some((l) => l.includes("ADDR=172.18.0.2:30080/TCP") && l.includes("LoadBalancer"))).toBe(false);
    expect(nodes[1]?.shared.lbMapsDump().some((l) => l.includes("ADDR=172.18.0.2:30080/TCP") && l.includes("LoadBalancer"))).toBe(true);
  });

  it("keeps a backend's health per node", () => {
    const cache = new ReflectionCache();
    const [a, b] = ["node-a", "node-b"].map((nodeName) => node({ nodeName, reflectionCache: cache }).dp);
    for (const dp of [a, b]) {
      dp?.applyService(clusterIPService("web", "10.96.0.10"));
      dp?.applyEndpointSlice(slices[2] as (typeof slices)[number]);
    }
    a?.setBackendHealth("default/web", "10.244.3.1:9376/TCP", false);
    b?.applyEndpointSlice(slices[2] as (typeof slices)[number]);
    expect(a?.tables.backend("10.244.3.1:9376/TCP")?.instances.get("default/web")?.unhealthy).toBe(true);
    expect(b?.tables.backend("10.244.3.1:9376/TCP")?.instances.get("default/web")?.unhealthy).toBe(false);
  });

  it("returns frozen params, converted once per object", () => {
    const cache = new ReflectionCache();
    const first = cache.backends(slices[0] as (typeof slices)[number]);
    expect(cache.backends(slices[0] as (typeof slices)[number])).toBe(first);
    expect(Object.isFrozen(first[0])).toBe(true);
    expect(first).toEqual(endpointSliceToBackends(slices[0] as (typeof slices)[number]));
  });
});
