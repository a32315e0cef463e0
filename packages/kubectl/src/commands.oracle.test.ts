// The commands beyond get/apply/patch (help, api-resources, top, annotate,
// label and set image with --dry-run and -o, config) against the real
// kubectl 1.32: read-only ones against one served cluster; writes against
// a twin cluster with the same seed, command lines in the same order.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createCluster } from "@svclab/cluster";
import { Kubectl } from "./kubectl";
import { inProcessClient } from "./client/cluster-client";
import { HELP_TEXTS } from "./help-texts";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD } from "./test-support/manifests";
import { HAVE_KUBECTL, kubeconfigFor, realKubectl } from "./test-support/real-kubectl";
import { serveOnLoopback } from "./test-support/serve";

const dir = mkdtempSync(join(tmpdir(), "svclab-commands-"));
const files: Record<string, string> = { [join(dir, "ns.yaml")]: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fresh\n", [join(dir, "d.yaml")]: SAMPLE_DEPLOYMENT };
for (const [path, text] of Object.entries(files)) writeFileSync(path, text);
const io = { files: { readFile: async (p: string) => files[p], readDir: async () => undefined }, stdin: "" };

describe.skipIf(!HAVE_KUBECTL)("the real kubectl agrees on help, discovery and metadata edits", () => {
  const real = createCluster({ seed: 21 });
  const twin = createCluster({ seed: 21 });
  let ours: Kubectl;
  let close: () => Promise<void>;
  let kubeconfig: string;

  beforeAll(async () => {
    for (const c of [real, twin]) {
      c.apply(SAMPLE_DEPLOYMENT);
      c.apply(SAMPLE_POD);
      c.settle();
    }
    ours = new Kubectl(inProcessClient(twin.restHandler(), twin.clientClock()));
    const served = await serveOnLoopback(real.restHandler());
    close = served.close;
    kubeconfig = kubeconfigFor(served.url);
  });
  afterAll(() => close());

  const same = async (cmd: string): Promise<void> => {
    const argv = cmd === "" ? [] : cmd.split(" ");
    const theirs = await realKubectl(kubeconfig, argv);
    real.settle();
    const mine = await ours.run(argv, io);
    twin.settle();
    expect(mine).toEqual(theirs);
  };

  it.each(["", "help", "help get", "help nope", ...Object.keys(HELP_TEXTS).filter((v) => v !== "").map((v) => `${v} --help`), "top", "set"])("kubectl %s", same, 60_000);

  it.each([
    "api-resources",
    "api-resources -o wide",
    "api-resources -o name",
    "api-resources --namespaced=false",
    "api-resources --namespaced=true -o name",
    "api-resources --api-group=apps",
    "api-resources --no-headers",
    "api-resources -o json",
    "top pod",
    "top node",
    "top bogus",
  ])("kubectl %s", same, 60_000);

  // In order: each write lands on both clusters.
  it.each([
    "annotate deploy sample-deployment note=first",
    "annotate deploy sample-deployment note=second",
    "annotate deploy sample-deployment note=second --overwrite",
    "annotate deploy sample-deployment note- -o name",
    "annotate deploy sample-deployment other=1 --dry-run=client -o name",
    "annotate deploy sample-deployment other=1 --dry-run=server",
    "annotate deploy sample-deployment",
    "annotate pods x=y",
    "annotate pods --all x=y",
    "annotate pod sample-pod a=b c=d --dry-run=client",
    "label deploy sample-deployment tier=web --dry-run=client",
    "label deploy sample-deployment tier=web --dry-run=server -o name",
    "label deploy sample-deployment tier=web",
    "label deploy sample-deployment tier=web",
    "set image deployment/sample-deployment sample-app=nginx:1.27",
    "set image deployment/sample-deployment sample-app=nginx:1.27",
    "set image deploy sample-deployment *=nginx:1.28 --dry-run=client -o name",
    "set image deploy/sample-deployment nope=nginx",
    "set image deploy/sample-deployment",
    "set image pod/sample-pod *=busybox:1.36 --dry-run=server",
    `patch deploy sample-deployment -p {"spec":{"replicas":2}} --dry-run=client`,
    `patch deploy sample-deployment -p {"spec":{"replicas":1}} --dry-run=client`,
    `patch deploy sample-deployment -p {"spec":{"replicas":2}} --dry-run=server`,
    `patch deploy sample-deployment -p {"spec":{"replicas":2}} --dry-run=server -o name`,
    "scale deploy sample-deployment --replicas=4 --dry-run=client",
    "scale deploy sample-deployment --replicas=4 --dry-run=server",
    "scale deploy sample-deployment --replicas=4 --dry-run=client -o name",
    `apply -f ${join(dir, "ns.yaml")} --dry-run=client`,
    `apply -f ${join(dir, "ns.yaml")} --dry-run=server`,
    `apply -f ${join(dir, "ns.yaml")} --dry-run=client -o name`,
    `apply -f ${join(dir, "d.yaml")} --dry-run=client`,
    `apply -f ${join(dir, "d.yaml")} --dry-run=server`,
  ])("kubectl %s", same, 60_000);
});

describe.skipIf(!HAVE_KUBECTL)("kubectl config agrees with the real kubectl", () => {
  const dir = mkdtempSync(join(tmpdir(), "svclab-config-"));
  const text = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: TFMwdExTMUNSVWRKVGlCRFJWSlVTVVpKUTBGVVJTMHRMUzB0Q2c9PQ==
    server: https://127.0.0.1:41235
  name: kind-kind
- cluster:
    server: https://127.0.0.1:6443
  name: other
contexts:
- context:
    cluster: kind-kind
    user: kind-kind
  name: kind-kind
- context:
    cluster: other
    namespace: dev
    user: tok
  name: other
current-context: kind-kind
kind: Config
preferences: {}
users:
- name: kind-kind
  user:
    client-certificate-data: TFMwdExTMUNSVWRKVGlCRFJWSlVTVVpKUTBGVVJTMHRMUzB0Q2c9PQ==
    client-key-data: TFMwdExTMUNSVWRKVGlCRFJWSlVTVVpKUTBGVVJTMHRMUzB0Q2c9PQ==
- name: tok
  user:
    token: abc
`;
  const path = join(dir, "config");
  writeFileSync(path, text);
  const cluster = createCluster({ seed: 1 });
  const ours = new Kubectl(inProcessClient(cluster.restHandler(), cluster.clientClock()), { kubeconfig: parse(text) as Record<string, unknown> });

  it.each(["config current-context", "config get-contexts", "config get-contexts other", "config get-contexts -o name", "config get-contexts nope", "config view", "config view --minify", "config view --raw", "config view -o json"])(
    "kubectl %s",
    async (cmd) => {
      const argv = cmd.split(" ");
      expect(await ours.run(argv, io)).toEqual(await realKubectl(path, argv));
    },
    60_000,
  );
});
