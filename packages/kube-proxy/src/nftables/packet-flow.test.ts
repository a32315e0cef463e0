import { describe, it } from "vitest";
import { nftFakeOptions } from "../test-support/fixtures";
import { NFT_FLOW_SCENARIOS, POLICY_SCENARIOS } from "../test-support/flow-scenarios";
import { runScenario } from "../test-support/packet-flow";
import { NftablesProxier } from "./proxier";

// kube-proxy's nftables runPacketFlowTests tables, decided by walking the table.
describe("nftables packet flow", () => {
  for (const sc of NFT_FLOW_SCENARIOS) {
    it(sc.name, () => {
      runScenario(new NftablesProxier(nftFakeOptions(sc.options)), sc);
    });
  }
  for (const sc of POLICY_SCENARIOS) it(sc.name, () => runScenario(new NftablesProxier(nftFakeOptions(sc.options)), sc));
});
