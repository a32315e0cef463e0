// kind's extraPortMappings under `svclab serve`: the real curl (the host's binary) reaches a
// NodePort Service through 127.0.0.1:hostPort, as it reaches one published by a kind node.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { extraPortMappings } from "./host-ports";
import { advanceServedClock, serve, type Served } from "./serve";

const MANIFESTS = resolve(__dirname, "../../../../examples/manifests");
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: sample-app
  sessionAffinity: ClientIP
  ports:
  - port: 8080
    targetPort: 80
    nodePort: 30080
`;

let home: string;
let served: Served;

function run(cmd: string, args: readonly string[]): Promise<{ stdout: string; code: number }> {
  return new Promise((done) => {
    execFile(cmd, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: join(home, "config") }, timeout: 20_000 }, (error, stdout) =>
      done({ stdout, code: error === null ? 0 : typeof error.code === "number" ? error.code : 1 }),
    );
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "svclab-hostports-"));
  await writeFile(join(home, "service.yaml"), SERVICE);
  const hostPorts = extraPortMappings({ kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4", nodes: [{ role: "control-plane", extraPortMappings: [{ containerPort: 30080, hostPort: 0 }] }, { role: "worker" }] });
  served = await serve({ name: "hostports", seed: 4, address: "127.0.0.1", port: 0, kubeconfig: join(home, "config"), clock: "manual", keepKubeconfig: false, hostPorts }, () => undefined);
  await run("kubectl", ["apply", "-f", join(MANIFESTS, "sample-deployment.yaml"), "-f", join(home, "service.yaml")]);
  await advanceServedClock("20s", join(home, "config"), undefined);
}, 60_000);

afterAll(async () => {
  await served?.stop();
  await rm(home, { recursive: true, force: true });
});

const LINE = /^Host=127\.0\.0\.1 {2}Path=(\S+) {2}From=(sample-deployment-\S+) {2}ClientIP=172\.18\.0\.2 {2}XFF=$/;

describe("extraPortMappings published by svclab serve", () => {
  it("publishes on 127.0.0.1 and says where", () => {
    expect(served.hostPorts.ports).toEqual([{ node: "kind-control-plane", containerPort: 30080, address: "127.0.0.1", hostPort: expect.any(Number) }]);
  });

  it("answers the real curl through the NodePort: keep-alive, concurrent connections, ClientIP affinity", async () => {
    const url = `http://127.0.0.1:${served.hostPorts.ports[0]?.hostPort}`;
    // Two URLs on one command line: curl reuses its connection.
    const kept = await run("curl", ["-s", "-m", "5", `${url}/a`, `${url}/b`]);
    expect(kept.code).toBe(0);
    const lines = kept.stdout.trim().split("\n");
    expect(lines.map((l) => LINE.exec(l)?.[1])).toEqual(["/a", "/b"]);
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => run("curl", ["-s", "-m", "5", `${url}/`])));
    const backends = new Set([...lines, ...concurrent.map((r) => r.stdout.trim())].map((l) => LINE.exec(l)?.[2]));
    // Masqueraded to the node's address, so one client address: affinity sends every connection to one pod.
    expect([...backends]).toHaveLength(1);
    expect([...backends][0]).toMatch(/^sample-deployment-/);
    await vi.waitFor(() => expect(served.hostPorts.openConnections()).toBe(0), { timeout: 5000 });
  }, 60_000);

  it("refuses a host port already in use, in docker's words", async () => {
    const taken = served.hostPorts.ports[0]?.hostPort as number;
    const mappings = [{ node: 0, containerPort: 30080, hostPort: 0, listenAddress: "127.0.0.1" }, { node: 0, containerPort: 30081, hostPort: taken, listenAddress: "127.0.0.1" }];
    await expect(serve({ name: "taken", address: "127.0.0.1", port: 0, kubeconfig: join(home, "other"), clock: "manual", keepKubeconfig: false, hostPorts: mappings }, () => undefined)).rejects.toThrow(`Bind for 127.0.0.1:${taken} failed: port is already allocated`);
  }, 30_000);

  it.each<[unknown, string]>([
    [{ kind: "Cluster", nodes: [{ extraPortMappings: [{ containerPort: 30080, hostPort: 70000 }] }] }, "topology: nodes[0].extraPortMappings[0].hostPort: invalid port 70000"],
    [{ kind: "Cluster", nodes: [{ extraPortMappings: [{ hostPort: 8080 }] }] }, "topology: nodes[0].extraPortMappings[0].containerPort: invalid port 0"],
    [{ kind: "Cluster", nodes: [{ extraPortMappings: [{ containerPort: 53, hostPort: 5353, protocol: "udp" }] }] }, "topology: nodes[0].extraPortMappings[0].protocol: svclab publishes TCP ports only, not UDP"],
  ])("refuses %j", (doc, message) => {
    expect(() => extraPortMappings(doc)).toThrow(message);
  });
});
