// Benchmarks of @svclab/kube-proxy (`npm run bench`): per-packet decision
// cost and full rule-sync time for 10, 100, 1,000 and 10,000 services in
// each mode. Each service has one TCP port and two endpoints. A "new
// connection" decision is a SYN to a uniformly chosen service's cluster IP,
// walking the mode's rules (conntrack misses); an "established" decision is
// a later packet of a tracked flow (conntrack hits, no service rules). Uses
// the built dist/ (run `npm run build` first); one process, modes
// alternated round by round; writes bench/results.json. Cilium's kube-proxy
// replacement (@svclab/dataplane, built) runs beside them in the same run:
// a new connection is bpf_lxc's per-packet service lookup from a pod (the
// path without socket LB), an established one its conntrack hit, and its
// full sync the reflector's upserts of every service plus one reconcile
// into fresh maps (the agent's restore-and-resync after a restart).
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, "..", "dist", "index.js"))) {
  console.error("bench: dist/ is missing; run `npm run build` first");
  process.exit(1);
}
const require = createRequire(import.meta.url);
const { IptablesProxier, NftablesProxier, IpvsProxier } = require("../dist/index.js");
const { SeededRandom, VirtualClock, formatIPv4 } = require("@svclab/sim");

const SIZES = (process.env.BENCH_SIZES ?? "10,100,1000,10000").split(",").map(Number);
const { NodeDataplane, PROTO_TCP } = require("@svclab/dataplane");
const { parseIPv4 } = require("@svclab/sim");

/** Cilium's datapath in the proxiers' bench shape: handlers, sync, packet, close, gc. */
class CiliumBench {
  constructor(opts) {
    this.opts = opts;
    this.objects = [];
    this.dp = this.fresh();
  }
  fresh() {
    return new NodeDataplane({ nodeName: this.opts.nodeName, nodeIPs: this.opts.nodeIPs, socketLB: false, clock: this.opts.clock, rng: this.opts.random.fork("cilium") });
  }
  onServiceAdd(svc) {
    this.objects.push(["svc", svc]);
  }
  onEndpointSliceAdd(slice) {
    this.objects.push(["slice", slice]);
  }
  onServicesSynced() {}
  onEndpointSlicesSynced() {
    this.sync();
  }
  sync() {
    const dp = (this.dp = this.fresh());
    for (const [kind, o] of this.objects) kind === "svc" ? dp.reflector.upsertService(o) : dp.reflector.upsertEndpointSlice(o);
    const r = dp.reconcile();
    this.last = { counts: { frontends: this.objects.length / 2, errors: r.errors.length } };
  }
  lastSyncResult() {
    return this.last;
  }
  packet(req) {
    const src = parseIPv4(req.src);
    const dst = parseIPv4(req.dst);
    this.dp.lb.eastWest(src, req.srcPort, dst, req.dstPort, PROTO_TCP, true, null);
    // One service-map lookup decides (plus conntrack, backend and affinity lookups): no rules are walked.
    return { rulesEvaluated: 0, flow: { src: req.src, srcPort: req.srcPort, dst: req.dst, dstPort: req.dstPort, s: src, d: dst } };
  }
  close(f) {
    this.dp.lb.closeConnection(f.s, f.srcPort, f.d, f.dstPort, PROTO_TCP);
  }
  gc() {
    this.dp.maps.conntrack.gc(this.opts.clock.nowSeconds());
  }
}

const MODES = { iptables: IptablesProxier, nftables: NftablesProxier, ipvs: IpvsProxier, cilium: CiliumBench };
const ROUNDS = 5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function build(Mode, n) {
  const clock = new VirtualClock(100);
  const p = new Mode({
    nodeName: "node-1",
    nodeIPs: ["172.18.0.2"],
    clusterCIDR: "10.244.0.0/16",
    serviceCIDRs: ["10.96.0.0/12"],
    random: new SeededRandom("bench"),
    clock,
  });
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    p.onServiceAdd({
      metadata: { namespace: "bench", name },
      spec: { type: "ClusterIP", clusterIP: formatIPv4(0x0a600000 + 10 + i), ports: [{ name: "http", port: 80, protocol: "TCP" }] },
    });
    p.onEndpointSliceAdd({
      metadata: { namespace: "bench", name: `${name}-abc`, labels: { "kubernetes.io/service-name": name } },
      addressType: "IPv4",
      endpoints: [0, 1].map((k) => ({ addresses: [formatIPv4(0x0af40000 + 2 * i + k + 2)], nodeName: k ? "node-2" : "node-1", conditions: { ready: true } })),
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    });
  }
  const t0 = process.hrtime.bigint();
  p.onServicesSynced();
  p.onEndpointSlicesSynced();
  const firstSyncMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { p, clock, firstSyncMs };
}

const results = [];
const report = (r) => {
  results.push(r);
};

for (const n of SIZES) {
  const built = Object.fromEntries(Object.entries(MODES).map(([m, Mode]) => [m, build(Mode, n)]));
  const samples = Object.fromEntries(Object.keys(MODES).map((m) => [m, { sync: [], fresh: [], est: [], rules: 0, estRules: 0, count: 0 }]));
  const pick = new SeededRandom(`pick-${n}`);
  const packets = n >= 10000 ? 400 : 2000;
  let port = 1024;
  for (let r = 0; r < ROUNDS + 1; r++) {
    for (const m of r % 2 ? Object.keys(MODES).reverse() : Object.keys(MODES)) {
      const { p } = built[m];
      globalThis.gc?.();
      let t = process.hrtime.bigint();
      p.sync();
      const syncMs = Number(process.hrtime.bigint() - t) / 1e6;
      // A sync leaves a heap of garbage; collect it now so its sweeping does not land in the packet timings.
      globalThis.gc?.();
      // Untimed warm-up after the sync: its first packets pay for code and caches the sync made cold.
      for (let i = 0; i < 200; i++) {
        const d = p.packet({ src: "10.244.0.6", srcPort: 1024 + i, dst: formatIPv4(0x0a600000 + 10 + pick.intBelow(n)), dstPort: 80, tcpFlags: "SYN", trace: false });
        if (d.flow) p.close(d.flow);
      }
      const targets = Array.from({ length: packets }, () => formatIPv4(0x0a600000 + 10 + pick.intBelow(n)));
      const flows = [];
      t = process.hrtime.bigint();
      for (let i = 0; i < packets; i++) {
        const d = p.packet({ src: "10.244.0.5", srcPort: (port = port >= 65000 ? 1024 : port + 1), dst: targets[i], dstPort: 80, tcpFlags: "SYN", trace: false });
        flows.push(d.flow);
        samples[m].rules += d.rulesEvaluated;
        samples[m].count++;
      }
      const freshNs = Number(process.hrtime.bigint() - t) / packets;
      t = process.hrtime.bigint();
      for (const f of flows) samples[m].estRules += p.packet({ src: f.src, srcPort: f.srcPort, dst: f.dst, dstPort: f.dstPort, trace: false }).rulesEvaluated;
      const estNs = Number(process.hrtime.bigint() - t) / packets;
      for (const f of flows) p.close(f);
      built[m].clock.advance(200);
      p.gc();
      if (r > 0) {
        samples[m].sync.push(syncMs);
        samples[m].fresh.push(freshNs);
        samples[m].est.push(estNs);
      }
    }
  }
  for (const m of Object.keys(MODES)) {
    const s = samples[m];
    const counts = built[m].p.lastSyncResult().counts;
    report({ services: n, mode: m, syncMs: round(median(s.sync)), firstSyncMs: round(built[m].firstSyncMs), newConnUs: round(median(s.fresh) / 1000, 3), establishedUs: round(median(s.est) / 1000, 3), newConnRules: round(s.rules / s.count, 1), establishedRules: round(s.estRules / s.count, 1), counts });
  }
}

const rows = results.map((r) => [r.services, r.mode, r.newConnRules, r.newConnUs, r.establishedRules, r.establishedUs, r.syncMs]);
const header = ["services", "mode", "new conn: rules", "new conn (µs)", "established: rules", "established (µs)", "full sync (ms)"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((x) => String(x[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ").trimEnd();
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(line(r));
for (const m of Object.keys(MODES)) {
  const a = results.find((r) => r.mode === m && r.services === SIZES[0]);
  const b = results.find((r) => r.mode === m && r.services === SIZES[SIZES.length - 1]);
  if (a && b) {
    console.log(`${m}: from ${a.services} to ${b.services} services, ${a.newConnRules ? `rules per new connection x${round(b.newConnRules / a.newConnRules)}, ` : ""}time x${round(b.newConnUs / a.newConnUs)}`);
  }
}
for (const n of SIZES) {
  const base = results.find((r) => r.mode === "cilium" && r.services === n);
  const others = results.filter((r) => r.mode !== "cilium" && r.services === n);
  if (base) console.log(`${n} services, new connection vs Cilium: ${others.map((r) => `${r.mode} x${round(r.newConnUs / base.newConnUs, 1)}`).join(", ")}`);
}
writeFileSync(
  join(here, "results.json"),
  JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", loadavg: os.loadavg(), results }, null, 2) + "\n",
);
