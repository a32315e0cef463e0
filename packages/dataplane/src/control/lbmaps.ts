/**
 * What the agent needs from the BPF maps (Cilium's maps.LBMaps): one small
 * method per map operation, with numeric positional arguments so
 * programming a service allocates nothing per entry, and a dump per map
 * (what DumpLBMaps and pruning read). Implemented over the real maps by
 * `createLBMaps`, in memory by `FakeLBMaps` (Cilium's NewFakeLBMaps), and
 * wrapped by `FaultyLBMaps` to inject errors. Every method throws a
 * BpfMapError (or the injected error) when the map refuses.
 */

export interface LBMaps {
  /** `word` is backend_id on slots, the affinity-timeout|algorithm word on masters; `flags` is the 16-bit agent form. */
  updateService: ServiceEntryCallback;
  deleteService(addr: number, port: number, proto: number, scope: number, slot: number): void;
  /** `state` is the backend map's flags value (BE_STATE_*). */
  updateBackend(id: number, addr: number, port: number, proto: number, state: number, zone: number): void;
  deleteBackend(id: number): void;
  updateRevNat(id: number, addr: number, port: number): void;
  deleteRevNat(id: number): void;
  updateAffinityMatch(revNat: number, backendId: number): void;
  deleteAffinityMatch(revNat: number, backendId: number): void;
  updateSourceRange(revNat: number, addr: number, bits: number): void;
  deleteSourceRange(revNat: number, addr: number, bits: number): void;
  /** Installs a service's Maglev lookup table (backend ids, one per table position). */
  updateMaglev(revNat: number, table: Uint32Array): void;
  deleteMaglev(revNat: number): void;

  dumpService(cb: ServiceEntryCallback): void;
  dumpBackend(cb: (id: number, addr: number, port: number, proto: number, state: number, zone: number) => void): void;
  dumpRevNat(cb: (id: number, addr: number, port: number) => void): void;
  dumpAffinityMatch(cb: (revNat: number, backendId: number) => void): void;
  dumpSourceRange(cb: (revNat: number, addr: number, bits: number) => void): void;
  dumpMaglev(cb: (revNat: number, table: Uint32Array) => void): void;
}

/** One service map entry, as `updateService` writes it and `dumpService` reports it. */
export type ServiceEntryCallback = (
  addr: number,
  port: number,
  proto: number,
  scope: number,
  slot: number,
  word: number,
  count: number,
  qcount: number,
  revNat: number,
  flags: number,
) => void;

/** The mutating operations, by name, for fault injection. */
export type LBMapsMutation = Exclude<keyof LBMaps, `dump${string}`>;
