import { describe, expect, it } from "vitest";
import { makeService, makeSlice, nftFakeOptions } from "../test-support/fixtures";
import { NftablesProxier } from "./proxier";

function sticky(timeoutSeconds = 10) {
  const opts = nftFakeOptions();
  const p = new NftablesProxier(opts);
  p.onServiceAdd(
    makeService("ns1", "web", {
      clusterIP: "172.30.0.10",
      ports: [{ name: "http", port: 80, protocol: "TCP" }],
      sessionAffinity: "ClientIP",
      sessionAffinityConfig: { clientIP: { timeoutSeconds } },
    }),
  );
  p.onEndpointSliceAdd(
    makeSlice("ns1", "web", 1, ["10.180.0.1", "10.180.0.2", "10.180.0.3"].map((ip) => ({ addresses: [ip] })), [{ name: "http", port: 80, protocol: "TCP" }]),
  );
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
  return { p, clock: opts.clock };
}

let port = 40000;
const open = (p: NftablesProxier, src: string) => p.connect({ src, srcPort: port++, dst: "172.30.0.10", dstPort: 80 });

describe("nftables ClientIP affinity from dynamic sets", () => {
  it("keeps a client on one endpoint through the affinity set, not numgen", () => {
    const { p } = sticky();
    const first = open(p, "10.0.0.7");
    expect(first.trace.some((s) => s.text.startsWith("numgen random mod 3"))).toBe(true);
    for (let i = 0; i < 10; i++) {
      const d = open(p, "10.0.0.7");
      expect(d.backend).toBe(first.backend);
      expect(d.trace.some((s) => s.text.startsWith("ip saddr @affinity-"))).toBe(true);
      expect(d.trace.some((s) => s.text.startsWith("numgen"))).toBe(false);
    }
  });

  it("lists the element with its timeout, and times it out", () => {
    const { p, clock } = sticky(10);
    open(p, "10.0.0.7");
    clock.advance(3);
    expect(p.listRuleset()).toMatch(/elements = \{ 10\.0\.0\.7 timeout 10s expires 7s \}/);
    clock.advance(8);
    expect(open(p, "10.0.0.7").trace.some((s) => s.text.startsWith("ip saddr @affinity-"))).toBe(false);
    clock.advance(20);
    expect(p.gc()).toBeGreaterThan(0);
  });

  it("prints nft list ruleset with named priorities and normalised rules", () => {
    const { p } = sticky();
    const text = p.listRuleset();
    expect(text.startsWith('table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n')).toBe(true);
    expect(text).toContain("\tchain nat-prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tjump services\n\t}");
    expect(text).toContain("\t\ttype filter hook prerouting priority dstnat - 10; policy accept;");
    expect(text).toContain("\t\tmeta mark set meta mark | 0x00004000\n");
    expect(text).toContain("\t\tmeta mark & 0x00004000 == 0x00000000 return\n");
    expect(text).toContain("\t\tip daddr 172.30.0.0/16 drop comment \"Drop traffic to unallocated ClusterIPs\"\n");
    expect(text).toMatch(/\t\tnumgen random mod 3 vmap \{ 0 : goto endpoint-[A-Z2-7]{8}-ns1\/web\/tcp\/http__10\.180\.0\.1\/80, 1 : goto /);
  });
});
