import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { IPAllocator, PortAllocator } from "./allocators";
import { formatIPv4, parseCidr, parseIPv4 } from "@svclab/sim";

const firstFree = () => 0;

describe("PortAllocator", () => {
  it("reports the real errors", () => {
    const ports = new PortAllocator(30000, 2768, firstFree);
    expect(() => ports.allocate(8888)).toThrow(
      "provided port is not in the valid range. The range of valid ports is 30000-32767",
    );
    ports.allocate(30080);
    expect(() => ports.allocate(30080)).toThrow("provided port is already allocated");
    ports.release(30080);
    expect(() => ports.allocate(30080)).not.toThrow();
  });

  it("allocates dynamic ports above the static band first, never twice", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), (draws) => {
        let i = 0;
        const ports = new PortAllocator(30000, 100, (n) => (draws[i++ % draws.length] as number) % n);
        const seen = new Set<number>();
        for (let k = 0; k < 100; k++) seen.add(ports.allocateNext());
        expect(() => ports.allocateNext()).toThrow("range is full");
        return seen.size === 100;
      }),
      { numRuns: 20 },
    );
    const ports = new PortAllocator(30000, 2768, firstFree);
    expect(ports.allocateNext()).toBe(30086);
  });
});

describe("IPAllocator", () => {
  it("skips network and broadcast addresses and reports the real errors", () => {
    const ips = new IPAllocator(parseCidr("10.96.0.0/16"), firstFree);
    ips.allocate(parseIPv4("10.96.0.1"));
    expect(() => ips.allocate(parseIPv4("10.96.0.1"))).toThrow("provided IP is already allocated");
    expect(() => ips.allocate(parseIPv4("10.96.0.0"))).toThrow(
      "the provided IP (10.96.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/16",
    );
    expect(() => ips.allocate(parseIPv4("10.11.253.81"))).toThrow("The range of valid IPs is 10.96.0.0/16");
    expect(formatIPv4(ips.allocateNext())).toBe("10.96.1.1");
  });
});
