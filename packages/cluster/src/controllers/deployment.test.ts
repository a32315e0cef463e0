import { describe, expect, it } from "vitest";
import { scaledValue } from "./deployment";

describe("scaledValue (intstr.GetScaledValueFromIntOrPercent)", () => {
  it.each([
    [undefined, 3, true, 1],
    [undefined, 3, false, 0],
    ["25%", 10, true, 3],
    ["25%", 10, false, 2],
    [2, 10, true, 2],
    ["5", 10, false, 5],
    ["100%", 4, false, 4],
  ] as const)("%s of %i (round up %s) = %i", (v, total, up, want) => {
    expect(scaledValue(v, total, up, "25%")).toBe(want);
  });
});
