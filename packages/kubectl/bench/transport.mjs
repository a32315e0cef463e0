// What a kubectl request costs through the in-process transport (a
// RestRequest to the cluster's RestHandler: routing, JSON both ways, the
// controllers' drain) against the direct TypeScript call the notebooks use
// (Cluster.get / Cluster.list, a structured clone), on the article's
// cluster, plus a whole `kubectl get pods`. Run: npm run bench (after npm run build).
import { createCluster } from "@svclab/cluster";
import { KINDS } from "@svclab/apiserver";
import { ApiClient, Kubectl, inProcessClient } from "../dist/index.js";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const manifest = (name) => readFileSync(join(here, "..", "..", "..", "examples", "manifests", name), "utf8");

const c = createCluster({ seed: 1 });
for (const m of ["sample-deployment.yaml", "sample-pod.yaml", "sample-session-affinity.yaml"]) c.apply(manifest(m));
c.settle();
const client = inProcessClient(c.restHandler(), c.clientClock());
const api = new ApiClient(client);
const kubectl = new Kubectl(client);
const io = { files: { readFile: async () => undefined, readDir: async () => undefined }, stdin: "" };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function perOp(fn, n) {
  for (let i = 0; i < n / 10; i++) await fn(); // warm-up
  const runs = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    runs.push(((performance.now() - t0) * 1000) / n);
  }
  return median(runs);
}

const rows = [
  ["GET one pod", await perOp(() => c.get("pods", "sample-pod"), 20000), await perOp(() => api.get(KINDS.pod, "sample-pod"), 20000)],
  ["LIST pods (4)", await perOp(() => c.list("pods"), 20000), await perOp(() => api.list(KINDS.pod), 20000)],
  ["LIST pods as a Table", undefined, await perOp(() => api.table(KINDS.pod, undefined, {}), 20000)],
  ["`kubectl get pods` (parse, request, print)", undefined, await perOp(() => kubectl.run(["get", "pods"], io), 5000)],
];
for (const [what, direct, rest] of rows) {
  const ratio = direct === undefined ? "" : ` (${(rest / direct).toFixed(1)}x the direct call)`;
  console.log(`${what}: in-process REST ${rest.toFixed(1)} µs${direct === undefined ? "" : `, direct ${direct.toFixed(1)} µs`}${ratio}`);
}
