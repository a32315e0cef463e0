// The real kubectl (/usr/bin/kubectl, the dispatcher that picks its 1.32
// client from our /version) against the in-process API server, served on
// loopback by a minimal node:http adapter: it must print what our kubectl
// prints through the in-process transport. The Tables are the server's, so
// this checks the printers, discovery and the REST answers together.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "@svclab/cluster";
import { Kubectl } from "./kubectl";
import { inProcessClient } from "./client/cluster-client";
import { SAMPLE_DEPLOYMENT, SAMPLE_SESSION_AFFINITY_AS_PRINTED } from "./test-support/manifests";
import { serveOnLoopback } from "./test-support/serve";
import { HAVE_KUBECTL, kubeconfigFor, realKubectl, servedSampleCluster } from "./test-support/real-kubectl";

const io = { files: { readFile: async () => undefined, readDir: async () => undefined }, stdin: "" };

describe.skipIf(!HAVE_KUBECTL)("the real kubectl agrees", () => {
  let cluster: Cluster;
  let close: () => Promise<void>;
  let kubeconfig: string;

  beforeAll(async () => {
    ({ cluster, kubeconfig, close } = await servedSampleCluster(5));
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

// Writes: the real kubectl against one cluster, ours against a twin with the
// same seed, the same command lines in the same order (client-side apply with
// the article's invalid Service, patches with and without change, an unknown
// field's warning, label, scale through the scale subresource, delete).
describe.skipIf(!HAVE_KUBECTL)("the real kubectl agrees on writes", () => {
  const real = createCluster({ seed: 9 });
  const twin = createCluster({ seed: 9 });
  const dir = mkdtempSync(join(tmpdir(), "svclab-oracle-files-"));
  const files: Record<string, string> = { [join(dir, "d.yaml")]: SAMPLE_DEPLOYMENT, [join(dir, "s.yaml")]: SAMPLE_SESSION_AFFINITY_AS_PRINTED };
  for (const [path, text] of Object.entries(files)) writeFileSync(path, text);
  const ours = new Kubectl(inProcessClient(twin.restHandler(), twin.clientClock()));
  const oursIo = { files: { readFile: async (p: string) => files[p], readDir: async () => undefined }, stdin: "" };
  let close: () => Promise<void>;
  let kubeconfig: string;

  beforeAll(async () => {
    const served = await serveOnLoopback(real.restHandler());
    close = served.close;
    kubeconfig = kubeconfigFor(served.url);
  });
  afterAll(() => close());

  it.each([
    `apply -f ${join(dir, "d.yaml")}`,
    `apply -f ${join(dir, "d.yaml")}`,
    `apply -f ${join(dir, "s.yaml")}`,
    `patch deploy sample-deployment -p {"spec":{"replicas":2}}`,
    `patch deploy sample-deployment -p {"spec":{"replicas":2}}`,
    `patch deploy sample-deployment --type merge -p {"spec":{"bogus":1}}`,
    "label deploy sample-deployment tier=web",
    "scale deploy sample-deployment --replicas=3",
    "delete deploy sample-deployment",
  ])("kubectl %s", async (cmd) => {
    const argv = cmd.split(" ");
    const theirs = await realKubectl(kubeconfig, argv);
    real.settle();
    const mine = await ours.run(argv, oursIo);
    twin.settle();
    expect(theirs).toEqual(mine);
  }, 60_000);
});
