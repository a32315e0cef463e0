// Events through the real kubectl (/usr/bin/kubectl 1.32) and through ours,
// against the same served cluster: `get events` prints the server's Table
// (printEvent's columns), describe lists events itself (searchEvents'
// field selector, DescribeEvents' ages) from the client's clock. Both
// clients read the host's clock here, so the describe ages agree; a run
// that straddles a second boundary is retried once.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "@svclab/cluster";
import { Kubectl } from "./kubectl";
import { inProcessClient } from "./client/cluster-client";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY } from "./test-support/manifests";
import { serveOnLoopback } from "./test-support/serve";
import { KUBECTL, kubeconfigFor, realKubectl } from "./test-support/real-kubectl";

const io = { files: { readFile: async () => undefined, readDir: async () => undefined }, stdin: "" };

describe.skipIf(!existsSync(KUBECTL))("events: the real kubectl agrees", () => {
  let cluster: Cluster;
  let close: () => Promise<void>;
  let kubeconfig: string;
  let pod: string;

  beforeAll(async () => {
    // Half a minute before the host's now, so the events' ages are tens of seconds on either clock.
    cluster = createCluster({ seed: 5, startTime: new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000).toISOString() });
    for (const m of [SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY]) cluster.apply(m);
    cluster.settle();
    cluster.scale("deployment", "sample-deployment", 2);
    cluster.settle();
    // Access log lines: requests through the Service from the client pod.
    const svc = cluster.get("service", "sample-session-affinity") as { spec: { clusterIP: string } };
    for (let i = 0; i < 3; i++) cluster.curl(`http://${svc.spec.clusterIP}:8080/hello?i=${i}`, { pod: "sample-pod" });
    const served = await serveOnLoopback(cluster.restHandler());
    close = served.close;
    kubeconfig = kubeconfigFor(served.url);
    pod = (cluster.list("pods") as { metadata: { name: string } }[]).map((p) => p.metadata.name).find((n) => n.startsWith("sample-deployment-")) as string;
  });
  afterAll(() => close());

  const hostClock = { now: () => new Date(), waitUntil: async (done: () => Promise<boolean>) => done() };

  it.each([
    "get events",
    "get events -o wide",
    "get events -A",
    "get ev --field-selector involvedObject.kind=ReplicaSet",
    "get events --field-selector reason=Scheduled,type=Normal",
    "get events --field-selector bogus=1",
    // Unique keys only: kubectl sorts with Go's unstable sort.Sort, whose order of ties is not reproduced.
    "get events --sort-by=.metadata.uid",
    "get events --sort-by={.metadata.uid} -o wide",
    "describe pod sample-pod",
    "describe pod POD",
    "describe deployment sample-deployment",
    "describe svc sample-session-affinity",
    "logs -l app=sample-app --prefix",
    "logs -l app=sample-app --tail 1 --timestamps",
    "logs POD -c nginx-container",
    "logs sample-pod",
    "logs POD -c nope",
    "logs nope",
  ])("kubectl %s", async (cmd) => {
    const argv = cmd.split(" ").map((a) => (a === "POD" ? pod : a));
    const ours = (): ReturnType<Kubectl["run"]> => new Kubectl(inProcessClient(cluster.restHandler(), hostClock)).run(argv, io);
    let real = await realKubectl(kubeconfig, argv);
    let mine = await ours();
    if (JSON.stringify(real) !== JSON.stringify(mine)) {
      real = await realKubectl(kubeconfig, argv);
      mine = await ours();
    }
    expect(real).toEqual(mine);
    if (cmd.startsWith("describe")) expect(mine.stdout).toMatch(/Events:/);
    if (cmd.includes("--prefix")) expect(mine.stdout).toMatch(/^\[pod\/sample-deployment-\S+\/nginx-container\] 10\.244\.\d+\.\d+ - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/hello\?i=0 HTTP\/1\.1" 200 \d+ "-" "curl\/[\d.]+" "-"$/m);
  }, 60_000);

  // The rest of describe node is another matter (the Lease, resource columns); its Events section is this one's.
  it("kubectl describe node kind-worker: the Events section", async () => {
    const argv = ["describe", "node", "kind-worker"];
    // Its padding belongs to the tabwriter block of the whole description.
    const events = (text: string): string => text.slice(text.indexOf("\nEvents:")).replace(/^\nEvents:[ ]+/, "Events: ");
    const real = await realKubectl(kubeconfig, argv);
    const mine = await new Kubectl(inProcessClient(cluster.restHandler(), hostClock)).run(argv, io);
    expect(events(real.stdout)).toBe(events(mine.stdout));
  }, 60_000);

  it("shows the lifecycle a kind cluster shows for a pod", async () => {
    const r = await new Kubectl(inProcessClient(cluster.restHandler(), hostClock)).run(["describe", "pod", "sample-pod"], io);
    const events = r.stdout.slice(r.stdout.indexOf("Events:")).split("\n").slice(3).filter((l) => l.trim() !== "");
    expect(events.map((l) => l.trim().split(/\s{2,}/).filter((_, i) => i !== 2))).toEqual([
      ["Normal", "Scheduled", "default-scheduler", expect.stringMatching(/^Successfully assigned default\/sample-pod to kind-worker\d?$/)],
      ["Normal", "Pulled", "kubelet", 'Container image "amsy810/tools:v2.0" already present on machine'],
      ["Normal", "Created", "kubelet", "Created container: tools-container"],
      ["Normal", "Started", "kubelet", "Started container tools-container"],
    ]);
  }, 60_000);
});
