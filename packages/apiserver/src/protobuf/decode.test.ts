// The protobuf bodies the real kubectl writes, decoded, must be the objects the same
// kubectl prints with `--dry-run=client -o json`: kubectl is the oracle for both
// encodings. The bodies are captured by a loopback server that records each POST.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_VERSION } from "../rest/discovery";
import { decodeProtobufBody, ProtobufDecodeError } from "./decode";

let server: http.Server;
let home: string;
const posted: { contentType: string; body: Buffer }[] = [];

function kubectl(args: readonly string[]): Promise<string> {
  return new Promise((done) => {
    execFile("kubectl", args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: join(home, "config") }, timeout: 20_000 }, (_error, stdout) => done(stdout));
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "svclab-protobuf-"));
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/version") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(SERVER_VERSION));
        return;
      }
      if (req.method === "POST") posted.push({ contentType: String(req.headers["content-type"]), body: Buffer.concat(chunks) });
      res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "recorded", reason: "Forbidden", code: 403 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await writeFile(
    join(home, "config"),
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:${port}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n`,
  );
}, 30_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(home, { recursive: true, force: true });
});

/** What kubectl posts for a command line, decoded. */
async function postedBody(args: readonly string[]): Promise<unknown> {
  posted.length = 0;
  await kubectl(args);
  expect(posted).toHaveLength(1);
  expect(posted[0]?.contentType).toBe("application/vnd.kubernetes.protobuf");
  return decodeProtobufBody(posted[0]?.body as Buffer);
}

describe("protobuf request bodies of the real kubectl", () => {
  it.each([
    ["create", "deployment", "web", "--image=nginx"],
    ["create", "deployment", "web", "--image=nginx", "--image=busybox", "--replicas=0", "--port=8080"],
    ["create", "service", "clusterip", "web", "--tcp=80:8080", "--tcp=443"],
    ["create", "service", "nodeport", "web", "--tcp=80:http", "--node-port=30080"],
    ["create", "service", "loadbalancer", "web", "--tcp=5678:8080"],
    ["create", "service", "clusterip", "headless", "--clusterip=None"],
    ["create", "namespace", "team-a"],
  ])("kubectl %s %s %s ... decodes to its --dry-run=client -o json", async (...args) => {
    const decoded = await postedBody(args);
    const printed = JSON.parse(await kubectl([...args, "--dry-run=client", "-o", "json"])) as unknown;
    expect(decoded).toEqual(printed);
  }, 30_000);

  it("decodes kubectl auth can-i's SelfSubjectAccessReview", async () => {
    // This recorder serves no discovery, so kubectl sends the resource as typed.
    const decoded = await postedBody(["auth", "can-i", "delete", "deployments.apps", "-n", "team-a"]);
    expect(decoded).toEqual({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: "team-a", verb: "delete", resource: "deployments.apps" } },
      // A false `allowed` is Go's zero: gone here, where encoding/json would write it (no omitempty); no one reads it.
      status: {},
    });
  }, 30_000);
});

describe("bodies that are not protobuf", () => {
  it.each([
    [Buffer.from(""), "empty data"],
    [Buffer.from('{"kind":"Pod"}'), "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"],
    [Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x10, 0x0a]), "unexpected EOF"],
  ])("%j is refused: %s", (body, message) => {
    expect(() => decodeProtobufBody(body)).toThrow(new ProtobufDecodeError(message));
  });
});
