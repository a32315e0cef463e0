// Benchmarks against the built dist: simulated requests per second through
// the full path (DNS, socket LB or NodePort datapath, app, reply), and
// cluster start + the article's three manifests (the wall time of `svclab
// run` is packages/cli's bench). Run: npm run bench.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCluster } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const manifest = (name) => readFileSync(join(here, "..", "..", "..", "examples", "manifests", name), "utf8");
const DEPLOYMENT = manifest("sample-deployment.yaml");
const POD = manifest("sample-pod.yaml");
const SERVICE = manifest("sample-session-affinity.yaml");

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function startAndApply(seed) {
  const t0 = performance.now();
  const c = createCluster({ seed });
  c.apply(DEPLOYMENT);
  c.apply(POD);
  c.apply(SERVICE);
  c.settle();
  return { ms: performance.now() - t0, c };
}

for (let i = 0; i < 5; i++) startAndApply(1000 + i); // warm-up
const starts = [];
for (let i = 0; i < 30; i++) starts.push(startAndApply(i + 1).ms);
console.log(`cluster start + 3 article manifests (settled): median ${median(starts).toFixed(1)} ms, min ${Math.min(...starts).toFixed(1)} ms`);

const { c } = startAndApply(42);
function rate(label, fn, n) {
  for (let i = 0; i < 2000; i++) fn(); // warm-up
  const runs = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    runs.push(n / ((performance.now() - t0) / 1000));
  }
  console.log(`${label}: median ${Math.round(median(runs)).toLocaleString("en-US")} req/s`);
}

const fqdn = "http://sample-session-affinity.default.svc.cluster.local:8080";
const clusterIP = `http://${c.get("service", "sample-session-affinity").spec.clusterIP}:8080/`;
rate("pod -> FQDN (4 DNS queries, socket LB, affinity), no trace", () => c.curl(fqdn, { pod: "sample-pod" }, { trace: false }), 50000);
rate("pod -> ClusterIP (socket LB, affinity), no trace", () => c.curl(clusterIP, { pod: "sample-pod" }, { trace: false }), 50000);
rate("external -> NodePort (per-packet, SNAT), no trace", () => c.curl("http://172.18.0.3:30084/", {}, { trace: false }), 50000);
rate("external -> LoadBalancer IP (cloud LB + NodePort path), no trace", () => c.curl("http://172.18.0.6:8080/", {}, { trace: false }), 50000);
rate("pod -> FQDN with full trace", () => c.curl(fqdn, { pod: "sample-pod" }), 20000);
