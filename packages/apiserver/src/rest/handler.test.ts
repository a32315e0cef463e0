// The REST front, request by request. Expected texts and shapes are
// kube-apiserver 1.32's (apiserver/pkg/endpoints handlers, apimachinery's
// apierrors, printers.go), as /work/shared/reference/kube-apiserver-rest.md
// records them.
import { describe, expect, it } from "vitest";
import { call, readStdin, testServer, type Call } from "../test-support/server";
import type { RestBody, RestExec, RestStream } from "./types";
import { decodeProtobufBody } from "../protobuf/decode";

const POD = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
const DEPLOY = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "d" },
  spec: { replicas: 2, selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
};
const PODS = "/api/v1/namespaces/default/pods";
const DEPLOYS = "/apis/apps/v1/namespaces/default/deployments";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

const PROTOBUF = "application/vnd.kubernetes.protobuf";

/** A length-delimited protobuf field (all these tests need). */
function field(no: number, value: string | Buffer): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value) : value;
  return Buffer.concat([Buffer.from([(no << 3) | 2, bytes.length]), bytes]);
}

/** The `k8s\0` prefix and runtime.Unknown envelope around a message. */
function protobufBody(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), field(1, Buffer.concat([field(1, apiVersion), field(2, kind)])), field(2, raw)]);
}

async function withPod() {
  const s = testServer();
  await call(s.rest, { method: "POST", path: PODS, body: POD });
  return s;
}

describe("status errors", () => {
  it.each<[string, Call, number, Record<string, unknown>]>([
    ["missing object", { path: `${PODS}/nope` }, 404, { kind: "Status", status: "Failure", reason: "NotFound", message: 'pods "nope" not found', details: { name: "nope", kind: "pods", group: "" } }],
    ["unknown resource", { path: "/api/v1/namespaces/default/widgets" }, 404, { reason: "NotFound", message: "the server could not find the requested resource" }],
    ["unknown group version", { path: "/apis/apps/v2" }, 404, { message: "the server could not find the requested resource" }],
    ["unknown media type", { method: "PATCH", path: `${PODS}/web`, headers: { "content-type": "text/plain" }, body: "{}" }, 415, { reason: "UnsupportedMediaType" }],
    ["unacceptable answer", { path: PODS, headers: { accept: "application/xml" } }, 406, { reason: "NotAcceptable", message: "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf" }],
    ["oversized body", { method: "POST", path: PODS, body: "x".repeat(3 * 1024 * 1024 + 1) }, 413, { reason: "RequestEntityTooLarge", message: "Request entity too large: limit is 3145728" }],
    ["malformed JSON", { method: "POST", path: PODS, body: "{" }, 400, { reason: "BadRequest", message: "couldn't get version/kind; json parse error: unexpected end of JSON input" }],
    ["JSON sent as protobuf", { method: "POST", path: PODS, headers: { "content-type": PROTOBUF }, body: '{"kind":"Pod"}' }, 400, { reason: "BadRequest", message: 'the object provided is unrecognized (must be of type Pod): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"Pod"})' }],
    ["truncated protobuf", { method: "POST", path: PODS, headers: { "content-type": PROTOBUF }, body: protobufBody("v1", "Pod", field(1, field(1, "p")).subarray(0, 3)).toString("latin1") }, 400, { reason: "BadRequest", message: 'Pod in version "v1" cannot be handled as a Pod: unexpected EOF' }],
    ["wrong API version", { method: "POST", path: PODS, body: { ...POD, apiVersion: "apps/v1" } }, 400, { message: "the API version in the data (apps/v1) does not match the expected API version (v1)" }],
    ["strict decoding", { method: "POST", path: PODS, query: { fieldValidation: "Strict" }, body: { ...POD, spec: { ...POD.spec, bogus: 1 } } }, 400, { message: 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogus"' }],
    ["bad fieldValidation", { method: "POST", path: PODS, query: { fieldValidation: "Loose" }, body: POD }, 422, { reason: "Invalid", message: 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "Ignore", "Strict", "Warn"' }],
    ["unsupported field label", { path: PODS, query: { fieldSelector: "spec.bogus=x" } }, 400, { message: "field label not supported: spec.bogus" }],
    ["apply without fieldManager", { method: "PATCH", path: `${PODS}/web`, headers: { "content-type": "application/apply-patch+yaml" }, body: POD }, 422, { message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' }],
    ["name mismatch on PUT", { method: "PUT", path: `${PODS}/other`, body: POD }, 400, { message: "the name of the object (web) does not match the name on the URL (other)" }],
    ["method on a collection", { method: "DELETE", path: PODS }, 405, { reason: "MethodNotAllowed" }],
    ["wrong verb on a subresource", { method: "DELETE", path: `${PODS}/web/status` }, 405, { reason: "MethodNotAllowed" }],
    ["subresource the kind lacks", { method: "PATCH", path: `${PODS}/web/scale`, headers: { "content-type": "application/merge-patch+json" }, body: {} }, 404, { message: "the server could not find the requested resource" }],
  ])("%s", async (_, c, status, want) => {
    const s = await withPod();
    const before = s.api.resourceVersion();
    const r = await call(s.rest, c);
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ ...want, code: status });
    // A rejected request changes nothing.
    expect(s.api.resourceVersion()).toBe(before);
  });

  it("answers a path outside the API with the mux's plain 404", async () => {
    const r = await call(testServer().rest, { path: "/nope" });
    expect([r.status, r.body]).toEqual([404, "404 page not found\n"]);
  });
});

describe("reads", () => {
  it("lists without item types, with the store's resourceVersion", async () => {
    const s = await withPod();
    const r = await call(s.rest, { path: PODS });
    expect(r.body).toMatchObject({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: s.api.resourceVersion() } });
    expect(r.body.items.map((p: any) => [p.metadata.name, p.kind, p.apiVersion])).toEqual([["web", undefined, undefined]]);
  });

  it.each([
    [{ labelSelector: "app=web" }, ["web"]],
    [{ labelSelector: "app!=web" }, []],
    [{ fieldSelector: "metadata.name=web" }, ["web"]],
    [{ fieldSelector: "status.phase=Pending" }, ["web"]],
    [{ fieldSelector: "spec.nodeName=" }, ["web"]],
    [{ fieldSelector: "spec.nodeName!=" }, []],
    [{ fieldSelector: "metadata.namespace=kube-system" }, []],
  ])("selects with %j", async (query, names) => {
    const s = await withPod();
    await call(s.rest, { method: "PUT", path: `${PODS}/web/status`, body: { ...POD, status: { phase: "Pending" } } });
    const r = await call(s.rest, { path: PODS, query });
    expect(r.body.items.map((p: any) => p.metadata.name)).toEqual(names);
  });

  it("chunks lists with limit and continue", async () => {
    const s = testServer();
    for (const n of ["a", "b", "c"]) await call(s.rest, { method: "POST", path: PODS, body: { ...POD, metadata: { name: n } } });
    const first = await call(s.rest, { path: PODS, query: { limit: "2" } });
    expect(first.body.items.map((p: any) => p.metadata.name)).toEqual(["a", "b"]);
    const rest = await call(s.rest, { path: PODS, query: { limit: "2", continue: first.body.metadata.continue } });
    expect(rest.body.items.map((p: any) => p.metadata.name)).toEqual(["c"]);
    expect(rest.body.metadata.continue).toBeUndefined();
  });

  it("prints server-side Tables with printers.go's columns", async () => {
    const s = await withPod();
    s.clock.ms += 65_000;
    const r = await call(s.rest, { path: PODS, headers: { accept: TABLE } });
    expect(r.body.kind).toBe("Table");
    expect(r.body.columnDefinitions.map((c: any) => [c.name, c.priority])).toEqual([
      ["Name", 0], ["Ready", 0], ["Status", 0], ["Restarts", 0], ["Age", 0], ["IP", 1], ["Node", 1], ["Nominated Node", 1], ["Readiness Gates", 1],
    ]);
    expect(r.body.columnDefinitions[0].format).toBe("name");
    expect(r.body.rows[0].cells).toEqual(["web", "0/1", "Pending", "0", "65s", "<none>", "<none>", "<none>", "<none>"]);
    expect(r.body.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: { name: "web", labels: { app: "web" } } });
    const deploy = await call(s.rest, { method: "POST", path: DEPLOYS, body: DEPLOY });
    expect(deploy.status).toBe(201);
    const t = await call(s.rest, { path: `${DEPLOYS}/d`, headers: { accept: TABLE }, query: { includeObject: "None" } });
    expect(t.body.rows).toEqual([{ cells: ["d", "0/2", 0, 0, "0s", "c", "nginx", "app=d"] }]);
  });
});

describe("writes", () => {
  it("dry-runs a create without storing it", async () => {
    const s = testServer();
    const before = s.api.resourceVersion();
    const r = await call(s.rest, { method: "POST", path: PODS, query: { dryRun: "All" }, body: POD });
    expect(r.status).toBe(201);
    expect(r.body.metadata.resourceVersion).toBeUndefined();
    expect((await call(s.rest, { path: `${PODS}/web` })).status).toBe(404);
    expect(s.api.resourceVersion()).toBe(before);
  });

  it("warns about unknown fields under the default fieldValidation and drops them", async () => {
    const s = testServer();
    const r = await call(s.rest, { method: "POST", path: PODS, body: { ...POD, spec: { ...POD.spec, bogus: 1 } } });
    expect(r.status).toBe(201);
    expect(r.headers.warning).toBe('299 - "unknown field \\"spec.bogus\\""');
    expect(r.body.spec.bogus).toBeUndefined();
  });

  it.each([
    ["application/merge-patch+json", { metadata: { labels: { tier: "front" } } }],
    ["application/strategic-merge-patch+json", { metadata: { labels: { tier: "front" } } }],
    ["application/json-patch+json", [{ op: "add", path: "/metadata/labels/tier", value: "front" }]],
  ])("patches with %s, and a repeated patch keeps the resourceVersion", async (type, patch) => {
    const s = await withPod();
    const first = await call(s.rest, { method: "PATCH", path: `${PODS}/web`, headers: { "content-type": type }, body: patch });
    expect(first.body.metadata.labels).toEqual({ app: "web", tier: "front" });
    const again = await call(s.rest, { method: "PATCH", path: `${PODS}/web`, headers: { "content-type": type }, body: patch });
    expect(again.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
  });

  it("applies server-side: creates, then removes what the manager stopped applying", async () => {
    const s = testServer();
    const apply = (body: unknown) => call(s.rest, { method: "PATCH", path: `${PODS}/web`, query: { fieldManager: "kubectl", force: "true" }, headers: { "content-type": "application/apply-patch+yaml" }, body });
    expect((await apply({ ...POD, metadata: { name: "web", labels: { app: "web", tier: "x" } } })).status).toBe(201);
    const r = await apply(POD);
    expect([r.status, r.body.metadata.labels]).toEqual([200, { app: "web" }]);
  });

  it("serves scale and status subresources", async () => {
    const s = testServer();
    await call(s.rest, { method: "POST", path: DEPLOYS, body: DEPLOY });
    expect((await call(s.rest, { path: `${DEPLOYS}/d/scale` })).body).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", spec: { replicas: 2 }, status: { replicas: 0, selector: "app=d" } });
    const patched = await call(s.rest, { method: "PATCH", path: `${DEPLOYS}/d/scale`, headers: { "content-type": "application/merge-patch+json" }, body: { spec: { replicas: 5 } } });
    expect(patched.body.spec.replicas).toBe(5);
    const bad = await call(s.rest, { method: "PUT", path: `${DEPLOYS}/d/scale`, body: { spec: { replicas: -1 } } });
    expect([bad.status, bad.body.message]).toEqual([422, 'Scale.autoscaling "d" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
    const status = await call(s.rest, { method: "PATCH", path: `${DEPLOYS}/d/status`, headers: { "content-type": "application/merge-patch+json" }, body: { status: { replicas: 5 }, spec: { replicas: 9 } } });
    expect([status.body.status.replicas, status.body.spec.replicas]).toEqual([5, 5]);
  });

  it("deletes: pods answer with the object, deployments with a Success Status", async () => {
    const s = await withPod();
    await call(s.rest, { method: "POST", path: DEPLOYS, body: DEPLOY });
    expect((await call(s.rest, { method: "DELETE", path: `${PODS}/web` })).body).toMatchObject({ kind: "Pod", metadata: { name: "web" } });
    expect((await call(s.rest, { method: "DELETE", path: `${DEPLOYS}/d` })).body).toMatchObject({ kind: "Status", status: "Success", details: { name: "d", group: "apps", kind: "deployments" } });
    const conflict = await call(s.rest, { method: "DELETE", path: PODS + "/web" });
    expect(conflict.status).toBe(404);
  });
});

describe("watch", () => {
  function collect(stream: RestStream): { events: any[]; ended: () => boolean; close: () => void } {
    const events: any[] = [];
    let ended = false;
    const close = stream.open({ write: (chunk) => events.push(JSON.parse(chunk)), end: () => void (ended = true) });
    return { events, ended: () => ended, close };
  }

  it("replays from a list's resourceVersion, then follows, and releases the watcher", async () => {
    const s = await withPod();
    const rv = (await call(s.rest, { path: PODS })).body.metadata.resourceVersion;
    await call(s.rest, { method: "POST", path: PODS, body: { ...POD, metadata: { name: "second" } } });
    const w = collect((await call(s.rest, { path: PODS, query: { watch: "true", resourceVersion: rv } })).response as RestStream);
    await call(s.rest, { method: "DELETE", path: `${PODS}/web` });
    expect(w.events.map((e) => [e.type, e.object.metadata.name])).toEqual([["ADDED", "second"], ["DELETED", "web"]]);
    expect(s.rest.watchers).toBe(1);
    w.close();
    expect(s.rest.watchers).toBe(0);
  });

  it("starts with the current objects without a resourceVersion; a label change out of the selector is a DELETED event", async () => {
    const s = await withPod();
    const w = collect((await call(s.rest, { path: PODS, query: { watch: "1", labelSelector: "app=web" } })).response as RestStream);
    await call(s.rest, { method: "PATCH", path: `${PODS}/web`, headers: { "content-type": "application/merge-patch+json" }, body: { metadata: { labels: { app: "other" } } } });
    expect(w.events.map((e) => e.type)).toEqual(["ADDED", "DELETED"]);
    w.close();
  });

  it("answers 410 Expired as an ERROR event once the history moved past the resourceVersion", async () => {
    const s = testServer({ watchHistory: 2 });
    for (const n of ["a", "b", "c", "d"]) await call(s.rest, { method: "POST", path: PODS, body: { ...POD, metadata: { name: n } } });
    const w = collect((await call(s.rest, { path: PODS, query: { watch: "true", resourceVersion: "2" } })).response as RestStream);
    expect(w.events).toEqual([{ type: "ERROR", object: expect.objectContaining({ kind: "Status", reason: "Expired", code: 410, message: expect.stringMatching(/^too old resource version: 2 \(\d+\)$/) }) }]);
    expect(w.ended()).toBe(true);
    expect(s.rest.watchers).toBe(0);
    // What the history still holds is served, however many events it dropped.
    const third = (await call(s.rest, { path: `${PODS}/c` })).body.metadata.resourceVersion;
    const recent = collect((await call(s.rest, { path: PODS, query: { watch: "true", resourceVersion: third } })).response as RestStream);
    expect(recent.events.map((e) => [e.type, e.object.metadata.name])).toEqual([["ADDED", "d"]]);
    recent.close();
  });

  it("sends one-row Tables to a Table watch, columns first only", async () => {
    const s = await withPod();
    const w = collect((await call(s.rest, { path: PODS, query: { watch: "true" }, headers: { accept: TABLE } })).response as RestStream);
    await call(s.rest, { method: "POST", path: PODS, body: { ...POD, metadata: { name: "b" } } });
    expect(w.events.map((e) => [e.object.kind, e.object.columnDefinitions.length, e.object.rows[0].cells[0]])).toEqual([["Table", 9, "web"], ["Table", 0, "b"]]);
    w.close();
  });

  it("ends at timeoutSeconds on the server's timers", async () => {
    const pending: (() => void)[] = [];
    const s = testServer({ timers: { after: (_s, run) => (pending.push(run), { cancel: () => {} }) } });
    const w = collect((await call(s.rest, { path: PODS, query: { watch: "true", timeoutSeconds: "300" } })).response as RestStream);
    pending.forEach((run) => run());
    expect([w.ended(), s.rest.watchers]).toEqual([true, 0]);
  });
});

describe("pods/exec and pods/log", () => {
  const kubelet = {
    exec: async (_t: unknown, command: readonly string[], stdin: string | AsyncIterable<string>) => ({ stdout: `${command.join(" ")}|${await readStdin(stdin)}`, stderr: "warn\n", exitCode: 7 }),
    logs: () => "line 1\nline 2\n",
  };

  it.each<[string, Record<string, string | string[]>, number, string]>([
    ["no command", { stdout: "true" }, 400, "you must specify at least one command for the container"],
    ["no stream", { command: "ls" }, 400, "you must specify at least 1 of stdin, stdout, stderr"],
    ["unknown container", { command: "ls", stdout: "true", container: "x" }, 400, "container x is not valid for pod web"],
    ["container not running", { command: "ls", stdout: "true" }, 404, 'container not found ("c")'],
  ])("refuses %s", async (_, query, status, message) => {
    const s = testServer({ kubelet });
    await call(s.rest, { method: "POST", path: PODS, body: { ...POD, spec: { ...POD.spec, nodeName: "n1" } } });
    const r = await call(s.rest, { method: "POST", path: `${PODS}/web/exec`, query });
    expect([r.status, r.body.message]).toEqual([status, message]);
  });

  it("runs the command through the kubelet and reports its exit code; a terminal merges stderr", async () => {
    const s = testServer({ kubelet });
    await call(s.rest, { method: "POST", path: PODS, body: { ...POD, spec: { ...POD.spec, nodeName: "n1" } } });
    await call(s.rest, { method: "PUT", path: `${PODS}/web/status`, body: { ...POD, status: { phase: "Running", containerStatuses: [{ name: "c", image: "nginx", imageID: "", ready: true, restartCount: 0, state: { running: { startedAt: "2024-01-01T00:00:00Z" } } }] } } });
    for (const [tty, want] of [["false", ["curl x|in", "warn\n"]], ["true", ["curl x|inwarn\n", ""]]] as const) {
      const r = (await call(s.rest, { method: "POST", path: `${PODS}/web/exec`, query: { command: ["curl", "x"], stdin: "true", stdout: "true", stderr: "true", tty } })).response as RestExec;
      let out = "";
      let err = "";
      const code = await r.run({ stdin: (async function* () { yield "in"; })(), stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
      expect([code, out, err]).toEqual([7, ...want]);
    }
    expect((await call(s.rest, { path: `${PODS}/web/log` })).body).toBe("line 1\nline 2\n");
  });
});

describe("discovery, OpenAPI and version", () => {
  it("reports v1.32 so the kubectl dispatcher picks its 1.32 client", async () => {
    expect((await call(testServer().rest, { path: "/version" })).body).toMatchObject({ major: "1", minor: "32", gitVersion: expect.stringMatching(/^v1\.32\./) });
  });

  it("serves aggregated discovery with its content type, legacy discovery otherwise", async () => {
    const rest = testServer().rest;
    const agg = await call(rest, { path: "/apis", headers: { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json" } });
    expect(agg.headers["content-type"]).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    expect(JSON.parse((agg.response as { body: string }).body).items.map((g: any) => g.metadata.name)).toEqual(["apps", "discovery.k8s.io", "authorization.k8s.io"]);
    const legacy = await call(rest, { path: "/api/v1" });
    expect(legacy.body.resources.map((r: any) => r.name)).toEqual(expect.arrayContaining(["pods", "pods/exec", "pods/log", "services/status", "namespaces"]));
    expect((await call(rest, { path: "/apis/apps/v1" })).body.resources.find((r: any) => r.name === "deployments/scale")).toMatchObject({ group: "autoscaling", version: "v1", kind: "Scale" });
  });

  it("indexes one OpenAPI v3 document per group-version, with the fieldValidation parameter", async () => {
    const rest = testServer().rest;
    const index = (await call(rest, { path: "/openapi/v3" })).body;
    expect(Object.keys(index.paths)).toEqual(["api/v1", "apis/apps/v1", "apis/discovery.k8s.io/v1", "apis/authorization.k8s.io/v1"]);
    const url = new URL(index.paths["apis/apps/v1"].serverRelativeURL, "http://x");
    const doc = (await call(rest, { path: url.pathname })).body;
    const patch = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({ group: "apps", version: "v1", kind: "Deployment" });
    expect(patch.parameters.map((p: any) => p.name)).toContain("fieldValidation");
  });
});

describe("protobuf bodies", () => {
  it("creates what a typed client posts, answering in JSON", async () => {
    const s = testServer();
    // Pod{metadata{name}, spec{containers[{name, image}]}}, field numbers of k8s.io/api/core/v1/generated.proto.
    const pod = Buffer.concat([field(1, field(1, "p")), field(2, field(2, Buffer.concat([field(1, "c"), field(2, "nginx")])))]);
    const bytes = protobufBody("v1", "Pod", pod);
    const r = await s.rest.handle({ method: "POST", path: PODS, query: new URLSearchParams(), headers: { "content-type": PROTOBUF, accept: `${PROTOBUF},application/json` }, body: bytes.toString("utf8"), bytes });
    expect(r.kind === "body" && [r.status, r.headers["content-type"]]).toEqual([201, "application/json"]);
    expect((await call(s.rest, { path: `${PODS}/p` })).body.spec.containers).toMatchObject([{ name: "c", image: "nginx" }]);
  });

  it.each([
    ["an object", `${PODS}/web`],
    ["a list", PODS],
    ["a Status", `${PODS}/nope`],
  ])("answers %s in protobuf to a client that accepts nothing else, in JSON to one that also takes JSON", async (_name, path) => {
    const s = await withPod();
    const asJson = await call(s.rest, { path, headers: { accept: `${PROTOBUF},application/json` } });
    expect(asJson.headers["content-type"]).toBe("application/json");
    const r = (await s.rest.handle({ method: "GET", path, query: new URLSearchParams(), headers: { accept: PROTOBUF }, body: "" })) as RestBody;
    expect([r.status, r.headers["content-type"]]).toEqual([asJson.status, PROTOBUF]);
    const { apiVersion, kind, ...rest } = asJson.body;
    // What the JSON answer says, less the zeros protobuf leaves implicit.
    expect(decodeProtobufBody(r.bytes as Uint8Array)).toEqual({ apiVersion, kind, ...JSON.parse(JSON.stringify(rest, (_k, v) => (v === "" || v === false ? undefined : v))) });
  });

  it("leaves the store unchanged when the body is refused", async () => {
    const s = testServer();
    const before = s.api.resourceVersion();
    const r = await call(s.rest, { method: "POST", path: PODS, headers: { "content-type": PROTOBUF }, body: "k8s\0\x0a" });
    expect(r.status).toBe(400);
    expect(s.api.resourceVersion()).toBe(before);
  });
});

describe("self reviews (authorization.k8s.io/v1)", () => {
  const SSAR = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  const review = (spec: unknown) => ({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", metadata: { creationTimestamp: null }, spec, status: { allowed: false } });

  it.each<[string, Call, number, Record<string, unknown>]>([
    ["a resource request", { method: "POST", path: SSAR, body: review({ resourceAttributes: { namespace: "default", verb: "get", resource: "pods" } }) }, 201, { status: { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"' } }],
    ["a non-resource request", { method: "POST", path: SSAR, body: review({ nonResourceAttributes: { path: "/healthz", verb: "get" } }) }, 201, { spec: { nonResourceAttributes: { path: "/healthz", verb: "get" } }, status: { allowed: true } }],
    // ValidateSelfSubjectAccessReviewSpec (pkg/apis/authorization/validation).
    ["neither kind of attributes", { method: "POST", path: SSAR, body: review({}) }, 422, { reason: "Invalid", message: 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified' }],
    // Go renders the value as `authorization.NonResourceAttributes{Path:"", Verb:""}`; only the reason is checked here.
    ["both kinds", { method: "POST", path: SSAR, body: review({ resourceAttributes: {}, nonResourceAttributes: {} }) }, 422, { reason: "Invalid", details: { causes: [{ field: "spec.nonResourceAttributes" }] } }],
    ["the wrong kind", { method: "POST", path: SSAR, body: { ...review({}), kind: "SelfSubjectRulesReview" } }, 400, { message: "the kind in the data (SelfSubjectRulesReview) does not match the expected kind (SelfSubjectAccessReview)" }],
    ["a GET", { path: SSAR }, 405, { reason: "MethodNotAllowed" }],
    ["the rules of the user", { method: "POST", path: "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace: "default" } } }, 201, { status: { resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }], incomplete: false } }],
  ])("%s", async (_name, c, status, body) => {
    const s = testServer();
    const before = s.api.resourceVersion();
    const r = await call(s.rest, c);
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject(body);
    expect(s.api.resourceVersion()).toBe(before);
  });

  it("are listed by discovery with the create verb only", async () => {
    const s = testServer();
    const legacy = (await call(s.rest, { path: "/apis/authorization.k8s.io/v1" })).body;
    expect(legacy.resources.map((r: { name: string; verbs: string[] }) => [r.name, r.verbs])).toEqual([["selfsubjectaccessreviews", ["create"]], ["selfsubjectrulesreviews", ["create"]]]);
    const groups = (await call(s.rest, { path: "/apis", headers: { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" } })).body;
    const authz = groups.items.find((g: { metadata: { name: string } }) => g.metadata.name === "authorization.k8s.io");
    expect(authz.versions[0].resources.map((r: { resource: string; subresources: unknown[] }) => [r.resource, r.subresources])).toEqual([["selfsubjectaccessreviews", []], ["selfsubjectrulesreviews", []]]);
  });
});
