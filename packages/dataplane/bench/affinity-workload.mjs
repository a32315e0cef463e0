// The affinity workload shared by the throughput bench and the memory
// child: keys {client IPv4, rev-NAT id} as Cilium's cilium_lb4_affinity
// sees them, packed for lru-cache/Map into one number (ip * 65536 + revNat,
// 48 bits: the same information as the map's key).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
export const { AffinityMap } = require("../dist/maps/index.js");
export const { LRUCache } = require("lru-cache");
export const { SeededRandom } = require("@svclab/sim");

export const CAPACITY = 65536;
export const REV_NATS = 64;

/** n distinct keys: client addresses in 10.0.0.0/8 and rev-NAT ids 1..64. */
export function makeKeys(n, seed) {
  const rng = new SeededRandom(seed);
  const ips = new Uint32Array(n);
  const revs = new Uint16Array(n);
  const packed = new Float64Array(n);
  const seen = new Set();
  for (let i = 0; i < n; ) {
    const ip = (0x0a000000 | (rng.nextU32() & 0xffffff)) >>> 0;
    const rev = 1 + rng.intBelow(REV_NATS);
    const p = ip * 65536 + rev;
    if (seen.has(p)) continue;
    seen.add(p);
    ips[i] = ip;
    revs[i] = rev;
    packed[i] = p;
    i++;
  }
  return { ips, revs, packed };
}
