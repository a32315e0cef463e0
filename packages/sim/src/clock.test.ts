import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { VirtualClock, compareInstants, instantAfter } from "./clock";

const DAY = 86_400;
const YEAR = 365 * DAY;

describe("VirtualClock", () => {
  it("starts at the given second and reports whole seconds like bpf_mono_now()", () => {
    const clock = new VirtualClock(100);
    expect(clock.nowSeconds()).toBe(100);
    expect(clock.nowNs()).toBe(100e9);
    clock.advance(0.999);
    expect(clock.nowSeconds()).toBe(100);
    clock.advanceNs(1e6);
    expect(clock.nowSeconds()).toBe(101);
    expect(clock.now()).toEqual({ sec: 101, nsec: 0 });
  });

  it("keeps nanoseconds exact past 2^53 ns (104 days), where one float64 count would stop", () => {
    const clock = new VirtualClock(105 * DAY);
    clock.advanceNs(1);
    expect(clock.now()).toEqual({ sec: 105 * DAY, nsec: 1 });
    clock.advance(3000 * 3600); // kubectl wait --timeout=3000h
    expect(clock.now()).toEqual({ sec: 105 * DAY + 3000 * 3600, nsec: 1 });
  });

  it("holds for centuries: 500 years of 1 ms steps land on exact seconds and milliseconds", () => {
    const clock = new VirtualClock(500 * YEAR);
    for (let i = 0; i < 1500; i++) clock.advance(0.001);
    expect(clock.nowSeconds()).toBe(500 * YEAR + 1);
    expect(clock.nowMs()).toBe((500 * YEAR + 1) * 1000 + 500);
    expect(clock.now().nsec).toBe(500_000_000);
  });

  it("set() jumps forward and refuses to go backwards, leaving the time unchanged", () => {
    const clock = new VirtualClock();
    clock.set(10);
    expect(clock.nowSeconds()).toBe(10);
    expect(() => clock.set(9)).toThrow(/never goes backwards/);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advanceNs(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Infinity)).toThrow(RangeError);
    expect(() => clock.setInstant({ sec: 11, nsec: 1e9 })).toThrow(RangeError);
    expect(clock.nowSeconds()).toBe(10);
  });

  it("advancing by a then b equals advancing by a + b, to the nanosecond, at any age", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 * YEAR }),
        fc.integer({ min: 0, max: 10 * YEAR }),
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: 0, max: 10 * YEAR }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (start, aSec, aNs, bSec, bNs) => {
          const split = new VirtualClock(start);
          split.advanceNs(aNs);
          split.advance(aSec);
          split.advanceNs(bNs);
          split.advance(bSec);
          const total = aNs + bNs;
          expect(split.now()).toEqual({ sec: start + aSec + bSec + Math.floor(total / 1e9), nsec: total % 1e9 });
          expect(split.nowSeconds()).toBe(split.now().sec);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never goes backwards; nowSeconds() is the whole seconds of the exact time", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 30 * DAY, noNaN: true }), { maxLength: 40 }), (steps) => {
        const clock = new VirtualClock(200 * YEAR);
        let prev = clock.now();
        for (const s of steps) {
          clock.advance(s);
          const now = clock.now();
          expect(compareInstants(now, prev)).toBeGreaterThanOrEqual(0);
          expect(now.nsec).toBeGreaterThanOrEqual(0);
          expect(now.nsec).toBeLessThan(1e9);
          expect(clock.nowSeconds()).toBe(now.sec);
          // The fractional reading is a double: within a microsecond for centuries.
          expect(Math.abs(clock.nowFractional() - now.sec - now.nsec / 1e9)).toBeLessThan(1e-6);
          prev = now;
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("instantAfter", () => {
  it("rounds to the nanosecond, carries into seconds and saturates instead of overflowing", () => {
    expect(instantAfter({ sec: 1, nsec: 999_999_999 }, 1e-9)).toEqual({ sec: 2, nsec: 0 });
    expect(instantAfter({ sec: 0, nsec: 0 }, 0.1)).toEqual({ sec: 0, nsec: 100_000_000 });
    expect(instantAfter({ sec: 5, nsec: 0 }, 1e300)).toEqual({ sec: Number.MAX_SAFE_INTEGER, nsec: 0 });
    expect(instantAfter({ sec: 5, nsec: 0 }, Infinity)).toEqual({ sec: Number.MAX_SAFE_INTEGER, nsec: 0 });
    expect(() => instantAfter({ sec: 5, nsec: 0 }, -1)).toThrow(RangeError);
    expect(() => instantAfter({ sec: 5, nsec: 0 }, Number.NaN)).toThrow(RangeError);
  });
});
