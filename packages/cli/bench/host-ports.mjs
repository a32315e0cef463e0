// Requests/s through a host port published by `svclab serve` (kind's extraPortMappings),
// measured with wrk (Debian package `wrk`), against the same requests made in-process
// (Cluster.connect + Connection.send on one keep-alive connection, as wrk's are).
// Run: node bench/host-ports.mjs   (needs wrk and kubectl on PATH)
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "bin", "svclab.cjs");
const deployment = join(here, "..", "..", "..", "examples", "manifests", "sample-deployment.yaml");
const { createCluster, Connection } = createRequire(import.meta.url)("@svclab/cluster");

const home = mkdtempSync(join(tmpdir(), "svclab-wrk-"));
const kubeconfig = join(home, "config");
const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig };
const service = join(home, "service.yaml");
writeFileSync(service, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector:\n    app: sample-app\n  ports:\n  - port: 8080\n    targetPort: 80\n    nodePort: 30080\n");
writeFileSync(join(home, "kind.yaml"), "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  extraPortMappings:\n  - containerPort: 30080\n    hostPort: 0\n- role: worker\n- role: worker\n");

// In process: one keep-alive connection, as many requests as fit in the same time.
const c = createCluster({ seed: 1 });
c.applyFile(deployment);
c.applyFile(service);
c.advance(20);
const conn = c.connect(`http://${c.nodes()[0].internalIP}:30080/`, {}, { trace: false });
if (!(conn instanceof Connection)) throw new Error(conn.stderr);
const headers = { host: "127.0.0.1", "user-agent": "wrk", accept: "*/*" };
for (let i = 0; i < 20_000; i++) conn.send("/", { trace: false, headers });
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < 3000) {
  for (let i = 0; i < 1000; i++) conn.send("/", { trace: false, headers });
  n += 1000;
}
const inProcess = n / ((performance.now() - t0) / 1000);

const server = spawn(process.execPath, [cli, "serve", "--clock", "manual", "--topology", join(home, "kind.yaml"), "--kubeconfig", kubeconfig], { env, stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = /Published 127\.0\.0\.1:(\d+)/.exec(out);
    if (m && out.includes("Press Ctrl-C")) resolve(Number(m[1]));
  });
  server.once("exit", (code) => reject(new Error(`svclab serve exited with ${code}`)));
});
try {
  execFileSync("kubectl", ["apply", "-f", deployment, "-f", service], { env });
  execFileSync(process.execPath, [cli, "clock", "advance", "20s", "--kubeconfig", kubeconfig], { env });
  const rows = [];
  for (const connections of [1, 4, 16]) {
    const out = execFileSync("wrk", ["-t", "1", "-c", String(connections), "-d", "5s", `http://127.0.0.1:${port}/`], { encoding: "utf8" });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out)?.[0] ?? "no errors";
    rows.push(`  wrk -t1 -c${connections} -d5s: ${rps.toFixed(0)} requests/s (${errors})`);
  }
  console.log(`host port (svclab serve, real TCP, wrk):\n${rows.join("\n")}`);
  console.log(`in-process (Connection.send, one keep-alive connection): ${inProcess.toFixed(0)} requests/s`);
} finally {
  server.kill("SIGINT");
  await new Promise((resolve) => server.once("exit", resolve));
  rmSync(home, { recursive: true, force: true });
}
