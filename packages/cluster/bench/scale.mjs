// Issue 12's scale benchmarks, against the built dist (run: npm run bench).
//
// 1. Settled build of N Deployments x 3 pods + N ClusterIP Services through
//    the TypeScript API, each size in a fresh process (peak RSS per size):
//    on 100 nodes (a /23 per node: 300 pods a node need more than a /24)
//    and, to see the control plane alone, on 3 workers. Time per Service and
//    the ratio of the largest N to N=100.
// 2. Requests pod -> ClusterIP and external -> NodePort, against a baseline
//    checkout measured in the same process when SVCLAB_BASELINE names one
//    (a directory holding a built svclab at another revision).
// 3. Traffic spread over all N Services vs over 10, in the largest build.
//
// SCALE_SIZES (default "100,1000,10000") and SCALE_NODES_MAX (largest N built
// on 100 nodes, default 1000: every node's dataplane holds its own tables and
// maps for every Service, so 10,000 on 100 nodes needs about 3 GiB) bound the
// run. One build against another checkout: SCALE_ROOT=/path node --expose-gc
// bench/scale.mjs --child "100 nodes" 300.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { buildCluster } from "./build-workload.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const distOf = (root) => join(root, "packages", "cluster", "dist", "index.js");
const ours = join(here, "..", "..", "..");

/** 100 nodes with room for 300+ pods each; 3 workers with room for 10,000 each. */
const SHAPES = {
  "100 nodes": { workers: 99, nodeCIDRMaskSize: 23, maxPods: 500 },
  "3 workers": { workers: 3, nodeCIDRMaskSize: 18, maxPods: 16000 },
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Requests per second of `fn`, the median of 5 rounds after a warm-up. */
function rate(fn, n) {
  for (let i = 0; i < Math.min(n, 2000); i++) fn(i);
  const runs = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    runs.push(n / ((performance.now() - t0) / 1000));
  }
  return median(runs);
}

async function child(shape, n) {
  // SCALE_ROOT: build with another checkout's dist (a baseline), in a process of its own.
  const { createCluster } = await import(distOf(process.env.SCALE_ROOT ?? ours));
  const t0 = performance.now();
  const c = buildCluster(createCluster, n, SHAPES[shape]);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage();
  globalThis.gc?.();
  const out = {
    shape,
    n,
    ms,
    // CPU time moves less than wall time on a shared machine; the heap after a full GC is what the cluster keeps.
    cpuMs: (cpu.user + cpu.system) / 1000,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
    rssMiB: process.resourceUsage().maxRSS / 1024,
  };
  if (process.env.SCALE_SPREAD === "1") {
    const client = c.list("pods", { labelSelector: "app=app-0" })[0].metadata.name;
    const ips = c.list("services").filter((s) => s.metadata.name.startsWith("svc-")).map((s) => `http://${s.spec.clusterIP}:8080/`);
    const few = ips.slice(0, 10);
    out.spreadAll = rate((i) => c.curl(ips[(i * 7919) % ips.length], { pod: client }, { trace: false }), 20000);
    out.spreadTen = rate((i) => c.curl(few[i % few.length], { pod: client }, { trace: false }), 20000);
  }
  console.log(JSON.stringify(out));
}

function runChild(shape, n, spread) {
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", shape, String(n)], {
    encoding: "utf8",
    env: { ...process.env, SCALE_SPREAD: spread ? "1" : "0" },
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`build of ${n} on ${shape} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function builds() {
  const sizes = (process.env.SCALE_SIZES ?? "100,1000,10000").split(",").map(Number);
  const nodesMax = Number(process.env.SCALE_NODES_MAX ?? 1000);
  const largest = Math.max(...sizes);
  for (const shape of Object.keys(SHAPES)) {
    const rows = [];
    for (const n of sizes) {
      if (shape === "100 nodes" && n > nodesMax) continue;
      const r = runChild(shape, n, shape === "3 workers" && n === largest);
      rows.push(r);
      console.log(
        `settled build, ${shape}, N=${n} (${3 * n} pods): ${(r.ms / 1000).toFixed(2)} s (CPU ${(r.cpuMs / 1000).toFixed(2)} s), ${(r.ms / n).toFixed(2)} ms per Service, heap ${r.heapMiB.toFixed(0)} MiB, peak RSS ${r.rssMiB.toFixed(0)} MiB`,
      );
      if (r.spreadAll !== undefined) {
        console.log(
          `  pod -> ClusterIP over all ${n} Services: ${Math.round(r.spreadAll).toLocaleString("en-US")} req/s; over 10: ${Math.round(r.spreadTen).toLocaleString("en-US")} req/s (cost ratio ${(r.spreadTen / r.spreadAll).toFixed(2)}x)`,
        );
      }
    }
    const first = rows.find((r) => r.n === 100);
    const last = rows[rows.length - 1];
    if (first && last && last !== first) {
      console.log(`  ${shape}: cost per Service at N=${last.n} vs N=100: ${((last.ms / last.n) / (first.ms / first.n)).toFixed(2)}x`);
    }
  }
}

async function requests() {
  const roots = [["this revision", ours]];
  if (process.env.SVCLAB_BASELINE) roots.push(["baseline", process.env.SVCLAB_BASELINE]);
  const clusters = [];
  for (const [label, root] of roots) {
    const { createCluster } = await import(distOf(root));
    for (const shape of ["3 workers", "100 nodes"]) {
      clusters.push({ label, shape, c: buildCluster(createCluster, 10, shape === "3 workers" ? {} : { workers: 99 }) });
    }
  }
  const results = new Map();
  // Alternate the variants round by round so machine load hits both alike.
  for (let round = 0; round < 3; round++) {
    for (const { label, shape, c } of clusters) {
      const client = c.list("pods", { labelSelector: "app=app-0" })[0].metadata.name;
      const svc = c.get("service", "svc-1");
      const clusterIP = `http://${svc.spec.clusterIP}:8080/`;
      const patched = svc.spec.type === "NodePort" ? svc : c.patch("service", "svc-1", { spec: { type: "NodePort" } }).object;
      const nodePort = `http://${c.nodes()[1].internalIP}:${patched.spec.ports[0].nodePort}/`;
      for (const [what, fn] of [
        ["pod -> ClusterIP", () => c.curl(clusterIP, { pod: client }, { trace: false })],
        ["external -> NodePort", () => c.curl(nodePort, {}, { trace: false })],
      ]) {
        const key = `${what}, ${shape}, ${label}`;
        results.set(key, [...(results.get(key) ?? []), rate(fn, 20000)]);
      }
    }
  }
  for (const [key, runs] of results) console.log(`${key}: ${Math.round(median(runs)).toLocaleString("en-US")} req/s`);
  if (roots.length > 1) {
    for (const what of ["pod -> ClusterIP", "external -> NodePort"]) {
      for (const shape of ["3 workers", "100 nodes"]) {
        const now = median(results.get(`${what}, ${shape}, this revision`));
        const base = median(results.get(`${what}, ${shape}, baseline`));
        console.log(`  ${what}, ${shape}: ${(now / base).toFixed(2)}x the baseline`);
      }
    }
  }
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], Number(process.argv[4]));
} else {
  await requests();
  builds();
}
