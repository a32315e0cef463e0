/**
 * LBMaps in plain JavaScript Maps (Cilium's NewFakeLBMaps, what its
 * reconciler tests run against without BPF privileges): the same
 * operations and dumps as the real maps, without capacities or byte
 * layouts. Deleting an absent entry is a no-op, as with the real LBMaps.
 */

import type { LBMaps, ServiceEntryCallback } from "./lbmaps";

type ServiceRow = Parameters<ServiceEntryCallback>;

export class FakeLBMaps implements LBMaps {
  private readonly services = new Map<string, ServiceRow>();
  private readonly backends = new Map<number, [number, number, number, number, number, number]>();
  private readonly revNats = new Map<number, [number, number, number]>();
  private readonly affinityMatches = new Map<string, [number, number]>();
  private readonly sourceRanges = new Map<string, [number, number, number]>();
  private readonly maglevTables = new Map<number, Uint32Array>();

  updateService(addr: number, port: number, proto: number, scope: number, slot: number, word: number, count: number, qcount: number, revNat: number, flags: number): void {
    this.services.set(`${addr}:${port}:${proto}:${scope}:${slot}`, [addr, port, proto, scope, slot, word, count, qcount, revNat, flags]);
  }
  deleteService(addr: number, port: number, proto: number, scope: number, slot: number): void {
    this.services.delete(`${addr}:${port}:${proto}:${scope}:${slot}`);
  }
  updateBackend(id: number, addr: number, port: number, proto: number, state: number, zone: number): void {
    this.backends.set(id, [id, addr, port, proto, state, zone]);
  }
  deleteBackend(id: number): void {
    this.backends.delete(id);
  }
  updateRevNat(id: number, addr: number, port: number): void {
    this.revNats.set(id, [id, addr, port]);
  }
  deleteRevNat(id: number): void {
    this.revNats.delete(id);
  }
  updateAffinityMatch(revNat: number, backendId: number): void {
    this.affinityMatches.set(`${revNat}:${backendId}`, [revNat, backendId]);
  }
  deleteAffinityMatch(revNat: number, backendId: number): void {
    this.affinityMatches.delete(`${revNat}:${backendId}`);
  }
  updateSourceRange(revNat: number, addr: number, bits: number): void {
    this.sourceRanges.set(`${revNat}:${addr}/${bits}`, [revNat, addr, bits]);
  }
  deleteSourceRange(revNat: number, addr: number, bits: number): void {
    this.sourceRanges.delete(`${revNat}:${addr}/${bits}`);
  }
  updateMaglev(revNat: number, table: Uint32Array): void {
    this.maglevTables.set(revNat, table.slice());
  }
  deleteMaglev(revNat: number): void {
    this.maglevTables.delete(revNat);
  }

  dumpService(cb: ServiceEntryCallback): void {
    for (const row of this.services.values()) cb(...row);
  }
  dumpBackend(cb: (id: number, addr: number, port: number, proto: number, state: number, zone: number) => void): void {
    for (const row of this.backends.values()) cb(...row);
  }
  dumpRevNat(cb: (id: number, addr: number, port: number) => void): void {
    for (const row of this.revNats.values()) cb(...row);
  }
  dumpAffinityMatch(cb: (revNat: number, backendId: number) => void): void {
    for (const row of this.affinityMatches.values()) cb(...row);
  }
  dumpSourceRange(cb: (revNat: number, addr: number, bits: number) => void): void {
    for (const row of this.sourceRanges.values()) cb(...row);
  }
  dumpMaglev(cb: (revNat: number, table: Uint32Array) => void): void {
    for (const [revNat, table] of this.maglevTables) cb(revNat, table);
  }
}
