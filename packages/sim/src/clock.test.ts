import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock";

describe("VirtualClock", () => {
  it("starts at the given second and reports whole seconds like bpf_mono_now()", () => {
    const clock = new VirtualClock(100);
    expect(clock.nowSeconds()).toBe(100);
    expect(clock.nowNs()).toBe(100e9);
    clock.advance(0.999);
    expect(clock.nowSeconds()).toBe(100);
    clock.advanceNs(1e6);
    expect(clock.nowSeconds()).toBe(101);
  });

  it("keeps nanoseconds exact for more than 100 days", () => {
    const clock = new VirtualClock(100 * 86400);
    clock.advanceNs(1);
    expect(clock.nowNs()).toBe(100 * 86400 * 1e9 + 1);
  });

  it("set() jumps forward and refuses to go backwards, leaving the time unchanged", () => {
    const clock = new VirtualClock();
    clock.set(10);
    expect(clock.nowSeconds()).toBe(10);
    expect(() => clock.set(9)).toThrow(/never goes backwards/);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advanceNs(Number.NaN)).toThrow(RangeError);
    expect(clock.nowSeconds()).toBe(10);
  });
});
