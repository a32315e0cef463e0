/**
 * The storage engine behind every hash map of the model: BPF_MAP_TYPE_HASH
 * and BPF_MAP_TYPE_LRU_HASH semantics over typed arrays.
 *
 * Keys and values are fixed-width rows of u32 words (the struct codecs
 * decide the packing). Each entry is one row of `data`, `stride` words
 * long: key words, then value words, then (LRU maps) the prev/next links of
 * an intrusive doubly linked recency list, so one entry sits in one or two
 * cache lines. An entry's index stays stable until it is deleted or
 * evicted. An open-addressing index (linear probing, backward-shift
 * deletion, so no tombstones) maps key hashes to entry indices; each slot
 * packs, next to the entry index, the entry's distance from its home slot
 * (so deleting, which shifts the rest of the cluster back, scans the index
 * alone without rehashing rows) and spare hash bits as a fingerprint (so a
 * probe rarely reads a row that is not the one sought). Marking an entry used or evicting the
 * least recently used one is O(1) and allocates nothing. Storage grows by
 * doubling up to `maxEntries` and never beyond, so memory is bounded by
 * the map's capacity like a kernel map's.
 *
 * Callers put the key into the scratch row `key`, then call
 * `lookup`/`peek`/`upsert`/`remove`; the value of entry `i` is at
 * `data[i * stride + keyWords + j]`. `data` is replaced when the table
 * grows, so read it from the table on every access.
 */

import { fmix32 } from "../internal/fmix32";
import { BpfMapError } from "./errors";

/** Update flags of bpf_map_update_elem(2). */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export type BpfUpdateFlags = typeof BPF_ANY | typeof BPF_NOEXIST | typeof BPF_EXIST;

/** The map types the model implements. */
export type BpfMapType = "hash" | "lru_hash" | "lpm_trie" | "hash_of_maps";

/** Cilium's `--bpf-lb-map-max` default. */
export const DEFAULT_MAP_MAX_ENTRIES = 65536;

/** Index slots per entry of a hash map: a load factor of 2/3 keeps linear-probe clusters short, at 6 B/entry. */
const SLOTS_PER_ENTRY = 1.5;
/**
 * LRU maps sit at full capacity in steady state and pay a miss, a
 * backward-shift delete and an insert per new key, all proportional to the
 * cluster length: a load factor of 1/2 halves those walks for 2 B/entry more.
 */
const SLOTS_PER_ENTRY_LRU = 2;
const INITIAL_ROWS = 256;
const INV_TWO_POW_32 = 1 / 4294967296;
const NIL = -1;

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

/** Checks an update flag the way the kernel does (EINVAL for anything else). */
export function checkUpdateFlags(flags: number, name: string, fd: number): void {
  if (flags !== BPF_ANY && flags !== BPF_NOEXIST && flags !== BPF_EXIST) {
    throw new BpfMapError("EINVAL", name, fd, "update");
  }
}

/** One murmur3_32 block step over a whole key word. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

const SEED = 0x9747b28c;

export class BpfHashTable {
  readonly name: string;
  readonly type: "hash" | "lru_hash";
  readonly maxEntries: number;
  readonly keyWords: number;
  readonly valueWords: number;
  /** Words per entry row: key, value, and for LRU maps prev/next links. */
  readonly stride: number;
  readonly fd: number;
  /** Scratch key row: write the key here before lookup/peek/upsert/remove. */
  readonly key: Uint32Array;
  /** Entry rows. Replaced on growth. */
  data: Uint32Array;

  private readonly lru: boolean;
  /** Offset of the prev link in a row (next is +1). */
  private readonly linkAt: number;
  /**
   * Index slot (int32) = fingerprint | distance | (entry index + 1), from the
   * high bits down; 0 = empty. The distance saturates at `distMax` (then it
   * is recomputed from the row); the fingerprint is the hash's low bits (the
   * slot comes from its high bits) and shrinks as capacity grows.
   */
  private readonly idxBits: number;
  private readonly idxMask: number;
  private readonly distMax: number;
  private readonly fpShift: number;
  private readonly fpFieldMask: number;
  private rowsAllocated: number;
  private index: Int32Array;
  /** Hash of the scratch key at the last `find`, reused by the insert that follows it. */
  private lastHash = 0;
  /**
   * The key of the last lookup that missed, while nothing changed since:
   * the datapath's "CT lookup missed, create the entry" then skips a probe.
   */
  private readonly missKey: Uint32Array;
  private missHash = 0;
  private missValid = false;
  /**
   * The entry a full LRU map evicts next and its key hash, computed by the
   * previous eviction: reading the least recently used row is a cache miss,
   * taken there off the critical path instead of on the next insert's.
   * Valid while `victim` is still the tail (rows change keys only when
   * evicted or freed, and freeing clears it).
   */
  private victim = NIL;
  private victimHash = 0;
  private slots: number;
  private slotScale: number;
  /**
   * Most recently used entry (LRU maps). The recency list is circular
   * (head.prev is the tail), so making the tail the head, as every
   * eviction does, is a rotation that writes no links.
   */
  private head = NIL;
  /** Least recently used entry (LRU maps). */
  private tail = NIL;
  /** Free entries, chained through their first key word. */
  private freeHead = NIL;
  private highWater = 0;
  private count = 0;

  constructor(options: BpfHashTableOptions) {
    this.name = options.name;
    this.type = options.type;
    this.maxEntries = checkMaxEntries(options.name, options.maxEntries ?? DEFAULT_MAP_MAX_ENTRIES);
    this.keyWords = options.keyWords;
    this.valueWords = options.valueWords;
    this.lru = options.type === "lru_hash";
    this.linkAt = this.keyWords + this.valueWords;
    this.stride = this.linkAt + (this.lru ? 2 : 0);
    this.fd = allocateFd(options.fd);
    this.key = new Uint32Array(this.keyWords);
    this.missKey = new Uint32Array(this.keyWords);
    this.idxBits = Math.max(1, Math.ceil(Math.log2(this.maxEntries + 1)));
    this.idxMask = this.idxBits >= 31 ? 0x7fffffff : (1 << this.idxBits) - 1;
    const distBits = Math.min(8, 32 - this.idxBits);
    this.distMax = (1 << distBits) - 1;
    const fpShift = this.idxBits + distBits;
    // With no bits left for a fingerprint every probe compares the row.
    this.fpShift = fpShift >= 32 ? 0 : fpShift;
    this.fpFieldMask = fpShift >= 32 ? 0 : -1 << fpShift;
    this.rowsAllocated = Math.min(this.maxEntries, INITIAL_ROWS);
    this.data = new Uint32Array(this.rowsAllocated * this.stride);
    this.slots = 0;
    this.slotScale = 0;
    this.index = this.newIndex();
  }

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /** Datapath lookup of the scratch key: entry index or -1; an LRU hit is marked used. */
  lookup(): number {
    const idx = this.find();
    if (idx >= 0 && this.lru && idx !== this.head) this.moveToFront(idx);
    return idx;
  }

  /** Syscall-side lookup (agent, dumps): like `lookup` but never touches LRU order. */
  peek(): number {
    return this.find();
  }

  /**
   * Inserts or updates the scratch key per `flags` and returns its entry
   * index; the caller then writes the value words (a new entry starts
   * zeroed). The entry becomes the most recently used one. Throws EEXIST
   * (NOEXIST on an existing key), ENOENT (EXIST on a missing key), E2BIG
   * (full hash map). A full LRU map evicts its least recently used entry.
   */
  upsert(flags: BpfUpdateFlags): number {
    if (flags !== BPF_ANY && flags !== BPF_NOEXIST && flags !== BPF_EXIST) {
      throw new BpfMapError("EINVAL", this.name, this.fd, "update");
    }
    let existing: number;
    if (this.missValid && this.sameAsMiss()) {
      existing = NIL;
      this.lastHash = this.missHash;
    } else {
      existing = this.find();
    }
    if (existing >= 0) {
      if (flags === BPF_NOEXIST) throw new BpfMapError("EEXIST", this.name, this.fd, "update");
      if (this.lru && existing !== this.head) this.moveToFront(existing);
      return existing;
    }
    if (flags === BPF_EXIST) throw new BpfMapError("ENOENT", this.name, this.fd, "update");
    if (this.count >= this.maxEntries) {
      if (!this.lru) throw new BpfMapError("E2BIG", this.name, this.fd, "update");
      return this.replaceTail();
    }
    return this.insertNew();
  }

  /** Deletes the scratch key; false when it is absent. */
  remove(): boolean {
    const idx = this.find();
    if (idx < 0) return false;
    this.removeAt(idx);
    return true;
  }

  /** Deletes the entry at `idx` (an index returned by lookup/upsert and still live). */
  removeAt(idx: number): void {
    this.missValid = false;
    if (idx === this.victim) this.victim = NIL;
    this.unindex(idx, this.hashRow(idx));
    if (this.lru) this.unlink(idx);
    const data = this.data;
    const base = idx * this.stride;
    for (let i = 1; i < this.stride; i++) data[base + i] = 0;
    data[base] = this.freeHead;
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
   * Live entry indices in iteration order. Hash maps iterate in bucket
   * order like the kernel's get_next_key; LRU maps from most to least
   * recently used. Both are deterministic for a given history.
   */
  indices(): number[] {
    const out: number[] = [];
    if (this.lru) {
      for (let i = this.head, n = this.count; n > 0; i = this.nextOf(i), n--) out.push(i);
      return out;
    }
    const index = this.index;
    for (let s = 0; s < this.slots; s++) {
      const e = (index[s] as number) & this.idxMask;
      if (e !== 0) out.push(e - 1);
    }
    return out;
  }

  /** Removes every entry (storage shrinks back to its initial size). */
  clear(): void {
    this.rowsAllocated = Math.min(this.maxEntries, INITIAL_ROWS);
    this.data = new Uint32Array(this.rowsAllocated * this.stride);
    this.index = this.newIndex();
    this.head = this.tail = this.freeHead = NIL;
    this.highWater = 0;
    this.count = 0;
    this.missValid = false;
    this.victim = NIL;
  }

  /** Bytes held by the typed arrays (for capacity planning and benchmarks). */
  get byteLength(): number {
    return this.data.byteLength + this.index.byteLength + this.key.byteLength;
  }

  private hashScratch(): number {
    const key = this.key;
    let h = SEED;
    for (let i = 0; i < this.keyWords; i++) h = mix(h, key[i] as number);
    return fmix32(h ^ this.keyWords);
  }

  private hashRow(idx: number): number {
    const data = this.data;
    const base = idx * this.stride;
    let h = SEED;
    for (let i = 0; i < this.keyWords; i++) h = mix(h, data[base + i] as number);
    return fmix32(h ^ this.keyWords);
  }

  /**
   * The slot a hash starts probing at, from its high bits: h * slots / 2^32
   * is below `slots` (< 2^31), so `| 0` floors it in one conversion.
   */
  private homeSlot(h: number): number {
    return (h * this.slotScale) | 0;
  }

  private find(): number {
    const h = this.hashScratch();
    this.lastHash = h;
    const fpFieldMask = this.fpFieldMask;
    const fp = (h << this.fpShift) & fpFieldMask;
    const idxMask = this.idxMask;
    const kw = this.keyWords;
    const stride = this.stride;
    const key = this.key;
    const data = this.data;
    const index = this.index;
    const slots = this.slots;
    let s = this.homeSlot(h);
    for (;;) {
      const c = index[s] as number;
      if (c === 0) {
        for (let i = 0; i < kw; i++) this.missKey[i] = key[i] as number;
        this.missHash = h;
        this.missValid = true;
        return NIL;
      }
      if ((c & fpFieldMask) === fp) {
        const idx = (c & idxMask) - 1;
        const base = idx * stride;
        let i = 0;
        while (i < kw && data[base + i] === key[i]) i++;
        if (i === kw) return idx;
      }
      if (++s === slots) s = 0;
    }
  }

  private sameAsMiss(): boolean {
    for (let i = 0; i < this.keyWords; i++) if (this.missKey[i] !== this.key[i]) return false;
    return true;
  }

  private insertNew(): number {
    this.missValid = false;
    let idx = this.freeHead;
    if (idx !== NIL) {
      this.freeHead = (this.data[idx * this.stride] as number) | 0;
    } else {
      if (this.highWater === this.rowsAllocated) this.grow();
      idx = this.highWater++;
    }
    const data = this.data;
    const base = idx * this.stride;
    const key = this.key;
    for (let i = 0; i < this.keyWords; i++) data[base + i] = key[i] as number;
    this.place(idx, this.lastHash);
    if (this.lru) this.pushFront(idx);
    this.count++;
    return idx;
  }

  /**
   * A full LRU map's insert: the least recently used entry's row takes the
   * scratch key (hash `lastHash`) and becomes the most recently used, with
   * the same outcome as removeAt(tail) + insertNew but without passing the
   * row through the free list.
   */
  private replaceTail(): number {
    this.missValid = false;
    const idx = this.tail;
    this.unindex(idx, idx === this.victim ? this.victimHash : this.hashRow(idx));
    this.head = idx;
    this.tail = this.prevOf(idx);
    const data = this.data;
    const base = idx * this.stride;
    const key = this.key;
    const kw = this.keyWords;
    for (let i = 0; i < kw; i++) data[base + i] = key[i] as number;
    for (let i = kw; i < this.linkAt; i++) data[base + i] = 0;
    this.place(idx, this.lastHash);
    this.victim = this.tail;
    this.victimHash = this.hashRow(this.tail);
    return idx;
  }

  /** Puts entry `idx` (hash `h`) into the first empty slot of its probe sequence. */
  private place(idx: number, h: number): void {
    const index = this.index;
    const home = this.homeSlot(h);
    let s = home;
    while (index[s] !== 0) if (++s === this.slots) s = 0;
    const d = s >= home ? s - home : s + this.slots - home;
    index[s] = ((h << this.fpShift) & this.fpFieldMask) | (Math.min(d, this.distMax) << this.idxBits) | (idx + 1);
  }

  /** Removes entry `idx` (key hash `h`) from the index with backward-shift deletion. */
  private unindex(idx: number, h: number): void {
    const index = this.index;
    const slots = this.slots;
    const idxBits = this.idxBits;
    const idxMask = this.idxMask;
    const distMax = this.distMax;
    const distField = distMax << idxBits;
    let s = this.homeSlot(h);
    while (((index[s] as number) & idxMask) !== idx + 1) if (++s === slots) s = 0;
    index[s] = 0;
    let j = s;
    for (;;) {
      if (++j === slots) j = 0;
      const c = index[j] as number;
      if (c === 0) return;
      let d = (c >>> idxBits) & distMax;
      if (d === distMax) {
        const home = this.homeSlot(this.hashRow((c & idxMask) - 1));
        d = j >= home ? j - home : j + slots - home;
      }
      // The entry at j may fill the hole at s when its home is at or before s.
      const gap = j >= s ? j - s : j + slots - s;
      if (d >= gap) {
        index[s] = (c & ~distField) | (Math.min(d - gap, distMax) << idxBits);
        index[j] = 0;
        s = j;
      }
    }
  }

  private grow(): void {
    const rows = Math.min(this.maxEntries, this.rowsAllocated * 2);
    const data = new Uint32Array(rows * this.stride);
    data.set(this.data);
    const live = this.liveRows();
    this.data = data;
    this.rowsAllocated = rows;
    this.index = this.newIndex();
    for (const idx of live) this.place(idx, this.hashRow(idx));
  }

  private liveRows(): number[] {
    const free = new Uint8Array(this.highWater);
    for (let i = this.freeHead; i !== NIL; i = (this.data[i * this.stride] as number) | 0) free[i] = 1;
    const out: number[] = [];
    for (let i = 0; i < this.highWater; i++) if (free[i] === 0) out.push(i);
    return out;
  }

  /** Allocates an empty index sized for the allocated rows. */
  private newIndex(): Int32Array {
    this.slots = Math.ceil(this.rowsAllocated * (this.lru ? SLOTS_PER_ENTRY_LRU : SLOTS_PER_ENTRY)) + 1;
    this.slotScale = this.slots * INV_TWO_POW_32;
    return new Int32Array(this.slots);
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
