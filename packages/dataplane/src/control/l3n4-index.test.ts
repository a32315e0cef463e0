import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { L3n4Index } from "./l3n4-index";

describe("L3n4Index", () => {
  it("behaves like a Map keyed by address, port and protocol", () => {
    const key = fc.tuple(fc.constantFrom(0, 1, 0x0af40101, 0x3fffffff, 0x40000001, 0xc0000001, 0xffffffff), fc.constantFrom(0, 80, 65535), fc.constantFrom(0, 6, 17, 132));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 200 }), (ops) => {
        const idx = new L3n4Index<string>();
        const model = new Map<string, string>();
        ops.forEach(([insert, [a, p, proto]], step) => {
          const k = `${a}:${p}/${proto}`;
          if (insert) {
            idx.set(a, p, proto, `${k}@${step}`);
            model.set(k, `${k}@${step}`);
          } else {
            expect(idx.delete(a, p, proto)).toBe(model.delete(k));
          }
          expect(idx.size).toBe(model.size);
          expect(idx.get(a, p, proto)).toBe(model.get(k));
        });
        expect([...idx.values()].sort()).toEqual([...model.values()].sort());
      }),
    );
  });
});
