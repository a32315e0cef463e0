/**
 * Cilium's TestBPFOps (pkg/loadbalancer/reconciler/bpf_reconciler_test.go),
 * IPv4 cases, transcribed to testdata/bpf-ops/test-bpf-ops.json. Each set
 * drives one frontend of service test/test (eTP=iTP=Local unless a case
 * says otherwise) through the writer and the reconciler, step by step, and
 * compares the maps with the case's dump, addresses replaced by the Go
 * test's placeholders. Every set runs against both the real maps and
 * FakeLBMaps, through FaultyLBMaps (the map-error cases make slot writes
 * fail and expect the retry to converge).
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SeededRandom, VirtualClock } from "@svclab/sim";
import { dumpLBMaps } from "../dump/lb-maps";
import { FakeLBMaps } from "./fake-lbmaps";
import { FaultyLBMaps } from "./faulty-lbmaps";
import type { LBMaps } from "./lbmaps";
import type { BackendState, FrontendParams, ServiceParams, SVCType } from "./model";
import { NodeDataplane } from "./node-dataplane";
import type { LBAlgorithm } from "./reconciler";

interface Case {
  name: string;
  frontend: { type: SVCType; address: "auto" | "zero" | "extra" | "extraInternal" };
  service?: Partial<ServiceParams>;
  backends?: Array<[string, BackendState]>;
  delete?: boolean;
  expectErr?: boolean;
  maps: string[] | null;
  maglev?: string[];
}
interface CaseSet {
  name: string;
  algorithm?: LBAlgorithm;
  cases: Case[];
}

const doc = JSON.parse(readFileSync(join(__dirname, "..", "..", "testdata", "bpf-ops", "test-bpf-ops.json"), "utf8")) as {
  source: string;
  sets: CaseSet[];
  perServiceAlgorithmSets: CaseSet[];
};

const ADDRESSES = {
  auto: { address: "10.0.0.1", scope: 0 },
  zero: { address: "0.0.0.0", scope: 0 },
  extra: { address: "10.0.0.2", scope: 0 },
  extraInternal: { address: "10.0.0.2", scope: 1 },
} as const;
const NODE_PORT_ADDR = "10.0.0.3";

/** The Go test's replaceAddr: the frontend, zero and NodePort addresses (with any port) become placeholders. */
function withPlaceholders(line: string): string {
  return line.replace(/(\d+\.\d+\.\d+\.\d+):(\d+)/g, (m, ip: string) => {
    if (ip === "0.0.0.0") return "<zero>";
    if (ip === ADDRESSES.auto.address) return "<auto>";
    if (ip === NODE_PORT_ADDR) return "<nodePort>";
    return m;
  });
}

const baseService: ServiceParams = {
  name: "test/test",
  extTrafficPolicy: "Local",
  intTrafficPolicy: "Local",
  sessionAffinity: false,
  sessionAffinityTimeoutSec: 0,
};

let ported = 0;
let passing = 0;

function runSet(set: CaseSet, algorithm: LBAlgorithm, maps: "bpf" | "fake", validateMaglev: boolean, count: boolean): void {
  describe(`${set.name}/${algorithm}/${maps}`, () => {
    let failing = false;
    const fake = new FakeLBMaps();
    let lbmaps: LBMaps | undefined;
    const dp = new NodeDataplane({
      nodeName: "",
      nodeIPs: [NODE_PORT_ADDR],
      lbAlgorithm: algorithm,
      maglevTableSize: 1021,
      clock: new VirtualClock(0),
      rng: new SeededRandom(1),
      wrapLBMaps: (real) => {
        lbmaps = new FaultyLBMaps(maps === "bpf" ? real : fake, (op, slot) => failing && op === "updateService" && slot > 0);
        return lbmaps;
      },
    });
    const live = new Map<string, FrontendParams>();
    for (const c of set.cases) {
      it(c.name, () => {
        if (count) ported++;
        const where = ADDRESSES[c.frontend.address];
        const fe: FrontendParams = { address: where.address, port: 80, protocol: "TCP", type: c.frontend.type, scope: where.scope };
        const key = `${fe.address}:${fe.scope}`;
        if (c.delete === true) live.delete(key);
        else live.set(key, fe);
        failing = c.expectErr === true;
        dp.writer.upsertService({ ...baseService, ...c.service }, [...live.values()]);
        if (c.backends !== undefined) {
          dp.writer.setBackends(
            baseService.name,
            c.backends.map(([addr, state]) => {
              const [address, port] = addr.split(":") as [string, string];
              return { address, port: Number(port), protocol: "TCP", state };
            }),
          );
        }
        const result = dp.reconcile();
        failing = false;
        if (c.expectErr === true) {
          expect(result.errors.map((e) => e.error.message)).toContain("updateService: injected fault");
          if (count) passing++;
          return;
        }
        expect(result.errors).toEqual([]);
        const lines = dumpLBMaps(lbmaps as LBMaps).map(withPlaceholders).sort();
        expect(lines.filter((l) => !l.startsWith("MAGLEV"))).toEqual(c.maps);
        expect(lines.filter((l) => l.startsWith("MAGLEV"))).toEqual(validateMaglev ? (c.maglev ?? []) : []);
        if (count) passing++;
      });
    }
    it("leaves the maps empty after the set", () => {
      expect(dumpLBMaps(lbmaps as LBMaps)).toEqual([]);
    });
  });
}

describe("TestBPFOps (IPv4)", () => {
  for (const maps of ["bpf", "fake"] as const) {
    for (const set of doc.sets) {
      for (const algorithm of ["random", "maglev"] as const) runSet(set, algorithm, maps, algorithm === "maglev", maps === "bpf");
    }
    for (const set of doc.perServiceAlgorithmSets) runSet(set, set.algorithm as LBAlgorithm, maps, true, maps === "bpf");
  }
});

afterAll(() => {
  console.log(`TestBPFOps: ${passing} of ${ported} ported cases pass  ${doc.source}`);
});
