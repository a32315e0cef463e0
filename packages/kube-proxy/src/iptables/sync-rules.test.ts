import { formatIPv4 } from "@svclab/sim";
import { describe, expect, it } from "vitest";
import { fakeOptions, makeService, makeSlice } from "../test-support/fixtures";
import { IptablesProxier } from "./proxier";
import { probability } from "./sync-rules";

// TestComputeProbability (pkg/proxy/iptables/proxier_test.go).
describe("statistic probabilities", () => {
  it.each([
    [1, "1.0000000000"],
    [2, "0.5000000000"],
    [10, "0.1000000000"],
    [100, "0.0100000000"],
    [1000, "0.0010000000"],
    [10000, "0.0001000000"],
    [100000, "0.0000100000"],
    [100001, "0.0000099999"],
  ])("1/%i prints as %s", (n, s) => {
    expect(probability(n)).toBe(s);
  });

  it("strictly decreases as n grows, as printed", () => {
    let prev = Infinity;
    let firstFailure: number | undefined;
    for (let n = 2; n <= 100000 && firstFailure === undefined; n++) {
      const p = Number(probability(n));
      if (!(p < prev)) firstFailure = n;
      prev = p;
    }
    expect(firstFailure).toBeUndefined();
  });
});

// largeClusterEndpointsThreshold: above 1,000 endpoints kube-proxy stops
// writing per-endpoint comments (TestSyncProxyRulesLargeClusterMode).
describe("large cluster mode", () => {
  const build = (endpoints: number) => {
    const p = new IptablesProxier(fakeOptions());
    p.onServiceAdd(makeService("ns1", "big", { clusterIP: "172.30.0.41", ports: [{ name: "p80", port: 80, protocol: "TCP" }] }));
    p.onEndpointSliceAdd(makeSlice("ns1", "big", 1, Array.from({ length: endpoints }, (_, i) => ({ addresses: [formatIPv4(0x0ab40000 + 1 + i)] }))));
    p.onServicesSynced();
    p.onEndpointSlicesSynced();
    return p.restoreData().split("\n");
  };

  it("keeps the comments at 1,000 endpoints and drops them at 1,001", () => {
    const sep = (lines: string[]) => lines.filter((l) => l.startsWith("-A KUBE-SEP-"));
    expect(sep(build(1000)).every((l) => l.includes("-m comment --comment ns1/big:p80"))).toBe(true);
    const big = build(1001);
    expect(sep(big).some((l) => l.includes("--comment"))).toBe(false);
    // The service chain's jumps lose theirs too, but its "cluster IP" masquerade rule keeps its comment.
    const svc = big.filter((l) => l.startsWith("-A KUBE-SVC-"));
    expect(svc[0]).toContain('--comment "ns1/big:p80 cluster IP"');
    expect(svc.slice(1).every((l) => !l.includes("--comment"))).toBe(true);
    expect(svc[1]).toBe(`-A ${svc[1]?.split(" ")[1]} -m statistic --mode random --probability 0.0009990010 -j ${svc[1]?.split(" ").pop()}`);
  });
});
