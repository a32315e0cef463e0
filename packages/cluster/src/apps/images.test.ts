import { describe, expect, it } from "vitest";
import { imageRepository, programFor, toolsFor, type ContainerProgram } from "./images";
import type { ConnectionInfo, HttpRequest } from "./http";

const app = { hostname: "sample-deployment-7f47966499-459f6", now: () => new Date(0) };
const conn: ConnectionInfo = { remoteAddress: "10.244.1.5", remotePort: 41234, localAddress: "10.244.2.2", localPort: 80 };
const get = (path: string, host: string): HttpRequest => ({
  method: "GET",
  path,
  headers: { host, "user-agent": "curl/8.5.0", accept: "*/*" },
});

function server(p: ContainerProgram | undefined) {
  if (p?.kind !== "server") throw new Error("not a server");
  return p;
}

describe("images", () => {
  it.each([
    ["nginx", "library/nginx"],
    ["nginx:1.27", "library/nginx"],
    ["docker.io/library/busybox:1.36", "library/busybox"],
    ["amsy810/echo-nginx:v2.0", "amsy810/echo-nginx"],
    ["registry.k8s.io/e2e-test-images/agnhost:2.53", "registry.k8s.io/e2e-test-images/agnhost"],
    ["localhost:5000/app:1", "localhost:5000/app"],
  ])("normalises %s", (image, repo) => expect(imageRepository(image)).toBe(repo));

  it("echo-nginx answers in the article's format and honours NGINX_PORT", () => {
    const p = server(programFor({ name: "c", image: "amsy810/echo-nginx:v2.0" }, app));
    expect(p.ports).toEqual([80]);
    const res = p.handler(get("/", "sample-session-affinity.default.svc.cluster.local:8080"), conn);
    expect(res.body).toBe(
      "Host=sample-session-affinity.default.svc.cluster.local  Path=/  From=sample-deployment-7f47966499-459f6  ClientIP=10.244.1.5  XFF=\n",
    );
    expect(res.headers["Content-Type"]).toBe("text/plain");
    const p81 = server(programFor({ name: "c", image: "amsy810/echo-nginx:v2.0", env: [{ name: "NGINX_PORT", value: "81" }] }, app));
    expect(p81.ports).toEqual([81]);
  });

  it("agnhost netexec serves /hostname, /clientip and /echo", () => {
    const p = server(programFor({ name: "c", image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: ["netexec", "--http-port=8080"] }, app));
    expect(p.ports).toEqual([8080]);
    expect(p.handler(get("/hostname", "x"), conn).body).toBe(app.hostname);
    expect(p.handler(get("/clientip", "x"), conn).body).toBe("10.244.1.5:41234");
    expect(p.handler(get("/echo?msg=hi", "x"), conn).body).toBe("hi");
    const sh = server(programFor({ name: "c", image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: ["serve-hostname"] }, app));
    expect(sh.ports).toEqual([9376]);
  });

  it("echoserver reports client_address", () => {
    const p = server(programFor({ name: "c", image: "registry.k8s.io/echoserver:1.10" }, app));
    const body = p.handler(get("/a?b=1", "172.18.0.3:30080"), conn).body;
    expect(body).toContain("\tclient_address=10.244.1.5\n");
    expect(body).toContain("\treal path=/a\n\tquery=b=1\n");
    expect(body).toContain("\trequest_uri=http://172.18.0.3:8080/a?b=1\n");
    expect(body).toContain("Request Headers:\n\taccept=*/*\n\thost=172.18.0.3:30080\n\tuser-agent=curl/8.5.0\n");
  });

  it("client images sleep or exit as their command says; unknown images cannot be pulled", () => {
    expect(programFor({ name: "c", image: "amsy810/tools:v2.0" }, app)?.kind).toBe("idle");
    expect(programFor({ name: "c", image: "busybox" }, app)?.kind).toBe("exits");
    expect(programFor({ name: "c", image: "busybox", command: ["sleep", "3600"] }, app)?.kind).toBe("idle");
    expect(programFor({ name: "c", image: "amsy810/echo-ngnix:v2.0" }, app)).toBeUndefined();
  });

  // Every image has a program and its tools in one place: jessie-dnsutils
  // (the e2e DNS tests' client) used to have tools but no program, so its pod never started.
  it.each([
    ["registry.k8s.io/e2e-test-images/jessie-dnsutils:1.7", ["sleep", "3600"], "idle", ["dig", "nslookup"]],
    ["amsy810/tools:v2.0", [], "idle", ["curl", "dig", "nslookup"]],
    ["busybox:1.36", [], "exits", ["nslookup", "wget"]],
    ["curlimages/curl", ["sleep", "infinity"], "idle", ["curl"]],
    ["nginx", [], "server", ["curl"]],
  ])("%s runs %j as %s with %j", (image, command, kind, tools) => {
    expect(programFor({ name: "c", image, command }, app)?.kind).toBe(kind);
    expect(Object.keys(toolsFor(image)).sort()).toEqual(tools);
  });
});
