import { describe, expect, it } from "vitest";
import { SeededRandom } from "@svclab/sim";
import { dumpLBMaps } from "../dump/lb-maps";
import { FakeLBMaps } from "./fake-lbmaps";
import { FaultyLBMaps, randomFaults } from "./faulty-lbmaps";
import { clusterIPService, endpoint, node, slice } from "./test-support/fixtures";

/** Programs 40 ClusterIP services with three endpoints each, then drops half the endpoints, retrying until clean. */
function program(p: number): { dump: string[]; injected: number; rounds: number } {
  let faulty: FaultyLBMaps | undefined;
  const { dp } = node({ wrapLBMaps: (m) => (faulty = new FaultyLBMaps(m, randomFaults(p, new SeededRandom("faults")))) });
  let rounds = 0;
  const settle = (errors: unknown[]) => {
    while (errors.length > 0 && rounds < 10_000) {
      rounds++;
      errors = dp.reconcile().errors;
    }
  };
  for (let i = 0; i < 40; i++) {
    settle(dp.applyService(clusterIPService(`s${i}`, `10.96.1.${i}`, { affinity: 60 })).errors);
    settle(dp.applyEndpointSlice(slice(`s${i}`, [1, 2, 3].map((j) => endpoint(`10.244.${i}.${j}`, "node-a")), 80)).errors);
  }
  for (let i = 0; i < 40; i += 2) settle(dp.applyEndpointSlice(slice(`s${i}`, [endpoint(`10.244.${i}.2`, "node-a")], 80)).errors);
  return { dump: dp.lbMapsDump(), injected: (faulty as FaultyLBMaps).injected, rounds };
}

describe("FaultyLBMaps and the reconciler's retries", () => {
  it("converges to the maps a fault-free run writes, whatever map operations fail", () => {
    const clean = program(0);
    const faulty = program(0.3);
    expect(clean.injected).toBe(0);
    expect(faulty.injected).toBeGreaterThan(100);
    expect(faulty.rounds).toBeGreaterThan(0);
    expect(faulty.dump).toEqual(clean.dump);
  });

  it("fails only the operations the predicate picks, before they reach the maps", () => {
    const inner = new FakeLBMaps();
    const maps = new FaultyLBMaps(inner, (op, slot) => op === "updateService" && slot > 0);
    maps.updateService(1, 80, 6, 0, 0, 0, 0, 0, 1, 0);
    expect(() => maps.updateService(1, 80, 6, 0, 1, 7, 0, 0, 1, 0)).toThrow("updateService: injected fault");
    maps.updateBackend(7, 2, 80, 6, 0, 0);
    expect(dumpLBMaps(maps)).toEqual([
      "BE: ID=7 ADDR=0.0.0.2:80/TCP STATE=active",
      "SVC: ID=1 ADDR=0.0.0.1:80/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    ]);
    expect(maps.injected).toBe(1);
    expect(() => randomFaults(1.5, new SeededRandom(1))).toThrow(RangeError);
  });
});
