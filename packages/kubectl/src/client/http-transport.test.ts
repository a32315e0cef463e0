// The HTTP transport against the in-process API server, served on loopback
// by a minimal node:http adapter: both transports must print the same.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "@svclab/cluster";
import { Kubectl } from "../kubectl";
import { SAMPLE_DEPLOYMENT } from "../test-support/manifests";
import { serveOnLoopback } from "../test-support/serve";
import { inProcessClient } from "./cluster-client";
import { httpClient, httpTransport, kubeconfigCluster } from "./http-transport";

const TOKEN = "test-token";

const io = { files: { readFile: async () => undefined, readDir: async () => undefined }, stdin: "" };

describe("HTTP transport", () => {
  let cluster: Cluster;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    cluster = createCluster({ seed: 3 });
    cluster.apply(SAMPLE_DEPLOYMENT);
    cluster.settle();
    ({ url, close } = await serveOnLoopback(cluster.restHandler(), TOKEN));
  });
  afterAll(() => close());

  it.each(["get pods -o wide", "get deploy,rs", "get svc -A", "get pod nope", "describe deploy sample-deployment", "get pods -o name"])("prints `kubectl %s` as the in-process transport does", async (cmd) => {
    const argv = cmd.split(" ");
    // describe prints ages on the client's clock: read the cluster's on both sides.
    const overHttp = new Kubectl({ ...httpClient({ server: url, token: TOKEN }), clock: cluster.clientClock() });
    const inProcess = new Kubectl(inProcessClient(cluster.restHandler(), cluster.clientClock()));
    expect(await overHttp.run(argv, io)).toEqual(await inProcess.run(argv, io));
  });

  it("sends the bearer token: without it the server answers 401", async () => {
    const r = await new Kubectl(httpClient({ server: url })).run(["get", "pods"], io);
    expect([r.stderr, r.exitCode]).toEqual(["error: You must be logged in to the server (Unauthorized)\n", 1]);
  });

  it("streams watch events line by line and stops when the client closes", async () => {
    const t = httpTransport({ server: url, token: TOKEN });
    const r = await t.handle({ method: "GET", path: "/apis/apps/v1/namespaces/default/deployments", query: new URLSearchParams({ watch: "true" }), headers: {}, body: "" });
    if (r.kind !== "stream") throw new Error(r.kind);
    const lines: string[] = [];
    const first = new Promise<void>((resolve) => {
      const close = r.open({ write: (l) => (lines.push(l), close(), resolve()), end: () => {} });
    });
    await first;
    expect(JSON.parse(lines[0] as string)).toMatchObject({ type: "ADDED", object: { kind: "Deployment", metadata: { name: "sample-deployment" } } });
  });

  it("reads the server, CA and token of a kubeconfig's current context", () => {
    const kubeconfig = `apiVersion: v1
kind: Config
current-context: svclab-kind
contexts:
- name: svclab-kind
  context: { cluster: svclab-kind, user: svclab-kind }
clusters:
- name: svclab-kind
  cluster: { server: "https://127.0.0.1:6443", certificate-authority-data: Q0E= }
users:
- name: svclab-kind
  user: { token: abc }
`;
    expect(kubeconfigCluster(kubeconfig)).toEqual({ server: "https://127.0.0.1:6443", certificateAuthorityData: "Q0E=", token: "abc" });
  });
});
