import { describe, expect, it } from "vitest";
import type { Endpoint } from "kubernetes-types/discovery/v1";
import type { Service } from "kubernetes-types/core/v1";
import { IpvsProxier } from "./proxier";
import {
  fakeOptions,
  makeService,
  makeSlice,
  TEST_EXTERNAL_CLIENT,
  TEST_EXTERNAL_CLIENT_BLOCKED,
  TEST_NODE_IP,
  TEST_NODE_IPS,
  TEST_NODE_NAME,
} from "../test-support/fixtures";

// Cases from kubernetes/kubernetes pkg/proxy/ipvs/proxier_test.go, checked on
// what the fake IPVS / ipset / iptables handles hold after a sync, and then
// by sending packets through the node.

const ep = (ip: string, node: string, conditions: Endpoint["conditions"] = { ready: true }): Endpoint => ({ addresses: [ip], nodeName: node, conditions });

function proxierWith(svc: Service, endpoints: Endpoint[], opts = fakeOptions()): IpvsProxier {
  const p = new IpvsProxier(opts);
  p.onServiceAdd(svc);
  p.onEndpointSliceAdd(makeSlice(svc.metadata!.namespace!, svc.metadata!.name!, 1, endpoints));
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
  return p;
}

const nodePortSvc = (spec: Service["spec"] = {}): Service =>
  makeService("ns1", "svc1", { type: "NodePort", clusterIP: "10.20.30.41", ports: [{ name: "p80", port: 80, protocol: "TCP", nodePort: 3001 }], ...spec });

/** The `ipvsadm -Ln` block of one virtual server. */
function vsBlock(p: IpvsProxier, header: string): string[] {
  const lines = p.ipvsadmList().split("\n");
  const i = lines.findIndex((l) => l.startsWith(header));
  if (i < 0) return [];
  const out = [lines[i] as string];
  for (let k = i + 1; k < lines.length && (lines[k] as string).startsWith("  -> "); k++) out.push((lines[k] as string).replace(/\s+/g, " ").trim());
  return out;
}

describe("IPVS proxier (pkg/proxy/ipvs/proxier_test.go)", () => {
  it("TestClusterIPNoEndpoint: a virtual server without real servers; the client is refused", () => {
    const p = proxierWith(makeService("ns1", "svc1", { clusterIP: "10.20.30.41", ports: [{ name: "p80", port: 80, protocol: "TCP" }] }), []);
    expect(vsBlock(p, "TCP  10.20.30.41:80")).toEqual(["TCP  10.20.30.41:80 rr"]);
    expect(p.ipsets.entries("KUBE-CLUSTER-IP")).toEqual(["10.20.30.41,tcp:80"]);
    expect(p.kubeIpvs0Addresses()).toEqual(["10.20.30.41"]);
    const d = p.connect({ src: "10.0.0.2", srcPort: 40000, dst: "10.20.30.41", dstPort: 80 });
    expect(d.verdict).toBe("REJECT");
    expect(d.decidedBy?.text).toBe("TCP  10.20.30.41:80 rr: no destination available");
  });

  it("TestClusterIP: one virtual server per cluster IP and port, endpoints as real servers, round robin", () => {
    const p = proxierWith(makeService("ns1", "svc1", { clusterIP: "10.20.30.41", ports: [{ name: "p80", port: 80, protocol: "TCP" }] }), [
      ep("10.180.0.1", TEST_NODE_NAME),
      ep("10.180.1.1", "node2"),
    ]);
    expect(vsBlock(p, "TCP  10.20.30.41:80")).toEqual(["TCP  10.20.30.41:80 rr", "-> 10.180.0.1:80 Masq 1 0 0", "-> 10.180.1.1:80 Masq 1 0 0"]);
    const backends = [0, 1, 2, 3].map((i) => p.connect({ src: "10.0.0.2", srcPort: 40000 + i, dst: "10.20.30.41", dstPort: 80 }).backend);
    expect(backends).toEqual(["10.180.0.1:80", "10.180.1.1:80", "10.180.0.1:80", "10.180.1.1:80"]);
    expect(vsBlock(p, "TCP  10.20.30.41:80")).toEqual(["TCP  10.20.30.41:80 rr", "-> 10.180.0.1:80 Masq 1 2 0", "-> 10.180.1.1:80 Masq 1 2 0"]);
  });

  it("TestNodePort: a virtual server on every node address; ip set KUBE-NODE-PORT-TCP; external clients masqueraded", () => {
    const p = proxierWith(nodePortSvc(), [ep("10.180.0.1", TEST_NODE_NAME), ep("10.180.1.1", "node2")]);
    for (const ip of TEST_NODE_IPS) expect(vsBlock(p, `TCP  ${ip}:3001`)).toEqual([`TCP  ${ip}:3001 rr`, "-> 10.180.0.1:80 Masq 1 0 0", "-> 10.180.1.1:80 Masq 1 0 0"]);
    expect(p.ipsets.entries("KUBE-NODE-PORT-TCP")).toEqual(["3001"]);
    // Node addresses are not bound to kube-ipvs0.
    expect(p.kubeIpvs0Addresses()).toEqual(["10.20.30.41"]);
    expect(p.restoreData()).toContain(
      '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ',
    );
    const d = p.connect({ src: TEST_EXTERNAL_CLIENT, srcPort: 40000, dst: TEST_NODE_IP, dstPort: 3001 });
    expect([d.verdict, d.backend, d.masqueraded, d.src]).toEqual(["ACCEPT", "10.180.0.1:80", true, TEST_NODE_IP]);
    // The reply comes back from the node port, as the client addressed it.
    const r = p.reply(d.flow!);
    expect([r.src, r.srcPort, r.dst, r.dstPort]).toEqual([TEST_NODE_IP, 3001, TEST_EXTERNAL_CLIENT, 40000]);
  });

  it("TestOnlyLocalNodePorts: eTP Local node ports use only local endpoints and are not masqueraded", () => {
    const p = proxierWith(nodePortSvc({ externalTrafficPolicy: "Local" }), [ep("10.180.0.1", TEST_NODE_NAME), ep("10.180.2.1", "node2")]);
    expect(vsBlock(p, `TCP  ${TEST_NODE_IP}:3001`)).toEqual([`TCP  ${TEST_NODE_IP}:3001 rr`, "-> 10.180.0.1:80 Masq 1 0 0"]);
    // The cluster IP keeps every endpoint (internal traffic policy Cluster).
    expect(vsBlock(p, "TCP  10.20.30.41:80")).toHaveLength(3);
    expect(p.ipsets.entries("KUBE-NODE-PORT-LOCAL-TCP")).toEqual(["3001"]);
    const data = p.restoreData();
    const local = data.indexOf("--match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN");
    expect(local).toBeGreaterThan(0);
    expect(local).toBeLessThan(data.indexOf("--match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ"));
    for (let i = 0; i < 3; i++) {
      const d = p.connect({ src: TEST_EXTERNAL_CLIENT, srcPort: 41000 + i, dst: TEST_NODE_IP, dstPort: 3001 });
      expect([d.backend, d.masqueraded, d.src]).toEqual(["10.180.0.1:80", false, TEST_EXTERNAL_CLIENT]);
    }
  });

  it("eTP Local without local endpoints falls back to the cluster endpoints (kubernetes#97081)", () => {
    const p = proxierWith(nodePortSvc({ externalTrafficPolicy: "Local" }), [ep("10.180.2.1", "node2")]);
    expect(vsBlock(p, `TCP  ${TEST_NODE_IP}:3001`)).toEqual([`TCP  ${TEST_NODE_IP}:3001 rr`, "-> 10.180.2.1:80 Masq 1 0 0"]);
  });

  it("TestSessionAffinity: persistent virtual servers with timeoutSeconds; a client sticks to one real server", () => {
    const p = proxierWith(
      nodePortSvc({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } }),
      [ep("10.180.0.1", TEST_NODE_NAME), ep("10.180.1.1", "node2"), ep("10.180.2.1", "node3")],
    );
    expect(vsBlock(p, "TCP  10.20.30.41:80")[0]).toBe("TCP  10.20.30.41:80 rr persistent 10800");
    expect(vsBlock(p, `TCP  ${TEST_NODE_IP}:3001`)[0]).toBe(`TCP  ${TEST_NODE_IP}:3001 rr persistent 10800`);
    const first = p.connect({ src: "10.0.0.2", srcPort: 40000, dst: "10.20.30.41", dstPort: 80 });
    for (let i = 1; i < 6; i++) {
      const d = p.connect({ src: "10.0.0.2", srcPort: 40000 + i, dst: "10.20.30.41", dstPort: 80 });
      expect(d.backend).toBe(first.backend);
      expect(d.decidedBy?.text).toMatch(/\(template\)$/);
    }
    // Another client is scheduled by rr, to the next real server.
    expect(p.connect({ src: "10.0.0.3", srcPort: 40000, dst: "10.20.30.41", dstPort: 80 }).backend).not.toBe(first.backend);
    expect(p.ipvsadmListConnections()).toContain("TCP 180:00 NONE        10.0.0.2:0         10.20.30.41:80     10.180.0.1:80");
  });

  it("a local pod reaching itself through the service is masqueraded by KUBE-LOOP-BACK", () => {
    const p = proxierWith(makeService("ns1", "svc1", { clusterIP: "10.20.30.41", ports: [{ name: "p80", port: 80, protocol: "TCP" }] }), [ep("10.180.0.1", TEST_NODE_NAME)]);
    expect(p.ipsets.entries("KUBE-LOOP-BACK")).toEqual(["10.180.0.1,tcp:80,10.180.0.1"]);
    const d = p.connect({ src: "10.180.0.1", srcPort: 40000, dst: "10.20.30.41", dstPort: 80 });
    expect([d.backend, d.masqueraded]).toEqual(["10.180.0.1:80", true]);
    expect(d.trace.some((s) => s.text.includes("--match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE"))).toBe(true);
  });

  it("KUBE-IPVS-FILTER refuses new connections to other ports of a VIP (kubernetes#72236)", () => {
    const p = proxierWith(makeService("ns1", "svc1", { clusterIP: "10.20.30.41", ports: [{ name: "p80", port: 80, protocol: "TCP" }] }), [ep("10.180.0.1", TEST_NODE_NAME)]);
    const d = p.connect({ src: "10.0.0.2", srcPort: 40000, dst: "10.20.30.41", dstPort: 22 });
    expect(d.verdict).toBe("REJECT");
    expect(d.decidedBy?.text).toBe("-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable");
  });

  it("graceful termination: a terminating endpoint drains at weight 0 and is deleted when its connections are gone", () => {
    const svc = makeService("ns1", "svc1", { clusterIP: "10.20.30.41", ports: [{ name: "p80", port: 80, protocol: "TCP" }] });
    const opts = fakeOptions();
    const p = proxierWith(svc, [ep("10.180.0.1", TEST_NODE_NAME), ep("10.180.1.1", "node2")], opts);
    const kept = p.connect({ src: "10.0.0.2", srcPort: 40000, dst: "10.20.30.41", dstPort: 80 });
    expect(kept.backend).toBe("10.180.0.1:80");
    p.onEndpointSliceUpdate(
      makeSlice("ns1", "svc1", 1, []),
      makeSlice("ns1", "svc1", 1, [ep("10.180.0.1", TEST_NODE_NAME, { ready: false, serving: true, terminating: true }), ep("10.180.1.1", "node2")]),
    );
    p.sync();
    expect(vsBlock(p, "TCP  10.20.30.41:80")).toEqual(["TCP  10.20.30.41:80 rr", "-> 10.180.1.1:80 Masq 1 0 0", "-> 10.180.0.1:80 Masq 0 1 0"]);
    // New connections avoid it; the established one keeps its backend.
    for (let i = 1; i < 4; i++) expect(p.connect({ src: "10.0.0.2", srcPort: 40000 + i, dst: "10.20.30.41", dstPort: 80 }).backend).toBe("10.180.1.1:80");
    expect(p.packet({ src: "10.0.0.2", srcPort: 40000, dst: "10.20.30.41", dstPort: 80, tcpFlags: "ACK" }).dst).toBe("10.180.0.1");
    p.close(kept.flow!);
    opts.clock.advance(121);
    p.gc();
    expect(vsBlock(p, "TCP  10.20.30.41:80").some((l) => l.includes("10.180.0.1"))).toBe(false);
  });

  it("ipset list and iptables-save show what the sync wrote", () => {
    const p = proxierWith(nodePortSvc(), [ep("10.180.0.1", TEST_NODE_NAME)]);
    expect(p.ipsetList("KUBE-NODE-PORT-TCP")).toBe(
      ["Name: KUBE-NODE-PORT-TCP", "Type: bitmap:port", "Header: range 0-65535 comment", "References: 1", "Number of entries: 1", "Members:", "3001", ""].join("\n"),
    );
    expect(p.iptablesSave("nat")).toContain("-A KUBE-SERVICES ! -s 10.0.0.0/8 -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ");
  });

  it("TestLoadBalancerSourceRanges: KUBE-LOAD-BALANCER-FW sends LB traffic through the source-range firewall", () => {
    const svc = makeService(
      "ns1",
      "svc1",
      { type: "LoadBalancer", clusterIP: "10.20.30.41", ports: [{ name: "p80", port: 80, protocol: "TCP", nodePort: 3001 }], loadBalancerSourceRanges: ["203.0.113.0/25"] },
      { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } },
    );
    const p = proxierWith(svc, [ep("10.180.0.1", TEST_NODE_NAME)]);
    expect(p.ipsets.entries("KUBE-LOAD-BALANCER")).toEqual(["1.2.3.4,tcp:80"]);
    expect(p.ipsets.entries("KUBE-LOAD-BALANCER-FW")).toEqual(["1.2.3.4,tcp:80"]);
    expect(p.ipsets.entries("KUBE-LOAD-BALANCER-SOURCE-CIDR")).toEqual(["1.2.3.4,tcp:80,203.0.113.0/25"]);
    expect(p.kubeIpvs0Addresses()).toEqual(["1.2.3.4", "10.20.30.41"]);
    const ok = p.connect({ src: TEST_EXTERNAL_CLIENT, srcPort: 40000, dst: "1.2.3.4", dstPort: 80 });
    expect([ok.verdict, ok.backend, ok.masqueraded]).toEqual(["ACCEPT", "10.180.0.1:80", true]);
    const blocked = p.connect({ src: TEST_EXTERNAL_CLIENT_BLOCKED, srcPort: 40000, dst: "1.2.3.4", dstPort: 80 });
    expect([blocked.verdict, blocked.decidedBy?.text]).toEqual(["DROP", "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP"]);
  });

  it("TestExternalIPs: external IPs get virtual servers and KUBE-EXTERNAL-IP; eTP Local ones KUBE-EXTERNAL-IP-LOCAL", () => {
    const spec = (etp: "Cluster" | "Local"): Service =>
      makeService("ns1", "svc1", { type: "NodePort", clusterIP: "10.20.30.41", externalIPs: ["50.60.70.81"], externalTrafficPolicy: etp, ports: [{ name: "p80", port: 80, protocol: "TCP", nodePort: 3001 }] });
    const cluster = proxierWith(spec("Cluster"), [ep("10.180.0.1", TEST_NODE_NAME), ep("10.180.2.1", "node2")]);
    expect(cluster.ipsets.entries("KUBE-EXTERNAL-IP")).toEqual(["50.60.70.81,tcp:80"]);
    expect(vsBlock(cluster, "TCP  50.60.70.81:80")).toHaveLength(3);
    const d = cluster.connect({ src: TEST_EXTERNAL_CLIENT, srcPort: 40000, dst: "50.60.70.81", dstPort: 80 });
    expect([d.verdict, d.masqueraded]).toEqual(["ACCEPT", true]);
    const local = proxierWith(spec("Local"), [ep("10.180.0.1", TEST_NODE_NAME), ep("10.180.2.1", "node2")]);
    expect(local.ipsets.entries("KUBE-EXTERNAL-IP")).toEqual([]);
    expect(local.ipsets.entries("KUBE-EXTERNAL-IP-LOCAL")).toEqual(["50.60.70.81,tcp:80"]);
    expect(vsBlock(local, "TCP  50.60.70.81:80")).toEqual(["TCP  50.60.70.81:80 rr", "-> 10.180.0.1:80 Masq 1 0 0"]);
    const l = local.connect({ src: TEST_EXTERNAL_CLIENT, srcPort: 40000, dst: "50.60.70.81", dstPort: 80 });
    expect([l.backend, l.masqueraded]).toEqual(["10.180.0.1:80", false]);
  });

  it("affinity outlives timeoutSeconds while a connection it placed is in TIME_WAIT (kubernetes#89358)", () => {
    const opts = fakeOptions();
    const p = proxierWith(
      makeService("ns1", "svc1", { clusterIP: "10.20.30.41", sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } }, ports: [{ name: "p80", port: 80, protocol: "TCP" }] }),
      [ep("10.180.0.1", TEST_NODE_NAME), ep("10.180.1.1", "node2")],
      opts,
    );
    const first = p.connect({ src: "10.0.0.2", srcPort: 40000, dst: "10.20.30.41", dstPort: 80 });
    p.close(first.flow!);
    opts.clock.advance(60); // past timeoutSeconds, inside TIME_WAIT's 120 s
    p.gc();
    const again = p.connect({ src: "10.0.0.2", srcPort: 40001, dst: "10.20.30.41", dstPort: 80 });
    expect([again.backend, again.decidedBy?.text.endsWith("(template)")]).toEqual([first.backend, true]);
  });
});
