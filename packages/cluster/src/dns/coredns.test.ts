import { describe, expect, it } from "vitest";
import { ClusterDns, podResolvConf } from "./coredns";

const dns = new ClusterDns("cluster.local", (ns, name) => {
  if (ns === "default" && name === "sample-session-affinity") return { clusterIP: "10.96.12.34" };
  if (ns === "default" && name === "sample-headless") return { endpoints: ["10.244.1.2", "10.244.2.2"] };
  if (ns === "kube-system" && name === "kube-dns") return { clusterIP: "10.96.0.10" };
  if (ns === "default" && name === "alias") return { externalName: "sample-session-affinity.default.svc.cluster.local" };
  if (ns === "default" && name === "google") return { externalName: "www.google.com" };
  return undefined;
});
const conf = podResolvConf("default", "cluster.local", "10.96.0.10");

describe("ClusterDns", () => {
  it.each([
    ["sample-session-affinity", "10.96.12.34", 1],
    ["sample-session-affinity.default", "10.96.12.34", 2],
    ["sample-session-affinity.default.svc", "10.96.12.34", 3],
    // 4 dots < ndots 5: the three search domains fail before the name itself is tried.
    ["sample-session-affinity.default.svc.cluster.local", "10.96.12.34", 4],
    ["sample-session-affinity.default.svc.cluster.local.", "10.96.12.34", 1],
    ["kube-dns.kube-system", "10.96.0.10", 2],
    ["sample-headless", "10.244.1.2", 1],
    ["10-244-1-7.default.pod.cluster.local", "10.244.1.7", 4],
    ["nope", undefined, 4],
    ["alias", "10.96.12.34", 2],
    ["google", undefined, 2],
  ])("%s resolves to %s after %i queries", (host, address, count) => {
    const r = dns.resolve(host, conf);
    expect(r.address).toBe(address);
    expect(r.queries.length).toBe(count);
  });

  it("does not resolve cluster names outside pods", () => {
    expect(dns.resolve("sample-session-affinity.default.svc.cluster.local", undefined).address).toBeUndefined();
    expect(dns.resolve("172.18.0.3", undefined).address).toBe("172.18.0.3");
  });
});
