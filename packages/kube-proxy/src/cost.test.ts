import { describe, expect, it } from "vitest";
import { formatIPv4 } from "@svclab/sim";
import { IptablesProxier } from "./iptables/proxier";
import { IpvsProxier } from "./ipvs/proxier";
import { NftablesProxier } from "./nftables/proxier";
import type { ServiceProxy } from "./proxy/provider";
import { fakeOptions, makeService, makeSlice } from "./test-support/fixtures";

// Where the modes differ in cost: iptables scans KUBE-SERVICES rule by rule,
// nftables dispatches with one verdict-map lookup, IPVS with ip-set and
// virtual-server hash lookups behind a fixed handful of iptables rules.
function withServices(p: ServiceProxy, n: number): ServiceProxy {
  for (let i = 0; i < n; i++) {
    p.onServiceAdd(makeService("ns", `s${i}`, { clusterIP: formatIPv4(0xac1e0000 + 10 + i), ports: [{ name: "p80", port: 80, protocol: "TCP" }] }));
    p.onEndpointSliceAdd(makeSlice("ns", `s${i}`, 1, [{ addresses: [formatIPv4(0x0ab40000 + 10 + i)] }]));
  }
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
  return p;
}

/** The most rules any service's first packet is checked against (the service written last is scanned for longest). */
function cost(p: ServiceProxy, n: number): { rulesEvaluated: number; backend: string | undefined } {
  let worst = { rulesEvaluated: 0, backend: undefined as string | undefined };
  for (let i = 0; i < n; i++) {
    const d = p.packet({ src: "10.0.0.2", srcPort: 5555, dst: formatIPv4(0xac1e0000 + 10 + i), dstPort: 80, tcpFlags: "SYN", trace: false });
    if (d.backend === undefined) return { rulesEvaluated: d.rulesEvaluated, backend: undefined };
    if (d.rulesEvaluated > worst.rulesEvaluated) worst = { rulesEvaluated: d.rulesEvaluated, backend: d.backend };
  }
  return worst;
}

describe("rules evaluated per new connection", () => {
  it("grows with the number of services in iptables mode", () => {
    const small = cost(withServices(new IptablesProxier(fakeOptions()), 10), 10);
    const big = cost(withServices(new IptablesProxier(fakeOptions()), 200), 200);
    expect(small.backend).toBeDefined();
    expect(big.backend).toBeDefined();
    expect(big.rulesEvaluated - small.rulesEvaluated).toBeGreaterThanOrEqual(190);
  });

  it.each([
    ["nftables", NftablesProxier],
    ["IPVS", IpvsProxier],
  ] as const)("stays flat in %s mode", (_mode, Mode) => {
    const small = cost(withServices(new Mode(fakeOptions()), 10), 10);
    const big = cost(withServices(new Mode(fakeOptions()), 200), 200);
    expect(small.backend).toBeDefined();
    expect(big.backend).toBeDefined();
    expect(big.rulesEvaluated).toBe(small.rulesEvaluated);
  });
});
