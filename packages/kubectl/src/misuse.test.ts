// Command-line misuse (issues 11 and 15): the real kubectl (/usr/bin/kubectl, 1.32
// through its dispatcher) against the API server served on loopback, and ours
// in process against the same cluster, must print the same error text and exit
// with the same code. None of these writes anything, so one cluster serves both.
// The table of these inputs and their errors is in docs/reliability.md.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "@svclab/cluster";
import { Kubectl } from "./kubectl";
import { inProcessClient } from "./client/cluster-client";
import { KUBECTL, realKubectl, servedSampleCluster } from "./test-support/real-kubectl";

const io = { files: { readFile: async () => undefined, readDir: async () => undefined }, stdin: "" };

/** klog's header (`E1203 17:28:00.923729   10105 `) carries the time and the process id, which no two runs share. */
const maskKlog = (r: { stdout: string; stderr: string; exitCode: number }) => ({ ...r, stderr: r.stderr.replace(/^E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ /gm, "E<time> <pid> ") });

/** Each command line, as argv (so an empty argument such as `-n ''` stays one). */
export const MISUSE: readonly (readonly string[])[] = [
  ["scale"],
  ["scale", "deployment", "sample-deployment"],
  ["scale", "--replicas=2"],
  ["scale", "svc", "sample-session-affinity", "--replicas=2"],
  ["scale", "deployment", "sample-deployment", "--replicas=-1"],
  ["scale", "deployment", "nope", "--replicas=2"],
  ["patch", "svc", "sample-session-affinity", "sample-pod", "-p", "{}"],
  ["patch", "svc", "sample-session-affinity"],
  ["patch", "svc", "sample-session-affinity", "-p", "{}", "--type=bogus"],
  ["label", "pod", "sample-pod", "__proto__=x"],
  ["label", "pod", "sample-pod", "a=b=c"],
  ["label", "pod", "sample-pod"],
  ["get", "pods", "-n", ""],
  ["expose", "deployment", "sample-deployment", "--port=abc"],
  ["wait", "--for=delete", "pod/sample-pod", "--timeout=abc"],
  ["wait", "--for=bogus", "pod/sample-pod"],
  ["rollout", "status", "deployment/sample-deployment", "--timeout=abc"],
  ["get"],
  ["get", "pods", "--bogus"],
  ["get", "pods", "-z"],
  ["get", "pods", "-o", "bogus"],
  ["get", "bogus"],
  ["get", "pods", "nope"],
  ["describe"],
  ["delete"],
  ["delete", "pod"],
  ["exec"],
  ["exec", "sample-pod"],
  ["apply"],
  ["apply", "-f", "/nonexistent.yaml"],
  ["create"],
  ["frobnicate"],
];

describe.skipIf(!existsSync(KUBECTL))("kubectl misuse: the real kubectl's error and exit code", () => {
  let cluster: Cluster;
  let close: () => Promise<void>;
  let kubeconfig: string;
  let agreed = 0;

  beforeAll(async () => {
    ({ cluster, kubeconfig, close } = await servedSampleCluster(5));
  });
  afterAll(async () => {
    console.log(`kubectl misuse: ${agreed} of ${MISUSE.length} command lines agree with the real kubectl`);
    await close();
  });

  it.each(MISUSE.map((argv) => [argv.map((a) => (a === "" ? "''" : a)).join(" "), argv] as const))("kubectl %s", async (_, argv) => {
    const before = cluster.get("pod", "sample-pod").metadata?.resourceVersion;
    const ours = await new Kubectl(inProcessClient(cluster.restHandler(), cluster.clientClock())).run(argv, io);
    const real = await realKubectl(kubeconfig, argv);
    expect(maskKlog(ours)).toEqual(maskKlog(real));
    expect(cluster.get("pod", "sample-pod").metadata?.resourceVersion).toBe(before);
    agreed++;
  }, 60_000);
});
