import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { kubeconfigPathForMerge, kubeconfigPaths, removeKubeconfigEntries, writeKubeconfig, type KubeconfigEntry } from "./kubeconfig";
import { KUBECTL_TEST_TIMEOUT_MS, KubectlHome } from "./test-support/kubectl";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const ENTRY: KubeconfigEntry = { name: "demo", server: "https://127.0.0.1:6443", caCert: CA, token: "s3cret" };

// A kubeconfig as `kind create cluster` leaves it, plus a field kubectl keeps.
const KIND_CONFIG = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: a2luZA==
    server: https://127.0.0.1:40000
  name: kind-kind
contexts:
- context:
    cluster: kind-kind
    namespace: work
    user: kind-kind
  name: kind-kind
current-context: kind-kind
kind: Config
preferences: {}
users:
- name: kind-kind
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
`;

const homes: KubectlHome[] = [];
function home(): KubectlHome {
  const h = new KubectlHome();
  homes.push(h);
  return h;
}
afterEach(() => {
  for (const h of homes.splice(0)) h.remove();
});

/** The merged view kubectl itself reads from the file(s). */
async function kubectlView(h: KubectlHome, env: Record<string, string> = {}) {
  const result = await h.run(["config", "view", "--raw", "-o", "json"], { env });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as {
    "current-context": string;
    clusters: { name: string; cluster: Record<string, string> }[] | null;
    users: { name: string; user: Record<string, string> }[] | null;
    contexts: { name: string; context: Record<string, string> }[] | null;
  };
}

describe("kubeconfig paths (kind's paths.go)", { timeout: KUBECTL_TEST_TIMEOUT_MS }, () => {
  test.each([
    { name: "--kubeconfig wins", location: { explicitPath: "/x/flag", env: { KUBECONFIG: "/x/a:/x/b", HOME: "/h" } }, paths: ["/x/flag"] },
    { name: "$KUBECONFIG's list, empty and repeated entries dropped", location: { env: { KUBECONFIG: ":/x/a::/x/b:/x/a", HOME: "/h" } }, paths: ["/x/a", "/x/b"] },
    { name: "else ~/.kube/config", location: { env: { HOME: "/h" } }, paths: ["/h/.kube/config"] },
    { name: "an empty $KUBECONFIG is unset", location: { env: { KUBECONFIG: "", HOME: "/h" } }, paths: ["/h/.kube/config"] },
  ])("$name", ({ location, paths }) => {
    expect(kubeconfigPaths(location)).toEqual(paths);
  });

  test("of several files, new entries go to the first that exists, else the last", async () => {
    const h = home();
    const [a, b, c] = [path.join(h.dir, "a"), path.join(h.dir, "b"), path.join(h.dir, "c")] as const;
    const env = { KUBECONFIG: [a, b, c].join(path.delimiter), HOME: h.dir };
    expect(await kubeconfigPathForMerge({ env })).toBe(c);
    writeFileSync(b, KIND_CONFIG);
    expect(await kubeconfigPathForMerge({ env })).toBe(b);
  });
});

describe("writing and removing, read back by the real kubectl", { timeout: KUBECTL_TEST_TIMEOUT_MS }, () => {
  test("a fresh ~/.kube/config: our cluster, user and context, current, 0600", async () => {
    const h = home();
    const file = await writeKubeconfig(ENTRY, { env: { HOME: h.dir } });
    expect(file).toBe(h.kubeconfig);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}.lock`)).toBe(false);
    const view = await kubectlView(h);
    expect(view["current-context"]).toBe("svclab-demo");
    expect(view.clusters).toEqual([{ name: "svclab-demo", cluster: { server: ENTRY.server, "certificate-authority-data": Buffer.from(CA).toString("base64") } }]);
    expect(view.users).toEqual([{ name: "svclab-demo", user: { token: "s3cret" } }]);
    expect(view.contexts).toEqual([{ name: "svclab-demo", context: { cluster: "svclab-demo", user: "svclab-demo" } }]);
    const contexts = await h.run(["config", "get-contexts", "-o", "name"]);
    expect(contexts.stdout).toBe("svclab-demo\n");
  });

  test("merging keeps every other entry, replaces ours, and switches the context", async () => {
    const h = home();
    mkdirSync(path.dirname(h.kubeconfig), { recursive: true });
    writeFileSync(h.kubeconfig, KIND_CONFIG);
    await writeKubeconfig({ ...ENTRY, server: "https://127.0.0.1:1111" }, { explicitPath: h.kubeconfig });
    await writeKubeconfig(ENTRY, { explicitPath: h.kubeconfig });
    const view = await kubectlView(h);
    expect(view["current-context"]).toBe("svclab-demo");
    expect(view.clusters?.map((c) => [c.name, c.cluster.server])).toEqual([
      ["kind-kind", "https://127.0.0.1:40000"],
      ["svclab-demo", ENTRY.server],
    ]);
    expect(view.users?.find((u) => u.name === "kind-kind")?.user).toEqual({ "client-certificate-data": "Y2VydA==", "client-key-data": "a2V5" });
    expect(view.contexts?.find((c) => c.name === "kind-kind")?.context.namespace).toBe("work");
    const contexts = await h.run(["config", "get-contexts", "-o", "name"]);
    expect(contexts.stdout.split("\n").filter(Boolean).sort()).toEqual(["kind-kind", "svclab-demo"]);
  });

  test("with $KUBECONFIG listing two files, kubectl sees our context from the one we merged into", async () => {
    const h = home();
    const first = path.join(h.dir, "first");
    const second = path.join(h.dir, "second");
    writeFileSync(second, KIND_CONFIG);
    const KUBECONFIG = [first, second].join(path.delimiter);
    const file = await writeKubeconfig(ENTRY, { env: { KUBECONFIG, HOME: h.dir } });
    expect(file).toBe(second);
    expect(existsSync(first)).toBe(false);
    const current = await h.run(["config", "current-context"], { env: { KUBECONFIG } });
    expect(current.stdout).toBe("svclab-demo\n");
  });

  test("removing drops only our entries and unsets the context if it was ours", async () => {
    const h = home();
    mkdirSync(path.dirname(h.kubeconfig), { recursive: true });
    writeFileSync(h.kubeconfig, KIND_CONFIG);
    await writeKubeconfig(ENTRY, { explicitPath: h.kubeconfig });
    expect(await removeKubeconfigEntries("demo", { explicitPath: h.kubeconfig })).toEqual([h.kubeconfig]);
    const view = await kubectlView(h);
    expect(view["current-context"]).toBe("");
    expect(view.clusters?.map((c) => c.name)).toEqual(["kind-kind"]);
    expect(view.users?.map((u) => u.name)).toEqual(["kind-kind"]);
    expect(view.contexts?.map((c) => c.name)).toEqual(["kind-kind"]);
    // Nothing of ours left: nothing to change.
    expect(await removeKubeconfigEntries("demo", { explicitPath: h.kubeconfig })).toEqual([]);
  });

  test("removing leaves another current context alone", async () => {
    const h = home();
    mkdirSync(path.dirname(h.kubeconfig), { recursive: true });
    writeFileSync(h.kubeconfig, KIND_CONFIG);
    await writeKubeconfig(ENTRY, { explicitPath: h.kubeconfig });
    expect((await h.run(["config", "use-context", "kind-kind"])).code).toBe(0);
    await removeKubeconfigEntries("demo", { explicitPath: h.kubeconfig });
    expect((await h.run(["config", "current-context"])).stdout).toBe("kind-kind\n");
  });

  test("a file that is not YAML is reported and left as it was", async () => {
    const h = home();
    mkdirSync(path.dirname(h.kubeconfig), { recursive: true });
    writeFileSync(h.kubeconfig, "clusters: [unclosed\n");
    await expect(writeKubeconfig(ENTRY, { explicitPath: h.kubeconfig })).rejects.toThrow(/^failed to read kubeconfig .*config: /);
    expect(readFileSync(h.kubeconfig, "utf8")).toBe("clusters: [unclosed\n");
    expect(existsSync(`${h.kubeconfig}.lock`)).toBe(false);
  });

  test("a held lock is waited for, then reported", async () => {
    const h = home();
    mkdirSync(path.dirname(h.kubeconfig), { recursive: true });
    writeFileSync(`${h.kubeconfig}.lock`, "");
    await expect(writeKubeconfig(ENTRY, { explicitPath: h.kubeconfig })).rejects.toThrow(/^failed to lock config file: EEXIST/);
    expect(existsSync(h.kubeconfig)).toBe(false);
  });
});
