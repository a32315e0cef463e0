import { describe, expect, it } from "vitest";
import { cidrContains, formatCidr, parseCidr } from "./cidr";
import { parseIPv4 } from "./ipv4";

describe("CIDR blocks", () => {
  it("parses CIDRs and clears host bits", () => {
    const c = parseCidr("10.244.1.7/24");
    expect(formatCidr(c)).toBe("10.244.1.0/24");
    expect(c.size).toBe(256);
    expect(cidrContains(c, parseIPv4("10.244.1.255"))).toBe(true);
    expect(cidrContains(c, parseIPv4("10.244.2.0"))).toBe(false);
  });

  it.each(["10.96.0.0/33", "10.96.0.0", "10.96.0.0/", "10.96.0.0/1.5"])("rejects %j as net.ParseCIDR does", (text) => {
    expect(() => parseCidr(text)).toThrow(`invalid CIDR address: ${text}`);
  });
});
