/**
 * cilium_lb4_maglev: a hash of maps from rev-NAT index to that service's
 * Maglev lookup table (M backend ids). Like the kernel's map-in-map
 * update, replacing a service's table swaps the whole inner table at once,
 * so a lookup never sees a half-written table.
 */
import { checkMaglevTableSize, DEFAULT_MAGLEV_TABLE_SIZE } from "../maglev/table-size";
import { BpfMapError } from "./errors";
import { BPF_ANY, BpfHashTable, checkUpdateFlags, type BpfUpdateFlags, type LbMapOptions } from "./hash-table";

export interface MaglevMapOptions extends LbMapOptions {
  /** M, the lookup table size (a Cilium-supported prime; default 16381). */
  tableSize?: number;
}

/** One service's table in readable form. */
export interface MaglevMapEntry {
  revNatIndex: number;
  table: Uint32Array;
}

export class MaglevMap {
  readonly type = "hash_of_maps";
  /** M: every inner table has exactly this many backend ids. */
  readonly tableSize: number;
  private readonly outer: BpfHashTable;
  /** Inner tables by outer entry index. */
  private inner: (Uint32Array | undefined)[] = [];

  constructor(options: MaglevMapOptions = {}) {
    this.tableSize = checkMaglevTableSize(options.tableSize ?? DEFAULT_MAGLEV_TABLE_SIZE);
    this.outer = new BpfHashTable({
      name: options.name ?? "cilium_lb4_maglev",
      type: "hash",
      maxEntries: options.maxEntries,
      fd: options.fd,
      keyWords: 1,
      valueWords: 1,
    });
  }

  get name(): string {
    return this.outer.name;
  }

  get fd(): number {
    return this.outer.fd;
  }

  get maxEntries(): number {
    return this.outer.maxEntries;
  }

  get size(): number {
    return this.outer.size;
  }

  /**
   * The service's lookup table (no copy, no allocation), or undefined.
   * Treat it as read-only: `update` installs a fresh table instead of
   * writing into this one.
   */
  lookup(revNatIndex: number): Uint32Array | undefined {
    this.outer.key[0] = revNatIndex;
    const idx = this.outer.peek();
    return idx < 0 ? undefined : this.inner[idx];
  }

  /** Installs a copy of `table` (length M, backend ids) for the service; EINVAL on a wrong length. */
  update(revNatIndex: number, table: ArrayLike<number>, flags: BpfUpdateFlags = BPF_ANY): void {
    checkUpdateFlags(flags, this.name, this.fd);
    if (table.length !== this.tableSize || !Number.isInteger(revNatIndex) || revNatIndex < 0 || revNatIndex > 0xffff) {
      throw new BpfMapError("EINVAL", this.name, this.fd, "update");
    }
    const copy = Uint32Array.from(table);
    this.outer.key[0] = revNatIndex;
    const idx = this.outer.upsert(flags);
    this.inner[idx] = copy;
  }

  /** Removes the service's table; ENOENT when absent. */
  delete(revNatIndex: number): void {
    this.outer.key[0] = revNatIndex;
    const idx = this.outer.peek();
    if (idx < 0) throw new BpfMapError("ENOENT", this.name, this.fd, "delete");
    this.outer.removeAt(idx);
    this.inner[idx] = undefined;
  }

  has(revNatIndex: number): boolean {
    return this.lookup(revNatIndex) !== undefined;
  }

  /** Services with a table, in bucket order. */
  entries(): MaglevMapEntry[] {
    return this.outer.indices().map((idx) => ({
      revNatIndex: this.outer.keyWord(idx, 0),
      table: this.inner[idx] as Uint32Array,
    }));
  }

  clear(): void {
    this.outer.clear();
    this.inner = [];
  }
}
