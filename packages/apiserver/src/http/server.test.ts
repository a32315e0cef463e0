import * as https from "node:https";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { WebSocket } from "ws";
import { notFoundError } from "@svclab/manifest";
import { internalError } from "../api/errors";
import { KINDS } from "../api/kinds";
import { AGGREGATED_DISCOVERY, SERVER_VERSION } from "../rest/discovery";
import type { RestExec, RestHandler, RestRequest, RestResponse, RestStream } from "../rest/types";
import { writeKubeconfig } from "./kubeconfig";
import { startApiServerHttp, type ApiServerHttp } from "./server";
import { KUBECTL_TEST_TIMEOUT_MS, KubectlHome } from "./test-support/kubectl";

// Just enough of an API server for kubectl to talk to: the version the
// dispatcher reads (kube-apiserver-rest.md trap 1), legacy discovery, one pod,
// a watch that stays open, and an exec whose "programs" are below.
const VERSION = SERVER_VERSION;
const POD = {
  kind: "Pod",
  apiVersion: "v1",
  metadata: { name: "web", namespace: "default", uid: "7d3f0d6c-0000-4000-8000-000000000001", resourceVersion: "5", creationTimestamp: "2026-01-01T00:00:00Z" },
  spec: { containers: [{ name: "app", image: "nginx" }] },
  status: { phase: "Running" },
};
const AGGREGATED = AGGREGATED_DISCOVERY;
const json = (status: number, value: unknown): RestResponse => ({ kind: "body", status, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) });

class FakeHandler implements RestHandler {
  readonly requests: RestRequest[] = [];
  openWatches = 0;
  released = 0;

  async handle(request: RestRequest): Promise<RestResponse> {
    this.requests.push(request);
    const { method, path, query } = request;
    if (path === "/version") return json(200, VERSION);
    if (path === "/api") return json(200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }] });
    if (path === "/apis" && request.headers.accept?.includes("as=APIGroupDiscoveryList"))
      return { kind: "body", status: 200, headers: { "content-type": AGGREGATED }, body: JSON.stringify({ kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items: [] }) };
    if (path === "/apis") return json(200, { kind: "APIGroupList", apiVersion: "v1", groups: [] });
    if (path === "/api/v1")
      return json(200, {
        kind: "APIResourceList",
        groupVersion: "v1",
        resources: [
          { name: "pods", singularName: "pod", namespaced: true, kind: "Pod", verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], shortNames: ["po"] },
          { name: "pods/exec", singularName: "", namespaced: true, kind: "PodExecOptions", verbs: ["create", "get"] },
        ],
      });
    if (path === "/api/v1/namespaces/default/pods" && method === "GET" && query.get("watch") === "true") return this.watch();
    if (path === "/api/v1/namespaces/default/pods" && method === "GET") return json(200, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "5" }, items: [POD] });
    if (path === "/api/v1/namespaces/default/pods" && method === "POST") return json(201, JSON.parse(request.body));
    if (path === "/api/v1/namespaces/default/pods/web") return json(200, POD);
    if (path === "/api/v1/namespaces/default/pods/web/exec") return this.exec(query.getAll("command"), query.get("stdin") === "true");
    if (path === "/api/v1/namespaces/default/pods/explode") throw new Error("secret internal detail");
    if (path === "/api/v1/namespaces/default/pods/gone") throw notFoundError(KINDS.pod, "gone");
    if (path === "/api/v1/namespaces/default/pods/locked") return json(200, { ...POD, metadata: { ...POD.metadata, name: "locked" } });
    if (path === "/api/v1/namespaces/default/pods/locked/exec")
      return json(403, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: 'pods "locked" is forbidden: User "svclab" cannot create resource "pods/exec" in API group "" in the namespace "default"',
        reason: "Forbidden",
        details: { name: "locked", kind: "pods" },
        code: 403,
      });
    return json(404, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", details: {}, code: 404 });
  }

  private watch(): RestStream {
    return {
      kind: "stream",
      status: 200,
      headers: { "Content-Type": "application/json" },
      open: (sink) => {
        this.openWatches += 1;
        sink.write(`${JSON.stringify({ type: "ADDED", object: POD })}\n`);
        return () => {
          this.openWatches -= 1;
          this.released += 1;
        };
      },
    };
  }

  private exec(command: string[], stdin: boolean): RestExec {
    return {
      kind: "exec",
      tty: false,
      stdin,
      stdout: true,
      stderr: true,
      async run(streams) {
        const [program, ...args] = command;
        if (program === "echo") {
          streams.stdout(`${args.join(" ")}\n`);
          return 0;
        }
        if (program === "fail") {
          streams.stderr("failing\n");
          return Number(args[0]);
        }
        if (program === "wc") {
          let text = "";
          for await (const chunk of streams.stdin) text += chunk;
          streams.stdout(`${text.length} ${text.toUpperCase()}`);
          return 0;
        }
        if (program === "boom") throw new Error("secret runtime detail");
        if (program === "missing") throw internalError('error executing command in container: exec: "missing": executable file not found in $PATH');
        if (program === "hang") {
          // Runs until stdin ends, writing after it ends: what a process does whose client has gone.
          for await (const chunk of streams.stdin) streams.stdout(chunk);
          streams.stdout("late output\n");
          return 0;
        }
        streams.stderr(`${program}: not found\n`);
        return 127;
      },
    };
  }
}

/** node's https client trusting the server's CA, for what kubectl never sends. */
function request(
  server: ApiServerHttp,
  options: https.RequestOptions & { body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, unknown>; rawHeaders: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: "127.0.0.1", port: server.port, ca: server.caCert, ...options, headers: { authorization: `Bearer ${server.token}`, ...options.headers } },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (text: string) => (body += text));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body }));
      },
    );
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error("timed out")));
    req.end(options.body);
  });
}

describe("the HTTPS front driven by the real kubectl", { timeout: KUBECTL_TEST_TIMEOUT_MS }, () => {
  const handler = new FakeHandler();
  const logged: string[] = [];
  const home = new KubectlHome();
  let server: ApiServerHttp;

  beforeAll(async () => {
    server = await startApiServerHttp({ handler, tls: true, maxBodyBytes: 4096, log: (line) => logged.push(line) });
    await writeKubeconfig({ name: "test", server: server.url, caCert: server.caCert, token: server.token ?? undefined }, { explicitPath: home.kubeconfig });
  });
  afterAll(async () => {
    await server.close();
    home.remove();
  });

  test("kubectl version reads the server's version", async () => {
    const result = await home.run(["version"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("Server Version: v1.32.4");
    expect(result.code).toBe(0);
  });

  test("kubectl get --raw /version prints the handler's bytes", async () => {
    const result = await home.run(["get", "--raw", "/version"]);
    expect(JSON.parse(result.stdout)).toEqual(VERSION);
    expect(handler.requests.at(-1)?.headers.authorization).toBe(`Bearer ${server.token}`);
  });

  // What the real kubectl prints against kube-apiserver with a bad token: a
  // raw request decodes the 401 Status ("Unauthorized"); discovery (memcache)
  // reports its own text (seen in infrahq/infra#1181, flanksource/mission-control#1779).
  test.each([
    { args: ["get", "--raw", "/version"], last: "error: You must be logged in to the server (Unauthorized)" },
    { args: ["get", "--raw", "/api/v1/namespaces/default/pods"], last: "error: You must be logged in to the server (Unauthorized)" },
    { args: ["get", "pods"], last: "error: You must be logged in to the server (the server has asked for the client to provide credentials)" },
  ])("a wrong token: kubectl $args says $last", async ({ args, last }) => {
    const wrong = new KubectlHome();
    try {
      await writeKubeconfig({ name: "test", server: server.url, caCert: server.caCert, token: "not-the-token" }, { explicitPath: wrong.kubeconfig });
      const result = await wrong.run(args);
      expect(result.stderr.trimEnd().split("\n").at(-1)).toBe(last);
      expect(result.code).toBe(1);
    } finally {
      wrong.remove();
    }
  });

  test("a CA the client does not trust fails the TLS handshake", async () => {
    const other = await startApiServerHttp({ handler, tls: true, log: () => undefined });
    const mismatched = new KubectlHome();
    try {
      await writeKubeconfig({ name: "test", server: other.url, caCert: server.caCert, token: other.token ?? undefined }, { explicitPath: mismatched.kubeconfig });
      const result = await mismatched.run(["get", "--raw", "/version"]);
      expect(result.stderr).toContain("x509: certificate signed by unknown authority");
      expect(result.code).toBe(1);
    } finally {
      mismatched.remove();
      await other.close();
    }
  });

  test.each([
    { command: ["echo", "hello", "world"], code: 0, stdout: "hello world\n", stderr: "" },
    { command: ["fail", "7"], code: 7, stdout: "", stderr: "failing\ncommand terminated with exit code 7\n" },
    { command: ["nosuch"], code: 127, stdout: "", stderr: "nosuch: not found\ncommand terminated with exit code 127\n" },
  ])("kubectl exec web -- $command exits $code", async ({ command, code, stdout, stderr }) => {
    const result = await home.run(["exec", "web", "--", ...command]);
    expect(result).toEqual({ code, stdout, stderr });
    await expect.poll(() => server.openExecSessions(), { timeout: 5_000 }).toBe(0);
  });

  test("an exec the handler refuses: kubectl falls back to SPDY, is refused again, and prints the Status", async () => {
    const before = handler.requests.length;
    const result = await home.run(["exec", "locked", "--", "echo", "hi"]);
    expect(result.stderr).toBe(
      'Error from server (Forbidden): pods "locked" is forbidden: User "svclab" cannot create resource "pods/exec" in API group "" in the namespace "default"\n',
    );
    expect(result.code).toBe(1);
    // After discovery (when not cached): the pod GET, the WebSocket attempt, then the SPDY POST.
    const asked = handler.requests.slice(before).filter((r) => r.path.includes("/pods/"));
    expect(asked.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/v1/namespaces/default/pods/locked",
      "GET /api/v1/namespaces/default/pods/locked/exec",
      "POST /api/v1/namespaces/default/pods/locked/exec",
    ]);
  });

  test("kubectl exec -i relays stdin up to its end", async () => {
    const result = await home.run(["exec", "-i", "web", "--", "wc"], { stdin: "ping\npong\n" });
    expect(result).toEqual({ code: 0, stdout: "10 PING\nPONG\n", stderr: "" });
  });

  test("a failing runtime is an internal error, its detail only in the server log", async () => {
    const result = await home.run(["exec", "web", "--", "boom"]);
    expect(result.stderr).toBe("error: Internal error occurred: error executing command in container: the simulated process failed; see the svclab serve log\n");
    expect(result.code).toBe(1);
    expect(logged.some((line) => line.includes("secret runtime detail"))).toBe(true);
  });

  test("a Status the exec throws is what kubectl prints", async () => {
    const result = await home.run(["exec", "web", "--", "missing"]);
    expect(result.stderr).toBe('error: Internal error occurred: error executing command in container: exec: "missing": executable file not found in $PATH\n');
    expect(result.code).toBe(1);
  });

  test("a Status the handler throws is its answer, not an internal error", async () => {
    const result = await home.run(["get", "--raw", "/api/v1/namespaces/default/pods/gone"]);
    expect(result.stderr).toBe('Error from server (NotFound): pods "gone" not found\n');
    expect(logged.some((line) => line.includes("gone"))).toBe(false);
  });

  test("a watch the client leaves is released", async () => {
    const child = home.spawn(["get", "--raw", "/api/v1/namespaces/default/pods?watch=true"]);
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout?.setEncoding("utf8").on("data", (text: string) => {
        out += text;
        if (out.includes("\n")) resolve(out);
      });
      child.on("error", reject);
      setTimeout(() => reject(new Error(`no event; stderr ${child.stderr?.read()}`)), 15_000).unref();
    });
    expect(JSON.parse(firstLine)).toMatchObject({ type: "ADDED", object: { metadata: { name: "web" } } });
    expect(server.openStreams()).toBe(1);
    expect(handler.openWatches).toBe(1);
    const exited = new Promise((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    await exited;
    await expect.poll(() => server.openStreams(), { timeout: 5_000 }).toBe(0);
    expect(handler.openWatches).toBe(0);
    expect(handler.released).toBe(1);
  });

  test("a handler exception is a generic 500 Status; the stack goes to the log", async () => {
    const result = await home.run(["get", "--raw", "/api/v1/namespaces/default/pods/explode"]);
    expect(result.stderr).toBe(
      "Error from server (InternalError): Internal error occurred: the request could not be handled; see the svclab serve log\n",
    );
    expect(result.stderr).not.toContain("secret");
    expect(logged.some((line) => line.includes("secret internal detail") && line.includes("server.test.ts"))).toBe(true);
  });

  test("a body over the limit is 413 with kube-apiserver's text", async () => {
    const response = await request(server, {
      method: "POST",
      path: "/api/v1/namespaces/default/pods",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ padding: "x".repeat(5000) }),
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Request entity too large: limit is 4096",
      reason: "RequestEntityTooLarge",
      code: 413,
    });
  });

  test("a body over the limit without Content-Length (chunked) is 413 too", async () => {
    const response = await request(server, {
      method: "POST",
      path: "/api/v1/namespaces/default/pods",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      body: "y".repeat(5000),
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).message).toBe("Request entity too large: limit is 4096");
  });

  test("a handler's lower-case content-type is the only Content-Type sent", async () => {
    const response = await request(server, { method: "GET", path: "/apis", headers: { accept: AGGREGATED } });
    expect(response.rawHeaders.filter((_, i) => i % 2 === 0).filter((name) => name.toLowerCase() === "content-type")).toEqual(["content-type"]);
    expect(response.headers["content-type"]).toBe(AGGREGATED);
  });

  test("a JSON body with a charset parameter reaches the handler", async () => {
    const response = await request(server, {
      method: "POST",
      path: "/api/v1/namespaces/default/pods",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(POD),
    });
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body)).toEqual(POD);
  });

  test("a bad escape in the path is a 400 Status", async () => {
    const response = await request(server, { method: "GET", path: "/api/v1/namespaces/%zz/pods" });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ kind: "Status", status: "Failure", reason: "BadRequest", code: 400 });
  });

  test("exec without an upgrade is refused as the API server refuses it", async () => {
    const response = await request(server, { method: "GET", path: "/api/v1/namespaces/default/pods/web/exec?command=echo&stdout=true" });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).message).toBe("Upgrade request required");
  });

  test("no token, no answer: 401 before the handler is asked", async () => {
    const before = handler.requests.length;
    const response = await request(server, { method: "GET", path: "/version", headers: { authorization: "" } });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    expect(handler.requests.length).toBe(before);
  });
});

/** A WebSocket client as kubectl's, for what kubectl does not do on purpose. */
function openExec(server: ApiServerHttp, command: string, protocols: string[]): Promise<{ ws: WebSocket; protocol: string } | { status: number; body: string }> {
  const url = `wss://127.0.0.1:${server.port}/api/v1/namespaces/default/pods/web/exec?command=${command}&container=app&stdin=true&stdout=true&stderr=true`;
  const ws = new WebSocket(url, protocols, { ca: server.caCert, headers: { authorization: `Bearer ${server.token}` } });
  return new Promise((resolve, reject) => {
    ws.on("open", () => resolve({ ws, protocol: ws.protocol }));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (text: string) => (body += text));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on("error", reject);
  });
}

describe("exec sessions at the edges", { timeout: KUBECTL_TEST_TIMEOUT_MS }, () => {
  const handler = new FakeHandler();
  const logged: string[] = [];
  let server: ApiServerHttp;
  beforeAll(async () => {
    server = await startApiServerHttp({ handler, log: (line) => logged.push(line) });
  });
  afterAll(() => server.close());

  test("a client that leaves mid-exec ends the session without crashing the server", async () => {
    const opened = await openExec(server, "hang", ["v5.channel.k8s.io"]);
    if (!("ws" in opened)) throw new Error(`upgrade refused: ${opened.body}`);
    const echoed = new Promise<Buffer>((resolve) => opened.ws.once("message", (data: Buffer) => resolve(data)));
    opened.ws.send(Buffer.from([0, ...Buffer.from("hi")]));
    expect([...(await echoed)]).toEqual([1, ...Buffer.from("hi")]);
    expect(server.openExecSessions()).toBe(1);
    opened.ws.terminate();
    await expect.poll(() => server.openExecSessions(), { timeout: 5_000 }).toBe(0);
    const after = await request(server, { method: "GET", path: "/version" });
    expect(after.status).toBe(200);
  });

  test("[255, 0] closes stdin; the exit Status and close 1000 follow", async () => {
    const opened = await openExec(server, "hang", ["v5.channel.k8s.io"]);
    if (!("ws" in opened)) throw new Error(`upgrade refused: ${opened.body}`);
    const messages: Buffer[] = [];
    opened.ws.on("message", (data: Buffer) => messages.push(data));
    const closed = new Promise<number>((resolve) => opened.ws.on("close", (code) => resolve(code)));
    // A UTF-8 character split across two frames arrives whole.
    const snow = Buffer.from("\u2603");
    opened.ws.send(Buffer.from([0, ...snow.subarray(0, 1)]));
    opened.ws.send(Buffer.from([0, ...snow.subarray(1)]));
    opened.ws.send(Buffer.from([255, 0]));
    expect(await closed).toBe(1000);
    const byChannel = messages.map((m) => [m[0], m.subarray(1).toString("utf8")]);
    expect(byChannel).toEqual([
      [1, "\u2603"],
      [1, "late output\n"],
      [3, '{"metadata":{},"status":"Success"}'],
    ]);
  });

  test.each([
    { offered: ["v5.channel.k8s.io", "v4.channel.k8s.io"], chosen: "v5.channel.k8s.io" },
    { offered: ["v4.channel.k8s.io", "v3.channel.k8s.io"], chosen: "v4.channel.k8s.io" },
  ])("offered $offered, the server speaks $chosen", async ({ offered, chosen }) => {
    const opened = await openExec(server, "echo", offered);
    if (!("ws" in opened)) throw new Error(`upgrade refused: ${opened.body}`);
    expect(opened.protocol).toBe(chosen);
    await new Promise((resolve) => opened.ws.on("close", resolve));
  });

  test("no subprotocol svclab speaks: a 400 Status, no upgrade", async () => {
    const opened = await openExec(server, "echo", ["v1.channel.k8s.io", "base64.channel.k8s.io"]);
    expect(opened).toMatchObject({ status: 400 });
    if (!("status" in opened)) throw new Error("upgraded");
    expect(JSON.parse(opened.body)).toMatchObject({ kind: "Status", reason: "BadRequest", code: 400 });
    await expect.poll(() => server.openExecSessions(), { timeout: 5_000 }).toBe(0);
  });
});

describe("shutting down", { timeout: KUBECTL_TEST_TIMEOUT_MS }, () => {
  test("close() ends an open exec session", async () => {
    const server = await startApiServerHttp({ handler: new FakeHandler(), log: () => undefined });
    const opened = await openExec(server, "hang", ["v5.channel.k8s.io"]);
    if (!("ws" in opened)) throw new Error(`upgrade refused: ${opened.body}`);
    const closed = new Promise((resolve) => opened.ws.on("close", resolve));
    await expect.poll(() => server.openExecSessions()).toBe(1);
    await server.close();
    await closed;
    await expect.poll(() => server.openExecSessions()).toBe(0);
  });

  test("close() ends open watches, releases them and frees the port", async () => {
    const handler = new FakeHandler();
    const server = await startApiServerHttp({ handler, tls: false, token: null, log: () => undefined });
    const { get } = await import("node:http");
    const response = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
      get(`${server.url}/api/v1/namespaces/default/pods?watch=true`, resolve).on("error", reject);
    });
    const ended = new Promise<void>((resolve) => {
      response.on("end", resolve).on("error", () => resolve()).resume();
    });
    await expect.poll(() => handler.openWatches).toBe(1);
    await server.close();
    await ended;
    expect(server.openStreams()).toBe(0);
    expect(handler.released).toBe(1);
    expect(handler.openWatches).toBe(0);
    // The port is free again: a new server can take it.
    const again = await startApiServerHttp({ handler, tls: false, token: null, port: server.port, log: () => undefined });
    expect(again.port).toBe(server.port);
    await again.close();
  });
});
