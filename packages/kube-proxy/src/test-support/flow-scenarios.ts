/**
 * kube-proxy's packet-flow scenarios, shared by the iptables and nftables
 * ports (pkg/proxy/iptables/proxier_test.go and pkg/proxy/nftables/
 * proxier_test.go run the same tables): each is the Services and
 * EndpointSlices of one upstream test, the proxier options it changes, and
 * its runPacketFlowTests cases.
 */

import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { KubeProxyOptions } from "../proxy/config";
import {
  makeService,
  makeSlice,
  TEST_EXTERNAL_CLIENT,
  TEST_EXTERNAL_CLIENT_BLOCKED,
  TEST_NODE_IP,
  TEST_NODE_IP_ALT,
  TEST_NODE_NAME,
} from "./fixtures";
import { OVERALL_SERVICES, OVERALL_SLICES } from "./overall";
import type { PacketFlowCase } from "./packet-flow";

export interface FlowScenario {
  /** The upstream test it ports. */
  readonly name: string;
  readonly services: readonly Service[];
  readonly slices: readonly EndpointSlice[];
  readonly options?: Partial<KubeProxyOptions>;
  readonly cases: readonly PacketFlowCase[];
  /** Cases run after every EndpointSlice was deleted and the proxier resynced. */
  readonly afterDelete?: readonly PacketFlowCase[];
}

const p80 = (nodePort?: number): NonNullable<Service["spec"]>["ports"] => [
  { name: "p80", port: 80, protocol: "TCP", ...(nodePort ? { nodePort } : {}) },
];
const both = "10.180.0.1:80, 10.180.2.1:80";
const twoEndpoints = [{ addresses: ["10.180.0.1"] }, { addresses: ["10.180.2.1"], nodeName: TEST_NODE_NAME }];

const nodePortService = [makeService("ns1", "svc1", { type: "NodePort", clusterIP: "172.30.0.41", ports: p80(3001) })];
const nodePortSlices = [makeSlice("ns1", "svc1", 1, twoEndpoints)];
const nodePortBasics: PacketFlowCase[] = [
  { name: "pod to cluster IP", sourceIP: "10.0.0.2", destIP: "172.30.0.41", destPort: 80, output: both },
  { name: "external to nodePort", sourceIP: TEST_EXTERNAL_CLIENT, destIP: TEST_NODE_IP, destPort: 3001, output: both, masq: true },
  { name: "node to nodePort", sourceIP: TEST_NODE_IP, destIP: TEST_NODE_IP, destPort: 3001, output: both, masq: true },
];
const localhostMasq: PacketFlowCase = { name: "localhost to nodePort gets masqueraded", sourceIP: "127.0.0.1", destIP: "127.0.0.1", destPort: 3001, output: both, masq: true };
const localhostIgnored: PacketFlowCase = { name: "localhost to nodePort is ignored", sourceIP: "127.0.0.1", destIP: "127.0.0.1", destPort: 3001, output: "" };
const altAllowed: PacketFlowCase = { name: "external to nodePort on secondary IP", sourceIP: TEST_EXTERNAL_CLIENT, destIP: TEST_NODE_IP_ALT, destPort: 3001, output: both, masq: true };
const altIgnored: PacketFlowCase = { name: "secondary nodeIP ignores NodePorts", sourceIP: TEST_EXTERNAL_CLIENT, destIP: TEST_NODE_IP_ALT, destPort: 3001, output: "" };

const lbSvc = (etp: "Local" | "Cluster"): Service =>
  makeService(
    "ns1",
    "svc1",
    {
      type: "LoadBalancer",
      externalTrafficPolicy: etp,
      clusterIP: "172.30.0.41",
      externalIPs: ["192.168.99.11"],
      ports: [{ name: "p80", port: 80, protocol: "TCP", nodePort: 3001, targetPort: 80 }],
      ...(etp === "Local" ? { healthCheckNodePort: 30000 } : {}),
    },
    { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } },
  );

export const FLOW_SCENARIOS: readonly FlowScenario[] = [
  {
    name: "TestTracePacket",
    services: OVERALL_SERVICES,
    slices: OVERALL_SLICES,
    cases: [
      { name: "no match", sourceIP: "10.0.0.2", destIP: "10.0.0.3", destPort: 80, output: "" },
      { name: "single endpoint", sourceIP: "10.0.0.2", destIP: "172.30.0.41", destPort: 80, output: "10.180.0.1:80" },
      { name: "multiple endpoints", sourceIP: "10.0.0.2", destIP: "172.30.0.44", destPort: 80, output: "10.180.0.4:80, 10.180.0.5:80" },
      { name: "LOCAL, KUBE-MARK-MASQ", sourceIP: TEST_NODE_IP, destIP: "192.168.99.22", destPort: 80, output: "10.180.0.2:80", masq: true },
      { name: "DROP", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "192.168.99.22", destPort: 80, output: "DROP" },
      { name: "ACCEPT (NodePortHealthCheck)", sourceIP: TEST_NODE_IP, destIP: TEST_NODE_IP, destPort: 30000, output: "ACCEPT" },
      { name: "REJECT", sourceIP: "10.0.0.2", destIP: "172.30.0.46", destPort: 80, output: "REJECT" },
    ],
  },
  {
    name: "TestNoEndpointsReject",
    services: [
      makeService(
        "ns1",
        "svc1",
        { type: "LoadBalancer", clusterIP: "172.30.0.41", externalIPs: ["192.168.99.11"], ports: p80(3001) },
        { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } },
      ),
    ],
    slices: [],
    cases: [
      { name: "pod to cluster IP with no endpoints", sourceIP: "10.0.0.2", destIP: "172.30.0.41", destPort: 80, output: "REJECT" },
      { name: "external to external IP with no endpoints", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "192.168.99.11", destPort: 80, output: "REJECT" },
      { name: "pod to NodePort with no endpoints", sourceIP: "10.0.0.2", destIP: TEST_NODE_IP, destPort: 3001, output: "REJECT" },
      { name: "external to NodePort with no endpoints", sourceIP: TEST_EXTERNAL_CLIENT, destIP: TEST_NODE_IP, destPort: 3001, output: "REJECT" },
      { name: "pod to LoadBalancer IP with no endpoints", sourceIP: "10.0.0.2", destIP: "1.2.3.4", destPort: 80, output: "REJECT" },
      { name: "external to LoadBalancer IP with no endpoints", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "1.2.3.4", destPort: 80, output: "REJECT" },
    ],
  },
  {
    name: "TestClusterIPGeneral",
    services: [
      makeService("ns1", "svc1", { clusterIP: "172.30.0.41", ports: [{ name: "http", port: 80, protocol: "TCP" }] }),
      makeService("ns2", "svc2", {
        clusterIP: "172.30.0.42",
        ports: [
          { name: "http", port: 80, protocol: "TCP" },
          { name: "https", port: 443, protocol: "TCP", targetPort: 8443 },
          { name: "dns-udp", port: 53, protocol: "UDP" },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 5353 },
          { name: "dns-sctp", port: 53, protocol: "SCTP" },
        ],
      }),
    ],
    slices: [
      makeSlice("ns1", "svc1", 1, [{ addresses: ["10.180.0.1"], nodeName: TEST_NODE_NAME }], [{ name: "http", port: 80, protocol: "TCP" }]),
      makeSlice(
        "ns2",
        "svc2",
        1,
        [
          { addresses: ["10.180.0.1"], nodeName: TEST_NODE_NAME },
          { addresses: ["10.180.2.1"], nodeName: "node2" },
        ],
        [
          { name: "http", port: 80, protocol: "TCP" },
          { name: "https", port: 8443, protocol: "TCP" },
          { name: "dns-udp", port: 53, protocol: "UDP" },
          { name: "dns-tcp", port: 5353, protocol: "TCP" },
          { name: "dns-sctp", port: 53, protocol: "SCTP" },
        ],
      ),
    ],
    cases: [
      { name: "simple clusterIP", sourceIP: "10.180.0.2", destIP: "172.30.0.41", destPort: 80, output: "10.180.0.1:80" },
      { name: "hairpin to cluster IP", sourceIP: "10.180.0.1", destIP: "172.30.0.41", destPort: 80, output: "10.180.0.1:80", masq: true },
      { name: "clusterIP with multiple endpoints", sourceIP: "10.180.0.2", destIP: "172.30.0.42", destPort: 80, output: both },
      { name: "clusterIP with TargetPort", sourceIP: "10.180.0.2", destIP: "172.30.0.42", destPort: 443, output: "10.180.0.1:8443, 10.180.2.1:8443" },
      { name: "same port, TCP", sourceIP: "10.180.0.2", protocol: "TCP", destIP: "172.30.0.42", destPort: 53, output: "10.180.0.1:5353, 10.180.2.1:5353" },
      { name: "same port, UDP", sourceIP: "10.180.0.2", protocol: "UDP", destIP: "172.30.0.42", destPort: 53, output: "10.180.0.1:53, 10.180.2.1:53" },
      { name: "same port, SCTP", sourceIP: "10.180.0.2", protocol: "SCTP", destIP: "172.30.0.42", destPort: 53, output: "10.180.0.1:53, 10.180.2.1:53" },
      { name: "TCP-only port does not match UDP traffic", sourceIP: "10.180.0.2", protocol: "UDP", destIP: "172.30.0.42", destPort: 80, output: "" },
      { name: "svc1 does not accept svc2's ports", sourceIP: "10.180.0.2", destIP: "172.30.0.41", destPort: 443, output: "" },
    ],
  },
  {
    name: "TestLoadBalancer",
    services: [
      makeService(
        "ns1",
        "svc1",
        { type: "LoadBalancer", clusterIP: "172.30.0.41", ports: p80(3001), loadBalancerSourceRanges: ["192.168.0.0/24", " 203.0.113.0/25"] },
        { loadBalancer: { ingress: [{ ip: "1.2.3.4" }, { ip: "5.6.7.8" }] } },
      ),
    ],
    slices: [makeSlice("ns1", "svc1", 1, [{ addresses: ["10.180.0.1"] }])],
    cases: [
      { name: "pod to cluster IP", sourceIP: "10.0.0.2", destIP: "172.30.0.41", destPort: 80, output: "10.180.0.1:80" },
      { name: "external to nodePort", sourceIP: TEST_EXTERNAL_CLIENT, destIP: TEST_NODE_IP, destPort: 3001, output: "10.180.0.1:80", masq: true },
      { name: "nodePort bypasses LoadBalancerSourceRanges", sourceIP: TEST_EXTERNAL_CLIENT_BLOCKED, destIP: TEST_NODE_IP, destPort: 3001, output: "10.180.0.1:80", masq: true },
      { name: "accepted external to LB1", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "1.2.3.4", destPort: 80, output: "10.180.0.1:80", masq: true },
      { name: "accepted external to LB2", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "5.6.7.8", destPort: 80, output: "10.180.0.1:80", masq: true },
      { name: "blocked external to LB1", sourceIP: TEST_EXTERNAL_CLIENT_BLOCKED, destIP: "1.2.3.4", destPort: 80, output: "DROP" },
      { name: "blocked external to LB2", sourceIP: TEST_EXTERNAL_CLIENT_BLOCKED, destIP: "5.6.7.8", destPort: 80, output: "DROP" },
      { name: "pod to LB1 (blocked by LoadBalancerSourceRanges)", sourceIP: "10.0.0.2", destIP: "1.2.3.4", destPort: 80, output: "DROP" },
      { name: "pod to LB2 (blocked by LoadBalancerSourceRanges)", sourceIP: "10.0.0.2", destIP: "5.6.7.8", destPort: 80, output: "DROP" },
      { name: "node to LB1 (allowed by LoadBalancerSourceRanges)", sourceIP: TEST_NODE_IP, destIP: "1.2.3.4", destPort: 80, output: "10.180.0.1:80", masq: true },
      { name: "node to LB2 (allowed by LoadBalancerSourceRanges)", sourceIP: TEST_NODE_IP, destIP: "5.6.7.8", destPort: 80, output: "10.180.0.1:80", masq: true },
      { name: "same node to LB1, SNATted to LB1 (implicitly allowed)", sourceIP: "1.2.3.4", destIP: "1.2.3.4", destPort: 80, output: "10.180.0.1:80", masq: true },
      { name: "same node to LB2, SNATted to LB2 (implicitly allowed)", sourceIP: "5.6.7.8", destIP: "5.6.7.8", destPort: 80, output: "10.180.0.1:80", masq: true },
    ],
  },
  {
    name: "TestNodePorts: localhost-nodeports enabled",
    services: nodePortService,
    slices: nodePortSlices,
    options: { localhostNodePorts: true },
    cases: [...nodePortBasics, localhostMasq, altAllowed],
  },
  {
    name: "TestNodePorts: localhost-nodeports disabled",
    services: nodePortService,
    slices: nodePortSlices,
    options: { localhostNodePorts: false },
    cases: [...nodePortBasics, localhostIgnored, altAllowed],
  },
  {
    name: "TestNodePorts: localhost-nodeports disabled, localhost in nodeport-addresses",
    services: nodePortService,
    slices: nodePortSlices,
    options: { localhostNodePorts: false, nodePortAddresses: ["192.168.0.0/24", "127.0.0.1/32"] },
    cases: [...nodePortBasics, localhostIgnored, altIgnored],
  },
  {
    name: "TestNodePorts: multiple nodeport-addresses",
    services: nodePortService,
    slices: nodePortSlices,
    options: { localhostNodePorts: false, nodePortAddresses: ["192.168.0.0/24", "192.168.1.0/24"] },
    cases: [...nodePortBasics, localhostIgnored, altAllowed],
  },
  {
    name: "TestHealthCheckNodePort",
    services: [
      makeService("ns1", "svc1", { type: "LoadBalancer", clusterIP: "172.30.0.42", ports: p80(3001), healthCheckNodePort: 30000, externalTrafficPolicy: "Local" }),
    ],
    slices: [],
    options: { nodePortAddresses: ["127.0.0.0/8"] },
    cases: [{ name: "firewall accepts HealthCheckNodePort", sourceIP: "1.2.3.4", destIP: TEST_NODE_IP, destPort: 30000, output: "ACCEPT" }],
  },
  {
    name: "TestExternalTrafficPolicyLocal",
    services: [lbSvc("Local")],
    slices: [makeSlice("ns1", "svc1", 1, twoEndpoints)],
    cases: [
      { name: "pod to cluster IP hits both endpoints, unmasqueraded", sourceIP: "10.0.0.2", destIP: "172.30.0.41", destPort: 80, output: both },
      { name: "pod to external IP hits both endpoints, unmasqueraded", sourceIP: "10.0.0.2", destIP: "192.168.99.11", destPort: 80, output: both },
      { name: "external to external IP hits only local endpoint, unmasqueraded", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "192.168.99.11", destPort: 80, output: "10.180.2.1:80" },
      { name: "pod to LB IP hits only both endpoints, unmasqueraded", sourceIP: "10.0.0.2", destIP: "1.2.3.4", destPort: 80, output: both },
      { name: "external to LB IP hits only local endpoint, unmasqueraded", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "1.2.3.4", destPort: 80, output: "10.180.2.1:80" },
      { name: "pod to NodePort hits both endpoints, unmasqueraded", sourceIP: "10.0.0.2", destIP: TEST_NODE_IP, destPort: 3001, output: both },
      { name: "external to NodePort hits only local endpoint, unmasqueraded", sourceIP: TEST_EXTERNAL_CLIENT, destIP: TEST_NODE_IP, destPort: 3001, output: "10.180.2.1:80" },
    ],
  },
  {
    name: "TestExternalTrafficPolicyCluster",
    services: [lbSvc("Cluster")],
    slices: [makeSlice("ns1", "svc1", 1, twoEndpoints)],
    cases: [
      { name: "pod to cluster IP hits both endpoints, unmasqueraded", sourceIP: "10.0.0.2", destIP: "172.30.0.41", destPort: 80, output: both },
      { name: "pod to external IP hits both endpoints, masqueraded", sourceIP: "10.0.0.2", destIP: "192.168.99.11", destPort: 80, output: both, masq: true },
      { name: "external to external IP hits both endpoints, masqueraded", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "192.168.99.11", destPort: 80, output: both, masq: true },
      { name: "pod to LB IP hits both endpoints, masqueraded", sourceIP: "10.0.0.2", destIP: "1.2.3.4", destPort: 80, output: both, masq: true },
      { name: "external to LB IP hits both endpoints, masqueraded", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "1.2.3.4", destPort: 80, output: both, masq: true },
      { name: "pod to NodePort hits both endpoints, masqueraded", sourceIP: "10.0.0.2", destIP: TEST_NODE_IP, destPort: 3001, output: both, masq: true },
      { name: "external to NodePort hits both endpoints, masqueraded", sourceIP: TEST_EXTERNAL_CLIENT, destIP: TEST_NODE_IP, destPort: 3001, output: both, masq: true },
    ],
  },
];

const itpService = (itp: "Cluster" | "Local"): Service =>
  makeService("ns1", "svc1", { clusterIP: "172.30.1.1", selector: { foo: "bar" }, internalTrafficPolicy: itp, ports: [{ name: "", port: 80, protocol: "TCP" }] });
const unnamed80 = [{ name: "", port: 80, protocol: "TCP" }];
const itpSlice = (eps: [string, string][]): EndpointSlice =>
  makeSlice("ns1", "svc1", 1, eps.map(([ip, node]) => ({ addresses: [ip], conditions: { ready: true }, nodeName: node })), unnamed80);
const toCluster = (output: string): PacketFlowCase => ({ name: "pod to ClusterIP", sourceIP: "10.0.0.2", destIP: "172.30.1.1", destPort: 80, output });
const terminatingService = makeService(
  "ns1",
  "svc1",
  { clusterIP: "172.30.1.1", type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: 30000, ports: [{ name: "", port: 80, protocol: "TCP", targetPort: 80 }] },
  { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } },
);
type Cond = { ready: boolean; serving: boolean; terminating: boolean };
const R: Cond = { ready: true, serving: true, terminating: false };
const ST: Cond = { ready: false, serving: true, terminating: true };
const T: Cond = { ready: false, serving: false, terminating: true };
const termSlice = (eps: [string, Cond, string][]): EndpointSlice =>
  makeSlice("ns1", "svc1", 1, eps.map(([ip, conditions, node]) => ({ addresses: [ip], conditions, nodeName: node })), unnamed80);
const toLB = (output: string): PacketFlowCase => ({ name: "external to LB", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "1.2.3.4", destPort: 80, output });
const deleted = [toCluster("REJECT"), toLB("REJECT")];

/**
 * TestInternalTrafficPolicy and TestTerminatingEndpointsTrafficPolicyLocal
 * (both proxier_test.go files, same tables): which endpoints CategorizeEndpoints
 * leaves to each traffic policy, then REJECT once the slices are gone.
 */
export const POLICY_SCENARIOS: readonly FlowScenario[] = [
  {
    name: "TestInternalTrafficPolicy: cluster",
    services: [itpService("Cluster")],
    slices: [itpSlice([["10.0.1.1", TEST_NODE_NAME], ["10.0.1.2", "node1"], ["10.0.1.3", "node2"]])],
    cases: [toCluster("10.0.1.1:80, 10.0.1.2:80, 10.0.1.3:80")],
    afterDelete: [toCluster("REJECT")],
  },
  {
    name: "TestInternalTrafficPolicy: local, one local endpoint",
    services: [itpService("Local")],
    slices: [itpSlice([["10.0.1.1", TEST_NODE_NAME], ["10.0.1.2", "node1"], ["10.0.1.3", "node2"]])],
    cases: [toCluster("10.0.1.1:80")],
    afterDelete: [toCluster("REJECT")],
  },
  {
    name: "TestInternalTrafficPolicy: local, multiple local endpoints",
    services: [itpService("Local")],
    slices: [itpSlice([["10.0.1.1", TEST_NODE_NAME], ["10.0.1.2", TEST_NODE_NAME], ["10.0.1.3", "node2"]])],
    cases: [toCluster("10.0.1.1:80, 10.0.1.2:80")],
    afterDelete: [toCluster("REJECT")],
  },
  {
    name: "TestInternalTrafficPolicy: local, no local endpoints",
    services: [itpService("Local")],
    slices: [itpSlice([["10.0.1.1", "node0"], ["10.0.1.2", "node1"], ["10.0.1.3", "node2"]])],
    cases: [toCluster("DROP")],
    afterDelete: [toCluster("REJECT")],
  },
  {
    name: "TestTerminatingEndpointsTrafficPolicyLocal: ready endpoints exist",
    services: [terminatingService],
    slices: [
      termSlice([
        ["10.0.1.1", R, TEST_NODE_NAME],
        ["10.0.1.2", R, TEST_NODE_NAME],
        ["10.0.1.3", ST, TEST_NODE_NAME],
        ["10.0.1.4", T, TEST_NODE_NAME],
        ["10.0.1.5", R, "node-1"],
      ]),
    ],
    cases: [toCluster("10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80"), toLB("10.0.1.1:80, 10.0.1.2:80")],
    afterDelete: deleted,
  },
  {
    name: "TestTerminatingEndpointsTrafficPolicyLocal: only terminating endpoints exist",
    services: [terminatingService],
    slices: [
      termSlice([
        ["10.0.1.2", ST, TEST_NODE_NAME],
        ["10.0.1.3", ST, TEST_NODE_NAME],
        ["10.0.1.4", T, TEST_NODE_NAME],
        ["10.0.1.5", R, "node-1"],
      ]),
    ],
    cases: [toCluster("10.0.1.5:80"), toLB("10.0.1.2:80, 10.0.1.3:80")],
    afterDelete: deleted,
  },
  {
    name: "TestTerminatingEndpointsTrafficPolicyLocal: terminating endpoints on remote node",
    services: [terminatingService],
    slices: [termSlice([["10.0.1.5", ST, "node-1"]])],
    cases: [toCluster("10.0.1.5:80"), { ...toLB("DROP"), name: "external to LB, no locally-usable endpoints" }],
    afterDelete: deleted,
  },
  {
    name: "TestTerminatingEndpointsTrafficPolicyLocal: no usable endpoints on any node",
    services: [terminatingService],
    slices: [termSlice([["10.0.1.5", T, TEST_NODE_NAME], ["10.0.1.5", T, "node-1"]])],
    cases: [toCluster("REJECT"), toLB("REJECT")],
    afterDelete: deleted,
  },
];

const byName = (n: string): FlowScenario => {
  const s = FLOW_SCENARIOS.find((x) => x.name === n);
  if (!s) throw new Error(`no scenario ${n}`);
  return s;
};

/**
 * The nftables tables (pkg/proxy/nftables/proxier_test.go): the same
 * scenarios, where the nftables proxier differs on purpose. Traffic to a
 * cluster IP on a port it does not serve is rejected, to an unallocated
 * cluster IP dropped (cluster-ips-check); NodePorts answer only on the
 * nodePortAddresses (the primary IP by default) and never on localhost.
 */
export const NFT_FLOW_SCENARIOS: readonly FlowScenario[] = [
  byName("TestNoEndpointsReject"),
  {
    ...byName("TestClusterIPGeneral"),
    cases: [
      ...byName("TestClusterIPGeneral").cases.map((c) =>
        c.name === "TCP-only port does not match UDP traffic" || c.name === "svc1 does not accept svc2's ports" ? { ...c, output: "REJECT" } : c,
      ),
      { name: "packet to unallocated cluster ip", sourceIP: "10.180.0.2", destIP: "172.30.0.50", destPort: 80, output: "DROP" },
    ],
  },
  byName("TestLoadBalancer"),
  { name: "TestNodePorts: ipv4", services: nodePortService, slices: nodePortSlices, cases: [...nodePortBasics, altIgnored] },
  {
    name: "TestNodePorts: ipv4, multiple nodeport-addresses",
    services: nodePortService,
    slices: nodePortSlices,
    options: { nodePortAddresses: ["192.168.0.0/24", "192.168.1.0/24"] },
    cases: [...nodePortBasics, altAllowed],
  },
  byName("TestExternalTrafficPolicyLocal"),
  byName("TestExternalTrafficPolicyCluster"),
];
