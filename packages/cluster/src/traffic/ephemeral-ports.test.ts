import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SeededRandom } from "@svclab/sim";
import { EPHEMERAL_HIGH, EPHEMERAL_LOW, EphemeralPorts, TIME_WAIT_SECONDS } from "./ephemeral-ports";

function allocator(seed = 1, range?: [number, number]) {
  let now = 0;
  const ports = new EphemeralPorts(new SeededRandom(seed), () => now, range);
  return { ports, tick: (s: number) => (now += s) };
}

const CLIENT = 0x0af40105;
const VIP = 0x0a600010;

describe("EphemeralPorts (Linux __inet_hash_connect)", () => {
  it("walks up from a per-destination offset in ip_local_port_range, by small even steps", () => {
    const { ports } = allocator();
    const picked = Array.from({ length: 50 }, () => ports.connect(CLIENT, VIP, 80) as number);
    for (const p of picked) expect(p).toBeGreaterThanOrEqual(EPHEMERAL_LOW), expect(p).toBeLessThanOrEqual(EPHEMERAL_HIGH);
    expect(new Set(picked).size).toBe(50);
    // The first pass tries one parity (all picks share it while free ports of it remain).
    expect(new Set(picked.map((p) => p % 2)).size).toBe(1);
    const other = ports.connect(CLIENT, VIP, 443) as number;
    expect(Math.abs(other - (picked[0] as number))).toBeGreaterThan(0);
  });

  it("keeps an actively closed 4-tuple out of reuse for TIME_WAIT, then lets it go", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 300 }), (seed, gaps) => {
        const { ports, tick } = allocator(seed);
        const closedAt = new Map<number, number>();
        let now = 0;
        for (const g of gaps) {
          const p = ports.connect(CLIENT, VIP, 80) as number;
          const last = closedAt.get(p);
          if (last !== undefined) expect(now - last).toBeGreaterThanOrEqual(TIME_WAIT_SECONDS);
          ports.close(CLIENT, p, VIP, 80);
          closedAt.set(p, now);
          now += g;
          tick(g);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("never hands out a connected port, and runs out (EADDRNOTAVAIL) only when every port is taken", () => {
    const { ports, tick } = allocator(7, [40000, 40099]); // a narrow ip_local_port_range
    const size = 100;
    const held = new Set<number>();
    for (let i = 0; i < size; i++) held.add(ports.connect(CLIENT, VIP, 80) as number);
    expect(held.size).toBe(size);
    expect(ports.connect(CLIENT, VIP, 80)).toBeUndefined();
    // Another destination has its own 4-tuples.
    expect(ports.connect(CLIENT, VIP + 1, 80)).toBeDefined();
    ports.abort(CLIENT, 40000, VIP, 80);
    expect(ports.connect(CLIENT, VIP, 80)).toBe(40000);
    ports.close(CLIENT, 40000, VIP, 80);
    expect(ports.connect(CLIENT, VIP, 80)).toBeUndefined();
    tick(TIME_WAIT_SECONDS);
    expect(ports.connect(CLIENT, VIP, 80)).toBe(40000);
  });

  it("forgets TIME_WAIT tuples once they expire, so memory follows the last minute only", () => {
    const { ports, tick } = allocator(3);
    for (let i = 0; i < 10_000; i++) {
      const p = ports.connect(CLIENT + (i % 100), VIP, 80) as number;
      ports.close(CLIENT + (i % 100), p, VIP, 80);
      tick(0.1);
    }
    expect(ports.tuplesHeld()).toBeLessThanOrEqual(2 * 10 * TIME_WAIT_SECONDS + 1);
  });

  it("is reproducible from the seed", () => {
    const a = allocator(5).ports;
    const b = allocator(5).ports;
    const seq = (p: EphemeralPorts) => Array.from({ length: 20 }, (_, i) => p.connect(CLIENT, VIP + (i % 3), 80));
    expect(seq(a)).toEqual(seq(b));
  });
});
