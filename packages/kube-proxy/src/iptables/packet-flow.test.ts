import { describe, it } from "vitest";
import { fakeOptions, TEST_EXTERNAL_CLIENT, TEST_NODE_IP } from "../test-support/fixtures";
import { loadOverall } from "../test-support/overall";
import { runPacketFlowCases } from "../test-support/packet-flow";
import { IptablesProxier } from "./proxier";

describe("iptables packet flow", () => {
  // TestTracePacket (pkg/proxy/iptables/proxier_test.go) over the rules of
  // TestOverallIPTablesRules, decided by walking the installed tables.
  it("decides TestTracePacket's cases", () => {
    const p = new IptablesProxier(fakeOptions());
    loadOverall(p);
    runPacketFlowCases(p, [
      { name: "no match", sourceIP: "10.0.0.2", destIP: "10.0.0.3", destPort: 80, output: "" },
      { name: "single endpoint", sourceIP: "10.0.0.2", destIP: "172.30.0.41", destPort: 80, output: "10.180.0.1:80" },
      { name: "multiple endpoints", sourceIP: "10.0.0.2", destIP: "172.30.0.44", destPort: 80, output: "10.180.0.4:80, 10.180.0.5:80" },
      { name: "LOCAL, KUBE-MARK-MASQ", sourceIP: TEST_NODE_IP, destIP: "192.168.99.22", destPort: 80, output: "10.180.0.2:80", masq: true },
      { name: "DROP", sourceIP: TEST_EXTERNAL_CLIENT, destIP: "192.168.99.22", destPort: 80, output: "DROP" },
      { name: "ACCEPT (NodePortHealthCheck)", sourceIP: TEST_NODE_IP, destIP: TEST_NODE_IP, destPort: 30000, output: "ACCEPT" },
      { name: "REJECT", sourceIP: "10.0.0.2", destIP: "172.30.0.46", destPort: 80, output: "REJECT" },
    ]);
  });
});
