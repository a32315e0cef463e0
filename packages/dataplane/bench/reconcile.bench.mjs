// Control-plane throughput (Writer + Reconciler, built dist/), one core.
//  - from scratch: 10,000 services x 10 backends written to the tables and
//    reconciled into empty maps; services programmed per second (target
//    >= 50,000/s, Cilium's published figure); and the same with one backend
//    per service, the shape of Cilium's own benchmark.
//  - one endpoint change: swap one backend of one service and reconcile,
//    at 100 and at 10,000 services: microseconds, not growing with the
//    cluster.
import { report, round, median } from "./harness.mjs";
import { NodeDataplane } from "../dist/index.js";
import { SeededRandom, VirtualClock } from "@svclab/sim";

const SERVICES = 10_000;
const BACKENDS = 10;

function backendsOf(s, gen = 0, count = BACKENDS) {
  return Array.from({ length: count }, (_, b) => ({
    address: `10.${128 + (s >> 12)}.${(s >> 4) & 255}.${((s & 15) << 4) | ((b + gen) & 15)}`,
    port: 8080,
    protocol: "TCP",
    portNames: ["http"],
    nodeName: b % 2 === 0 ? "bench" : "other",
  }));
}

function newNode() {
  return new NodeDataplane({
    nodeName: "bench",
    nodeIPs: ["172.18.0.2"],
    clock: new VirtualClock(0),
    rng: new SeededRandom(1),
    mapSizes: { lb: 1 << 18 },
  });
}

function populate(dp, services, backends = BACKENDS) {
  for (let s = 0; s < services; s++) {
    const name = `default/svc-${s}`;
    dp.writer.upsertService({ name }, [
      { address: `10.96.${s >> 8}.${s & 255}`, port: 80, protocol: "TCP", type: "ClusterIP", portName: "http" },
    ]);
    dp.writer.setBackends(name, backendsOf(s, 0, backends));
  }
}

// From scratch, with 10 backends per service (the target's shape) and with
// one (the shape of Cilium's own pkg/loadbalancer/benchmark, which feeds one
// endpoint per service through the whole path). The writer's garbage is
// collected before the reconciler's clock starts, so neither phase pays for
// the other's allocations.
for (const backends of [BACKENDS, 1]) {
  const scratch = [];
  const reconcileOnly = [];
  for (let round_ = 0; round_ < 9; round_++) {
    globalThis.gc?.();
    const dp = newNode();
    const t0 = process.hrtime.bigint();
    populate(dp, SERVICES, backends);
    const writerNs = Number(process.hrtime.bigint() - t0);
    globalThis.gc?.();
    const t1 = process.hrtime.bigint();
    const res = dp.reconcile();
    const reconcileNs = Number(process.hrtime.bigint() - t1);
    if (res.errors.length > 0) throw res.errors[0].error;
    scratch.push(SERVICES / ((writerNs + reconcileNs) / 1e9));
    reconcileOnly.push(SERVICES / (reconcileNs / 1e9));
  }
  const group = `reconcile: ${SERVICES} services x ${backends} backend${backends === 1 ? "" : "s"} from scratch`;
  report({ group, name: "writer + reconciler", unit: "services/s", median: Math.round(median(scratch)) });
  report({ group, name: "reconciler only", unit: "services/s", median: Math.round(median(reconcileOnly)) });
  console.log(
    `from scratch, ${backends} backend(s) per service: ${Math.round(median(scratch))} services/s (writer + reconciler), ` +
      `${Math.round(median(reconcileOnly))} services/s (reconciler only)`,
  );
}

// One endpoint change.
for (const services of [100, SERVICES]) {
  const dp = newNode();
  populate(dp, services);
  dp.reconcile();
  const samples = [];
  for (let i = 0; i < 400; i++) {
    const s = (i * 7919) % services;
    const t0 = process.hrtime.bigint();
    dp.writer.setBackends(`default/svc-${s}`, backendsOf(s, (i >> 0) % 2 === 0 ? 1 : 0));
    const res = dp.reconcile();
    const t1 = process.hrtime.bigint();
    if (res.errors.length > 0) throw res.errors[0].error;
    if (i >= 50) samples.push(Number(t1 - t0) / 1e3);
  }
  report({ group: "reconcile: one endpoint change", name: `${services} services`, unit: "us", median: round(median(samples)) });
  console.log(`one endpoint change at ${services} services: ${round(median(samples))} us (median of ${samples.length})`);
}
