import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv4, isIPv4, parseIPv4 } from "./ipv4";

describe("IPv4 helpers", () => {
  it("round-trips every u32", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(parseIPv4(formatIPv4(n))).toBe(n);
      }),
    );
  });

  it.each(["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "a.b.c.d", "1.2.3.-4", " 1.2.3.4"])(
    "rejects %j",
    (text) => {
      expect(isIPv4(text)).toBe(false);
      expect(() => parseIPv4(text)).toThrow(RangeError);
    },
  );

  it("parses in host order", () => {
    expect(parseIPv4("10.96.0.1")).toBe(0x0a600001);
  });
});
