import { describe, it } from "vitest";
import { nftFakeOptions } from "../test-support/fixtures";
import { NFT_FLOW_SCENARIOS } from "../test-support/flow-scenarios";
import { runPacketFlowCases } from "../test-support/packet-flow";
import { NftablesProxier } from "./proxier";

// kube-proxy's nftables runPacketFlowTests tables, decided by walking the table.
describe("nftables packet flow", () => {
  for (const sc of NFT_FLOW_SCENARIOS) {
    it(sc.name, () => {
      const p = new NftablesProxier(nftFakeOptions(sc.options));
      for (const s of sc.services) p.onServiceAdd(s);
      for (const s of sc.slices) p.onEndpointSliceAdd(s);
      p.onServicesSynced();
      p.onEndpointSlicesSynced();
      runPacketFlowCases(p, sc.cases);
    });
  }
});
