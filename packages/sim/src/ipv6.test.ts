import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv6, isIPv6, parseIPv6 } from "./ipv6";

describe("IPv6 helpers", () => {
  // Spellings as Go's netip prints them (the forms in Cilium's dual-stack dumps and kubectl output).
  it.each([
    ["::", "::"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["2001::1", "2001::1"],
    ["FD00:10:96:0:0:0:0:B050", "fd00:10:96::b050"],
    ["fd00:10:244:1::247e", "fd00:10:244:1::247e"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["::ffff:10.96.0.1", "::ffff:10.96.0.1"],
    ["::1.2.3.4", "::102:304"],
    ["fe80::", "fe80::"],
  ])("%s prints as %s", (text, want) => {
    expect(formatIPv6(parseIPv6(text))).toBe(want);
  });

  it("keeps the bytes in network order, one host-order word per four", () => {
    expect(parseIPv6("fd00:10:96::1")).toEqual([0xfd000010, 0x00960000, 0, 1]);
  });

  it.each(["", ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "1.2.3.4", "::1.2.3.4:5", "1.2.3.4::", "fe80::1%eth0", "1:2:3:4:5:6:7::8"])(
    "rejects %j",
    (text) => {
      expect(isIPv6(text)).toBe(false);
      expect(() => parseIPv6(text)).toThrow(`invalid IPv6 address "${text}"`);
    },
  );

  it("round-trips any four words", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }), (w) => {
        expect(parseIPv6(formatIPv6(w))).toEqual(w);
      }),
    );
  });
});
