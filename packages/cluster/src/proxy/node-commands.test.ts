// What `docker exec kind-worker ...` shows of each Service proxy: kube-proxy's
// rules (iptables-save, nft list ruleset, ipvsadm -Ln) and netfilter's
// conntrack table, or nothing of them on a Cilium node (no kube-proxy).
import { describe, expect, it } from "vitest";
import { createCluster } from "../index";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY } from "../test-support/manifests";

function cluster(mode: "none" | "iptables" | "nftables" | "ipvs") {
  const c = createCluster({ seed: 4, kubeProxyMode: mode });
  c.apply(SAMPLE_DEPLOYMENT);
  c.apply(SAMPLE_POD);
  c.apply(SAMPLE_SESSION_AFFINITY);
  c.settle();
  c.curl("http://sample-session-affinity:8080", { pod: "sample-pod" }, { trace: false });
  return c;
}

describe("node commands of the Service proxy", () => {
  it("iptables mode: the KUBE chains with the recent-module affinity rules, and the flow in conntrack", { timeout: 30_000 }, () => {
    const c = cluster("iptables");
    const proxy = c.node("kind-worker").proxy;
    const nat = proxy.command(["iptables-save", "-t", "nat"])?.stdout ?? "";
    expect(nat).toMatch(/^\*nat$/m);
    expect(nat).toMatch(/^-A KUBE-SVC-\w+ -m comment --comment "default\/sample-session-affinity:http-port -> 10\.244\.\d+\.\d+:80" -m recent --rcheck --seconds 10 --reap --name KUBE-SEP-(\w+) --mask 255\.255\.255\.255 --rsource -j KUBE-SEP-\1$/m);
    expect(proxy.command(["iptables-save", "-t", "bogus"])).toEqual({ stdout: "", stderr: "iptables-save v1.8.9 (nf_tables): Table 'bogus' does not exist\n", exitCode: 1 });
    const client = c.list("pods").find((p) => p.metadata?.name === "sample-pod");
    const onNode = (client as { spec?: { nodeName?: string } }).spec?.nodeName ?? "";
    const ct = c.node(onNode).proxy.command(["conntrack", "-L"]);
    expect(ct?.stdout).toMatch(/^tcp +6 \d+ TIME_WAIT src=10\.244\.\d+\.\d+ dst=10\.96\.\d+\.\d+ sport=\d+ dport=8080 src=10\.244\.\d+\.\d+ /m);
    expect(ct?.stderr).toMatch(/^conntrack v1\.4\.7 \(conntrack-tools\): \d+ flow entries have been shown\.\n$/);
  });

  it("nftables mode: the kube-proxy table with affinity sets; IPVS mode: persistent virtual servers", { timeout: 30_000 }, () => {
    const nft = cluster("nftables").node("kind-worker").proxy.command(["nft", "list", "ruleset"])?.stdout ?? "";
    expect(nft).toMatch(/^table ip kube-proxy \{$/m);
    expect(nft).toMatch(/timeout 10s/);
    const ipvs = cluster("ipvs").node("kind-worker").proxy.command(["ipvsadm", "-Ln"])?.stdout ?? "";
    expect(ipvs).toMatch(/^TCP {2}10\.96\.\d+\.\d+:8080 rr persistent 10$/m);
  });

  it("a Cilium node has no kube-proxy state to show", { timeout: 30_000 }, () => {
    const proxy = cluster("none").node("kind-worker").proxy;
    expect(proxy.mode).toBe("none");
    expect(proxy.command(["iptables-save"])).toBeUndefined();
  });
});
