import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cidrContains, formatCidr, formatIPv4, parseCidr, parseIPv4, tryParseIPv4 } from "./ip";

describe("IPv4", () => {
  it("round-trips every address", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIPv4(formatIPv4(n)) === n));
  });

  it.each(["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "a.b.c.d", "1.2.3.4 "])(
    "rejects %j",
    (text) => expect(tryParseIPv4(text)).toBeUndefined(),
  );

  it("parses CIDRs and clears host bits", () => {
    const c = parseCidr("10.244.1.7/24");
    expect(formatCidr(c)).toBe("10.244.1.0/24");
    expect(c.size).toBe(256);
    expect(cidrContains(c, parseIPv4("10.244.1.255"))).toBe(true);
    expect(cidrContains(c, parseIPv4("10.244.2.0"))).toBe(false);
    expect(() => parseCidr("10.96.0.0/33")).toThrow("invalid CIDR address: 10.96.0.0/33");
  });
});

describe("tryParseIPv4 against the dataplane's parser", () => {
  it("agrees on every address and rejects noise", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => tryParseIPv4(formatIPv4(n)) === n));
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), (s) => {
        const ours = tryParseIPv4(s);
        return ours === undefined || formatIPv4(ours) === s;
      }),
      { numRuns: 300 },
    );
  });
});
