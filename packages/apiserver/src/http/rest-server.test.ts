import * as http from "node:http";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import type { NodeConnection } from "../rest/kubelet";
import { readStdin, request, testServer } from "../test-support/server";
import { writeKubeconfig } from "./kubeconfig";
import { startApiServerHttp, type ApiServerHttp } from "./server";
import { KUBECTL_TEST_TIMEOUT_MS, KubectlHome } from "./test-support/kubectl";

// The real RestServer (no controllers) behind the HTTP front, driven by the
// real kubectl: what each command prints is kubectl's own rendering of the
// handler's answers, so a difference here is the transport's or the handler's.
// The article's Service (the book's manifests live once, in examples/manifests).
const MANIFEST = path.join(__dirname, "../../../../examples/manifests/sample-session-affinity.yaml");
const SVC = "sample-session-affinity";
const POD_MANIFEST = path.join(__dirname, "../../../../examples/manifests/sample-pod.yaml");
const TIMEOUT_30 = '{"spec":{"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":30}}}}';

describe("the real RestServer over plain HTTP, driven by the real kubectl", { timeout: KUBECTL_TEST_TIMEOUT_MS }, () => {
  const { rest } = testServer();
  const home = new KubectlHome();
  const logged: string[] = [];
  let server: ApiServerHttp;

  beforeAll(async () => {
    server = await startApiServerHttp({ handler: rest, tls: false, token: null, log: (line) => logged.push(line) });
    await writeKubeconfig({ name: "rest", server: server.url }, { explicitPath: home.kubeconfig });
  });
  afterAll(async () => {
    await server.close();
    home.remove();
  });

  // Run in order: each step sees the state the previous ones left.
  test.each([
    { args: ["apply", "-f", MANIFEST], stdout: `service/${SVC} created\n` },
    { args: ["apply", "-f", MANIFEST], stdout: `service/${SVC} unchanged\n` },
    { args: ["get", "svc", SVC, "-o", "jsonpath={.spec.sessionAffinityConfig.clientIP.timeoutSeconds}"], stdout: "10" },
    { args: ["patch", "svc", SVC, "--type", "merge", "-p", TIMEOUT_30], stdout: `service/${SVC} patched\n` },
    { args: ["patch", "svc", SVC, "--type", "merge", "-p", TIMEOUT_30], stdout: `service/${SVC} patched (no change)\n` },
    { args: ["label", "svc", SVC, "tier=front"], stdout: `service/${SVC} labeled\n` },
    { args: ["get", "svc", "-l", "tier=front", "-o", "name"], stdout: `service/${SVC}\n` },
    { args: ["delete", "svc", SVC], stdout: `service "${SVC}" deleted\n` },
  ])("kubectl $args", async ({ args, stdout }) => {
    const result = await home.run(args);
    expect(result).toEqual({ code: 0, stdout, stderr: "" });
  });

  test.each([
    { args: ["get", "svc", SVC], stderr: `Error from server (NotFound): services "${SVC}" not found\n` },
    { args: ["get", "nosuchthings"], stderr: 'error: the server doesn\'t have a resource type "nosuchthings"\n' },
  ])("kubectl $args fails as against kube-apiserver", async ({ args, stderr }) => {
    const result = await home.run(args);
    expect(result).toEqual({ code: 1, stdout: "", stderr });
  });

  test("kubectl get -w holds a watcher until kubectl goes away", async () => {
    expect((await home.run(["apply", "-f", MANIFEST])).code).toBe(0);
    const child = home.spawn(["get", "svc", "-w"]);
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout?.setEncoding("utf8").on("data", (text: string) => {
        out += text;
        if (out.includes(SVC)) resolve();
      });
      child.stderr?.setEncoding("utf8").on("data", (text: string) => reject(new Error(text)));
      setTimeout(() => reject(new Error(`no table: ${out}`)), 15_000).unref();
    });
    await expect.poll(() => rest.watchers, { timeout: 5_000 }).toBe(1);
    expect(server.openStreams()).toBe(1);
    const exited = new Promise((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    await exited;
    await expect.poll(() => server.openStreams(), { timeout: 5_000 }).toBe(0);
    expect(rest.watchers).toBe(0);
    expect((await home.run(["delete", "svc", SVC])).code).toBe(0);
  });

  test.each([
    { method: "POST", type: "text/plain", reason: "UnsupportedMediaType", code: 415 },
    { method: "POST", type: "application/json", reason: "BadRequest", code: 400, body: "{not json" },
  ])("$method with $type: $code $reason, and nothing stored", async ({ method, type, reason, code, body }) => {
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${server.url}/api/v1/namespaces/default/services`, { method, headers: { "content-type": type } }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (t: string) => (text += t));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.end(body ?? readFileSync(MANIFEST, "utf8"));
    });
    expect(response.status).toBe(code);
    expect(JSON.parse(response.body)).toMatchObject({ kind: "Status", status: "Failure", reason, code });
    const list = await home.run(["get", "svc", "-o", "name"]);
    expect(list.stdout).toBe("");
  });

  test("nothing reached the server log", () => {
    expect(logged).toEqual([]);
  });
});

describe("pods/exec and pods/log of the real RestServer, over HTTPS, driven by the real kubectl", { timeout: KUBECTL_TEST_TIMEOUT_MS }, () => {
  // A kubelet stand-in: the API server checks the pod and container, the node runs the process.
  const kubelet: NodeConnection = {
    async exec(_target, command, stdin) {
      const [program, ...args] = command;
      if (program === "echo") return { stdout: `${args.join(" ")}\n`, stderr: "", exitCode: 0 };
      if (program === "cat") return { stdout: await readStdin(stdin), stderr: "", exitCode: 0 };
      if (program === "sh" && args[0] === "-c") return { stdout: "", stderr: "", exitCode: Number(/exit (\d+)/.exec(args[1] ?? "")?.[1] ?? 0) };
      return { stdout: "", stderr: "", exitCode: 0, startError: `failed to exec in container: exec: "${program}": executable file not found in $PATH` };
    },
    logs: (_target, opts) => ["line 1", "line 2", "line 3"].slice(-(opts.tailLines ?? 3)).map((l) => `${l}\n`).join(""),
  };
  const { rest } = testServer({ kubelet });
  const home = new KubectlHome();
  let server: ApiServerHttp;

  beforeAll(async () => {
    const pod = parse(readFileSync(POD_MANIFEST, "utf8")) as { spec: Record<string, unknown>; metadata: { name: string } };
    const pods = "/api/v1/namespaces/default/pods";
    const created = await rest.handle(request({ method: "POST", path: pods, body: { ...pod, spec: { ...pod.spec, nodeName: "kind-worker" } } }));
    expect(created).toMatchObject({ status: 201 });
    const running = { state: { running: { startedAt: "2024-01-01T00:00:00Z" } }, name: "tools-container", image: "amsy810/tools:v2.0", imageID: "", ready: true, restartCount: 0 };
    const status = await rest.handle(request({ method: "PUT", path: `${pods}/sample-pod/status`, body: { ...pod, status: { phase: "Running", containerStatuses: [running] } } }));
    expect(status).toMatchObject({ status: 200 });
    server = await startApiServerHttp({ handler: rest, log: () => undefined });
    await writeKubeconfig({ name: "rest", server: server.url, caCert: server.caCert, token: server.token ?? undefined }, { explicitPath: home.kubeconfig });
  });
  afterAll(async () => {
    await server.close();
    home.remove();
  });

  test.each([
    { args: ["exec", "sample-pod", "--", "echo", "hello"], code: 0, stdout: "hello\n", stderr: "" },
    { args: ["exec", "sample-pod", "--", "sh", "-c", "exit 7"], code: 7, stdout: "", stderr: "command terminated with exit code 7\n" },
    { args: ["exec", "-i", "sample-pod", "--", "cat"], stdin: "piped\n", code: 0, stdout: "piped\n", stderr: "" },
    {
      args: ["exec", "sample-pod", "--", "curl"],
      code: 1,
      stdout: "",
      stderr: 'error: Internal error occurred: error executing command in container: failed to exec in container: exec: "curl": executable file not found in $PATH\n',
    },
    { args: ["logs", "sample-pod", "--tail", "2"], code: 0, stdout: "line 2\nline 3\n", stderr: "" },
  ])("kubectl $args", async ({ args, stdin, code, stdout, stderr }) => {
    const result = await home.run(args, stdin === undefined ? {} : { stdin });
    expect(result).toEqual({ code, stdout, stderr });
    await expect.poll(() => server.openExecSessions(), { timeout: 5_000 }).toBe(0);
  });
});
