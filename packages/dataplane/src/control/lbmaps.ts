/**
 * What the reconciler needs from the BPF maps (Cilium's maps.LBMaps): one
 * small method per map operation, with numeric positional arguments so
 * programming a service allocates nothing per entry. Implemented over the
 * real maps by `createLBMaps`, and wrapped by `FaultyLBMaps` in tests to
 * inject errors. Every method throws a BpfMapError when the map refuses.
 */

export interface LBMaps {
  /** `word` is backend_id on slots, the affinity-timeout|algorithm word on masters; `flags` is the 16-bit agent form. */
  updateService(
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
  ): void;
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
}
