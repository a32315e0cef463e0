import { beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../cluster/cluster";
import type { ClientSpec } from "../../traffic/network";
import { dig, nslookupBind, nslookupBusybox } from "./dns";
import type { Tool, ToolResult } from "./tool";
import { wget } from "./wget";

const SETUP = `apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: c
    image: busybox
    command: ["sleep", "infinity"]
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
`;

describe("DNS and wget clients", () => {
  let cluster: Cluster;
  let webIP: string;
  const fromPod: ClientSpec = { pod: "client" };
  const run = (tool: Tool, args: string, client: ClientSpec = fromPod): Promise<ToolResult> =>
    tool(args.split(" "), { cluster, client, writeFile: async () => {} });

  beforeAll(() => {
    cluster = createCluster({ seed: 5 });
    cluster.apply(SETUP);
    cluster.settle();
    webIP = cluster.get<{ spec: { clusterIP: string } }>("svc", "web").spec.clusterIP;
  });

  it("dig asks cluster DNS for the name as given", async () => {
    const r = await run(dig, "web.default.svc.cluster.local");
    expect(r.stdout).toContain(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: ");
    expect(r.stdout).toContain(`;; ANSWER SECTION:\nweb.default.svc.cluster.local.\t30\tIN\tA\t${webIP}\n`);
    expect(r.stdout).toContain(";; SERVER: 10.96.0.10#53(10.96.0.10)\n");
    // No search list without +search: the short name is NXDOMAIN, with the zone's SOA.
    const short = await run(dig, "web");
    expect(short.stdout).toContain("status: NXDOMAIN");
    expect(short.stdout).toContain(";; AUTHORITY SECTION:\ncluster.local.\t30\tIN\tSOA\tns.dns.cluster.local.");
    expect((await run(dig, "+short +search web")).stdout).toBe(`${webIP}\n`);
  });

  it("nslookup walks the search path and fails with NXDOMAIN", async () => {
    expect((await run(nslookupBusybox, "web")).stdout).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.default.svc.cluster.local\nAddress: ${webIP}\n\n`);
    expect(await run(nslookupBind, "nosuch")).toEqual({ stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nosuch: NXDOMAIN\n\n", stderr: "", exitCode: 1 });
  });

  it("wget -qO- prints the body; errors are BusyBox's", async () => {
    expect((await run(wget, "-qO- http://web")).stdout).toMatch(/^<!DOCTYPE html>/);
    expect(await run(wget, "-qO- http://nosuch")).toEqual({ stdout: "", stderr: "wget: bad address 'nosuch'\n", exitCode: 1 });
    expect(await run(wget, "-O- http://web/missing")).toEqual({
      stdout: "",
      stderr: `Connecting to web (${webIP}:80)\nwget: server returned error: HTTP/1.1 404\n`,
      exitCode: 1,
    });
  });
});
