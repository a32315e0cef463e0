// Child process of affinity-memory.bench.mjs: fills one structure with N
// affinity entries and prints the retained bytes per entry (heap plus
// ArrayBuffers, after full GCs), so each measurement starts from a clean heap.
// usage: node --expose-gc affinity-memory-child.mjs <impl> <n>
import { AffinityMap, LRUCache } from "./affinity-workload.mjs";

const [impl, nArg] = process.argv.slice(2);
const n = Number(nArg);

// Keys are generated on the fly (not kept in arrays) so only the structure is measured.
const revOf = (i) => (i % 64) + 1;
const packedOf = (i) => (0x0a000000 + i) * 65536 + revOf(i);

function used() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const before = used();
let keep;
if (impl === "bpf") {
  const m = new AffinityMap({ maxEntries: n });
  for (let i = 0; i < n; i++) m.upsertEntry((0x0a000000 + i) >>> 0, revOf(i), false, (i % 50) + 1, 1);
  if (m.size !== n) throw new Error(`size ${m.size}`);
  keep = m;
} else if (impl === "lru-cache") {
  const c = new LRUCache({ max: n });
  for (let i = 0; i < n; i++) c.set(packedOf(i), { lastUsed: 1, backendId: (i % 50) + 1 });
  if (c.size !== n) throw new Error(`size ${c.size}`);
  keep = c;
} else if (impl === "lru-cache-smi") {
  // Not the same information: 31-bit keys and values, lru-cache's best case.
  const c = new LRUCache({ max: n });
  for (let i = 0; i < n; i++) c.set(i, (i % 50) + 1);
  keep = c;
} else if (impl === "map") {
  const m = new Map();
  for (let i = 0; i < n; i++) m.set(packedOf(i), { lastUsed: 1, backendId: (i % 50) + 1 });
  keep = m;
} else {
  throw new Error(`unknown impl ${impl}`);
}
const after = used();
process.stdout.write(JSON.stringify({ impl, n, bytesPerEntry: (after - before) / n, size: keep.size }) + "\n");
