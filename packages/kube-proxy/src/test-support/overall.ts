/**
 * The Services and EndpointSlices of kube-proxy's TestOverallIPTablesRules
 * (pkg/proxy/iptables/proxier_test.go; the nftables TestOverallNFTablesRules
 * uses the same set): a ClusterIP service, an eTP=Local LoadBalancer whose
 * only endpoint is remote, a NodePort, an external-IP service with one local
 * and one remote endpoint, an eTP=Cluster LoadBalancer with source ranges
 * and ClientIP affinity, and a service without endpoints.
 */

import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { ServiceProxy } from "../proxy/provider";
import { makeService, makeSlice, TEST_NODE_NAME } from "./fixtures";

const p80 = [{ name: "p80", port: 80, protocol: "TCP" }];

export const OVERALL_SERVICES: Service[] = [
  makeService("ns1", "svc1", { clusterIP: "172.30.0.41", ports: p80 }),
  makeService(
    "ns2",
    "svc2",
    {
      type: "LoadBalancer",
      externalTrafficPolicy: "Local",
      clusterIP: "172.30.0.42",
      ports: [{ name: "p80", port: 80, protocol: "TCP", nodePort: 3001 }],
      externalIPs: ["192.168.99.22"],
      healthCheckNodePort: 30000,
    },
    { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } },
  ),
  makeService("ns3", "svc3", { type: "NodePort", clusterIP: "172.30.0.43", ports: [{ name: "p80", port: 80, protocol: "TCP", nodePort: 3003 }] }),
  makeService("ns4", "svc4", { type: "NodePort", clusterIP: "172.30.0.44", externalIPs: ["192.168.99.33"], ports: [{ name: "p80", port: 80, protocol: "TCP", targetPort: 80 }] }),
  makeService(
    "ns5",
    "svc5",
    {
      type: "LoadBalancer",
      externalTrafficPolicy: "Cluster",
      clusterIP: "172.30.0.45",
      ports: [{ name: "p80", port: 80, protocol: "TCP", nodePort: 3002 }],
      healthCheckNodePort: 30000,
      // The stray space is kube-proxy's own: an untrimmed value must still work.
      loadBalancerSourceRanges: [" 203.0.113.0/25"],
      sessionAffinity: "ClientIP",
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    },
    { loadBalancer: { ingress: [{ ip: "5.6.7.8" }] } },
  ),
  makeService("ns6", "svc6", { type: "ClusterIP", clusterIP: "172.30.0.46", ports: [{ name: "p80", port: 80, protocol: "TCP", targetPort: 80 }] }),
];

export const OVERALL_SLICES: EndpointSlice[] = [
  makeSlice("ns1", "svc1", 1, [{ addresses: ["10.180.0.1"] }]),
  // No nodeName: not local, so the eTP=Local service has no local endpoints.
  makeSlice("ns2", "svc2", 1, [{ addresses: ["10.180.0.2"] }]),
  makeSlice("ns3", "svc3", 1, [{ addresses: ["10.180.0.3"] }]),
  makeSlice("ns4", "svc4", 1, [{ addresses: ["10.180.0.4"] }, { addresses: ["10.180.0.5"], nodeName: TEST_NODE_NAME }]),
  makeSlice("ns5", "svc5", 1, [{ addresses: ["10.180.0.3"] }]),
];

export function loadOverall(p: ServiceProxy): void {
  for (const s of OVERALL_SERVICES) p.onServiceAdd(s);
  for (const s of OVERALL_SLICES) p.onEndpointSliceAdd(s);
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
}
