import { describe, expect, it } from "vitest";
import { isBpfMapError } from "./errors";
import { MaglevMap } from "./maglev-map";

describe("MaglevMap (cilium_lb4_maglev)", () => {
  it("installs, replaces and deletes a service's table atomically", () => {
    const m = new MaglevMap({ tableSize: 251 });
    const t1 = new Uint32Array(251).fill(1);
    m.update(3, t1);
    t1.fill(9); // the map holds its own copy
    const before = m.lookup(3);
    expect(before?.every((id) => id === 1)).toBe(true);
    m.update(3, new Uint32Array(251).fill(2));
    expect(m.lookup(3)?.[0]).toBe(2);
    expect(before?.[0]).toBe(1);
    expect(m.entries().map((e) => e.revNatIndex)).toEqual([3]);
    m.delete(3);
    expect(m.has(3)).toBe(false);
    expect(() => m.delete(3)).toThrow(/no such file or directory/);
  });

  it("rejects a table of the wrong size with EINVAL and unsupported M at creation", () => {
    const m = new MaglevMap({ tableSize: 251 });
    let err: unknown;
    try {
      m.update(1, new Uint32Array(250));
    } catch (e) {
      err = e;
    }
    expect(isBpfMapError(err, "EINVAL")).toBe(true);
    expect(m.size).toBe(0);
    expect(() => new MaglevMap({ tableSize: 1000 })).toThrow(/--bpf-lb-maglev-table-size/);
    expect(new MaglevMap().tableSize).toBe(16381);
  });

  it("a full outer map refuses another service with E2BIG", () => {
    const m = new MaglevMap({ tableSize: 251, maxEntries: 1 });
    m.update(1, new Uint32Array(251));
    let err: unknown;
    try {
      m.update(2, new Uint32Array(251));
    } catch (e) {
      err = e;
    }
    expect(isBpfMapError(err, "E2BIG")).toBe(true);
  });
});
