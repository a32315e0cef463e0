import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "./main";

async function run(script: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const cwd = mkdtempSync(join(tmpdir(), "svclab-docker-"));
  writeFileSync(join(cwd, "s.sh"), script);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await main(["run", "s.sh"], { stdout, stderr, stdin: new PassThrough(), cwd });
  return { stdout: out, stderr: err, code };
}

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
