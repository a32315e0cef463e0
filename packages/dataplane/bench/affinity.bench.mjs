// cilium_lb4_affinity hot paths vs lru-cache and a plain Map, same
// capacity (65536) and key distribution, alternating within one process.
//  - get+refresh: look up {client, revNat}, read last_used and backend id,
//    write last_used = now (the datapath's per-packet affinity hit).
//  - insert with eviction: a full map takes a new client each op and
//    evicts its least recently used entry.
// The Map baseline has no capacity bound (evicting the oldest insertion
// through a ring of keys); it is a ceiling, not an LRU. "lru-cache, 31-bit
// key" keys lru-cache by the entry's ordinal (a small integer, its fastest
// case) instead of the packed {client, revNat}: less information, shown as
// lru-cache's upper bound.
import { alternate, reportThroughput } from "./harness.mjs";
import { AffinityMap, CAPACITY, LRUCache, makeKeys } from "./affinity-workload.mjs";

const OPS = 2_000_000;
const keys = makeKeys(CAPACITY + OPS, "affinity-bench");
const { ips, revs, packed } = keys;

// Uniformly drawn hits among the resident keys.
const hitIdx = new Uint32Array(OPS);
{
  let x = 12345;
  for (let i = 0; i < OPS; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    hitIdx[i] = x % CAPACITY;
  }
}
const hitIps = Uint32Array.from(hitIdx, (i) => ips[i]);
const hitRevs = Uint16Array.from(hitIdx, (i) => revs[i]);
const hitPacked = Float64Array.from(hitIdx, (i) => packed[i]);

function fillBpf() {
  const m = new AffinityMap({ maxEntries: CAPACITY });
  for (let i = 0; i < CAPACITY; i++) m.upsertEntry(ips[i], revs[i], false, (i % 50) + 1, 1);
  return m;
}
function fillLru() {
  const c = new LRUCache({ max: CAPACITY });
  for (let i = 0; i < CAPACITY; i++) c.set(packed[i], { lastUsed: 1, backendId: (i % 50) + 1 });
  return c;
}
function fillLruSmi() {
  const c = new LRUCache({ max: CAPACITY });
  for (let i = 0; i < CAPACITY; i++) c.set(i, { lastUsed: 1, backendId: (i % 50) + 1 });
  return c;
}
function fillMap() {
  const m = new Map();
  for (let i = 0; i < CAPACITY; i++) m.set(packed[i], { lastUsed: 1, backendId: (i % 50) + 1 });
  return m;
}

let sink = 0;
let now = 2;

const bpf = fillBpf();
const lru = fillLru();
const lruSmi = fillLruSmi();
const map = fillMap();
const getRefresh = alternate(
  {
    "cilium_lb4_affinity (AffinityMap)": () => {
      now++;
      let s = 0;
      for (let i = 0; i < OPS; i++) {
        const idx = bpf.lookupIndex(hitIps[i], hitRevs[i], false);
        if (idx >= 0) {
          s += bpf.backendId(idx) + bpf.lastUsed(idx);
          bpf.refresh(idx, now);
        }
      }
      sink += s;
    },
    "lru-cache@11": () => {
      now++;
      let s = 0;
      for (let i = 0; i < OPS; i++) {
        const v = lru.get(hitPacked[i]);
        if (v !== undefined) {
          s += v.backendId + v.lastUsed;
          v.lastUsed = now;
        }
      }
      sink += s;
    },
    "lru-cache@11, 31-bit key (less information)": () => {
      now++;
      let s = 0;
      for (let i = 0; i < OPS; i++) {
        const v = lruSmi.get(hitIdx[i]);
        if (v !== undefined) {
          s += v.backendId + v.lastUsed;
          v.lastUsed = now;
        }
      }
      sink += s;
    },
    "Map (no LRU)": () => {
      now++;
      let s = 0;
      for (let i = 0; i < OPS; i++) {
        const v = map.get(hitPacked[i]);
        if (v !== undefined) {
          s += v.backendId + v.lastUsed;
          v.lastUsed = now;
        }
      }
      sink += s;
    },
  },
  OPS,
);
reportThroughput("affinity get+refresh (65536 entries)", getRefresh, "lru-cache@11");

// Insert with eviction: each round inserts the next OPS fresh keys into a full map.
let bpfNext = CAPACITY;
let lruNext = CAPACITY;
let lruSmiNext = CAPACITY;
let mapNext = CAPACITY;
const ring = Float64Array.from(packed.subarray(0, CAPACITY));
let ringPos = 0;
const INS = 500_000;
const wrap = (i) => (i + INS > ips.length ? CAPACITY : i);
const insert = alternate(
  {
    "cilium_lb4_affinity (AffinityMap)": () => {
      let i = (bpfNext = wrap(bpfNext));
      const end = i + INS;
      for (; i < end; i++) bpf.upsertEntry(ips[i], revs[i], false, (i % 50) + 1, now);
      bpfNext = end;
    },
    "lru-cache@11": () => {
      let i = (lruNext = wrap(lruNext));
      const end = i + INS;
      for (; i < end; i++) lru.set(packed[i], { lastUsed: now, backendId: (i % 50) + 1 });
      lruNext = end;
    },
    "lru-cache@11, 31-bit key (less information)": () => {
      let i = (lruSmiNext = wrap(lruSmiNext));
      const end = i + INS;
      for (; i < end; i++) lruSmi.set(i, { lastUsed: now, backendId: (i % 50) + 1 });
      lruSmiNext = end;
    },
    "Map (no LRU)": () => {
      let i = (mapNext = wrap(mapNext));
      const end = i + INS;
      for (; i < end; i++) {
        const k = packed[i];
        map.delete(ring[ringPos]);
        ring[ringPos] = k;
        ringPos = ringPos + 1 === CAPACITY ? 0 : ringPos + 1;
        map.set(k, { lastUsed: now, backendId: (i % 50) + 1 });
      }
      mapNext = end;
    },
  },
  INS,
);
reportThroughput("affinity insert with eviction (full, 65536)", insert, "lru-cache@11");
if (bpf.size !== CAPACITY || lru.size !== CAPACITY) throw new Error("capacity not respected");
if (sink === 42) console.log("");
