import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isBpfMapError } from "./errors";
import { BPF_ANY, BPF_EXIST, BPF_NOEXIST, BpfHashTable, checkStride, type BpfUpdateFlags } from "./hash-table";

function table(type: "hash" | "lru_hash", maxEntries: number): BpfHashTable {
  return new BpfHashTable({ name: "test_map", type, maxEntries, fd: 9, keyWords: 2, valueWords: 1 });
}

function put(t: BpfHashTable, a: number, b: number, value: number, flags: BpfUpdateFlags = BPF_ANY): number {
  t.key[0] = a;
  t.key[1] = b;
  const idx = t.upsert(flags);
  t.data[idx * t.stride + 2] = value;
  return idx;
}

function get(t: BpfHashTable, a: number, b: number, touch = false): number | undefined {
  t.key[0] = a;
  t.key[1] = b;
  const idx = touch ? t.lookup() : t.peek();
  return idx < 0 ? undefined : t.valueWord(idx, 0);
}

function del(t: BpfHashTable, a: number, b: number): boolean {
  t.key[0] = a;
  t.key[1] = b;
  return t.remove();
}

function keysOf(t: BpfHashTable): number[] {
  return t.indices().map((i) => t.keyWord(i, 0));
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}

describe("BpfHashTable update flags", () => {
  it.each([
    ["BPF_ANY inserts a missing key", BPF_ANY, false, undefined, 2],
    ["BPF_ANY replaces an existing key", BPF_ANY, true, undefined, 2],
    ["BPF_NOEXIST inserts a missing key", BPF_NOEXIST, false, undefined, 2],
    ["BPF_NOEXIST on an existing key fails with EEXIST", BPF_NOEXIST, true, "EEXIST", 1],
    ["BPF_EXIST replaces an existing key", BPF_EXIST, true, undefined, 2],
    ["BPF_EXIST on a missing key fails with ENOENT", BPF_EXIST, false, "ENOENT", undefined],
  ] as const)("%s", (_name, flags, present, code, expected) => {
    const t = table("hash", 4);
    if (present) put(t, 1, 1, 1);
    if (code === undefined) put(t, 1, 1, 2, flags);
    else expect(isBpfMapError(errorOf(() => put(t, 1, 1, 2, flags)), code)).toBe(true);
    expect(get(t, 1, 1)).toBe(expected);
  });

  it("rejects unknown flags with EINVAL", () => {
    const t = table("hash", 4);
    expect(isBpfMapError(errorOf(() => put(t, 1, 1, 1, 7 as BpfUpdateFlags)), "EINVAL")).toBe(true);
    expect(t.size).toBe(0);
  });
});

describe("BpfHashTable capacity", () => {
  it("a full hash map refuses new keys with E2BIG but still replaces existing ones", () => {
    const t = table("hash", 3);
    for (let i = 0; i < 3; i++) put(t, i, 0, i);
    const err = errorOf(() => put(t, 99, 0, 1));
    expect(isBpfMapError(err, "E2BIG")).toBe(true);
    expect((err as Error).message).toBe(
      "Unable to update element for test_map map with file descriptor 9: argument list too long",
    );
    expect((err as { errno: number }).errno).toBe(7);
    put(t, 1, 0, 42);
    expect(get(t, 1, 0)).toBe(42);
    expect(t.size).toBe(3);
    expect(del(t, 0, 0)).toBe(true);
    put(t, 99, 0, 1);
    expect(get(t, 99, 0)).toBe(1);
  });

  it("never holds more than maxEntries and grows storage only up to it", () => {
    const t = table("lru_hash", 1000);
    for (let i = 0; i < 5000; i++) put(t, i, i, i);
    expect(t.size).toBe(1000);
    const rowsBytes = t.byteLength;
    for (let i = 5000; i < 9000; i++) put(t, i, i, i);
    expect(t.byteLength).toBe(rowsBytes);
  });
});

describe("BpfHashTable LRU", () => {
  it("a full LRU map evicts exactly its least recently used entry", () => {
    const t = table("lru_hash", 3);
    put(t, 1, 0, 1);
    put(t, 2, 0, 2);
    put(t, 3, 0, 3);
    get(t, 1, 0, true); // datapath lookup marks 1 used: order (LRU first) 2, 3, 1
    put(t, 4, 0, 4); // evicts 2
    expect(get(t, 2, 0)).toBeUndefined();
    expect([get(t, 1, 0), get(t, 3, 0), get(t, 4, 0)]).toEqual([1, 3, 4]);
    put(t, 3, 0, 33); // update marks 3 used: order 1, 4, 3
    put(t, 5, 0, 5); // evicts 1
    expect(get(t, 1, 0)).toBeUndefined();
    expect(keysOf(t)).toEqual([5, 3, 4]);
  });

  it("syscall-side peeks do not change LRU order", () => {
    const t = table("lru_hash", 2);
    put(t, 1, 0, 1);
    put(t, 2, 0, 2);
    expect(get(t, 1, 0, false)).toBe(1);
    put(t, 3, 0, 3);
    expect(get(t, 1, 0)).toBeUndefined();
    expect(get(t, 2, 0)).toBe(2);
  });

  it("reports the next victim and reuses deleted slots before evicting", () => {
    const t = table("lru_hash", 2);
    put(t, 1, 0, 1);
    put(t, 2, 0, 2);
    expect(t.keyWord(t.leastRecentlyUsed(), 0)).toBe(1);
    expect(del(t, 1, 0)).toBe(true);
    put(t, 3, 0, 3);
    expect([get(t, 2, 0), get(t, 3, 0)]).toEqual([2, 3]);
  });

  it("an insert that evicts hands back the victim's row with the new key and a zeroed value", () => {
    for (const cap of [1, 3]) {
      const t = table("lru_hash", cap);
      for (let k = 1; k <= cap; k++) put(t, k, 7, 100 + k);
      const victim = t.leastRecentlyUsed();
      t.key[0] = 50;
      t.key[1] = 8;
      const idx = t.upsert(BPF_ANY);
      expect(idx).toBe(victim);
      expect([t.keyWord(idx, 0), t.keyWord(idx, 1), t.valueWord(idx, 0)]).toEqual([50, 8, 0]);
      expect(keysOf(t)[0]).toBe(50);
      expect(get(t, 1, 7)).toBeUndefined();
    }
  });
});

describe("BpfHashTable insert after a missed lookup", () => {
  it("places the key correctly whatever was looked up in between", () => {
    const t = table("lru_hash", 64);
    for (let i = 0; i < 40; i++) put(t, i, 0, i);
    expect(get(t, 100, 0, true)).toBeUndefined(); // miss on 100
    expect(get(t, 5, 0, true)).toBe(5); // hit on another key
    expect(get(t, 101, 0, true)).toBeUndefined(); // miss on another key
    put(t, 100, 0, 1000);
    del(t, 3, 0);
    expect(get(t, 102, 0, true)).toBeUndefined();
    put(t, 102, 0, 1002);
    expect([get(t, 100, 0), get(t, 102, 0), get(t, 101, 0), t.size]).toEqual([1000, 1002, undefined, 41]);
  });
});

describe("BpfHashTable delete and iteration", () => {
  it("delete then reinsert works and a missing delete reports false", () => {
    const t = table("hash", 8);
    put(t, 1, 2, 3);
    expect(del(t, 1, 2)).toBe(true);
    expect(del(t, 1, 2)).toBe(false);
    expect(get(t, 1, 2)).toBeUndefined();
    put(t, 1, 2, 4, BPF_NOEXIST);
    expect(get(t, 1, 2)).toBe(4);
  });

  it("iterates every live entry once, deterministically for the same history", () => {
    const build = (): BpfHashTable => {
      const t = table("hash", 64);
      for (let i = 0; i < 50; i++) put(t, i * 7919, i, i);
      for (let i = 0; i < 50; i += 3) del(t, i * 7919, i);
      return t;
    };
    const a = keysOf(build());
    expect(a).toEqual(keysOf(build()));
    expect([...a].sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 3 !== 0).map((i) => i * 7919),
    );
  });

  it("clear() empties the map", () => {
    const t = table("lru_hash", 8);
    for (let i = 0; i < 8; i++) put(t, i, 0, i);
    t.clear();
    expect(t.size).toBe(0);
    expect(t.indices()).toEqual([]);
    put(t, 1, 0, 1);
    expect(get(t, 1, 0)).toBe(1);
  });
});

describe("BpfHashTable against a reference model", () => {
  type Op = { kind: "put" | "get" | "del"; k: number; flags: BpfUpdateFlags };
  const op = fc.record({
    kind: fc.constantFrom("put" as const, "get" as const, "del" as const),
    k: fc.integer({ min: 0, max: 40 }),
    flags: fc.constantFrom(BPF_ANY, BPF_NOEXIST, BPF_EXIST) as fc.Arbitrary<BpfUpdateFlags>,
  });

  it.each(["hash", "lru_hash"] as const)("%s behaves like an exact LRU/hash model", (type) => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 24 }), (ops: Op[], cap) => {
        const t = table(type, cap);
        // Reference: insertion order of a JS Map = recency order (oldest first).
        const model = new Map<number, number>();
        ops.forEach(({ kind, k, flags }, step) => {
          if (kind === "get") {
            const want = model.get(k);
            expect(get(t, k, k ^ 5, true)).toBe(want);
            if (want !== undefined && type === "lru_hash") {
              model.delete(k);
              model.set(k, want);
            }
          } else if (kind === "del") {
            expect(del(t, k, k ^ 5)).toBe(model.delete(k));
          } else {
            const has = model.has(k);
            let code: string | undefined;
            if (flags === BPF_NOEXIST && has) code = "EEXIST";
            else if (flags === BPF_EXIST && !has) code = "ENOENT";
            else if (!has && model.size >= cap && type === "hash") code = "E2BIG";
            if (code !== undefined) {
              expect(isBpfMapError(errorOf(() => put(t, k, k ^ 5, step, flags)), code as "EEXIST")).toBe(true);
            } else {
              if (!has && model.size >= cap) model.delete(model.keys().next().value as number);
              model.delete(k);
              model.set(k, step);
              put(t, k, k ^ 5, step, flags);
            }
          }
          expect(t.size).toBe(model.size);
        });
        for (const [k, v] of model) expect(get(t, k, k ^ 5)).toBe(v);
        if (type === "lru_hash") expect(keysOf(t)).toEqual([...model.keys()].reverse());
      }),
      { numRuns: 150 },
    );
  });

  it("keeps every entry reachable while storage grows with deletes interleaved", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { minLength: 2000, maxLength: 4000 }), (ops) => {
        const t = table("hash", 2500);
        const model = new Map<number, number>();
        ops.forEach(([insert, k], step) => {
          if (insert) {
            put(t, k, 1, step);
            model.set(k, step);
          } else {
            expect(del(t, k, 1)).toBe(model.delete(k));
          }
        });
        expect(t.size).toBe(model.size);
        for (const [k, v] of model) expect(get(t, k, 1)).toBe(v);
      }),
      { numRuns: 5 },
    );
  });

  it.each([2 ** 24, 2 ** 30])(
    "stays correct at a huge capacity, storage and buckets growing with use (max %d)",
    (maxEntries) => {
      // Storage grows on demand, so a huge capacity costs nothing until filled.
      const t = new BpfHashTable({ name: "big", type: "lru_hash", maxEntries, keyWords: 2, valueWords: 1 });
      const model = new Map<number, number>();
      let x = 1;
      for (let step = 0; step < 6000; step++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        const k = x % 1500;
        if (x & 0x10000) {
          expect(del(t, k, 7)).toBe(model.delete(k));
        } else {
          put(t, k, 7, step);
          model.set(k, step);
        }
      }
      expect(t.size).toBe(model.size);
      for (const [k, v] of model) expect(get(t, k, 7)).toBe(v);
    },
  );
});

describe("BpfHashTable key words as arguments", () => {
  it("lookupKey/peekKey/upsertKey find what the scratch-row calls wrote, signed or unsigned", () => {
    const t = new BpfHashTable({ name: "ct", type: "lru_hash", maxEntries: 8, keyWords: 4, valueWords: 1 });
    t.key.set([0x0a600001, 0xac120001, 80 | (40000 << 16), 6]);
    const idx = t.upsert(BPF_ANY);
    // 80 | (40000 << 16) is negative as an int32; the scratch row holds it unsigned.
    expect(t.peekKey(0x0a600001, 0xac120001, 80 | (40000 << 16), 6)).toBe(idx);
    expect(t.peekKey(0x0a600001, 0xac120001, (80 | (40000 << 16)) >>> 0, 6)).toBe(idx);
    expect(t.peekKey(0x0a600001, 0xac120001, 81 | (40000 << 16), 6)).toBe(-1);
    expect(t.upsertKey(BPF_EXIST, 0x0a600001, 0xac120001, 80 | (40000 << 16), 6)).toBe(idx);
    expect(t.size).toBe(1);
    expect(t.removeKey(0x0a600001, 0xac120001, 81 | (40000 << 16), 6)).toBe(false);
    expect(t.removeKey(0x0a600001, 0xac120001, 80 | (40000 << 16), 6)).toBe(true);
    expect(t.size).toBe(0);
    expect(t.peek()).toBe(-1);
  });

  it("ignores words past keyWords", () => {
    const t = new BpfHashTable({ name: "be", type: "hash", maxEntries: 8, keyWords: 1, valueWords: 2 });
    const idx = t.upsertKey(BPF_ANY, 7, 0, 0, 0);
    expect(t.peekKey(7, 123, 456, 789)).toBe(idx);
    t.key[0] = 7;
    expect(t.peek()).toBe(idx);
  });

  it("an insert after a missed lookupKey lands where the next lookup finds it", () => {
    const t = new BpfHashTable({ name: "ct", type: "lru_hash", maxEntries: 2, keyWords: 4, valueWords: 1 });
    for (let i = 0; i < 50; i++) {
      expect(t.lookupKey(1, 2, i, 6)).toBe(-1);
      const idx = t.upsertKey(BPF_ANY, 1, 2, i, 6);
      expect(t.lookupKey(1, 2, i, 6)).toBe(idx);
      if (i > 1) expect(t.peekKey(1, 2, i - 2, 6)).toBe(-1);
    }
    expect(t.size).toBe(2);
  });
});

describe("BpfHashTable options", () => {
  it("refuses keys longer than ten words (ipv6_ct_tuple's) and bucket counts that are not powers of two", () => {
    expect(() => new BpfHashTable({ name: "k", type: "hash", keyWords: 11, valueWords: 1 })).toThrow(/keys must be 1 to 10 u32 words, got 11/);
    expect(() => new BpfHashTable({ name: "b", type: "hash", keyWords: 1, valueWords: 1, bucketsPerEntry: 3 })).toThrow(
      /bucketsPerEntry must be a power of two from 1 to 16, got 3/,
    );
  });

  it("behaves the same whatever the bucket count", () => {
    for (const bucketsPerEntry of [1, 2, 4, 16]) {
      const t = new BpfHashTable({ name: "t", type: "lru_hash", maxEntries: 3, keyWords: 2, valueWords: 1, bucketsPerEntry });
      for (const k of [1, 2, 3, 4]) put(t, k, k ^ 5, k);
      expect(keysOf(t)).toEqual([4, 3, 2]);
    }
  });

  it("checkStride names a map whose accessors assume another row layout", () => {
    const t = table("hash", 4);
    expect(() => checkStride(t, t.stride)).not.toThrow();
    expect(() => checkStride(t, t.stride + 1)).toThrow(/test_map: rows are \d+ words, its accessors assume \d+/);
  });
});
