import { describe, expect, it } from "vitest";
import { NodeIpam } from "./ipam";
import { formatIPv4, parseCidr } from "../net/ip";

describe("NodeIpam", () => {
  it("hands out .2 upwards and does not reuse a released address at once", () => {
    const ipam = new NodeIpam(parseCidr("10.244.1.0/24"));
    const a = ipam.allocate();
    const b = ipam.allocate();
    expect([a, b].map(formatIPv4)).toEqual(["10.244.1.2", "10.244.1.3"]);
    ipam.release(a);
    expect(formatIPv4(ipam.allocate())).toBe("10.244.1.4");
  });

  it("fails when the range is exhausted", () => {
    const ipam = new NodeIpam(parseCidr("10.244.1.0/29"));
    const got = Array.from({ length: 5 }, () => formatIPv4(ipam.allocate()));
    expect(got).toEqual(["10.244.1.2", "10.244.1.3", "10.244.1.4", "10.244.1.5", "10.244.1.6"]);
    expect(() => ipam.allocate()).toThrow("no IP addresses available");
  });
});
