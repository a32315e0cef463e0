// `svclab serve` driven by the real kubectl (/usr/bin/kubectl), as a user would after
// `svclab serve --clock manual --seed 4`: loopback only, a kubeconfig in a temp HOME.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advanceServedClock, serve, type Served } from "./serve";

const MANIFESTS = resolve(__dirname, "../../../../examples/manifests");

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

let home: string;
let kubeconfig: string;
let served: Served;

function kubectl(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile("kubectl", args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: kubeconfig, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      done({ stdout, stderr, code });
    });
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "svclab-serve-"));
  kubeconfig = join(home, "config");
  await writeFile(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster:\n    server: https://10.0.0.1:6443\ncontexts: []\nusers: []\n");
  served = await serve({ name: "test", seed: 4, address: "127.0.0.1", port: 0, kubeconfig, clock: "manual", keepKubeconfig: false }, () => undefined);
}, 30_000);

afterAll(async () => {
  await served?.stop();
  await rm(home, { recursive: true, force: true });
});

describe("svclab serve with the real kubectl", () => {
  it("writes a kind-style context next to the user's entries and serves v1.32", async () => {
    const contexts = await kubectl(["config", "get-contexts", "-o", "name"]);
    expect(contexts.stdout.trim()).toBe("svclab-test");
    const text = await readFile(kubeconfig, "utf8");
    expect(text).toContain("name: other");
    expect(text).toContain("certificate-authority-data:");
    const version = await kubectl(["version", "-o", "json"]);
    expect(version.code).toBe(0);
    expect(JSON.parse(version.stdout).serverVersion.minor).toBe("32");
  }, 30_000);

  it("applies the article's manifests, starts pods when the clock is advanced, and curls through the Service", async () => {
    const apply = await kubectl(["apply", "-f", join(MANIFESTS, "sample-deployment.yaml"), "-f", join(MANIFESTS, "sample-session-affinity.yaml")]);
    expect(apply.stdout).toBe("deployment.apps/sample-deployment created\nservice/sample-session-affinity created\n");
    expect(await advanceServedClock("20s", kubeconfig, undefined)).toMatch(/^clock advanced by 20s; cluster time /);

    const pods = await kubectl(["get", "pods", "--no-headers"]);
    const lines = pods.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    // Ages come from the host's clock; the re-based timestamps make them the virtual 20 s.
    for (const l of lines) expect(l).toMatch(/^sample-deployment-\S+\s+1\/1\s+Running\s+0\s+(19|20|21)s$/);

    const pod = (lines[0] as string).split(/\s+/)[0] as string;
    const first = await kubectl(["exec", pod, "--", "curl", "-s", "sample-session-affinity:8080"]);
    const second = await kubectl(["exec", pod, "--", "curl", "-s", "sample-session-affinity:8080"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Host=sample-session-affinity {2}Path=\/ {2}From=sample-deployment-\S+ {2}ClientIP=10\.244\.\d+\.\d+/);
    // ClientIP affinity: the same pod within the 10 s timeout.
    expect(second.stdout).toBe(first.stdout);

    const failed = await kubectl(["exec", pod, "--", "sh", "-c", "exit 7"]);
    expect(failed.stderr).toContain("command terminated with exit code 7");
    expect(failed.code).toBe(7);
  }, 60_000);

  it("creates from the protobuf bodies of kubectl's typed generators", async () => {
    const created = [
      await kubectl(["create", "deployment", "proto-web", "--image=nginx", "--replicas=0"]),
      await kubectl(["create", "service", "nodeport", "proto-web", "--tcp=80:8080"]),
      await kubectl(["create", "namespace", "proto-team"]),
    ];
    expect(created.map((r) => r.stdout)).toEqual(["deployment.apps/proto-web created\n", "service/proto-web created\n", "namespace/proto-team created\n"]);
    const deploy = JSON.parse((await kubectl(["get", "deployment", "proto-web", "-o", "json"])).stdout);
    // replicas 0 is a set pointer on the wire, not Go's "unset" zero.
    expect([deploy.spec.replicas, deploy.spec.template.spec.containers[0].image]).toEqual([0, "nginx"]);
    const again = await kubectl(["create", "deployment", "proto-web", "--image=nginx"]);
    expect([again.stderr, again.code]).toEqual(['error: failed to create deployment: deployments.apps "proto-web" already exists\n', 1]);
  }, 30_000);

  it("answers kubectl auth can-i: the kind admin may do anything", async () => {
    const r = await Promise.all([kubectl(["auth", "can-i", "get", "pods"]), kubectl(["auth", "can-i", "delete", "deployments", "-n", "kube-system"]), kubectl(["auth", "can-i", "get", "/healthz"])]);
    expect(r.map((x) => [x.stdout, x.code])).toEqual([["yes\n", 0], ["yes\n", 0], ["yes\n", 0]]);
    const list = await kubectl(["auth", "can-i", "--list"]);
    expect(list.stdout).toBe("Resources   Non-Resource URLs   Resource Names   Verbs\n*.*         []                  []               [*]\n            [*]                 []               [*]\n");
  }, 30_000);

  it("ends kubectl exec -i when the process exits, stdin still open; cat reads to EOF", async () => {
    const pod = (await kubectl(["get", "pods", "-o", "name"])).stdout.split("\n")[0] as string;
    const interactive = (argv: readonly string[], input: string | undefined): Promise<Run> =>
      new Promise((done) => {
        const child = spawn("kubectl", ["exec", "-i", pod, "--", ...argv], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: kubeconfig } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d));
        child.stderr.on("data", (d: Buffer) => (stderr += d));
        const timer = setTimeout(() => child.kill(), 15_000);
        child.on("close", (code) => {
          clearTimeout(timer);
          child.stdin.destroy();
          done({ stdout, stderr, code: code ?? -1 });
        });
        // Undefined: stdin stays open, as a terminal's does, until the exec is over.
        if (input !== undefined) child.stdin.end(input);
      });
    expect(await interactive(["ls", "/etc"], undefined)).toEqual({ stdout: "hostname\nresolv.conf\n", stderr: "", code: 0 });
    expect(await interactive(["sh", "-c", "echo hi; exit 3"], undefined)).toEqual({ stdout: "hi\n", stderr: "command terminated with exit code 3\n", code: 3 });
    expect(await interactive(["cat"], "a\nb\n")).toEqual({ stdout: "a\nb\n", stderr: "", code: 0 });
    expect(await interactive(["sh", "-c", "wc -l"], "a\nb\n")).toEqual({ stdout: "2\n", stderr: "", code: 0 });
    expect(served.server.openExecSessions()).toBe(0);
  }, 60_000);

  it("refuses a wrong token with kubectl's Unauthorized line", async () => {
    const text = await readFile(kubeconfig, "utf8");
    const wrong = join(home, "wrong");
    await writeFile(wrong, text.replace(/token: \S+/, "token: not-the-token"));
    const r = await kubectl(["get", "pods"], { KUBECONFIG: wrong });
    expect(r.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
    expect(r.code).toBe(1);
  }, 30_000);

  it("refuses a duration it cannot read before asking the server", async () => {
    await expect(advanceServedClock("soon", kubeconfig, undefined)).rejects.toThrow('invalid duration "soon"');
  });
});
