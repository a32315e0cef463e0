// The new-connection workload shared by lookup.bench.mjs and
// lookup-breakdown.bench.mjs: a node with `services` ClusterIP services
// (sessionAffinity ClientIP, 10 backends each, half of them local), and OPS
// east-west connections from `clients` pod addresses over `pairs` (client,
// service) pairs visited in a scattered order, each with a fresh source
// port, after one warm-up connection per pair so every lookup is an
// affinity hit.
import { NodeDataplane, PROTO_TCP } from "../dist/index.js";
import { SeededRandom, VirtualClock } from "@svclab/sim";

export const OPS = 1_000_000;

export function buildNode({ services, conntrack = 65536, hotServices = services, clients = 4096, pairs = 40960 }) {
  const dp = new NodeDataplane({
    nodeName: "bench",
    nodeIPs: ["172.18.0.2"],
    clock: new VirtualClock(1000),
    rng: new SeededRandom(1),
    mapSizes: { lb: 1 << 18, affinity: 1 << 17, conntrack },
  });
  for (let s = 0; s < services; s++) {
    const name = `default/svc-${s}`;
    const vip = `10.96.${s >> 8}.${s & 255}`;
    dp.writer.upsertService({ name, sessionAffinity: true, sessionAffinityTimeoutSec: 86400 }, [
      { address: vip, port: 80, protocol: "TCP", type: "ClusterIP" },
    ]);
    dp.writer.setBackends(
      name,
      Array.from({ length: 10 }, (_, b) => ({
        address: `10.${128 + (s >> 12)}.${(s >> 4) & 255}.${((s & 15) << 4) | b}`,
        port: 8080,
        protocol: "TCP",
        nodeName: b % 2 === 0 ? "bench" : "other",
      })),
    );
  }
  const res = dp.reconcile();
  if (res.errors.length > 0) throw res.errors[0].error;
  const saddr = new Uint32Array(OPS);
  const daddr = new Uint32Array(OPS);
  for (let i = 0; i < OPS; i++) {
    const p = (i * 7919) % pairs;
    const s = (Math.imul(p, 2654435761) >>> 0) % hotServices;
    saddr[i] = (10 << 24) | (200 << 16) | (p % clients);
    daddr[i] = (10 << 24) | (96 << 16) | ((s >> 8) << 8) | (s & 255);
  }
  for (let i = 0; i < pairs; i++) dp.lb.eastWest(saddr[i], 1, daddr[i], 80, PROTO_TCP, true, null);
  return { dp, saddr, daddr };
}

// Source ports cycle through 1024..65535; with the pair counts used here a
// flow never repeats within a conntrack map's lifetime, so every lookup opens
// a new connection (pairs must not divide 64512 = 2^10 * 63).
let sport = 1024;
let sink = 0;

/** OPS new connections on `node`, as a function for harness.alternate. */
export function lookups({ dp, saddr, daddr }) {
  const lb = dp.lb;
  return () => {
    let s = 0;
    for (let i = 0; i < OPS; i++) {
      sport = sport === 65535 ? 1024 : sport + 1;
      const r = lb.eastWest(saddr[i], sport, daddr[i], 80, PROTO_TCP, true, null);
      s += r.backendId;
    }
    sink += s;
  };
}

/** Keeps the loops' results observable, so no work is optimised away. */
export function consumeSink() {
  return sink;
}
