import fc from "fast-check";
import { SeededRandom } from "@svclab/sim";
import { describe, expect, it } from "vitest";
import { fakeOptions, makeService, makeSlice, TEST_NODE_NAME } from "../test-support/fixtures";
import { IptablesProxier } from "./proxier";

const endpoints = ["10.180.0.1", "10.180.0.2", "10.180.0.3"].map((ip, i) => ({ addresses: [ip], nodeName: i === 0 ? TEST_NODE_NAME : "node2" }));

function stickyProxier(timeoutSeconds = 10, protocol: "TCP" | "UDP" = "TCP", seed = "affinity") {
  const opts = fakeOptions({ random: new SeededRandom(seed) });
  const p = new IptablesProxier(opts);
  p.onServiceAdd(
    makeService("ns1", "web", {
      clusterIP: "172.30.0.10",
      ports: [
        { name: "http", port: 80, protocol },
        { name: "alt", port: 8080, protocol },
      ],
      sessionAffinity: "ClientIP",
      sessionAffinityConfig: { clientIP: { timeoutSeconds } },
    }),
  );
  p.onEndpointSliceAdd(
    makeSlice("ns1", "web", 1, endpoints, [
      { name: "http", port: 80, protocol },
      { name: "alt", port: 8080, protocol },
    ]),
  );
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
  return { p, clock: opts.clock };
}

let port = 30000;
const open = (p: IptablesProxier, src: string, dstPort = 80, protocol: "TCP" | "UDP" = "TCP") =>
  p.connect({ protocol, src, srcPort: port++, dst: "172.30.0.10", dstPort });

describe("ClientIP affinity from the recent module", () => {
  it("keeps a client on one endpoint and matches the --rcheck rule to do so", () => {
    const { p } = stickyProxier();
    const first = open(p, "10.0.0.7");
    for (let i = 0; i < 20; i++) {
      const d = open(p, "10.0.0.7");
      expect(d.backend).toBe(first.backend);
      expect(d.trace.some((s) => s.text.includes("--rcheck --seconds 10 --reap"))).toBe(true);
    }
  });

  it("spreads different clients over the endpoints", () => {
    const { p } = stickyProxier();
    const seen = new Set<string>();
    for (let c = 1; c <= 60; c++) seen.add(open(p, `10.0.1.${c}`).backend as string);
    expect(seen.size).toBe(3);
  });

  it("forgets the client after timeoutSeconds without a new connection", () => {
    const { p, clock } = stickyProxier(10);
    open(p, "10.0.0.7");
    clock.advance(10.5);
    const d = open(p, "10.0.0.7");
    expect(d.trace.some((s) => s.text.includes("--rcheck"))).toBe(false);
  });

  // kubernetes#86522: every new connection re-arms the entry (--set), so the timeout slides.
  it("slides the timeout with each new connection", () => {
    const { p, clock } = stickyProxier(10);
    const first = open(p, "10.0.0.7");
    for (let i = 0; i < 6; i++) {
      clock.advance(8);
      expect(open(p, "10.0.0.7").backend).toBe(first.backend);
    }
  });

  // kubernetes#103000: each service port has its own KUBE-SEP chains, hence its own recent tables.
  it("is per service port", () => {
    const { p } = stickyProxier();
    open(p, "10.0.0.7", 80);
    open(p, "10.0.0.7", 8080);
    const names = p.recent.names();
    expect(names.length).toBe(2);
    expect(new Set(names).size).toBe(2);
  });

  it("survives a resync (the recent table outlives the restore)", () => {
    const { p } = stickyProxier();
    const first = open(p, "10.0.0.7");
    p.onNodeUpdate({ metadata: { name: TEST_NODE_NAME } }, { metadata: { name: TEST_NODE_NAME, labels: { a: "b" } } });
    p.sync();
    expect(open(p, "10.0.0.7").backend).toBe(first.backend);
  });

  it("lists the client in /proc/net/xt_recent", () => {
    const { p } = stickyProxier();
    const d = open(p, "10.0.0.7");
    const chain = d.decidedBy?.chain as string;
    expect(p.recentTable(chain)).toMatch(/^src=10\.0\.0\.7 ttl: 64 last_seen: \d+ oldest_pkt: 1 \d+\n$/);
  });

  // xt_recent keeps 200 addresses per table: the 201st client evicts the least recently seen.
  it("forgets the oldest of more than ip_list_tot clients", () => {
    const p = new IptablesProxier(fakeOptions());
    p.onServiceAdd(makeService("ns1", "one", { clusterIP: "172.30.0.10", ports: [{ name: "http", port: 80, protocol: "TCP" }], sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 100 } } }));
    p.onEndpointSliceAdd(makeSlice("ns1", "one", 1, [{ addresses: ["10.180.0.1"] }], [{ name: "http", port: 80, protocol: "TCP" }]));
    p.onServicesSynced();
    p.onEndpointSlicesSynced();
    for (let c = 0; c < 201; c++) open(p, `10.1.${c >> 8}.${c & 255}`);
    const again = open(p, "10.1.0.0");
    expect(again.trace.some((s) => s.text.includes("--rcheck"))).toBe(false);
    expect(open(p, "10.1.0.200").trace.some((s) => s.text.includes("--rcheck"))).toBe(true);
  });

  it("property: within the timeout a client always gets its first endpoint", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9_000 }), { minLength: 1, maxLength: 12 }), fc.string(), (gapsMs, seed) => {
        const { p, clock } = stickyProxier(10, "TCP", seed);
        const first = open(p, "10.0.0.9").backend;
        for (const gap of gapsMs) {
          clock.advance(gap / 1000);
          if (open(p, "10.0.0.9").backend !== first) return false;
        }
        return true;
      }),
      { numRuns: 40 },
    );
  });
});

describe("conntrack keeps established flows on their backend", () => {
  it("translates later packets and replies from the entry, without the nat rules", () => {
    const { p } = stickyProxier();
    const d = open(p, "10.0.0.7");
    const flow = d.flow;
    if (!flow) throw new Error("no flow");
    const later = p.packet({ src: "10.0.0.7", srcPort: flow.srcPort, dst: "172.30.0.10", dstPort: 80 });
    expect(later.established).toBe(true);
    expect(`${later.dst}:${later.dstPort}`).toBe(d.backend);
    expect(later.trace.every((s) => s.hook.startsWith("filter/"))).toBe(true);
    const reply = p.reply(flow);
    expect([reply.src, reply.srcPort, reply.dst, reply.dstPort]).toEqual(["172.30.0.10", 80, "10.0.0.7", flow.srcPort]);
    expect(reply.direction).toBe("reply");
  });

  it("keeps a TCP flow on an endpoint that left the service, until it closes", () => {
    const { p } = stickyProxier();
    const d = open(p, "10.0.0.7");
    p.onEndpointSliceUpdate(makeSlice("ns1", "web", 1, []), makeSlice("ns1", "web", 1, [], [{ name: "http", port: 80, protocol: "TCP" }]));
    p.sync();
    const flow = d.flow;
    if (!flow) throw new Error("no flow");
    expect(p.packet({ src: flow.src, srcPort: flow.srcPort, dst: flow.dst, dstPort: flow.dstPort }).dst).toBe(d.backend?.split(":")[0]);
    expect(open(p, "10.0.0.7").verdict).toBe("REJECT");
  });

  it("deletes UDP flows to removed endpoints on sync (CleanStaleEntries)", () => {
    const { p } = stickyProxier(10, "UDP");
    const d = open(p, "10.0.0.7", 80, "UDP");
    expect(p.conntrackList()).toContain("udp      17 29 src=10.0.0.7 dst=172.30.0.10");
    p.onEndpointSliceUpdate(makeSlice("ns1", "web", 1, []), makeSlice("ns1", "web", 1, [], [{ name: "http", port: 80, protocol: "UDP" }]));
    p.sync();
    expect(p.conntrackList()).toBe("");
    expect(d.flow).toBeDefined();
  });

  it("prints conntrack -L lines, TIME_WAIT after close, and expires them in gc", () => {
    const { p, clock } = stickyProxier();
    const d = open(p, "10.0.0.7");
    expect(p.conntrackList()).toMatch(
      new RegExp(`^tcp      6 86399 ESTABLISHED src=10\\.0\\.0\\.7 dst=172\\.30\\.0\\.10 sport=${d.srcPort} dport=80 src=${d.dst} dst=10\\.0\\.0\\.7 sport=80 dport=${d.srcPort} \\[ASSURED\\] mark=0 use=1\\n$`),
    );
    p.close(d.flow as NonNullable<typeof d.flow>);
    expect(p.conntrackList()).toMatch(/^tcp      6 119 TIME_WAIT /);
    clock.advance(121);
    expect(p.gc()).toBe(1);
    expect(p.conntrackList()).toBe("");
  });
});
