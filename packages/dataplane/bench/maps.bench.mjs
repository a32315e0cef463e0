// Other map hot paths, alternating within one process:
//  - cilium_lb4_services_v2 master-entry lookup at 65536 entries (the
//    first step of every service lookup) vs a Map keyed by a packed number
//    and a Map keyed by a "10.96.0.1:80/TCP" string (what naive code does);
//  - cilium_ct4_global insert with eviction at Cilium's default 524288
//    entries (a new flow per op on a full map);
//  - Maglev lookup-table build (M = 16381) for 10 and 100 backends.
import { createRequire } from "node:module";
import { alternate, mopsOf, median, report, reportThroughput, round } from "./harness.mjs";

const require = createRequire(import.meta.url);
const { ServiceMap, ConntrackMap } = require("../dist/maps/index.js");
const { formatIPv4 } = require("@svclab/sim");
const { Maglev } = require("../dist/maglev/index.js");

const N = 65536;
const OPS = 2_000_000;
const svc = new ServiceMap({ maxEntries: N });
const byNumber = new Map();
const byString = new Map();
const addrs = new Uint32Array(N);
const ports = new Uint16Array(N);
for (let i = 0; i < N; i++) {
  addrs[i] = (0x0a600000 + i * 13) >>> 0;
  ports[i] = 80 + (i % 7);
  svc.upsertEntry(addrs[i], ports[i], 0, 6, 0, 0, 3, (i % 65535) + 1, 0, 0, 0);
  byNumber.set(addrs[i] * 65536 + ports[i], { count: 3, revNat: (i % 65535) + 1 });
  byString.set(`${formatIPv4(addrs[i])}:${ports[i]}/TCP`, { count: 3, revNat: (i % 65535) + 1 });
}
const pick = new Uint32Array(OPS);
for (let i = 0, x = 7; i < OPS; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  pick[i] = x % N;
}
let sink = 0;
const lookups = alternate(
  {
    "cilium_lb4_services_v2 (ServiceMap.lookupIndex)": () => {
      let s = 0;
      for (let i = 0; i < OPS; i++) {
        const j = pick[i];
        const idx = svc.lookupIndex(addrs[j], ports[j], 0, 6, 0);
        s += svc.count(idx) + svc.revNatIndex(idx);
      }
      sink += s;
    },
    "Map, packed number key": () => {
      let s = 0;
      for (let i = 0; i < OPS; i++) {
        const j = pick[i];
        const v = byNumber.get(addrs[j] * 65536 + ports[j]);
        s += v.count + v.revNat;
      }
      sink += s;
    },
    "Map, string key": () => {
      let s = 0;
      for (let i = 0; i < OPS / 4; i++) {
        const j = pick[i];
        const v = byString.get(`${formatIPv4(addrs[j])}:${ports[j]}/TCP`);
        s += v.count + v.revNat;
      }
      sink += s * 4;
    },
  },
  OPS,
  { rounds: 7 },
);
// The string-key variant runs a quarter of the ops; scale its samples.
lookups["Map, string key"] = lookups["Map, string key"].map((m) => m / 4);
reportThroughput("service master lookup (65536 entries)", lookups, "Map, packed number key");

const CT = 524288;
const ct = new ConntrackMap({ maxEntries: CT });
let flow = 0;
const INS = 1_000_000;
const fill = () => {
  const end = flow + INS;
  for (; flow < end; flow++) {
    ct.upsertEntry(0x0a600001, (0x0a000000 + (flow >>> 10)) >>> 0, 80, flow & 0x3ff, 6, 4, 1, 1, 21600, 0);
  }
};
fill(); // reach capacity first
const ctSamples = [];
for (let r = 0; r < 5; r++) ctSamples.push(mopsOf(fill, INS));
if (ct.size !== CT) throw new Error("conntrack capacity not respected");
report({
  group: "conntrack insert with eviction (full, 524288)",
  name: "cilium_ct4_global (ConntrackMap.upsertEntry)",
  unit: "Mops/s",
  median: round(median(ctSamples)),
  min: round(Math.min(...ctSamples)),
  max: round(Math.max(...ctSamples)),
  rounds: ctSamples.length,
});

const maglev = new Maglev();
for (const n of [10, 100]) {
  const backends = Array.from({ length: n }, (_, i) => ({ id: i + 1, address: `10.244.${i >> 8}.${i & 255}`, port: 8080, protocol: "TCP" }));
  maglev.getLookupTable(backends);
  const ms = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint();
    maglev.getLookupTable(backends);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  report({
    group: "Maglev table build (M = 16381)",
    name: `${n} backends`,
    unit: "ms",
    median: round(median(ms), 3),
    min: round(Math.min(...ms), 3),
    max: round(Math.max(...ms), 3),
    rounds: ms.length,
  });
}
if (sink === 42) console.log("");
