import { beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../cluster/cluster";
import { curl, parseCurlArgs } from "./curl";
import type { ToolResult } from "./tool";

const WEB = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.25
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    nodePort: 30090
`;

describe("curl", () => {
  let cluster: Cluster;
  const written: Record<string, string> = {};
  const run = (args: string): Promise<ToolResult> =>
    curl(args.split(" "), {
      cluster,
      client: {},
      writeFile: async (p, content) => {
        written[p] = content;
      },
    });

  beforeAll(() => {
    cluster = createCluster({ seed: 3 });
    cluster.apply(WEB);
    cluster.settle();
  });

  it("prints the body, or the status line and headers first with -i", async () => {
    const body = await run("http://172.18.0.3:30090/");
    expect(body.exitCode).toBe(0);
    expect(body.stdout).toMatch(/^<!DOCTYPE html>/);
    const head = await run("-i http://172.18.0.3:30090/");
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.25\.3\r\nDate: \w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT\r\nContent-Type: text\/html\r\nContent-Length: \d+\r\n/);
    expect(head.stdout).toContain("\r\n\r\n<!DOCTYPE html>");
  });

  it("writes -w variables and -o files", async () => {
    expect(await run("-s -o page.html -w %{http_code}\\n http://172.18.0.3:30090/")).toEqual({ stdout: "200\n", stderr: "", exitCode: 0 });
    expect(written["page.html"]).toMatch(/^<!DOCTYPE html>/);
    expect((await run("-s -w %{http_code} http://172.18.0.1:1/")).stdout).toBe("000");
  });

  it("tells the story with -v", async () => {
    const ok = await run("-v http://172.18.0.3:30090/");
    expect(ok.stderr).toMatch(/^\*   Trying 172\.18\.0\.3:30090\.\.\.\n\* Connected to 172\.18\.0\.3 \(172\.18\.0\.3\) port 30090\n> GET \/ HTTP\/1\.1\n> Host: 172\.18\.0\.3:30090\n> User-Agent: curl\/8\.5\.0\n> Accept: \*\/\*\n> \n< HTTP\/1\.1 200 OK\n/);
    expect(ok.stderr).toMatch(/< \n\* Connection #0 to host 172\.18\.0\.3 left intact\n$/);
    const refused = await run("-v http://172.18.0.3:30999/");
    expect(refused.stderr).toMatch(/\* connect to 172\.18\.0\.3 port 30999 failed: Connection refused\n\* Failed to connect to 172\.18\.0\.3 port 30999 after \d+ ms: Couldn't connect to server\n\* Closing connection\ncurl: \(7\) /);
  });

  it("fails with -f on HTTP errors (exit 22)", async () => {
    expect(await run("-sSf http://172.18.0.3:30090/missing")).toEqual({ stdout: "", stderr: "curl: (22) The requested URL returned error: 404\n", exitCode: 22 });
  });

  it("keeps quiet with -s and speaks again with -S", async () => {
    expect(await run("-s http://172.18.0.3:30999/")).toEqual({ stdout: "", stderr: "", exitCode: 7 });
    expect(await run("-sS http://172.18.0.3:30999/")).toMatchObject({
      stderr: expect.stringMatching(/^curl: \(7\) Failed to connect to 172\.18\.0\.3 port 30999 after \d+ ms: Couldn't connect to server\n$/),
      exitCode: 7,
    });
  });

  it.each([
    ["--frobnicate http://x", "curl: option --frobnicate: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n"],
    ["-s", "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n"],
    ["--connect-timeout soon http://x", "curl: option --connect-timeout: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n"],
  ])("exits 2 on bad usage: %s", async (args, stderr) => {
    expect(await run(args)).toEqual({ stdout: "", stderr, exitCode: 2 });
  });

  it("parses grouped short options and values attached or apart", () => {
    const o = parseCurlArgs(["-qsS", "-HX-A: 1", "-H", "X-B: 2", "-m", "3", "--connect-timeout", "2", "x:8080"]);
    expect(o).toMatchObject({ silent: true, showError: true, headers: ["X-A: 1", "X-B: 2"], maxTime: 3, connectTimeout: 2, urls: ["x:8080"] });
  });
});
