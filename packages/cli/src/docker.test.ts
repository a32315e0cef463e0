import { describe, expect, it } from "vitest";
import { svclabIn, tempDir, type CliRun } from "./test-support/cli";

const run = (script: string, flags: readonly string[] = []): Promise<CliRun> => svclabIn(["run", ...flags, "s.sh"], tempDir({ "s.sh": script }, "svclab-docker-"));

describe("docker stop / start of a kind node", () => {
  it("takes the node down as kind users see it: NotReady after the grace period, Ready again after docker start", async () => {
    const r = await run(
      [
        "docker stop kind-worker2",
        "sleep 60",
        "kubectl get node kind-worker2 --no-headers | awk '{print $2}'",
        "kubectl get node kind-worker2 -o jsonpath='{.spec.taints[*].key}'; echo",
        "docker start kind-worker2",
        "sleep 10",
        "kubectl get node kind-worker2 --no-headers | awk '{print $2}'",
      ].join("\n"),
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("kind-worker2\nNotReady\nnode.kubernetes.io/unreachable node.kubernetes.io/unreachable\nkind-worker2\nReady\n");
  });

  it("answers as docker does for unknown containers and missing arguments", async () => {
    const r = await run("docker stop kind-worker9\necho $?\ndocker stop\necho $?\n");
    expect(r.stdout).toBe("1\n1\n");
    expect(r.stderr).toBe(
      "Error response from daemon: No such container: kind-worker9\n" +
        "\"docker stop\" requires at least 1 argument.\nSee 'docker stop --help'.\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nStop one or more running containers\n",
    );
  });
});

describe("docker exec on a kind node: the Service proxy's state", () => {
  const script = [
    "kubectl create deployment web --image=nginx --replicas=2 >/dev/null",
    "kubectl expose deployment web --port=80 >/dev/null",
    "sleep 5",
    "docker exec kind-worker iptables-save -t nat | grep -c -- '-A KUBE-SEP-'",
    "docker exec kind-worker ipvsadm -Ln | head -1",
    "docker exec kind-worker conntrack -L 2>&1 | tail -1",
    "docker exec kind-worker9 iptables-save; echo $?",
    "docker exec kind-worker ls; echo $?",
  ].join("\n");

  it.each([
    ["iptables", /^\d+\nIP Virtual Server version 1\.2\.1 \(size=4096\)\nconntrack v1\.4\.7 \(conntrack-tools\): \d+ flow entries have been shown\.\n1\n1\n$/],
    // A Cilium node: no kube-proxy rules at all.
    ["none", /^0\nIP Virtual Server version 1\.2\.1 \(size=4096\)\nconntrack v1\.4\.7 \(conntrack-tools\): 0 flow entries have been shown\.\n1\n1\n$/],
  ])("--proxy-mode %s", { timeout: 30_000 }, async (mode, expected) => {
    const r = await run(script, ["--proxy-mode", mode]);
    expect(r.stdout).toMatch(expected);
    expect(r.stderr).toBe(
      "Error response from daemon: No such container: kind-worker9\n" + "svclab: docker exec kind-worker ls is not simulated; the node answers iptables-save, nft, ipvsadm, conntrack\n",
    );
    if (mode === "iptables") expect(Number(r.stdout.split("\n")[0])).toBeGreaterThan(2);
  });

  it("rejects an unknown --proxy-mode", async () => {
    const r = await run("true", ["--proxy-mode", "userspace"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('svclab: --proxy-mode must be one of none, iptables, nftables, ipvs, got "userspace"\nTry \'svclab --help\' for more information.\n');
  });
});
