import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Endpoint } from "kubernetes-types/discovery/v1";
import { IptablesProxier } from "./iptables/proxier";
import { IpvsProxier } from "./ipvs/proxier";
import { NftablesProxier } from "./nftables/proxier";
import type { ServiceProxy } from "./proxy/provider";
import { fakeOptions, makeService, makeSlice, TEST_EXTERNAL_CLIENT, TEST_NODE_IP, TEST_NODE_NAME } from "./test-support/fixtures";
import { flowOutcome, type PacketFlowCase } from "./test-support/packet-flow";

// The iptables and nftables proxiers implement the same Service semantics
// (kube-proxy runs the same packet-flow tables against both): for any
// service shape, both must send each kind of client to the same set of
// endpoints, with the same verdict and the same masquerading. The IPVS
// proxier must agree with them wherever the traffic policy that applies is
// Cluster; under a Local policy IPVS differs on purpose (a virtual server
// with no local endpoint falls back to the cluster's, kubernetes#97081, and
// pods reaching a node port of an eTP=Local service get only local endpoints).
interface EndpointShape {
  readonly local: boolean;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
}
interface ServiceShape {
  readonly type: "ClusterIP" | "NodePort" | "LoadBalancer";
  readonly etpLocal: boolean;
  readonly itpLocal: boolean;
  readonly endpoints: readonly EndpointShape[];
}

const endpointArb: fc.Arbitrary<EndpointShape> = fc.record({
  local: fc.boolean(),
  ready: fc.boolean(),
  serving: fc.boolean(),
  terminating: fc.boolean(),
});

const serviceArb: fc.Arbitrary<ServiceShape> = fc.record({
  type: fc.constantFrom<ServiceShape["type"]>("ClusterIP", "NodePort", "LoadBalancer"),
  etpLocal: fc.boolean(),
  itpLocal: fc.boolean(),
  endpoints: fc.array(endpointArb, { maxLength: 4 }),
});

function load(p: ServiceProxy, s: ServiceShape): void {
  const external = s.type !== "ClusterIP";
  p.onServiceAdd(
    makeService(
      "ns1",
      "svc1",
      {
        type: s.type,
        clusterIP: "172.30.0.41",
        ports: [{ name: "p80", port: 80, protocol: "TCP", ...(external ? { nodePort: 3001 } : {}) }],
        ...(external ? { externalTrafficPolicy: s.etpLocal ? "Local" : "Cluster" } : {}),
        internalTrafficPolicy: s.itpLocal ? "Local" : "Cluster",
        ...(s.type === "LoadBalancer" && s.etpLocal ? { healthCheckNodePort: 30000 } : {}),
      },
      s.type === "LoadBalancer" ? { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } } : undefined,
    ),
  );
  const eps: Endpoint[] = s.endpoints.map((e, i) => ({
    addresses: [`10.180.0.${i + 1}`],
    nodeName: e.local ? TEST_NODE_NAME : "node2",
    conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
  }));
  p.onEndpointSliceAdd(makeSlice("ns1", "svc1", 1, eps));
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
}

const flows = (s: ServiceShape): (PacketFlowCase & { readonly external?: boolean })[] => [
  { name: "pod to cluster IP", sourceIP: "10.0.0.2", destIP: "172.30.0.41", destPort: 80, output: "" },
  ...(s.type !== "ClusterIP"
    ? [
        { name: "external to node port", sourceIP: TEST_EXTERNAL_CLIENT, destIP: TEST_NODE_IP, destPort: 3001, output: "", external: true },
        { name: "pod to node port", sourceIP: "10.0.0.2", destIP: TEST_NODE_IP, destPort: 3001, output: "", external: true },
        { name: "node to node port", sourceIP: TEST_NODE_IP, destIP: TEST_NODE_IP, destPort: 3001, output: "", external: true },
      ]
    : []),
  ...(s.type === "LoadBalancer"
    ? [
        { name: "external to LB IP", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "1.2.3.4", destPort: 80, output: "", external: true },
        { name: "pod to LB IP", sourceIP: "10.0.0.2", destIP: "1.2.3.4", destPort: 80, output: "", external: true },
      ]
    : []),
];

describe("iptables, nftables and IPVS modes agree", () => {
  it("on every flow of random services", () => {
    fc.assert(
      fc.property(serviceArb, (s) => {
        const ipt = new IptablesProxier(fakeOptions());
        // The nftables fake's nodePortAddresses default is the primary node IP, which these flows use.
        const nft = new NftablesProxier(fakeOptions());
        const ipvs = new IpvsProxier(fakeOptions());
        load(ipt, s);
        load(nft, s);
        load(ipvs, s);
        for (const f of flows(s)) {
          const a = flowOutcome(ipt, f);
          const b = flowOutcome(nft, f);
          expect({ flow: f.name, ...b }).toEqual({ flow: f.name, ...a });
          if (f.external ? s.etpLocal : s.itpLocal) continue;
          const c = flowOutcome(ipvs, f);
          expect({ flow: f.name, mode: "ipvs", ...c }).toEqual({ flow: f.name, mode: "ipvs", ...a });
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
