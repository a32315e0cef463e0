// The real kubectl (/usr/bin/kubectl, the dispatcher that picks its 1.32
// client from our /version) against the in-process API server, served on
// loopback by a minimal node:http adapter: it must print what our kubectl
// prints through the in-process transport. The Tables are the server's, so
// this checks the printers, discovery and the REST answers together.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "@svclab/cluster";
import { Kubectl } from "./kubectl";
import { inProcessClient } from "./client/cluster-client";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY } from "./test-support/manifests";
import { serveOnLoopback } from "./test-support/serve";

const KUBECTL = "/usr/bin/kubectl";
const io = { files: { readFile: async () => undefined, readDir: async () => undefined }, stdin: "" };

function realKubectl(kubeconfig: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ["--kubeconfig", kubeconfig, ...args], { timeout: 60_000 }, (e, stdout, stderr) => {
      resolve({ stdout, stderr, exitCode: e === null ? 0 : typeof e.code === "number" ? e.code : 1 });
    });
  });
}

describe.skipIf(!existsSync(KUBECTL))("the real kubectl agrees", () => {
  let cluster: Cluster;
  let close: () => Promise<void>;
  let kubeconfig: string;

  beforeAll(async () => {
    cluster = createCluster({ seed: 5 });
    for (const m of [SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY]) cluster.apply(m);
    cluster.settle();
    const served = await serveOnLoopback(cluster.restHandler());
    close = served.close;
    kubeconfig = join(mkdtempSync(join(tmpdir(), "svclab-oracle-")), "config");
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\ncurrent-context: svclab\ncontexts:\n- name: svclab\n  context: { cluster: svclab }\nclusters:\n- name: svclab\n  cluster: { server: "${served.url}" }\n`);
  });
  afterAll(() => close());

  it.each([
    "get pods",
    "get pods -o wide",
    "get pods -A",
    "get pods --show-labels",
    "get pods -l app=sample-app -o name",
    "get svc -o wide",
    "get deploy,rs -o wide",
    "get nodes -o wide",
    "get ns",
    "get endpoints",
    "get endpointslices",
    "get pod sample-pod",
    "get pods nope",
    "get all",
  ])("kubectl %s", async (cmd) => {
    const argv = cmd.split(" ");
    const ours = await new Kubectl(inProcessClient(cluster.restHandler(), cluster.clientClock())).run(argv, io);
    expect(await realKubectl(kubeconfig, argv)).toEqual(ours);
  }, 60_000);
});
