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

describe("parseIPv4 strictness", () => {
  it.each(["1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4.", "1.2.3.00", "1.2.3.1000", "1.2.3.4 "])("rejects %j", (text) => {
    expect(() => parseIPv4(text)).toThrow(`invalid IPv4 address "${text}"`);
  });

  it.each([
    ["0.0.0.0", 0],
    ["255.255.255.255", 0xffffffff],
    ["10.0.0.10", 0x0a00000a],
    ["192.168.100.200", 0xc0a864c8],
  ])("parses %s", (text, n) => {
    expect(parseIPv4(text)).toBe(n);
  });
});
