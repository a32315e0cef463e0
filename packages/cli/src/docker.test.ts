import { describe, expect, it } from "vitest";
import { svclabIn, tempDir, type CliRun } from "./test-support/cli";

const run = (script: string): Promise<CliRun> => svclabIn(["run", "s.sh"], tempDir({ "s.sh": script }, "svclab-docker-"));

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
