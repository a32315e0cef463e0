/**
 * A typed BPF hash map: the kernel's map API (lookup, update with
 * BPF_ANY/BPF_NOEXIST/BPF_EXIST, delete, iteration) on readable keys and
 * values, stored through struct codecs in a {@link BpfHashTable}. This is
 * the agent-side ("syscall") view used by the control plane and dumps:
 * lookups here never change LRU order. The concrete Cilium maps extend it
 * with allocation-free datapath accessors.
 */
import type { StructCodec } from "./codec";
import { hexBytes } from "./codec";
import { BpfMapError } from "./errors";
import {
  BPF_ANY,
  BpfHashTable,
  checkUpdateFlags,
  type BpfHashTableOptions,
  type BpfMapOptions,
  type BpfUpdateFlags,
} from "./hash-table";

/** One map entry in readable form. */
export interface BpfMapEntry<K, V> {
  key: K;
  value: V;
}

export interface BpfHashMapOptions<K, V> extends BpfMapOptions {
  type: "hash" | "lru_hash";
  /** See {@link BpfHashTableOptions.bucketsPerEntry}. */
  bucketsPerEntry?: number;
  key: StructCodec<K>;
  value: StructCodec<V>;
}

export class BpfMap<K, V> {
  /** The storage engine (exposed for fast paths and memory accounting). */
  readonly table: BpfHashTable;
  readonly keyCodec: StructCodec<K>;
  readonly valueCodec: StructCodec<V>;
  private readonly valueScratch: Uint32Array;

  constructor(options: BpfHashMapOptions<K, V>) {
    this.keyCodec = options.key;
    this.valueCodec = options.value;
    this.table = new BpfHashTable({
      name: options.name,
      type: options.type,
      maxEntries: options.maxEntries,
      fd: options.fd,
      keyWords: options.key.words,
      valueWords: options.value.words,
      bucketsPerEntry: options.bucketsPerEntry,
    });
    this.valueScratch = new Uint32Array(options.value.words);
  }

  get name(): string {
    return this.table.name;
  }

  get type(): "hash" | "lru_hash" {
    return this.table.type;
  }

  get maxEntries(): number {
    return this.table.maxEntries;
  }

  get fd(): number {
    return this.table.fd;
  }

  /** Number of entries. */
  get size(): number {
    return this.table.size;
  }

  /** Key size in bytes (the C struct's sizeof). */
  get keySize(): number {
    return this.keyCodec.byteSize;
  }

  /** Value size in bytes (the C struct's sizeof). */
  get valueSize(): number {
    return this.valueCodec.byteSize;
  }

  /** The value stored under `key`, or undefined (no LRU side effect, like a syscall lookup). */
  lookup(key: K): V | undefined {
    this.keyCodec.pack(key, this.table.key, 0);
    const idx = this.table.peek();
    return idx < 0 ? undefined : this.valueAt(idx);
  }

  /** True when `key` is present. */
  has(key: K): boolean {
    this.keyCodec.pack(key, this.table.key, 0);
    return this.table.peek() >= 0;
  }

  /**
   * bpf_map_update_elem: BPF_ANY inserts or replaces, BPF_NOEXIST only
   * inserts (EEXIST), BPF_EXIST only replaces (ENOENT). A full hash map
   * refuses new keys with E2BIG; a full LRU map evicts its least recently
   * used entry. Bad input throws before anything changes.
   */
  update(key: K, value: V, flags: BpfUpdateFlags = BPF_ANY): void {
    checkUpdateFlags(flags, this.name, this.fd);
    this.valueCodec.pack(value, this.valueScratch, 0);
    this.keyCodec.pack(key, this.table.key, 0);
    const t = this.table;
    const base = t.upsert(flags) * t.stride + t.keyWords;
    for (let i = 0; i < t.valueWords; i++) t.data[base + i] = this.valueScratch[i] as number;
  }

  /** bpf_map_delete_elem: ENOENT when the key is absent. */
  delete(key: K): void {
    this.keyCodec.pack(key, this.table.key, 0);
    if (!this.table.remove()) throw new BpfMapError("ENOENT", this.name, this.fd, "delete");
  }

  /** Deletes `key` if present; returns whether it was. */
  deleteIfExists(key: K): boolean {
    this.keyCodec.pack(key, this.table.key, 0);
    return this.table.remove();
  }

  /** Removes every entry. */
  clear(): void {
    this.table.clear();
  }

  /** All entries in the map's iteration order (see {@link BpfHashTable.indices}). */
  entries(): BpfMapEntry<K, V>[] {
    const t = this.table;
    return t.indices().map((idx) => ({ key: this.keyAt(idx), value: this.valueAt(idx) }));
  }

  /** All keys in iteration order. */
  keys(): K[] {
    return this.table.indices().map((idx) => this.keyAt(idx));
  }

  /** `bpftool map dump` style: one `key: .. value: ..` line of hex bytes per entry. */
  dumpHex(): string {
    return this.entries()
      .map(
        (e) =>
          `key: ${hexBytes(this.keyCodec.toBytes(e.key))}  value: ${hexBytes(this.valueCodec.toBytes(e.value))}`,
      )
      .join("\n");
  }

  /** One line per entry with C field names: `address=... dport=... => backend_id=...`. */
  dump(): string {
    return this.entries()
      .map((e) => `${this.keyCodec.format(e.key)} => ${this.valueCodec.format(e.value)}`)
      .join("\n");
  }

  /** Readable key of the entry at a live entry index (from a fast-path lookup). */
  keyAt(idx: number): K {
    return this.keyCodec.unpack(this.table.data, idx * this.table.stride);
  }

  /** Readable value of the entry at a live entry index (from a fast-path lookup). */
  valueAt(idx: number): V {
    return this.valueCodec.unpack(this.table.data, idx * this.table.stride + this.table.keyWords);
  }
}
