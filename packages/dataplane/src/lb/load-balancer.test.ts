import { describe, expect, it } from "vitest";
import { clusterIPService, endpoint, node, slice } from "../control/test-support/fixtures";
import type { K8sService } from "../control/reflector";
import { parseIPv4 } from "@svclab/sim";
import { PROTO_TCP } from "../maps";
import { LookupTrace } from "./trace";

const VIP = "10.96.50.104";

function affinityNode(timeout = 100, overrides = {}) {
  const n = node(overrides);
  n.dp.applyService(clusterIPService("echo", VIP, { affinity: timeout }));
  n.dp.applyEndpointSlice(slice("echo", [1, 2, 3].map((i) => endpoint(`10.244.1.${i}`, "node-a")), 80));
  return n;
}

function ew(dp: ReturnType<typeof node>["dp"], client: string, clientPort: number, syn = true) {
  return dp.connect({ path: "east-west", client, clientPort, address: VIP, port: 80, syn });
}

function nodePort(name: string, etp = "Cluster", extra: Partial<NonNullable<K8sService["spec"]>> = {}): K8sService {
  return {
    metadata: { name, namespace: "default" },
    spec: {
      type: "NodePort",
      clusterIP: "10.96.0.20",
      ports: [{ name: "http", port: 80, nodePort: 30080, protocol: "TCP" }],
      externalTrafficPolicy: etp,
      ...extra,
    },
  };
}

describe("ServiceLoadBalancer: session affinity (lb4_local)", () => {
  it("an affinity entry overrides the selection", () => {
    const { dp, clock } = affinityNode();
    const revNat = dp.reconciler.serviceId(`${VIP}:80/TCP`) as number;
    const be3 = dp.reconciler.backendId("10.244.1.3:80/TCP") as number;
    dp.maps.affinity.upsertEntry(parseIPv4("10.0.0.1"), revNat, false, be3, clock.nowSeconds());
    for (let port = 1000; port < 1020; port++) expect(ew(dp, "10.0.0.1", port).backend).toBe("10.244.1.3:80");
    expect(ew(dp, "10.0.0.1", 2000).affinityHit).toBe(true);
  });

  it("keeps a client on one backend within the timeout and slides the timer on each connection", () => {
    const { dp, clock } = affinityNode(100);
    const first = ew(dp, "10.0.0.1", 1000).backend;
    for (let i = 1; i <= 10; i++) {
      clock.advance(99);
      expect(ew(dp, "10.0.0.1", 1000 + i).backend).toBe(first);
    }
  });

  it("expires the entry exactly at last_used + timeout and chooses again", () => {
    const { dp, clock } = affinityNode(100);
    ew(dp, "10.0.0.1", 1000);
    clock.advance(100);
    const trace = new LookupTrace();
    const saddr = parseIPv4("10.0.0.1");
    const r = dp.lb.eastWest(saddr, 1001, parseIPv4(VIP), 80, PROTO_TCP, true, trace);
    expect(r.affinityHit).toBe(false);
    expect(trace.accesses.map((a) => `${a.map} ${a.op} ${a.result}`)).toContain("cilium_lb4_affinity delete ok");
    expect(trace.accesses.find((a) => a.op === "delete")?.reason).toBe("expired: last_used 1000 + timeout 100 <= now 1100");
  });

  it("drops an entry pointing at a terminating backend and picks an active one", () => {
    const { dp } = affinityNode();
    const first = ew(dp, "10.0.0.1", 1000).backend.split(":")[0] as string;
    const eps = [1, 2, 3].map((i) =>
      `10.244.1.${i}` === first ? endpoint(first, "node-a", { ready: false, terminating: true }) : endpoint(`10.244.1.${i}`, "node-a"),
    );
    dp.applyEndpointSlice(slice("echo", eps, 80));
    const r = ew(dp, "10.0.0.1", 1001);
    expect(r.affinityHit).toBe(false);
    expect(r.backend).not.toBe(`${first}:80`);
    // The new choice sticks.
    expect(ew(dp, "10.0.0.1", 1002).backend).toBe(r.backend);
  });

  it("drops an entry pointing at a removed backend and picks a remaining one", () => {
    const { dp } = affinityNode();
    const first = ew(dp, "10.0.0.1", 1000).backend.split(":")[0] as string;
    const rest = [1, 2, 3].map((i) => `10.244.1.${i}`).filter((ip) => ip !== first);
    dp.applyEndpointSlice(slice("echo", rest.map((ip) => endpoint(ip, "node-a")), 80));
    const r = ew(dp, "10.0.0.1", 1001);
    expect(rest.map((ip) => `${ip}:80`)).toContain(r.backend);
  });

  it("uses a terminating backend only when no active backend is left", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", VIP));
    dp.applyEndpointSlice(
      slice("echo", [endpoint("10.244.1.1", "node-a", { ready: false, terminating: true }), endpoint("10.244.1.2", "node-a")], 80),
    );
    for (let p = 0; p < 50; p++) expect(ew(dp, "10.0.0.1", 2000 + p).backend).toBe("10.244.1.2:80");
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a", { ready: false, terminating: true })], 80));
    expect(ew(dp, "10.0.0.1", 3000).backend).toBe("10.244.1.1:80");
  });

  it("never selects a quarantined backend for a new flow", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", VIP));
    dp.writer.setBackends("default/echo", [
      { address: "10.244.1.1", port: 80, protocol: "TCP", portNames: ["http"], unhealthy: true },
      { address: "10.244.1.2", port: 80, protocol: "TCP", portNames: ["http"] },
    ]);
    dp.reconcile();
    const chosen = new Set(Array.from({ length: 50 }, (_, p) => ew(dp, "10.0.0.1", 6000 + p).backend));
    expect([...chosen]).toEqual(["10.244.1.2:80"]);
  });

  it("lets an established flow drain to a terminating backend but moves a new connection (SYN) on the same tuple", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", VIP));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a")], 80));
    expect(ew(dp, "10.0.0.1", 4000).backend).toBe("10.244.1.1:80");
    dp.applyEndpointSlice(
      slice("echo", [endpoint("10.244.1.1", "node-a", { ready: false, terminating: true }), endpoint("10.244.1.2", "node-a")], 80),
    );
    const draining = ew(dp, "10.0.0.1", 4000, false);
    expect([draining.conntrackHit, draining.backend]).toEqual([true, "10.244.1.1:80"]);
    expect(ew(dp, "10.0.0.1", 4000, true).backend).toBe("10.244.1.2:80");
  });

  it("closes a connection: its conntrack entry expires CT_CLOSE_TIMEOUT later, and is gone once the GC has run", () => {
    const { dp, clock } = node();
    dp.applyService(clusterIPService("echo", VIP));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a")], 80));
    ew(dp, "10.0.0.1", 4000, false);
    expect(dp.closeConnection({ client: "10.0.0.1", clientPort: 4000, address: VIP, port: 80 })).toBe(true);
    expect(dp.conntrackDump()[0]).toMatch(/expires=1010 \(in 10s\)$/);
    clock.advance(11);
    // The datapath never reads the lifetime: until the agent's GC sweeps it, the expired entry still matches.
    expect(ew(dp, "10.0.0.1", 4000, false).conntrackHit).toBe(true);
    expect(dp.conntrackGC()).toBe(1);
    expect(ew(dp, "10.0.0.1", 4000, false).conntrackHit).toBe(false);
    expect(dp.closeConnection({ client: "10.0.0.9", clientPort: 1, address: VIP, port: 80 })).toBe(false);
  });

  it("treats an expired entry as collected once a GC run (every conntrackGCInterval seconds) came after its expiry", () => {
    const { dp, clock } = node({ conntrackGCInterval: 300 });
    dp.applyService(clusterIPService("echo", VIP, { protocol: "UDP" }));
    dp.applyEndpointSlice({ ...slice("echo", [endpoint("10.244.1.1", "node-a")], 80), ports: [{ name: "http", port: 80, protocol: "UDP" }] });
    const udp = (port: number) =>
      dp.connect({ path: "east-west", client: "10.0.0.1", clientPort: port, address: VIP, port: 80, protocol: "UDP", syn: false });
    udp(5000); // at 1000: lifetime 1060 (CT_SERVICE_LIFETIME_NONTCP)
    expect(dp.conntrackDump()).toEqual(["UDP 10.0.0.1:5000 -> 10.96.50.104:80 SERVICE => 10.244.1.1:80 (id 1) rev_nat=1 expires=1060 (in 60s)"]);
    clock.advance(99); // 1099: expired, but the next GC run is at 1200
    expect(udp(5000).conntrackHit).toBe(true);
    clock.advance(200); // 1299: revived at 1099 until 1159, and the 1200 run came after that
    expect(udp(5000).conntrackHit).toBe(false);
  });

  it("socket LB takes the configured NodePort range, not a hard-coded 30000-32767", () => {
    const sock = (dp: ReturnType<typeof node>["dp"]) =>
      dp.connect({ path: "east-west", client: "10.244.1.9", address: "172.18.0.9", port: 40080, netnsCookie: 7 }).path;
    for (const [range, path] of [[undefined, "east-west"], [[30000, 45000], "socket"]] as const) {
      const { dp } = node(range === undefined ? {} : { nodePortRange: range });
      dp.setRemoteNodeIPs(["172.18.0.9"]);
      dp.applyService(nodePort("np", "Cluster", { ports: [{ name: "http", port: 80, nodePort: 40080, protocol: "TCP" }] }));
      dp.applyEndpointSlice(slice("np", [endpoint("10.244.1.1", "node-a")], 80));
      expect(sock(dp)).toBe(path);
    }
  });

  it("keeps non-TCP flows in cilium_ct_any4_global and TCP flows in cilium_ct4_global", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", VIP));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a")], 80));
    dp.applyService(clusterIPService("dns", "10.96.0.10", { port: 53, protocol: "UDP" }));
    dp.applyEndpointSlice({ ...slice("dns", [endpoint("10.244.1.2", "node-a")], 53), ports: [{ name: "http", port: 53, protocol: "UDP" }] });
    ew(dp, "10.0.0.1", 4000, false);
    dp.connect({ path: "east-west", client: "10.0.0.1", clientPort: 4001, address: "10.96.0.10", port: 53, protocol: "UDP" });
    expect([dp.maps.conntrack.size, dp.maps.conntrackAny?.size]).toEqual([1, 1]);
    expect([dp.maps.conntrackAny?.name, dp.maps.conntrackAny?.maxEntries]).toEqual(["cilium_ct_any4_global", 262144]);
  });

  it("a SYN on a closed tuple after CT_SERVICE_CLOSE_REBALANCE is a new connection: it follows affinity, not a random pick", () => {
    const { dp, clock } = affinityNode(10800);
    dp.applyEndpointSlice(slice("echo", ["10.244.1.1", "10.244.1.2", "10.244.1.3"].map((ip) => endpoint(ip, "node-a")), 80));
    const first = ew(dp, "10.0.0.1", 4000);
    ew(dp, "10.0.0.1", 4000, false);
    dp.closeConnection({ client: "10.0.0.1", clientPort: 4000, address: VIP, port: 80 });
    // Another connection of the client refreshes the affinity; then the first flow's backend goes away.
    clock.advance(61);
    ew(dp, "10.0.0.1", 4001, false);
    const others = ["10.244.1.1", "10.244.1.2", "10.244.1.3"].filter((ip) => `${ip}:80` !== first.backend);
    dp.applyEndpointSlice(slice("echo", others.map((ip) => endpoint(ip, "node-a")), 80));
    // The affinity entry's backend is gone too, so the reused tuple selects anew, and affinity follows the new choice.
    const again = ew(dp, "10.0.0.1", 4000);
    expect(again.conntrackHit).toBe(false);
    expect(dp.affinityDump()[0]).toContain(`=> ${again.backend} `);
  });

  it("a SYN on a tuple closed less than CT_SERVICE_CLOSE_REBALANCE ago reopens the flow on its backend", () => {
    const { dp, clock } = node();
    dp.applyService(clusterIPService("echo", VIP));
    dp.applyEndpointSlice(slice("echo", [1, 2, 3, 4].map((i) => endpoint(`10.244.1.${i}`, "node-a")), 80));
    const first = ew(dp, "10.0.0.1", 4000);
    ew(dp, "10.0.0.1", 4000, false);
    dp.closeConnection({ client: "10.0.0.1", clientPort: 4000, address: VIP, port: 80 });
    clock.advance(5);
    const reopened = ew(dp, "10.0.0.1", 4000);
    expect([reopened.conntrackHit, reopened.backend]).toEqual([true, first.backend]);
    // Reopened: no longer closing, so it is refreshed again (SYN timeout).
    expect(dp.conntrackDump()[0]).toMatch(/expires=1065 \(in 60s\)$/);
  });

  it("evicts the least recently used affinity entry when the LRU map is full", () => {
    const { dp } = affinityNode(1000, { mapSizes: { affinity: 3 } });
    for (const c of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) ew(dp, c, 1000);
    ew(dp, "10.0.0.1", 1001); // 10.0.0.2 is now the least recently used
    ew(dp, "10.0.0.4", 1000);
    const clients = dp.affinityDump().map((l) => l.split(" ")[1]);
    expect(clients).toEqual(["10.0.0.4", "10.0.0.1", "10.0.0.3"]);
  });

  it("keeps separate affinity per scope of a two-scope service", () => {
    const { dp } = node();
    dp.applyService({
      ...nodePort("np", "Local"),
      spec: { ...nodePort("np", "Local").spec, sessionAffinity: "ClientIP" },
    });
    dp.applyEndpointSlice(slice("np", [endpoint("10.244.1.1", "node-a"), endpoint("10.244.2.1", "node-b")], 80));
    const ext = dp.connect({ path: "north-south", client: "10.0.0.1", clientPort: 1, address: "172.18.0.2", port: 30080 });
    const int = dp.connect({ path: "east-west", client: "10.0.0.1", clientPort: 2, address: "172.18.0.2", port: 30080 });
    expect([ext.scope, int.scope]).toEqual(["external", "internal"]);
    expect(ext.revNatIndex).not.toBe(int.revNatIndex);
    expect(ext.backend).toBe("10.244.1.1:80"); // eTP=Local: this node's backend only
    expect(dp.affinityDump()).toHaveLength(2);
  });
});

describe("ServiceLoadBalancer: Maglev", () => {
  it("with affinity hashes without the source port: one backend for all ports of a client", () => {
    const { dp } = node({ lbAlgorithm: "maglev", maglevTableSize: 251 });
    dp.applyService({ ...nodePort("np"), spec: { ...nodePort("np").spec, sessionAffinity: "ClientIP" } });
    dp.applyEndpointSlice(slice("np", [1, 2, 3, 4, 5].map((i) => endpoint(`10.244.1.${i}`, "node-b")), 80));
    // Clear affinity after each connection, so only Maglev decides.
    const backends = new Set<string>();
    for (let port = 1000; port < 1100; port++) {
      backends.add(dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: port, address: "172.18.0.2", port: 30080 }).backend);
      dp.maps.affinity.clear();
    }
    expect(backends.size).toBe(1);
  });

  it("without affinity spreads one client's source ports over the backends", () => {
    const { dp } = node({ lbAlgorithm: "maglev", maglevTableSize: 251 });
    dp.applyService(nodePort("np"));
    dp.applyEndpointSlice(slice("np", [1, 2, 3, 4, 5].map((i) => endpoint(`10.244.1.${i}`, "node-b")), 80));
    const backends = new Set<string>();
    for (let port = 1000; port < 1100; port++) {
      backends.add(dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: port, address: "172.18.0.2", port: 30080 }).backend);
    }
    expect(backends.size).toBe(5);
  });
});

describe("ServiceLoadBalancer: north-south", () => {
  it("SNATs to the node address for a remote backend and keeps the client address for a local one", () => {
    const { dp } = node();
    dp.applyService(nodePort("np"));
    dp.applyEndpointSlice(slice("np", [endpoint("10.244.1.1", "node-a"), endpoint("10.244.2.1", "node-b")], 80));
    const seen = new Map<string, string>();
    for (let p = 0; p < 40; p++) {
      const r = dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: 5000 + p, address: "172.18.0.2", port: 30080 });
      seen.set(r.backend, `${r.source.split(":")[0]} local=${r.local} snat=${r.snat}`);
    }
    expect(Object.fromEntries(seen)).toEqual({
      "10.244.1.1:80": "203.0.113.9 local=true snat=false",
      "10.244.2.1:80": "172.18.0.2 local=false snat=true",
    });
  });

  it("in DSR mode a remote backend sees the client address", () => {
    const { dp } = node({ lbMode: "dsr" });
    dp.applyService(nodePort("np"));
    dp.applyEndpointSlice(slice("np", [endpoint("10.244.2.1", "node-b")], 80));
    const r = dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: 5000, address: "172.18.0.2", port: 30080 });
    expect([r.backendNode, r.source, r.dsr, r.snat]).toEqual(["node-b", "203.0.113.9:5000", true, false]);
  });

  it("in hybrid mode uses DSR for TCP and SNAT for UDP", () => {
    const { dp } = node({ lbMode: "hybrid" });
    dp.applyService({
      metadata: { name: "np", namespace: "default" },
      spec: {
        type: "NodePort",
        clusterIP: "10.96.0.20",
        ports: [
          { name: "tcp", port: 53, nodePort: 30053, protocol: "TCP" },
          { name: "udp", port: 53, nodePort: 30053, protocol: "UDP" },
        ],
      },
    });
    dp.applyEndpointSlice({
      metadata: { name: "np-1", namespace: "default", labels: { "kubernetes.io/service-name": "np" } },
      endpoints: [endpoint("10.244.2.1", "node-b")],
      ports: [
        { name: "tcp", port: 5353, protocol: "TCP" },
        { name: "udp", port: 5353, protocol: "UDP" },
      ],
    });
    const at = (protocol: "TCP" | "UDP") =>
      dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: 5000, address: "172.18.0.2", port: 30053, protocol });
    expect([at("TCP").dsr, at("TCP").source]).toEqual([true, "203.0.113.9:5000"]);
    expect([at("UDP").snat, at("UDP").source]).toEqual([true, "172.18.0.2:5000"]);
  });

  it("drops external traffic for an eTP=Local service on a node without a local backend", () => {
    const { dp } = node();
    dp.applyService(nodePort("np", "Local"));
    dp.applyEndpointSlice(slice("np", [endpoint("10.244.2.1", "node-b")], 80));
    const r = dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: 5000, address: "172.18.0.2", port: 30080 });
    expect([r.verdict, r.dropReason]).toEqual(["drop", "Service backend not found"]);
    // A pod on this node still reaches the remote backend (internal scope).
    const pod = dp.connect({ path: "east-west", client: "10.244.1.7", clientPort: 5000, address: "172.18.0.2", port: 30080 });
    expect(pod.backend).toBe("10.244.2.1:80");
  });

  it("drops a ClusterIP reached from outside, unknown ports of a LoadBalancer IP, and sources outside the ranges", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", VIP));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a")], 80));
    const cip = dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: 1, address: VIP, port: 80 });
    expect(cip.dropReason).toBe("Is a ClusterIP");

    dp.applyService({
      metadata: { name: "lb", namespace: "default" },
      spec: { type: "LoadBalancer", clusterIP: "10.96.0.30", ports: [{ port: 443, nodePort: 31443 }], loadBalancerSourceRanges: ["203.0.113.0/24"] },
      status: { loadBalancer: { ingress: [{ ip: "198.51.100.7" }] } },
    });
    dp.applyEndpointSlice(slice("lb", [endpoint("10.244.1.1", "node-a")], 8443));
    const wild = dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: 1, address: "198.51.100.7", port: 22 });
    expect(wild.dropReason).toBe("Service backend not found");
    const denied = dp.connect({ path: "north-south", client: "192.0.2.1", clientPort: 1, address: "198.51.100.7", port: 443 });
    expect(denied.dropReason).toBe("Denied by LB src range check");
    const allowed = dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: 1, address: "198.51.100.7", port: 443 });
    expect(allowed.backend).toBe("10.244.1.1:8443");
    const other = dp.connect({ path: "north-south", client: "203.0.113.9", clientPort: 1, address: "192.0.2.200", port: 80 });
    expect(other.verdict).toBe("pass");
  });

  it("reverse-NATs replies to the service address", () => {
    const { dp } = node();
    dp.applyService(nodePort("np"));
    dp.applyEndpointSlice(slice("np", [endpoint("10.244.1.1", "node-a")], 80));
    const r = dp.lb.northSouth(parseIPv4("203.0.113.9"), 5000, parseIPv4("172.18.0.2"), 30080, PROTO_TCP);
    const out = { address: 0, port: 0 };
    expect(dp.lb.reverseNat(r.revNatIndex, out)).toBe(true);
    expect(out).toEqual({ address: parseIPv4("172.18.0.2"), port: 30080 });
  });
});

describe("ServiceLoadBalancer: socket LB", () => {
  it("keys affinity by the netns cookie, so all of a pod's sockets share it", () => {
    const { dp } = affinityNode();
    const a = dp.connect({ path: "east-west", client: "10.244.1.50", clientPort: 1, address: VIP, port: 80, netnsCookie: 4097 });
    expect(a.path).toBe("socket");
    for (let i = 0; i < 20; i++) {
      const r = dp.connect({ path: "east-west", client: "10.244.1.50", clientPort: 2 + i, address: VIP, port: 80, netnsCookie: 4097 });
      expect([r.backend, r.affinityHit]).toEqual([a.backend, true]);
    }
    expect(dp.affinityDump()[0]).toMatch(/^client netns cookie 4097 -> /);
  });

  it("translates a connect to a local address on a NodePort through the 0.0.0.0 surrogate", () => {
    const { dp } = node();
    dp.applyService(nodePort("np"));
    dp.applyEndpointSlice(slice("np", [endpoint("10.244.1.1", "node-a")], 80));
    const r = dp.connect({ path: "east-west", client: "10.244.1.50", clientPort: 1, address: "127.0.0.1", port: 30080, netnsCookie: 1 });
    expect([r.path, r.frontend, r.backend]).toEqual(["socket", "127.0.0.1:30080/TCP", "10.244.1.1:80"]);
  });

  it("serves a NodePort on another node's address from this node's surrogate, once it knows the node", () => {
    const { dp } = node();
    dp.applyService(nodePort("np"));
    dp.applyEndpointSlice(slice("np", [endpoint("10.244.2.1", "node-b")], 80));
    const req = { path: "east-west" as const, client: "10.244.1.50", clientPort: 1, address: "172.18.0.3", port: 30080, netnsCookie: 1 };
    expect(dp.connect(req).verdict).toBe("pass");
    dp.setRemoteNodeIPs(["172.18.0.3"]);
    expect([dp.connect(req).path, dp.connect(req).backend]).toEqual(["socket", "10.244.2.1:80"]);
  });

  it("fails connect() with no backends", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", VIP));
    const r = dp.connect({ path: "east-west", client: "10.244.1.50", clientPort: 1, address: VIP, port: 80, netnsCookie: 1 });
    expect([r.path, r.verdict, r.dropReason]).toEqual(["socket", "drop", "Service backend not found"]);
  });
});

describe("ServiceLoadBalancer: determinism and tracing", () => {
  it("makes the same choices for the same seed", () => {
    const run = () => {
      const { dp } = node();
      dp.applyService(clusterIPService("echo", VIP));
      dp.applyEndpointSlice(slice("echo", [1, 2, 3, 4].map((i) => endpoint(`10.244.1.${i}`, "node-a")), 80));
      return Array.from({ length: 30 }, (_, i) => ew(dp, "10.0.0.1", 100 + i).backend);
    };
    expect(run()).toEqual(run());
  });

  it("records the ordered map accesses of a new connection", () => {
    const { dp } = affinityNode();
    const r = dp.connect({ path: "east-west", client: "10.0.0.1", clientPort: 1000, address: VIP, port: 80, trace: true });
    expect(r.trace?.accesses.map((a) => `${a.map} ${a.op} ${a.result}`)).toEqual([
      "cilium_lb4_services_v2 lookup hit",
      "cilium_ct4_global lookup miss",
      "cilium_lb4_affinity lookup miss",
      "cilium_lb4_services_v2 lookup hit",
      "cilium_lb4_backends_v3 lookup hit",
      "cilium_ct4_global update ok",
      "cilium_lb4_affinity update ok",
    ]);
    expect(r.trace?.verdict).toBe(`forward to ${r.backend} (backend ${r.backendId}, local)`);
  });

  it("prints a drop's trace with the verdict last", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", VIP));
    const r = dp.connect({ path: "east-west", client: "10.0.0.1", clientPort: 1000, address: VIP, port: 80, trace: true });
    expect(r.trace?.toString()).toBe(
      [
        "1. cilium_lb4_services_v2 lookup {10.96.50.104:80/TCP slot=0 scope=ext} -> hit {count=0 qcount=0 rev_nat_index=1 flags=0x0} (service frontend)",
        "2. cilium_ct4_global lookup {10.0.0.1:1000 -> 10.96.50.104:80/TCP SERVICE} -> miss (new flow)",
        "verdict: drop: Service backend not found",
      ].join("\n"),
    );
  });

  it("leaves the result untraced when no trace is asked for", () => {
    const { dp } = affinityNode();
    expect(dp.connect({ path: "east-west", client: "10.0.0.1", clientPort: 1000, address: VIP, port: 80 }).trace).toBeNull();
  });
});
