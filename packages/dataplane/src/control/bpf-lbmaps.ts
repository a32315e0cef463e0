/**
 * LBMaps over the model's BPF maps: how the agent writes them through the
 * bpf() syscall. Deleting an absent entry is not an error (the agent treats
 * ENOENT on delete as done); a full service map fails with the agent's
 * E2BIG hint about `--bpf-lb-map-max`.
 */

import { formatIPv4, parseIPv4 } from "@svclab/sim";
import { protoName } from "./addr";
import type { LBMaps } from "./lbmaps";
import {
  isBpfMapError,
  type AffinityMatchMap,
  type BackendMap,
  type MaglevMap,
  type RevNatMap,
  type ServiceMap,
  type SourceRangeMap,
} from "../maps";

/** The maps the agent programs. */
export interface LBMapSet {
  readonly services: ServiceMap;
  readonly backends: BackendMap;
  readonly revNat: RevNatMap;
  readonly affinityMatch: AffinityMatchMap;
  readonly sourceRange: SourceRangeMap;
  readonly maglev: MaglevMap;
}

export function createLBMaps(m: LBMapSet): LBMaps {
  return {
    updateService(addr, port, proto, scope, slot, word, count, qcount, revNat, flags) {
      try {
        m.services.upsertEntry(addr, port, slot, proto, scope, word, count, revNat, flags & 0xff, flags >>> 8, qcount);
      } catch (err) {
        if (!isBpfMapError(err, "E2BIG")) throw err;
        const scopeSuffix = scope === 1 ? "/i" : "";
        throw new Error(
          `Unable to update service entry ${formatIPv4(addr)}:${port}/${protoName(proto)}${scopeSuffix} (${slot}) => ` +
            `backend_id=${word} count=${count} rev_nat_index=${revNat}: ` +
            `Unable to update element for LB bpf map: You can resize it with the flag "--bpf-lb-map-max". ` +
            `The resizing might break existing connections to services`,
          { cause: err },
        );
      }
    },
    deleteService(addr, port, proto, scope, slot) {
      m.services.deleteEntry(addr, port, slot, proto, scope);
    },
    updateBackend(id, addr, port, proto, state, zone) {
      m.backends.upsertEntry(id, addr, port, proto, state, 0, zone);
    },
    deleteBackend(id) {
      m.backends.deleteEntry(id);
    },
    updateRevNat(id, addr, port) {
      m.revNat.upsertEntry(id, addr, port);
    },
    deleteRevNat(id) {
      m.revNat.deleteEntry(id);
    },
    updateAffinityMatch(revNat, backendId) {
      m.affinityMatch.upsertEntry(backendId, revNat);
    },
    deleteAffinityMatch(revNat, backendId) {
      m.affinityMatch.deleteEntry(backendId, revNat);
    },
    updateSourceRange(revNat, addr, bits) {
      m.sourceRange.updateRange(revNat, addr, bits);
    },
    deleteSourceRange(revNat, addr, bits) {
      m.sourceRange.deleteRange(revNat, addr, bits);
    },
    updateMaglev(revNat, table) {
      m.maglev.update(revNat, table);
    },
    deleteMaglev(revNat) {
      if (m.maglev.has(revNat)) m.maglev.delete(revNat);
    },
    dumpService(cb) {
      for (const { key, value } of m.services.entries()) {
        const flags = value.flags | (value.flags2 << 8);
        cb(parseIPv4(key.address), key.dport, key.proto, key.scope, key.backendSlot, value.backendId, value.count, value.qcount, value.revNatIndex, flags);
      }
    },
    dumpBackend(cb) {
      for (const { key, value } of m.backends.entries()) cb(key, parseIPv4(value.address), value.port, value.proto, value.flags, value.zone);
    },
    dumpRevNat(cb) {
      for (const { key, value } of m.revNat.entries()) cb(key, parseIPv4(value.address), value.port);
    },
    dumpAffinityMatch(cb) {
      for (const { key } of m.affinityMatch.entries()) cb(key.revNatId, key.backendId);
    },
    dumpSourceRange(cb) {
      for (const { key } of m.sourceRange.entries()) cb(key.revNatId, parseIPv4(key.address), key.prefixLen);
    },
    dumpMaglev(cb) {
      for (const { revNatIndex, table } of m.maglev.entries()) cb(revNatIndex, table);
    },
  };
}
