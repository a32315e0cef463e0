import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "@svclab/sim";
import {
  DEFAULT_MAGLEV_HASH_SEED,
  Maglev,
  type MaglevBackend,
  maglevBackendHashString,
  parseMaglevHashSeed,
} from "./maglev";
import { checkMaglevTableSize, MAGLEV_TABLE_SIZES } from "./table-size";

function counts(table: Uint32Array): Map<number, number> {
  const c = new Map<number, number>();
  for (const id of table) c.set(id, (c.get(id) ?? 0) + 1);
  return c;
}

const backends = (n: number, offset = 0): MaglevBackend[] =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1 + offset, address: `10.244.${i >> 8}.${i & 0xff}`, port: 8080, protocol: "TCP" }));

describe("Maglev table size and seed", () => {
  it.each(MAGLEV_TABLE_SIZES)("accepts M = %d", (m) => {
    expect(checkMaglevTableSize(m)).toBe(m);
  });

  it.each([0, 100, 250, 16383, 65537])("rejects M = %d like the agent's flag check", (m) => {
    expect(() => new Maglev({ tableSize: m })).toThrow(
      `Invalid value for --bpf-lb-maglev-table-size: ${m}, supported values are: [251 509 1021 2039 4093 8191 16381 32749 65521 131071]`,
    );
  });

  it("derives the murmur and jhash seeds from the base64 seed, big-endian", () => {
    expect(parseMaglevHashSeed("AAAAAQAAAAIAAAAD")).toEqual({ murmur: 1, jhash0: 2, jhash1: 3 });
    expect(new Maglev().hashSeed).toBe(DEFAULT_MAGLEV_HASH_SEED);
    expect(() => parseMaglevHashSeed("AAAA")).toThrow("decoded hash seed is 3 bytes (not 12 bytes)");
    expect(() => parseMaglevHashSeed("AAAA!AAA")).toThrow(
      'cannot decode base64 Maglev hash seed "AAAA!AAA": illegal base64 data at input byte 4',
    );
    expect(() => parseMaglevHashSeed("AAAAAA")).toThrow(/illegal base64 data at input byte 4/);
  });

  it("hashes backends by Cilium's stable string", () => {
    expect(maglevBackendHashString({ id: 1, address: "10.244.1.1", port: 80, protocol: "TCP" })).toBe(
      "[10.244.1.1:80/TCP,State:active]",
    );
    expect(maglevBackendHashString({ id: 1, address: 0x0af40101, port: 53, protocol: "UDP", scope: "internal" })).toBe(
      "[10.244.1.1:53/UDP/i,State:active]",
    );
  });
});

describe("Maglev lookup table", () => {
  const maglev = new Maglev({ tableSize: 1021 });

  it("reproduces Cilium's weighted table counts (pkg/maglev TestWeightedBackendWithRemoval)", () => {
    const table = maglev.lookupTableFromHashStrings([
      { hashString: "one", weight: 2, id: 0 },
      { hashString: "three", weight: 13, id: 1 },
      { hashString: "two", weight: 111, id: 2 },
      { hashString: "tzwe", weight: 10, id: 3 },
    ]);
    expect([...counts(table).entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [0, 16],
      [1, 98],
      [2, 832],
      [3, 75],
    ]);
  });

  it("moves under 1% of other backends' slots when one of three is removed (pkg/maglev TestBackendRemoval)", () => {
    const all = [
      { hashString: "one", weight: 1, id: 0 },
      { hashString: "three", weight: 1, id: 1 },
      { hashString: "two", weight: 1, id: 2 },
    ];
    const before = maglev.lookupTableFromHashStrings(all);
    const after = maglev.lookupTableFromHashStrings(all.filter((b) => b.hashString !== "two"));
    let changed = 0;
    before.forEach((id, pos) => {
      if (id !== 2 && after[pos] !== id) changed++;
    });
    expect(after.every((id) => id === 0 || id === 1)).toBe(true);
    expect((changed / 1021) * 100).toBeLessThan(1);
  });

  it("is the same whatever the input order or node-local ids order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer(), (n, seed) => {
        const list = backends(n);
        const shuffled = new SeededRandom(seed).shuffle([...list]);
        expect(maglev.getLookupTable(shuffled)).toEqual(maglev.getLookupTable(list));
      }),
      { numRuns: 30 },
    );
  });

  it("fills every slot and spreads equal-weight backends evenly", () => {
    const table = new Maglev().getLookupTable(backends(10));
    expect(table.length).toBe(16381);
    const c = counts(table);
    expect(c.size).toBe(10);
    for (const n of c.values()) expect(Math.abs(n - 1638.1)).toBeLessThanOrEqual(2);
  });

  it("removing one of N backends moves about 1/N of the slots (property)", () => {
    const big = new Maglev({ tableSize: 4093 });
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.nat(), (n, pick) => {
        const list = backends(n);
        const gone = (list[pick % n] as MaglevBackend).id;
        const before = big.getLookupTable(list);
        const after = big.getLookupTable(list.filter((b) => b.id !== gone));
        let moved = 0;
        let movedOthers = 0;
        before.forEach((id, pos) => {
          if (after[pos] !== id) {
            moved++;
            if (id !== gone) movedOthers++;
          }
        });
        expect(after.includes(gone)).toBe(false);
        const ideal = 4093 / n;
        expect(moved).toBeGreaterThanOrEqual(Math.floor(ideal) - 1);
        expect(moved).toBeLessThan(ideal * 1.1 + 4093 * 0.03);
        expect(movedOthers / 4093).toBeLessThan(0.03);
      }),
      { numRuns: 25 },
    );
  });

  it("returns an empty table without backends and rejects bad weights and ids", () => {
    expect(maglev.getLookupTable([]).length).toBe(0);
    expect(() => maglev.getLookupTable([{ id: 1, address: "10.0.0.1", port: 80, protocol: "TCP", weight: -1 }])).toThrow(RangeError);
    expect(() => maglev.getLookupTable([{ id: 0xffffffff, address: "10.0.0.1", port: 80, protocol: "TCP" }])).toThrow(RangeError);
  });
});

describe("Maglev flow hash", () => {
  it("is deterministic, in range, and ignores nothing of the tuple", () => {
    const m = new Maglev();
    const h = m.flowHash(0x0a000001, 40000, 80, 6);
    expect(h).toBe(m.flowHash(0x0a000001, 40000, 80, 6));
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThanOrEqual(0xffffffff);
    const variants = [
      m.flowHash(0x0a000002, 40000, 80, 6),
      m.flowHash(0x0a000001, 40001, 80, 6),
      m.flowHash(0x0a000001, 40000, 81, 6),
      m.flowHash(0x0a000001, 40000, 80, 17),
      new Maglev({ hashSeed: "AAAAAAAAAAAAAAAA" }).flowHash(0x0a000001, 40000, 80, 6),
    ];
    for (const v of variants) expect(v).not.toBe(h);
    expect(m.slotFor(0x0a000001, 40000, 80, 6)).toBe(h % 16381);
  });

  it("spreads flows over the table", () => {
    const m = new Maglev({ tableSize: 251 });
    const hits = new Uint32Array(251);
    for (let port = 0; port < 25100; port++) {
      const s = m.slotFor(0x0a000001, port, 80, 6);
      hits[s] = (hits[s] as number) + 1;
    }
    expect(Math.min(...hits)).toBeGreaterThan(50);
    expect(Math.max(...hits)).toBeLessThan(160);
  });
});
