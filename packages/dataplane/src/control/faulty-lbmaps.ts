/**
 * LBMaps that fail on demand (Cilium's FaultyLBMaps, which its script tests
 * run under `--lb-test-fault-probability`): every mutation first asks
 * `shouldFail`; a failing one throws before touching the maps, as a
 * refused bpf() call would. The reconciler must then retry until the maps
 * match the tables. Dumps never fail.
 */

import type { SeededRandom } from "@svclab/sim";
import type { LBMaps, LBMapsMutation, ServiceEntryCallback } from "./lbmaps";

/** Decides whether one map operation fails; `slot` is the service slot for service entries, else -1. */
export type FaultPredicate = (op: LBMapsMutation, slot: number) => boolean;

/** Fails each mutation with probability `p`, drawing from `rng` (deterministic for a seed). */
export function randomFaults(p: number, rng: SeededRandom): FaultPredicate {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`fault probability must be in [0, 1], got ${p}`);
  return () => p > 0 && rng.chance(p);
}

export class FaultyLBMaps implements LBMaps {
  /** Faults injected so far. */
  injected = 0;

  constructor(
    private readonly inner: LBMaps,
    private readonly shouldFail: FaultPredicate,
  ) {}

  private check(op: LBMapsMutation, slot = -1): void {
    if (this.shouldFail(op, slot)) {
      this.injected++;
      throw new Error(`${op}: injected fault`);
    }
  }

  updateService(addr: number, port: number, proto: number, scope: number, slot: number, word: number, count: number, qcount: number, revNat: number, flags: number): void {
    this.check("updateService", slot);
    this.inner.updateService(addr, port, proto, scope, slot, word, count, qcount, revNat, flags);
  }
  deleteService(addr: number, port: number, proto: number, scope: number, slot: number): void {
    this.check("deleteService", slot);
    this.inner.deleteService(addr, port, proto, scope, slot);
  }
  updateBackend(id: number, addr: number, port: number, proto: number, state: number, zone: number): void {
    this.check("updateBackend");
    this.inner.updateBackend(id, addr, port, proto, state, zone);
  }
  deleteBackend(id: number): void {
    this.check("deleteBackend");
    this.inner.deleteBackend(id);
  }
  updateRevNat(id: number, addr: number, port: number): void {
    this.check("updateRevNat");
    this.inner.updateRevNat(id, addr, port);
  }
  deleteRevNat(id: number): void {
    this.check("deleteRevNat");
    this.inner.deleteRevNat(id);
  }
  updateAffinityMatch(revNat: number, backendId: number): void {
    this.check("updateAffinityMatch");
    this.inner.updateAffinityMatch(revNat, backendId);
  }
  deleteAffinityMatch(revNat: number, backendId: number): void {
    this.check("deleteAffinityMatch");
    this.inner.deleteAffinityMatch(revNat, backendId);
  }
  updateSourceRange(revNat: number, addr: number, bits: number): void {
    this.check("updateSourceRange");
    this.inner.updateSourceRange(revNat, addr, bits);
  }
  deleteSourceRange(revNat: number, addr: number, bits: number): void {
    this.check("deleteSourceRange");
    this.inner.deleteSourceRange(revNat, addr, bits);
  }
  updateMaglev(revNat: number, table: Uint32Array): void {
    this.check("updateMaglev");
    this.inner.updateMaglev(revNat, table);
  }
  deleteMaglev(revNat: number): void {
    this.check("deleteMaglev");
    this.inner.deleteMaglev(revNat);
  }

  dumpService(cb: ServiceEntryCallback): void {
    this.inner.dumpService(cb);
  }
  dumpBackend(cb: (id: number, addr: number, port: number, proto: number, state: number, zone: number) => void): void {
    this.inner.dumpBackend(cb);
  }
  dumpRevNat(cb: (id: number, addr: number, port: number) => void): void {
    this.inner.dumpRevNat(cb);
  }
  dumpAffinityMatch(cb: (revNat: number, backendId: number) => void): void {
    this.inner.dumpAffinityMatch(cb);
  }
  dumpSourceRange(cb: (revNat: number, addr: number, bits: number) => void): void {
    this.inner.dumpSourceRange(cb);
  }
  dumpMaglev(cb: (revNat: number, table: Uint32Array) => void): void {
    this.inner.dumpMaglev(cb);
  }
}
