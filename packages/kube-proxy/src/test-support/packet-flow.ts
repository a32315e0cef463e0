/**
 * kube-proxy's packet-flow test tables (runPacketFlowTests in
 * pkg/proxy/{iptables,nftables}/proxier_test.go) run against our proxiers.
 * kube-proxy's tracer follows every probabilistic branch and reports the set
 * of endpoints a packet may reach; here each case opens a number of real
 * connections (new source ports) through the seeded evaluator and collects
 * the endpoints they reached, which must be that same set.
 */

import { expect } from "vitest";
import type { ServiceProxy } from "../proxy/provider";
import type { FlowScenario } from "./flow-scenarios";

export interface PacketFlowCase {
  readonly name: string;
  readonly sourceIP: string;
  readonly protocol?: "TCP" | "UDP" | "SCTP";
  readonly destIP: string;
  readonly destPort: number;
  /** Comma-separated `IP:port`s, or ACCEPT / DROP / REJECT, or "" when no rule touches the packet. */
  readonly output: string;
  readonly masq?: boolean;
}

const TRIES = 24;
let nextPort = 20000;

export function flowOutcome(p: ServiceProxy, tc: PacketFlowCase): { output: string; masq: boolean } {
  const outputs = new Set<string>();
  let masq = false;
  for (let i = 0; i < TRIES; i++) {
    const d = p.connect({ protocol: tc.protocol ?? "TCP", src: tc.sourceIP, srcPort: nextPort++, dst: tc.destIP, dstPort: tc.destPort });
    if (d.verdict !== "ACCEPT") outputs.add(d.verdict);
    else if (d.backend !== undefined) outputs.add(d.backend);
    else if (d.decidedBy?.text.endsWith("-j ACCEPT") || d.decidedBy?.text.endsWith("accept")) outputs.add("ACCEPT");
    masq ||= d.masqueraded;
    if (d.flow) p.close(d.flow);
  }
  const list = [...outputs].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return { output: list.join(", "), masq };
}

export function runPacketFlowCases(p: ServiceProxy, cases: readonly PacketFlowCase[]): void {
  for (const tc of cases) {
    const got = flowOutcome(p, tc);
    expect({ name: tc.name, ...got }).toEqual({ name: tc.name, output: tc.output, masq: tc.masq ?? false });
  }
}

/** Loads a scenario into `p` (both initial lists synced), runs its cases, then its after-deletion cases. */
export function runScenario(p: ServiceProxy, sc: FlowScenario): void {
  for (const s of sc.services) p.onServiceAdd(s);
  for (const s of sc.slices) p.onEndpointSliceAdd(s);
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
  runPacketFlowCases(p, sc.cases);
  if (sc.afterDelete) {
    for (const s of sc.slices) p.onEndpointSliceDelete(s);
    p.sync();
    runPacketFlowCases(p, sc.afterDelete);
  }
}
