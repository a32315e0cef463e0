import { describe, expect, it } from "vitest";
import { fakeOptions, TEST_NODE_IP } from "../test-support/fixtures";
import { FLOW_SCENARIOS, POLICY_SCENARIOS } from "../test-support/flow-scenarios";
import { flowOutcome, runScenario } from "../test-support/packet-flow";
import { IptablesProxier } from "./proxier";

// kube-proxy's runPacketFlowTests tables (pkg/proxy/iptables/proxier_test.go),
// each decided here by walking the rules installed on the node.
describe("iptables packet flow", () => {
  for (const sc of FLOW_SCENARIOS) {
    it(sc.name, () => {
      runScenario(new IptablesProxier(fakeOptions(sc.options)), sc);
    });
  }
  for (const sc of POLICY_SCENARIOS) it(sc.name, () => runScenario(new IptablesProxier(fakeOptions(sc.options)), sc));

  // TestHealthCheckNodePort, second half: once the service is gone, no rule accepts the port.
  it("TestHealthCheckNodePort: deleted service", () => {
    const sc = FLOW_SCENARIOS.find((s) => s.name === "TestHealthCheckNodePort");
    const p = new IptablesProxier(fakeOptions(sc?.options));
    const svc = sc?.services[0];
    if (!svc) throw new Error("scenario missing");
    p.onServiceAdd(svc);
    p.onServicesSynced();
    p.onEndpointSlicesSynced();
    p.onServiceDelete(svc);
    p.sync();
    expect(flowOutcome(p, { name: "gone", sourceIP: "1.2.3.4", destIP: TEST_NODE_IP, destPort: 30000, output: "" }).output).toBe("");
  });
});
