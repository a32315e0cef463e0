// Where a new connection's time goes (lookup.bench.mjs's workload, built
// dist/), all variants alternating in one process:
//  - the benchmark's workload: 4,096 clients over 40,960 pairs, a full
//    65,536-entry conntrack map (every new flow evicts one);
//  - everything cache-resident: 61 clients, a 1,024-entry conntrack map;
//  - only the conntrack map large (61 clients, 65,536 entries);
//  - only the affinity map large (4,096 clients, 1,024 conntrack entries);
//  - the conntrack miss + insert alone (ConntrackMap, 65,536 entries, the
//    benchmark's tuples), without the rest of the lookup.
// 61 pairs: prime, so no flow repeats within a source-port cycle.
import { alternate, reportThroughput, round } from "./harness.mjs";
import { buildNode, consumeSink, lookups, OPS } from "./lookup-workload.mjs";
import { ConntrackMap, PROTO_TCP, TUPLE_F_SERVICE } from "../dist/index.js";

const full = buildNode({ services: 10 });
const resident = buildNode({ services: 10, conntrack: 1024, clients: 61, pairs: 61 });
const ctOnly = buildNode({ services: 10, clients: 61, pairs: 61 });
const affinityOnly = buildNode({ services: 10, conntrack: 1024 });

const ct = new ConntrackMap({ maxEntries: 65536 });
let sport = 1024;
let sink = 0;
const ctAlone = () => {
  const { saddr, daddr } = full;
  let s = 0;
  for (let i = 0; i < OPS; i++) {
    sport = sport === 65535 ? 1024 : sport + 1;
    if (ct.lookupIndex(daddr[i], saddr[i], 80, sport, PROTO_TCP, TUPLE_F_SERVICE) < 0) {
      s += ct.upsertEntry(daddr[i], saddr[i], 80, sport, PROTO_TCP, TUPLE_F_SERVICE, 1, 1, 1060, 0);
    }
  }
  sink += s;
};

const samples = alternate(
  {
    "benchmark workload": lookups(full),
    "all maps cache-resident": lookups(resident),
    "only conntrack large (65536)": lookups(ctOnly),
    "only affinity large (4096 clients)": lookups(affinityOnly),
    "conntrack miss + insert alone (65536)": ctAlone,
  },
  OPS,
  { rounds: 5, warmup: 1 },
);
const m = reportThroughput("lookup breakdown: new connection", samples, "benchmark workload");
console.log(
  Object.entries(m)
    .map(([name, v]) => `${name}: ${round(v)} M/s`)
    .join("; "),
);
if (sink + consumeSink() === 0.5) console.log(sink);
