// @kubernetes/client-node 1.x (the line that runs on Node 20) against `svclab serve` on
// 127.0.0.1: list, watch, create, patch, exec and logs, as a program using the library would.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { AppsV1Api, AuthorizationV1Api, CoreV1Api, Exec, KubeConfig, PatchStrategy, Watch, setHeaderOptions, type V1Deployment, type V1Status } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { advanceServedClock, serve, type Served } from "./serve";

let home: string;
let kubeconfig: string;
let served: Served;
let kc: KubeConfig;

const DEPLOYMENT: V1Deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web" } },
  spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } } },
};

function collect(): { stream: Writable; text: () => string } {
  let text = "";
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    }),
    text: () => text,
  };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "svclab-client-node-"));
  kubeconfig = join(home, "config");
  await writeFile(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
  served = await serve({ name: "client-node", seed: 4, address: "127.0.0.1", port: 0, kubeconfig, clock: "manual", keepKubeconfig: false }, () => undefined);
  kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
}, 30_000);

afterAll(async () => {
  await served?.stop();
  await rm(home, { recursive: true, force: true });
});

describe("@kubernetes/client-node against svclab serve", () => {
  it("lists the nodes and the kube-system pods kind starts with", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(["kind-control-plane", "kind-worker", "kind-worker2", "kind-worker3"]);
    expect(nodes.metadata?.resourceVersion).toMatch(/^\d+$/);
    const services = await core.listNamespacedService({ namespace: "kube-system" });
    expect(services.items.map((s) => s.metadata?.name)).toEqual(["kube-dns"]);
  }, 30_000);

  it("creates a Deployment, watches its pods appear, patches it and sees the change", async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const created = await apps.createNamespacedDeployment({ namespace: "default", body: DEPLOYMENT });
    expect([created.metadata?.name, created.spec?.strategy?.type]).toEqual(["web", "RollingUpdate"]);

    const added: string[] = [];
    const stopped = new Promise<unknown>((resolve) => {
      void new Watch(kc)
        .watch("/api/v1/namespaces/default/pods", { labelSelector: "app=web" }, (type, pod: { metadata?: { name?: string } }) => {
          if (type === "ADDED") added.push(pod.metadata?.name ?? "");
        }, resolve)
        .then((ctl) => {
          const wait = setInterval(() => {
            if (added.length >= 2) {
              clearInterval(wait);
              ctl.abort();
            }
          }, 20);
        });
    });
    await stopped;
    expect(added).toHaveLength(2);
    // The server lets the watch go once it sees the client's connection close.
    await vi.waitFor(() => expect(served.server.openStreams()).toBe(0), { timeout: 5000 });

    const patched = await apps.patchNamespacedDeployment({ name: "web", namespace: "default", body: { spec: { replicas: 3 } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    expect(patched.spec?.replicas).toBe(3);
    const conflict = await apps.createNamespacedDeployment({ namespace: "default", body: DEPLOYMENT }).catch((e: { code?: number; body?: string }) => e);
    expect([(conflict as { code?: number }).code, JSON.parse((conflict as { body: string }).body).message]).toEqual([409, 'deployments.apps "web" already exists']);
  }, 30_000);

  it("execs in a running pod, with stdin, and reads its log", async () => {
    await advanceServedClock("20s", kubeconfig, undefined);
    const core = kc.makeApiClient(CoreV1Api);
    const pod = (await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" })).items.find((p) => p.status?.phase === "Running");
    const name = pod?.metadata?.name ?? "";
    expect(name).not.toBe("");

    const run = async (command: string[], input?: string): Promise<[string, string, V1Status | undefined]> => {
      const [out, err] = [collect(), collect()];
      let stdin: PassThrough | null = null;
      if (input !== undefined) {
        stdin = new PassThrough();
        stdin.end(input);
      }
      const status = await new Promise<V1Status>((resolve) => void new Exec(kc).exec("default", name, "nginx", command, out.stream, err.stream, stdin, false, resolve));
      return [out.text(), err.text(), status];
    };
    expect(await run(["hostname"])).toEqual([`${name}\n`, "", { metadata: {}, status: "Success" }]);
    expect(await run(["cat"], "from stdin\n")).toEqual(["from stdin\n", "", { metadata: {}, status: "Success" }]);
    const [, , failed] = await run(["sh", "-c", "exit 7"]);
    expect(failed).toMatchObject({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "7" }] } });
    await vi.waitFor(() => expect(served.server.openExecSessions()).toBe(0), { timeout: 5000 });

    const log = await core.readNamespacedPodLog({ name, namespace: "default" });
    expect(typeof log).toBe("string");
  }, 30_000);

  it("asks a SelfSubjectAccessReview, as k9s does before listing", async () => {
    const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb: "list", resource: "pods", namespace: "default" } } } });
    expect(review.status?.allowed).toBe(true);
  }, 30_000);

  it("gets the API server's Status for a missing object", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const e = (await core.readNamespacedPod({ name: "nope", namespace: "default" }).catch((x: unknown) => x)) as { code?: number; body?: string };
    expect([e.code, JSON.parse(e.body ?? "{}").message]).toEqual([404, 'pods "nope" not found']);
  }, 30_000);
});
