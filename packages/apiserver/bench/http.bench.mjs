// The HTTP front's cost as a user sees it: the wall time of the real
// `kubectl get --raw /api/v1/namespaces/default/pods` (process start, the
// dispatcher's /version, TLS handshake, a list of 100 and of 10,000 pods) against svclab's server,
// vs the same kubectl against a plain static node:https server returning the
// same bytes with the same certificate (the floor). Both servers live in this
// process and answer from precomputed bytes, so the difference is the front
// itself: token check, request parsing, the handler call, the write.
// Then watch throughput: 10,000 events relayed through the front's stream
// sink vs written with plain res.write. Runs are interleaved so machine load
// hits both alike. Run: npm run bench.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateServingCertificates, startApiServerHttp, writeKubeconfig } from "../dist/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WATCH_EVENTS = 10_000;
const WATCH_ROUNDS = 30;
const PATH = "/api/v1/namespaces/default/pods";

const version = JSON.stringify({ major: "1", minor: "32", gitVersion: "v1.32.4", gitTreeState: "clean", goVersion: "go1.23.6", compiler: "gc", platform: "linux/amd64" });
const pod = (i) => ({
  metadata: { name: `web-${i}`, namespace: "default", uid: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, resourceVersion: String(10 + i), creationTimestamp: "2026-01-01T00:00:00Z", labels: { app: "web" } },
  spec: { containers: [{ name: "app", image: "nginx:1.27", ports: [{ containerPort: 80, protocol: "TCP" }] }], nodeName: "kind-worker" },
  status: { phase: "Running", podIP: `10.244.1.${i % 250}`, conditions: [{ type: "Ready", status: "True" }] },
});
const podList = (n) => JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: String(10 + n) }, items: Array.from({ length: n }, (_, i) => pod(i)) });
const LISTS = [
  ["", podList(100)],
  ["?limit=10000", podList(10_000)],
];
const BYTES = new Map([["/version", version], ...LISTS.map(([query, list]) => [PATH + query, list])]);
const WATCH = `${PATH}?watch=true`;
const events = Array.from({ length: WATCH_EVENTS }, (_, i) => `${JSON.stringify({ type: "ADDED", object: pod(i) })}\n`);
const notFound = JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "not found", reason: "NotFound", code: 404 });

const handler = {
  async handle(request) {
    if (request.query.get("watch") === "true") {
      return {
        kind: "stream",
        status: 200,
        headers: { "Content-Type": "application/json" },
        open(sink) {
          for (const event of events) sink.write(event);
          sink.end();
          return () => undefined;
        },
      };
    }
    const query = request.query.size > 0 ? `?${request.query}` : "";
    const body = BYTES.get(request.path + query);
    return { kind: "body", status: body ? 200 : 404, headers: { "Content-Type": "application/json" }, body: body ?? notFound };
  },
};

const certificates = await generateServingCertificates();
const svclab = await startApiServerHttp({ handler, tls: certificates, log: () => undefined });
const floor = https.createServer({ key: certificates.key, cert: certificates.cert }, (req, res) => {
  if (req.url === WATCH) {
    res.writeHead(200, { "Content-Type": "application/json" });
    for (const event of events) res.write(event);
    res.end();
    return;
  }
  const body = BYTES.get(req.url) ?? notFound;
  res.writeHead(BYTES.has(req.url) ? 200 : 404, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
});
await new Promise((resolve) => floor.listen(0, "127.0.0.1", resolve));

const home = mkdtempSync(join(tmpdir(), "svclab-bench-"));
const kubeconfigs = {
  svclab: join(home, "svclab.yaml"),
  floor: join(home, "floor.yaml"),
};
await writeKubeconfig({ name: "bench", server: svclab.url, caCert: certificates.caCert, token: svclab.token }, { explicitPath: kubeconfigs.svclab });
await writeKubeconfig({ name: "bench", server: `https://127.0.0.1:${floor.address().port}`, caCert: certificates.caCert, token: svclab.token }, { explicitPath: kubeconfigs.floor });

function kubectl(kubeconfig, target) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn("/usr/bin/kubectl", ["get", "--raw", target], { env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (t) => (out += t));
    child.stderr.setEncoding("utf8").on("data", (t) => (err += t));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`kubectl exited ${code}: ${err}`));
      else resolve({ ms: performance.now() - t0, out });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ports = { svclab: svclab.port, floor: floor.address().port };

/** One watch of WATCH_EVENTS events read to its end by node's https client; events per second. */
function watchRate(name) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = https.get({ host: "127.0.0.1", port: ports[name], path: WATCH, ca: certificates.caCert, headers: { authorization: `Bearer ${svclab.token}` } }, (res) => {
      let bytes = 0;
      res.on("data", (chunk) => (bytes += chunk.length));
      res.on("end", () => resolve({ rate: WATCH_EVENTS / ((performance.now() - t0) / 1000), bytes }));
    });
    req.on("error", reject);
  });
}

try {
  for (const [query, list] of LISTS) {
    const target = PATH + query;
    const [a, b] = [await kubectl(kubeconfigs.svclab, target), await kubectl(kubeconfigs.floor, target)];
    if (a.out !== b.out || a.out.trim() !== list) throw new Error("the two servers' answers differ");
    const times = { svclab: [], floor: [] };
    const rounds = list.length > 1_000_000 ? Math.ceil(ROUNDS / 3) : ROUNDS;
    for (let round = 0; round < rounds; round += 1) {
      for (const name of round % 2 === 0 ? ["svclab", "floor"] : ["floor", "svclab"]) times[name].push((await kubectl(kubeconfigs[name], target)).ms);
    }
    const s = median(times.svclab);
    const f = median(times.floor);
    const pods = JSON.parse(list).items.length;
    console.log(`kubectl get --raw ${target} (${pods} pods, ${Buffer.byteLength(list)} B), ${rounds} rounds interleaved, median wall time:`);
    console.log(`  svclab serve front : ${s.toFixed(1)} ms (min ${Math.min(...times.svclab).toFixed(1)})`);
    console.log(`  static https floor : ${f.toFixed(1)} ms (min ${Math.min(...times.floor).toFixed(1)})`);
    console.log(`  ratio              : ${(s / f).toFixed(3)}x`);
  }
  const rates = { svclab: [], floor: [] };
  for (let warmup = 0; warmup < 3; warmup += 1) await Promise.all([watchRate("svclab"), watchRate("floor")]);
  for (let round = 0; round < WATCH_ROUNDS; round += 1) {
    for (const name of round % 2 === 0 ? ["svclab", "floor"] : ["floor", "svclab"]) rates[name].push((await watchRate(name)).rate);
  }
  const s = median(rates.svclab);
  const f = median(rates.floor);
  console.log(`watch of ${WATCH_EVENTS} pod events read by node's https client, ${WATCH_ROUNDS} rounds interleaved, median:`);
  console.log(`  svclab serve front : ${Math.round(s)} events/s`);
  console.log(`  plain res.write    : ${Math.round(f)} events/s`);
  console.log(`  ratio              : ${(s / f).toFixed(3)}x`);
  if (svclab.openStreams() !== 0) throw new Error(`${svclab.openStreams()} streams left open`);
} finally {
  await svclab.close();
  await new Promise((resolve) => floor.close(resolve));
  rmSync(home, { recursive: true, force: true });
}
