/**
 * cilium_ct4_global: the IPv4 conntrack LRU map. The load balancer keeps a
 * flow on its backend through the CT_SERVICE entry's backend id; lifetimes
 * are absolute seconds of the monotonic clock (now + CT_*_LIFETIME_* or the
 * SYN/close timeouts), and garbage collection drops entries whose lifetime
 * has passed, like the agent's CT GC.
 */
import { BpfMap } from "./bpf-map";
import { BPF_ANY, checkStride, type BpfUpdateFlags, type LbMapOptions } from "./hash-table";
import { type CtEntry, type CtKey, ctEntryCodec, ctKeyCodec } from "./layouts";

/** Words per row: key 4, value 4, chain links 2, recency links 2 (BpfHashTable's layout). */
const ROW = 12;

/** Cilium's `--bpf-ct-global-tcp-max` default (cilium_ct4_global, TCP flows). */
export const DEFAULT_CT_MAX_ENTRIES = 524288;
/** Cilium's `--bpf-ct-global-any-max` default (cilium_ct_any4_global, every other protocol). */
export const DEFAULT_CT_ANY_MAX_ENTRIES = 262144;

export class ConntrackMap extends BpfMap<CtKey, CtEntry> {
  constructor(options: LbMapOptions = {}) {
    super({
      name: options.name ?? "cilium_ct4_global",
      maxEntries: options.maxEntries ?? DEFAULT_CT_MAX_ENTRIES,
      fd: options.fd,
      type: "lru_hash",
      // Every new flow is a miss: with chains of 1/4 entry on average it rarely reads a row (measured best of 1, 2, 4, 8).
      bucketsPerEntry: 4,
      key: ctKeyCodec,
      value: ctEntryCodec,
    });
    checkStride(this.table, ROW);
  }

  /**
   * Datapath lookup of a tuple (host-order u32 addresses, host-order ports,
   * `tupleFlags` TUPLE_F_*): entry index or -1; a hit is marked used.
   */
  lookupIndex(daddr: number, saddr: number, dport: number, sport: number, nexthdr: number, tupleFlags: number): number {
    return this.table.lookupKey(daddr, saddr, dport | (sport << 16), nexthdr | (tupleFlags << 8));
  }

  /**
   * Datapath create/update of a tuple's entry; returns its index. Counters
   * and seen-flags start at zero for a new entry and are kept on update.
   */
  upsertEntry(
    daddr: number,
    saddr: number,
    dport: number,
    sport: number,
    nexthdr: number,
    tupleFlags: number,
    backendId: number,
    revNatIndex: number,
    lifetime: number,
    ctFlags: number,
    flags: BpfUpdateFlags = BPF_ANY,
  ): number {
    const idx = this.table.upsertKey(flags, daddr, saddr, dport | (sport << 16), nexthdr | (tupleFlags << 8));
    const v = this.table.data;
    v[idx * ROW + 4] = backendId;
    v[idx * ROW + 5] = lifetime;
    v[idx * ROW + 6] = (ctFlags & 0xffff) | (revNatIndex << 16);
    return idx;
  }

  backendId(idx: number): number {
    return this.table.data[idx * ROW + 4] as number;
  }

  setBackendId(idx: number, backendId: number): void {
    this.table.data[idx * ROW + 4] = backendId;
  }

  /** Absolute expiry in seconds of the monotonic clock. */
  lifetime(idx: number): number {
    return this.table.data[idx * ROW + 5] as number;
  }

  setLifetime(idx: number, lifetime: number): void {
    this.table.data[idx * ROW + 5] = lifetime;
  }

  /** CT_FLAG_* bits. */
  flags(idx: number): number {
    return (this.table.data[idx * ROW + 6] as number) & 0xffff;
  }

  setFlags(idx: number, ctFlags: number): void {
    const v = this.table.data;
    v[idx * ROW + 6] = (((v[idx * ROW + 6] as number) & 0xffff0000) | (ctFlags & 0xffff)) >>> 0;
  }

  revNatIndex(idx: number): number {
    return (this.table.data[idx * ROW + 6] as number) >>> 16;
  }

  txFlagsSeen(idx: number): number {
    return (this.table.data[idx * ROW + 7] as number) & 0xff;
  }

  rxFlagsSeen(idx: number): number {
    return ((this.table.data[idx * ROW + 7] as number) >>> 8) & 0xff;
  }

  /** ORs TCP flags into the tx/rx seen-flags of an entry. */
  addFlagsSeen(idx: number, txFlags: number, rxFlags: number): void {
    const v = this.table.data;
    v[idx * ROW + 7] = ((v[idx * ROW + 7] as number) | (txFlags & 0xff) | ((rxFlags & 0xff) << 8)) >>> 0;
  }

  /** Deletes the entry at a live index. */
  deleteAt(idx: number): void {
    this.table.removeAt(idx);
  }

  /** CT garbage collection: deletes entries with `lifetime < nowSeconds`; returns how many. */
  gc(nowSeconds: number): number {
    let deleted = 0;
    for (const idx of this.table.indices()) {
      if (this.lifetime(idx) < nowSeconds) {
        this.table.removeAt(idx);
        deleted++;
      }
    }
    return deleted;
  }
}
