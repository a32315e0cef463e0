// Soak run (`npm run soak` at the root; build first): a simulated year of an
// idle cluster and of a busy one, on the built dist, with the heap measured
// after a full GC every simulated 10 days. The idle cluster runs a
// Deployment with readiness probes and a LoadBalancer Service (probe, health
// check and conntrack GC timers only); the busy one also takes requests by
// ClusterIP, DNS name, NodePort and LoadBalancer address every simulated
// hour, and scales, rolls out and relabels every day. Fails (exit 1) when
// the heap at the end is more than GROWTH_LIMIT_MIB above the heap at the
// half-way point: bounded caches (the API server's watch cache keeps the last
// 1000 events of each resource) fill during the first months, a leak keeps
// growing with virtual time.
//
//   node --expose-gc packages/cluster/bench/soak.mjs [--days N] [--mode idle|busy|both]
import { createCluster } from "../dist/index.js";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const DAYS = Number(opt("days", "365"));
const MODE = opt("mode", "both");
const DAY = 86_400;
const SAMPLE_DAYS = 10;
const GROWTH_LIMIT_MIB = 2;
if (typeof globalThis.gc !== "function") {
  console.error("soak: run with node --expose-gc");
  process.exit(1);
}
if (!Number.isInteger(DAYS) || DAYS < SAMPLE_DAYS) {
  console.error(`soak: --days must be a whole number >= ${SAMPLE_DAYS}`);
  process.exit(1);
}

const WEB = (replicas, version) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, version: "${version}"}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["serve-hostname"]
        ports: [{containerPort: 9376}]
        readinessProbe:
          httpGet: {path: /, port: 9376}
          periodSeconds: 10
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 9376}]
  sessionAffinity: ClientIP
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: tools
    image: amsy810/tools:v2.0
`;

const mib = () => process.memoryUsage().heapUsed / 2 ** 20;
const heapNow = () => {
  globalThis.gc();
  return mib();
};

function soak(mode) {
  const t0 = performance.now();
  const c = createCluster({ seed: 2026 });
  c.apply(WEB(3, 1));
  c.settle();
  const svc = c.get("service", "web");
  const node = c.nodes()[1];
  const urls = [
    [`http://${svc.spec.clusterIP}/`, { pod: "client" }],
    ["http://web.default.svc.cluster.local/", { pod: "client" }],
    [`http://${node.internalIP}:${svc.spec.ports[0].nodePort}/`, {}],
    [`http://${svc.status.loadBalancer.ingress[0].ip}/`, {}],
  ];
  let steps = 0;
  let requests = 0;
  let failed = 0;
  let peak = heapNow();
  const samples = [];
  for (let day = 1; day <= DAYS; day++) {
    if (mode === "busy") {
      for (let hour = 0; hour < 24; hour++) {
        for (const [url, from] of urls.flatMap((u) => Array(8).fill(u))) {
          const r = c.curl(url, from, { trace: false, connectTimeoutSeconds: 2 });
          requests++;
          if (r.exitCode !== 0) failed++;
        }
        c.advance(3600);
        steps++;
      }
      // Daily change: scale between 2 and 5, a rollout, a relabel.
      c.scale("deployment", "web", 2 + (day % 4));
      if (day % 7 === 0) c.apply(WEB(2 + (day % 4), day));
      c.patch("service", "web", { metadata: { labels: { day: String(day % 3) } } });
      c.settle();
      steps += 3;
    } else {
      c.advance(DAY);
      steps++;
    }
    if (day % SAMPLE_DAYS === 0) {
      const h = heapNow();
      peak = Math.max(peak, h);
      samples.push(h);
    }
  }
  const first = samples[0];
  const half = samples[Math.floor((samples.length - 1) / 2)];
  const last = samples[samples.length - 1];
  const r = {
    mode,
    steps,
    requests,
    failed,
    simulatedDays: c.now() / DAY,
    heapAfter10DaysMiB: first,
    heapHalfWayMiB: half,
    heapAtEndMiB: last,
    peakHeapMiB: peak,
    heapEvery10DaysMiB: samples.map((h) => Math.round(h * 10) / 10),
    wallSeconds: (performance.now() - t0) / 1000,
  };
  const fmt = (x) => x.toFixed(1);
  console.log(
    `${mode}: ${steps} steps, ${requests} requests (${failed} failed), ${fmt(r.simulatedDays)} simulated days; ` +
      `heap ${fmt(first)} MiB after ${SAMPLE_DAYS} days, ${fmt(half)} MiB half-way, ${fmt(last)} MiB at the end, peak ${fmt(peak)} MiB; ${fmt(r.wallSeconds)} s wall`,
  );
  console.log(`SOAK_RESULT ${JSON.stringify(r)}`);
  return last - half <= GROWTH_LIMIT_MIB;
}

const modes = MODE === "both" ? ["idle", "busy"] : [MODE];
let ok = true;
for (const m of modes) ok = soak(m) && ok;
if (!ok) {
  console.error(`soak: the heap grew by more than ${GROWTH_LIMIT_MIB} MiB over the second half of the run`);
  process.exit(1);
}
