/**
 * cilium_lb4_source_range: the LPM trie of loadBalancerSourceRanges.
 * Keys are {rev-NAT id, CIDR}; a lookup of {rev-NAT id, client address}
 * returns the longest matching prefix. In the C key (`struct
 * lb4_src_range_key`) the LPM prefix length counts the 32 bits of
 * rev_nat_id+pad before the address bits, so a /24 is stored as 56.
 *
 * The model keeps one hash entry per {rev-NAT id, prefix length, masked
 * address} and, per rev-NAT id, a count of entries per prefix length, so a
 * lookup probes only the lengths that exist, longest first.
 */
import { hexBytes } from "./codec";
import { BpfMapError } from "./errors";
import { BPF_ANY, BPF_EXIST, BpfHashTable, checkUpdateFlags, type BpfUpdateFlags, type LbMapOptions } from "./hash-table";
import { formatIPv4, parseIPv4 } from "@svclab/sim";

/** A source range: `address/prefixLen` for service `revNatId`. */
export interface SourceRangeKey {
  revNatId: number;
  address: string;
  /** CIDR prefix length, 0..32. */
  prefixLen: number;
}

export interface SourceRangeEntry {
  key: SourceRangeKey;
  value: number;
}

/** Bits of rev_nat_id + pad that precede the address in the LPM key. */
const STATIC_PREFIX = 32;
const KEY_BYTES = 12;

function mask(prefixLen: number): number {
  return prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}

export class SourceRangeMap {
  readonly type = "lpm_trie";
  private readonly table: BpfHashTable;
  /** Per rev-NAT id: entries per CIDR length (index 0..32). */
  private readonly lengths = new Map<number, Uint32Array>();

  constructor(options: LbMapOptions = {}) {
    this.table = new BpfHashTable({
      name: options.name ?? "cilium_lb4_source_range",
      type: "hash",
      maxEntries: options.maxEntries,
      fd: options.fd,
      keyWords: 2,
      valueWords: 1,
    });
  }

  get name(): string {
    return this.table.name;
  }

  get fd(): number {
    return this.table.fd;
  }

  get maxEntries(): number {
    return this.table.maxEntries;
  }

  get size(): number {
    return this.table.size;
  }

  /** Key size in bytes (`struct lb4_src_range_key`). */
  get keySize(): number {
    return KEY_BYTES;
  }

  /**
   * Datapath longest-prefix match without allocation: does any range of
   * `revNatId` contain `address` (host-order u32)? Returns the matching
   * entry's CIDR length, or -1.
   */
  matchPrefixLen(revNatId: number, address: number): number {
    const counts = this.lengths.get(revNatId);
    if (counts === undefined) return -1;
    const k = this.table.key;
    for (let len = 32; len >= 0; len--) {
      if (counts[len] === 0) continue;
      k[0] = revNatId | (len << 16);
      k[1] = (address & mask(len)) >>> 0;
      if (this.table.peek() >= 0) return len;
    }
    return -1;
  }

  /** Longest-prefix lookup in readable form (like bpf_map_lookup_elem on the trie). */
  lookup(revNatId: number, address: string): SourceRangeEntry | undefined {
    const addr = parseIPv4(address);
    const len = this.matchPrefixLen(revNatId, addr);
    if (len < 0) return undefined;
    const idx = this.table.peek();
    return {
      key: { revNatId, address: formatIPv4((addr & mask(len)) >>> 0), prefixLen: len },
      value: this.table.valueWord(idx, 0),
    };
  }

  /** Exact-key lookup (the stored range itself). */
  get(key: SourceRangeKey): number | undefined {
    this.setKey(key, "lookup");
    const idx = this.table.peek();
    return idx < 0 ? undefined : this.table.valueWord(idx, 0);
  }

  /**
   * Agent write without allocation: range `address/prefixLen` (host-order
   * u32) for `revNatId`, value 0. Same errors as `update`.
   */
  updateRange(revNatId: number, address: number, prefixLen: number, flags: BpfUpdateFlags = BPF_ANY): void {
    checkUpdateFlags(flags, this.name, this.fd);
    this.setNumericKey(revNatId, address, prefixLen, "update");
    this.write(revNatId, prefixLen, 0, flags);
  }

  /** Agent delete without allocation; false when the range is absent. */
  deleteRange(revNatId: number, address: number, prefixLen: number): boolean {
    this.setNumericKey(revNatId, address, prefixLen, "delete");
    if (!this.table.remove()) return false;
    this.uncount(revNatId, prefixLen);
    return true;
  }

  /**
   * Inserts or replaces a range (host bits beyond the prefix are ignored,
   * like the trie does). Full map: ENOSPC, as the kernel's LPM trie reports.
   */
  update(key: SourceRangeKey, value = 0, flags: BpfUpdateFlags = BPF_ANY): void {
    checkUpdateFlags(flags, this.name, this.fd);
    if (!Number.isInteger(value) || value < 0 || value > 0xff) {
      throw new BpfMapError("EINVAL", this.name, this.fd, "update");
    }
    this.setKey(key, "update");
    this.write(key.revNatId, key.prefixLen, value, flags);
  }

  /** Deletes a range; ENOENT when absent. */
  delete(key: SourceRangeKey): void {
    this.setKey(key, "delete");
    if (!this.table.remove()) throw new BpfMapError("ENOENT", this.name, this.fd, "delete");
    this.uncount(key.revNatId, key.prefixLen);
  }

  /** Ranges sorted by rev-NAT id, then longest prefix first, then address. */
  entries(): SourceRangeEntry[] {
    const t = this.table;
    return t
      .indices()
      .map((idx) => {
        const w0 = t.keyWord(idx, 0);
        return {
          key: { revNatId: w0 & 0xffff, address: formatIPv4(t.keyWord(idx, 1)), prefixLen: w0 >>> 16 },
          value: t.valueWord(idx, 0),
        };
      })
      .sort(
        (a, b) =>
          a.key.revNatId - b.key.revNatId ||
          b.key.prefixLen - a.key.prefixLen ||
          parseIPv4(a.key.address) - parseIPv4(b.key.address),
      );
  }

  /** `struct lb4_src_range_key` bytes: LPM prefixlen (u32), rev_nat_id, pad, address (be32). */
  keyBytes(key: SourceRangeKey): Uint8Array {
    this.setKey(key, "lookup");
    const bytes = new Uint8Array(KEY_BYTES);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, STATIC_PREFIX + key.prefixLen, true);
    view.setUint16(4, key.revNatId, true);
    view.setUint32(8, this.table.key[1] as number, false);
    return bytes;
  }

  /** `bpftool map dump` style lines. */
  dumpHex(): string {
    return this.entries()
      .map((e) => `key: ${hexBytes(this.keyBytes(e.key))}  value: ${hexBytes(Uint8Array.of(e.value))}`)
      .join("\n");
  }

  /** `10.0.0.0/8 (rev_nat_id 3)` per line. */
  dump(): string {
    return this.entries()
      .map((e) => `${e.key.address}/${e.key.prefixLen} rev_nat_id=${e.key.revNatId} => ${e.value}`)
      .join("\n");
  }

  clear(): void {
    this.table.clear();
    this.lengths.clear();
  }

  /** Writes the value of the key already in the scratch row, keeping the per-length counts. */
  private write(revNatId: number, prefixLen: number, value: number, flags: BpfUpdateFlags): void {
    const exists = this.table.peek() >= 0;
    if (!exists && flags !== BPF_EXIST && this.table.size >= this.table.maxEntries) {
      throw new BpfMapError("ENOSPC", this.name, this.fd, "update");
    }
    const idx = this.table.upsert(flags);
    this.table.data[idx * this.table.stride + 2] = value;
    if (!exists) {
      const counts = this.countsFor(revNatId);
      counts[prefixLen] = (counts[prefixLen] as number) + 1;
    }
  }

  private uncount(revNatId: number, prefixLen: number): void {
    const counts = this.countsFor(revNatId);
    counts[prefixLen] = (counts[prefixLen] as number) - 1;
    if (counts.every((c) => c === 0)) this.lengths.delete(revNatId);
  }

  private setKey(key: SourceRangeKey, op: "update" | "delete" | "lookup"): void {
    this.setNumericKey(key.revNatId, parseIPv4(key.address), key.prefixLen, op);
  }

  private setNumericKey(revNatId: number, address: number, prefixLen: number, op: "update" | "delete" | "lookup"): void {
    const validKey =
      Number.isInteger(revNatId) && revNatId >= 0 && revNatId <= 0xffff &&
      Number.isInteger(prefixLen) && prefixLen >= 0 && prefixLen <= 32 &&
      Number.isInteger(address) && address >= 0 && address <= 0xffffffff;
    if (!validKey) throw new BpfMapError("EINVAL", this.name, this.fd, op);
    const k = this.table.key;
    k[0] = revNatId | (prefixLen << 16);
    k[1] = (address & mask(prefixLen)) >>> 0;
  }

  private countsFor(revNatId: number): Uint32Array {
    let counts = this.lengths.get(revNatId);
    if (counts === undefined) {
      counts = new Uint32Array(33);
      this.lengths.set(revNatId, counts);
    }
    return counts;
  }
}
