/**
 * cilium_lb4_affinity: the LRU hash of session-affinity entries
 * {client, rev-NAT id} -> {last_used, backend id}, written only by the
 * datapath. It is the hot spot of affinity services, so its fast path
 * takes numbers and returns entry indices: no allocation per packet.
 * Datapath lookups and updates mark an entry used; a full map evicts the
 * least recently used entry.
 */
import { BpfMap } from "./bpf-map";
import { BPF_ANY, checkStride, type BpfUpdateFlags, type LbMapOptions } from "./hash-table";
import { type AffinityKey, type AffinityValue, affinityKeyCodec, affinityValueCodec } from "./layouts";

/** Words per row: key 3, value 2, chain links 2, recency links 2 (BpfHashTable's layout). */
const ROW = 9;

const TWO_POW_32 = 4294967296;

/** Key word 1: the upper half of a client id (a netns cookie is 64 bits; word 0 keeps its low 32). */
function highWord(clientId: number): number {
  return clientId > 0xffffffff ? Math.floor(clientId / TWO_POW_32) : 0;
}

export class AffinityMap extends BpfMap<AffinityKey, AffinityValue> {
  constructor(options: LbMapOptions = {}) {
    super({
      name: options.name ?? "cilium_lb4_affinity",
      maxEntries: options.maxEntries,
      fd: options.fd,
      type: "lru_hash",
      key: affinityKeyCodec,
      value: affinityValueCodec,
    });
    checkStride(this.table, ROW);
  }

  /**
   * Datapath lookup: entry index of {clientId, revNatId, netnsCookie} or -1;
   * a hit becomes the most recently used entry. `clientId` is the client's
   * host-order IPv4 u32, or the netns cookie when `netnsCookie` is true.
   */
  lookupIndex(clientId: number, revNatId: number, netnsCookie: boolean): number {
    return this.table.lookupKey(clientId, highWord(clientId), netnsCookie ? revNatId | 0x10000 : revNatId, 0);
  }

  /** Seconds of the monotonic clock when the entry was last used. */
  lastUsed(idx: number): number {
    return this.table.data[idx * ROW + 3] as number;
  }

  backendId(idx: number): number {
    return this.table.data[idx * ROW + 4] as number;
  }

  /** Writes `last_used = now` in place (the datapath's refresh of a live entry). */
  refresh(idx: number, nowSeconds: number): void {
    this.table.data[idx * ROW + 3] = nowSeconds;
  }

  /**
   * Datapath update: writes {backendId, lastUsed} for the key and returns
   * its entry index; evicts the least recently used entry when full. The
   * entry becomes the most recently used one.
   */
  upsertEntry(
    clientId: number,
    revNatId: number,
    netnsCookie: boolean,
    backendId: number,
    lastUsed: number,
    flags: BpfUpdateFlags = BPF_ANY,
  ): number {
    const idx = this.table.upsertKey(flags, clientId, highWord(clientId), netnsCookie ? revNatId | 0x10000 : revNatId, 0);
    const v = this.table.data;
    v[idx * ROW + 3] = lastUsed;
    v[idx * ROW + 4] = backendId;
    return idx;
  }

  /** Deletes the entry at a live index (e.g. an expired one found by lookupIndex). */
  deleteAt(idx: number): void {
    this.table.removeAt(idx);
  }
}
