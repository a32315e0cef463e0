/**
 * The storage engine behind every hash map of the model: BPF_MAP_TYPE_HASH
 * and BPF_MAP_TYPE_LRU_HASH semantics over typed arrays.
 *
 * Keys (at most four u32 words) and values are fixed-width rows of u32
 * words (the struct codecs decide the packing). Each entry is one row of
 * `data`, `stride` words long: key words, value words, its bucket-chain
 * links, and (LRU maps) the prev/next links of an intrusive doubly linked
 * recency list, so an entry sits in one or two cache lines. Like the
 * kernel's htab, a power-of-two bucket array heads the chains; each entry
 * also links back to its predecessor (or bucket), so deleting or evicting
 * an entry is O(1) and reads nothing but its own row. An entry's index
 * stays stable until it is deleted or evicted. Marking an entry used or
 * evicting the least recently used one is O(1) and allocates nothing.
 * Storage grows by doubling up to `maxEntries` and never beyond, so memory
 * is bounded by the map's capacity like a kernel map's.
 *
 * Callers with a key of up to four words pass its words as numbers
 * (`lookupKey`, `peekKey`, `upsertKey`, `removeKey`; words past `keyWords`
 * are ignored); codecs pack a key into the scratch row `key` and call
 * `lookup`/`peek`/`upsert`/`remove`, the only path for longer (IPv6) keys. The value of entry `i` is at `data[i * stride + keyWords + j]`.
 * `data` is replaced when the table grows, so read it from the table on
 * every access.
 */
import { fmix32 as simFmix32 } from "@svclab/sim";
import { BpfMapError } from "./errors";

// Bound once: every key hash calls it, and a call through the package barrel
// reads a re-export getter each time.
const fmix32 = simFmix32;

/** Update flags of bpf_map_update_elem(2). */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export type BpfUpdateFlags = typeof BPF_ANY | typeof BPF_NOEXIST | typeof BPF_EXIST;

/** The map types the model implements. */
export type BpfMapType = "hash" | "lru_hash" | "lpm_trie" | "hash_of_maps";

/** Cilium's `--bpf-lb-map-max` default. */
export const DEFAULT_MAP_MAX_ENTRIES = 65536;

const INITIAL_ROWS = 256;
/** Keys up to this many words have the word-argument fast paths; Cilium's IPv4 LB and CT keys all fit. */
const FAST_KEY_WORDS = 4;
/** Longer keys (IPv6: lb6_key 6 words, ipv6_ct_tuple 10) take the scratch-row path only. */
const MAX_KEY_WORDS = 10;
const NIL = -1;

function checkUpsertFlags(t: BpfHashTable, flags: BpfUpdateFlags): void {
  if (flags !== BPF_ANY && flags !== BPF_NOEXIST && flags !== BPF_EXIST) throw new BpfMapError("EINVAL", t.name, t.fd, "update");
}
/** Back link of a free row: no live row links back to an index this large (maxEntries < 2^31). */
const FREE = 0x7fffffff;

let nextFd = 3;

/** Creation options shared by every map of the model. */
export interface BpfMapOptions {
  /** Map name as pinned by Cilium, e.g. "cilium_lb4_services_v2". */
  name: string;
  /** Capacity (max_entries); defaults to 65536. */
  maxEntries?: number;
  /** File descriptor shown in error messages; defaults to a per-process counter from 3. */
  fd?: number;
}

/** Options of the concrete Cilium maps: the name defaults to Cilium's. */
export type LbMapOptions = Partial<BpfMapOptions>;

export interface BpfHashTableOptions extends BpfMapOptions {
  type: "hash" | "lru_hash";
  keyWords: number;
  valueWords: number;
  /**
   * Buckets per entry row, a power of two (the kernel uses one per entry).
   * Every entry a walk passes is a row read, often a cache miss: hash maps
   * default to 4, so a hot service's entries are rarely queued behind cold
   * ones in a map of 100,000 entries (measured: 1.1x the cost of a
   * 10-service map, against 1.4x with 1 or 2); LRU maps default to 1, since
   * the affinity map is held to a memory budget per entry and measured no
   * faster with more. A map whose typical operation is a miss (conntrack:
   * every new flow) sets its own.
   */
  bucketsPerEntry?: number;
}

/** Validates a capacity and returns it. */
function checkMaxEntries(name: string, maxEntries: number): number {
  if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 0x7fffffff) {
    throw new RangeError(`${name}: max_entries must be an integer in [1, 2^31-1], got ${maxEntries}`);
  }
  return maxEntries;
}

/** Allocates the next pseudo file descriptor unless one is given. */
function allocateFd(fd: number | undefined): number {
  return fd ?? nextFd++;
}

/** Guards a map's hard-coded row offsets against a change of the engine's row layout. */
export function checkStride(table: BpfHashTable, stride: number): void {
  if (table.stride !== stride) throw new Error(`${table.name}: rows are ${table.stride} words, its accessors assume ${stride}`);
}

/** Checks an update flag the way the kernel does (EINVAL for anything else). */
export function checkUpdateFlags(flags: number, name: string, fd: number): void {
  if (flags !== BPF_ANY && flags !== BPF_NOEXIST && flags !== BPF_EXIST) {
    throw new BpfMapError("EINVAL", name, fd, "update");
  }
}

/**
 * The key hash: each word multiplied by its own odd constant, summed, then
 * murmur3's finaliser so every key bit reaches the bucket bits. Words past
 * `kw` do not count.
 */
function hashKey(kw: number, k0: number, k1: number, k2: number, k3: number): number {
  let h = (Math.imul(k0, 0x9e3779b1) + kw) | 0;
  if (kw > 1) h = (h + Math.imul(k1, 0x85ebca77)) | 0;
  if (kw > 2) h = (h + Math.imul(k2, 0xc2b2ae3d)) | 0;
  if (kw > 3) h = (h + Math.imul(k3, 0x27d4eb2f)) | 0;
  return fmix32(h);
}

/** The hash of a long key (over FAST_KEY_WORDS words) at `src[at..at+kw]`. */
function hashLongKey(src: Uint32Array, at: number, kw: number): number {
  let h = kw;
  for (let j = 0; j < kw; j++) h = (Math.imul(h ^ (src[at + j] as number), 0x9e3779b1) + j) | 0;
  return fmix32(h);
}

export class BpfHashTable {
  readonly name: string;
  readonly type: "hash" | "lru_hash";
  readonly maxEntries: number;
  readonly keyWords: number;
  readonly valueWords: number;
  /** Words per entry row: key, value, chain next/back, and for LRU maps prev/next links. */
  readonly stride: number;
  readonly fd: number;
  /** Scratch key row: write the key here before lookup/peek/upsert/remove. */
  readonly key: Uint32Array;
  /** Entry rows. Replaced on growth. */
  data: Uint32Array;

  private readonly lru: boolean;
  /** Row offset of the chain's next link; the back link follows it. */
  private readonly nextAt: number;
  /** Row offset of the recency list's prev link (next is +1). */
  private readonly linkAt: number;
  /**
   * Bucket heads (entry index or -1). A chain's back link is the previous
   * entry's index, or -1 - bucket for the first entry.
   */
  private buckets: Int32Array;
  private bucketMask: number;
  private readonly bucketsPerEntry: number;
  private rowsAllocated: number;
  /** Hash of the key at the last find, reused by the insert that follows it. */
  private lastHash = 0;
  /**
   * The key of the last lookup that missed, while nothing changed since:
   * the datapath's "CT lookup missed, create the entry" then skips a walk.
   */
  private miss0 = 0;
  private miss1 = 0;
  private miss2 = 0;
  private miss3 = 0;
  private missHash = 0;
  private missValid = false;
  /**
   * Most recently used entry (LRU maps). The recency list is circular
   * (head.prev is the tail), so making the tail the head, as every
   * eviction does, is a rotation that writes no links.
   */
  private head = NIL;
  /** Least recently used entry (LRU maps). */
  private tail = NIL;
  /** Free entries, chained through their chain-next word. */
  private freeHead = NIL;
  private highWater = 0;
  private count = 0;

  constructor(options: BpfHashTableOptions) {
    this.name = options.name;
    this.type = options.type;
    this.maxEntries = checkMaxEntries(options.name, options.maxEntries ?? DEFAULT_MAP_MAX_ENTRIES);
    if (!Number.isInteger(options.keyWords) || options.keyWords < 1 || options.keyWords > MAX_KEY_WORDS) {
      throw new RangeError(`${options.name}: keys must be 1 to ${MAX_KEY_WORDS} u32 words, got ${options.keyWords}`);
    }
    this.keyWords = options.keyWords;
    this.valueWords = options.valueWords;
    this.lru = options.type === "lru_hash";
    this.nextAt = this.keyWords + this.valueWords;
    this.linkAt = this.nextAt + 2;
    const bpe = options.bucketsPerEntry ?? (this.lru ? 1 : 4);
    if (!Number.isInteger(bpe) || bpe < 1 || bpe > 16 || (bpe & (bpe - 1)) !== 0) {
      throw new RangeError(`${options.name}: bucketsPerEntry must be a power of two from 1 to 16, got ${bpe}`);
    }
    this.bucketsPerEntry = bpe;
    this.stride = this.linkAt + (this.lru ? 2 : 0);
    this.fd = allocateFd(options.fd);
    this.key = new Uint32Array(this.keyWords);
    this.rowsAllocated = Math.min(this.maxEntries, INITIAL_ROWS);
    this.data = new Uint32Array(this.rowsAllocated * this.stride);
    this.bucketMask = 0;
    this.buckets = this.newBuckets();
  }

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /** Datapath lookup of the scratch key: entry index or -1; an LRU hit is marked used. */
  lookup(): number {
    const k = this.key;
    const kw = this.keyWords;
    if (kw > FAST_KEY_WORDS) {
      const idx = this.findLong();
      if (idx >= 0 && this.lru && idx !== this.head) this.moveToFront(idx);
      return idx;
    }
    return this.lookupKey(k[0] as number, kw > 1 ? (k[1] as number) : 0, kw > 2 ? (k[2] as number) : 0, kw > 3 ? (k[3] as number) : 0);
  }

  /** Datapath lookup of the key given as words: entry index or -1; an LRU hit is marked used. */
  lookupKey(k0: number, k1: number, k2: number, k3: number): number {
    const idx = this.find(k0, k1, k2, k3);
    if (idx >= 0 && this.lru && idx !== this.head) this.moveToFront(idx);
    return idx;
  }

  /** Syscall-side lookup (agent, dumps): like `lookup` but never touches LRU order. */
  peek(): number {
    const k = this.key;
    const kw = this.keyWords;
    if (kw > FAST_KEY_WORDS) return this.findLong();
    return this.find(k[0] as number, kw > 1 ? (k[1] as number) : 0, kw > 2 ? (k[2] as number) : 0, kw > 3 ? (k[3] as number) : 0);
  }

  /** `peek` of the key given as words. */
  peekKey(k0: number, k1: number, k2: number, k3: number): number {
    return this.find(k0, k1, k2, k3);
  }

  /**
   * Inserts or updates the scratch key per `flags` and returns its entry
   * index; the caller then writes the value words (a new entry starts
   * zeroed). The entry becomes the most recently used one. Throws EEXIST
   * (NOEXIST on an existing key), ENOENT (EXIST on a missing key), E2BIG
   * (full hash map). A full LRU map evicts its least recently used entry.
   */
  upsert(flags: BpfUpdateFlags): number {
    const k = this.key;
    const kw = this.keyWords;
    if (kw > FAST_KEY_WORDS) {
      checkUpsertFlags(this, flags);
      const existing = this.findLong();
      const idx = this.claimRow(flags, existing);
      if (idx !== existing) {
        this.data.set(k, idx * this.stride);
        this.chain(idx, this.lastHash);
      }
      return idx;
    }
    return this.upsertKey(flags, k[0] as number, kw > 1 ? (k[1] as number) : 0, kw > 2 ? (k[2] as number) : 0, kw > 3 ? (k[3] as number) : 0);
  }

  /** `upsert` of the key given as words. */
  upsertKey(flags: BpfUpdateFlags, k0: number, k1: number, k2: number, k3: number): number {
    checkUpsertFlags(this, flags);
    let existing: number;
    if (this.missValid && this.isLastMiss(k0, k1, k2, k3)) {
      existing = NIL;
      this.lastHash = this.missHash;
    } else {
      existing = this.find(k0, k1, k2, k3);
    }
    const idx = this.claimRow(flags, existing);
    if (idx === existing) return idx;
    const data = this.data;
    const base = idx * this.stride;
    const kw = this.keyWords;
    data[base] = k0;
    if (kw > 1) data[base + 1] = k1;
    if (kw > 2) data[base + 2] = k2;
    if (kw > 3) data[base + 3] = k3;
    this.chain(idx, this.lastHash);
    return idx;
  }

  /** Deletes the scratch key; false when it is absent. */
  remove(): boolean {
    const k = this.key;
    const kw = this.keyWords;
    if (kw > FAST_KEY_WORDS) {
      const idx = this.findLong();
      if (idx < 0) return false;
      this.removeAt(idx);
      return true;
    }
    return this.removeKey(k[0] as number, kw > 1 ? (k[1] as number) : 0, kw > 2 ? (k[2] as number) : 0, kw > 3 ? (k[3] as number) : 0);
  }

  /** `remove` of the key given as words. */
  removeKey(k0: number, k1: number, k2: number, k3: number): boolean {
    const idx = this.find(k0, k1, k2, k3);
    if (idx < 0) return false;
    this.removeAt(idx);
    return true;
  }

  /** Deletes the entry at `idx` (an index returned by lookup/upsert and still live). */
  removeAt(idx: number): void {
    this.missValid = false;
    this.unchain(idx);
    if (this.lru) this.unlink(idx);
    const data = this.data;
    const base = idx * this.stride;
    data.fill(0, base, base + this.stride);
    data[base + this.nextAt] = this.freeHead;
    data[base + this.nextAt + 1] = FREE;
    this.freeHead = idx;
    this.count--;
  }

  /** LRU maps: the entry index that the next insert into a full map would evict, or -1. */
  leastRecentlyUsed(): number {
    return this.lru ? this.tail : NIL;
  }

  /** Key word `word` of entry `idx`. */
  keyWord(idx: number, word: number): number {
    return this.data[idx * this.stride + word] as number;
  }

  /** Value word `word` of entry `idx`. */
  valueWord(idx: number, word: number): number {
    return this.data[idx * this.stride + this.keyWords + word] as number;
  }

  /**
   * Live entry indices in iteration order. Hash maps iterate bucket by
   * bucket like the kernel's get_next_key;
   * LRU maps from most to least recently used. Both are deterministic for
   * a given history.
   */
  indices(): number[] {
    const out: number[] = [];
    if (this.lru) {
      for (let i = this.head, n = this.count; n > 0; i = this.nextOf(i), n--) out.push(i);
      return out;
    }
    const data = this.data;
    const nextAt = this.nextAt;
    for (const first of this.buckets) {
      for (let i = first; i !== NIL; i = (data[i * this.stride + nextAt] as number) | 0) out.push(i);
    }
    return out;
  }

  /** Removes every entry (storage shrinks back to its initial size). */
  clear(): void {
    this.rowsAllocated = Math.min(this.maxEntries, INITIAL_ROWS);
    this.data = new Uint32Array(this.rowsAllocated * this.stride);
    this.buckets = this.newBuckets();
    this.head = this.tail = this.freeHead = NIL;
    this.highWater = 0;
    this.count = 0;
    this.missValid = false;
  }

  /** Bytes held by the typed arrays (for capacity planning and benchmarks). */
  get byteLength(): number {
    return this.data.byteLength + this.buckets.byteLength + this.key.byteLength;
  }

  private find(k0: number, k1: number, k2: number, k3: number): number {
    const kw = this.keyWords;
    const h = hashKey(kw, k0, k1, k2, k3);
    this.lastHash = h;
    const data = this.data;
    const stride = this.stride;
    const nextAt = this.nextAt;
    let i = this.buckets[h & this.bucketMask] as number;
    while (i !== NIL) {
      const base = i * stride;
      // XOR compares the low 32 bits, so callers may pass words as signed or unsigned.
      let d = (data[base] as number) ^ k0;
      if (kw > 1) d |= (data[base + 1] as number) ^ k1;
      if (kw > 2) d |= (data[base + 2] as number) ^ k2;
      if (kw > 3) d |= (data[base + 3] as number) ^ k3;
      if (d === 0) return i;
      i = (data[base + nextAt] as number) | 0;
    }
    this.miss0 = k0;
    this.miss1 = k1;
    this.miss2 = k2;
    this.miss3 = k3;
    this.missHash = h;
    this.missValid = true;
    return NIL;
  }

  /**
   * The row an upsert writes, given the find's result: the existing entry
   * (per the flags), else a new row or, in a full LRU map, the evicted one.
   */
  private claimRow(flags: BpfUpdateFlags, existing: number): number {
    if (existing >= 0) {
      if (flags === BPF_NOEXIST) throw new BpfMapError("EEXIST", this.name, this.fd, "update");
      if (this.lru && existing !== this.head) this.moveToFront(existing);
      return existing;
    }
    if (flags === BPF_EXIST) throw new BpfMapError("ENOENT", this.name, this.fd, "update");
    if (this.count < this.maxEntries) return this.allocateRow();
    if (this.lru) return this.evictTail();
    throw new BpfMapError("E2BIG", this.name, this.fd, "update");
  }

  /** `find` of the scratch key for long keys (no last-miss memo: only the agent writes these maps). */
  private findLong(): number {
    const k = this.key;
    const kw = this.keyWords;
    const h = hashLongKey(k, 0, kw);
    this.lastHash = h;
    const data = this.data;
    const stride = this.stride;
    let i = this.buckets[h & this.bucketMask] as number;
    while (i !== NIL) {
      const base = i * stride;
      let j = 0;
      while (j < kw && data[base + j] === k[j]) j++;
      if (j === kw) return i;
      i = (data[base + this.nextAt] as number) | 0;
    }
    return NIL;
  }

  private isLastMiss(k0: number, k1: number, k2: number, k3: number): boolean {
    const kw = this.keyWords;
    return (
      (this.miss0 ^ k0) === 0 &&
      (kw < 2 || (this.miss1 ^ k1) === 0) &&
      (kw < 3 || (this.miss2 ^ k2) === 0) &&
      (kw < 4 || (this.miss3 ^ k3) === 0)
    );
  }

  /** A zeroed row for a new entry, linked in as the most recently used one. */
  private allocateRow(): number {
    let idx = this.freeHead;
    if (idx !== NIL) {
      this.freeHead = (this.data[idx * this.stride + this.nextAt] as number) | 0;
    } else {
      if (this.highWater === this.rowsAllocated) this.grow();
      idx = this.highWater++;
    }
    if (this.lru) this.pushFront(idx);
    this.count++;
    return idx;
  }

  /**
   * A full LRU map's insert: the least recently used entry leaves its
   * chain and its row, value zeroed, becomes the most recently used entry
   * (the same outcome as removeAt(tail) + a fresh row, without passing the
   * row through the free list).
   */
  private evictTail(): number {
    const idx = this.tail;
    this.unchain(idx);
    this.head = idx;
    this.tail = this.prevOf(idx);
    // A loop, not TypedArray#fill: a builtin call costs more than zeroing a few words.
    const data = this.data;
    const end = idx * this.stride + this.nextAt;
    for (let i = end - this.valueWords; i < end; i++) data[i] = 0;
    return idx;
  }

  /** Pushes entry `idx` (key hash `h`) onto the front of its bucket's chain. */
  private chain(idx: number, h: number): void {
    this.missValid = false;
    const data = this.data;
    const stride = this.stride;
    const at = idx * stride + this.nextAt;
    const b = h & this.bucketMask;
    const first = this.buckets[b] as number;
    data[at] = first;
    data[at + 1] = -1 - b;
    if (first !== NIL) data[first * stride + this.nextAt + 1] = idx;
    this.buckets[b] = idx;
  }

  /** Takes entry `idx` out of its bucket's chain. */
  private unchain(idx: number): void {
    this.missValid = false;
    const data = this.data;
    const stride = this.stride;
    const nextAt = this.nextAt;
    const at = idx * stride + nextAt;
    const next = (data[at] as number) | 0;
    const back = (data[at + 1] as number) | 0;
    if (back < 0) this.buckets[-1 - back] = next;
    else data[back * stride + nextAt] = next;
    if (next !== NIL) data[next * stride + nextAt + 1] = back;
  }

  private grow(): void {
    const rows = Math.min(this.maxEntries, this.rowsAllocated * 2);
    const data = new Uint32Array(rows * this.stride);
    data.set(this.data);
    this.data = data;
    this.rowsAllocated = rows;
    this.buckets = this.newBuckets();
    // Rechain in row order: a sequential pass, where following the old chains would jump around.
    const stride = this.stride;
    const kw = this.keyWords;
    for (let i = 0, b = 0; i < this.highWater; i++, b += stride) {
      if (data[b + this.nextAt + 1] === FREE) continue;
      const h = kw > FAST_KEY_WORDS ? hashLongKey(data, b, kw) : hashKey(kw, data[b] as number, data[b + 1] as number, data[b + 2] as number, data[b + 3] as number);
      this.chain(i, h);
    }
  }

  /** An empty bucket array: `bucketsPerEntry` per allocated row, rounded up to a power of two. */
  private newBuckets(): Int32Array {
    let n = 1;
    while (n < this.rowsAllocated * this.bucketsPerEntry) n *= 2;
    this.bucketMask = n - 1;
    return new Int32Array(n).fill(NIL);
  }

  private nextOf(idx: number): number {
    return this.data[idx * this.stride + this.linkAt + 1] as number;
  }

  private prevOf(idx: number): number {
    return this.data[idx * this.stride + this.linkAt] as number;
  }

  /** Links `idx` between the tail and the head and makes it the head. */
  private pushFront(idx: number): void {
    const data = this.data;
    const stride = this.stride;
    const linkAt = this.linkAt;
    const at = idx * stride + linkAt;
    const head = this.head;
    if (head === NIL) {
      data[at] = idx;
      data[at + 1] = idx;
      this.tail = idx;
    } else {
      const tail = this.tail;
      data[at] = tail;
      data[at + 1] = head;
      data[head * stride + linkAt] = idx;
      data[tail * stride + linkAt + 1] = idx;
    }
    this.head = idx;
  }

  private unlink(idx: number): void {
    const data = this.data;
    const stride = this.stride;
    const linkAt = this.linkAt;
    const at = idx * stride + linkAt;
    const n = data[at + 1] as number;
    if (n === idx) {
      this.head = this.tail = NIL;
      return;
    }
    const p = data[at] as number;
    data[p * stride + linkAt + 1] = n;
    data[n * stride + linkAt] = p;
    if (idx === this.head) this.head = n;
    if (idx === this.tail) this.tail = p;
  }

  private moveToFront(idx: number): void {
    if (idx === this.tail) {
      this.head = idx;
      this.tail = this.prevOf(idx);
      return;
    }
    this.unlink(idx);
    this.pushFront(idx);
  }
}
