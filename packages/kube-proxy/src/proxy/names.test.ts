import { describe, expect, it } from "vitest";
import { endpointChainName, portProtoHash } from "./names";

// Chain names from kube-proxy's own golden tests (pkg/proxy/iptables/proxier_test.go,
// TestOverallIPTablesRules) and /work/shared/reference/kube-proxy.md.
describe("kube-proxy chain-name hashes", () => {
  it.each([
    ["ns1/svc1:p80", "tcp", "XPGD46QRK7WJZT7O"],
    ["ns2/svc2:p80", "tcp", "GNZBNJ2PO5MGZ6GT"],
    ["ns3/svc3:p80", "tcp", "X27LE4BHSL4DOUIK"],
    ["ns4/svc4:p80", "tcp", "4SW47YFZTEDKD3PK"],
    ["ns5/svc5:p80", "tcp", "NUKIZ6OKUXPJNT4C"],
    ["kube-system/kube-dns:dns", "udp", "TCOU7JCQXEZGVUNU"],
  ])("service port %s/%s -> %s", (name, proto, hash) => {
    expect(portProtoHash(name, proto)).toBe(hash);
  });

  it.each([
    ["ns5/svc5:p80", "10.180.0.3:80", "KUBE-SEP-I77PXRDZVX7PMWMN"],
    ["ns1/svc1:p80", "10.180.0.1:80", "KUBE-SEP-SXIVWICOYRO3J4NJ"],
    ["ns4/svc4:p80", "10.180.0.4:80", "KUBE-SEP-UKSFD7AGPMPPLUHC"],
    ["ns4/svc4:p80", "10.180.0.5:80", "KUBE-SEP-C6EBXVWJJZMIWKLZ"],
  ])("endpoint %s %s -> %s", (name, ep, chain) => {
    expect(endpointChainName(name, "TCP", ep)).toBe(chain);
  });
});
