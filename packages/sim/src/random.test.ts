import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "./random";

const draw = (r: SeededRandom, n: number): number[] => Array.from({ length: n }, () => r.nextU32());

describe("SeededRandom", () => {
  it("replays the same sequence for the same seed", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string()), (seed) => {
        expect(draw(new SeededRandom(seed), 20)).toEqual(draw(new SeededRandom(seed), 20));
      }),
      { numRuns: 50 },
    );
  });

  it("gives different sequences for different seeds", () => {
    expect(draw(new SeededRandom(1), 8)).not.toEqual(draw(new SeededRandom(2), 8));
    expect(draw(new SeededRandom("a"), 8)).not.toEqual(draw(new SeededRandom("b"), 8));
  });

  it("produces u32 values covering the whole range", () => {
    const r = new SeededRandom(7);
    const xs = draw(r, 4000);
    for (const x of xs) expect(Number.isInteger(x) && x >= 0 && x <= 0xffffffff).toBe(true);
    expect(xs.some((x) => x > 0x80000000)).toBe(true);
    expect(xs.some((x) => x < 0x80000000)).toBe(true);
  });

  it("intBelow stays in range and is roughly uniform", () => {
    const r = new SeededRandom("uniform");
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60000; i++) {
      const v = r.intBelow(6);
      counts[v] = (counts[v] as number) + 1;
    }
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(600);
    expect(() => r.intBelow(0)).toThrow(RangeError);
    expect(() => r.intBelow(1.5)).toThrow(RangeError);
  });

  it("fork(label) depends only on the seed and label, not on draws made before", () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    draw(b, 100);
    expect(draw(a.fork("node-1"), 10)).toEqual(draw(b.fork("node-1"), 10));
    expect(draw(a.fork("node-1"), 10)).not.toEqual(draw(a.fork("node-2"), 10));
    expect(draw(a.fork("node-1"), 10)).not.toEqual(draw(new SeededRandom(42), 10));
  });

  it("shuffle permutes, pick chooses members, intBetween is inclusive", () => {
    const r = new SeededRandom(3);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    expect([...r.shuffle([...items])].sort()).toEqual(items);
    expect(items).toContain(r.pick(items));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(r.intBetween(3, 5));
    expect([...seen].sort()).toEqual([3, 4, 5]);
    expect(() => r.pick([])).toThrow(RangeError);
  });
});
