import { describe, expect, it } from "vitest";
import { hexBytes } from "./codec";
import { isBpfMapError } from "./errors";
import { parseIPv4 } from "@svclab/sim";
import { SourceRangeMap } from "./source-range-map";

describe("SourceRangeMap (cilium_lb4_source_range)", () => {
  const m = new SourceRangeMap();
  m.update({ revNatId: 1, address: "10.0.0.0", prefixLen: 8 });
  m.update({ revNatId: 1, address: "10.1.0.0", prefixLen: 16 }, 2);
  m.update({ revNatId: 1, address: "10.1.2.3", prefixLen: 32 }, 3);
  m.update({ revNatId: 2, address: "0.0.0.0", prefixLen: 0 }, 4);

  it.each([
    [1, "10.1.2.3", "10.1.2.3", 32, 3],
    [1, "10.1.2.4", "10.1.0.0", 16, 2],
    [1, "10.200.0.1", "10.0.0.0", 8, 0],
    [1, "11.0.0.1", undefined, -1, undefined],
    [2, "192.168.1.1", "0.0.0.0", 0, 4],
    [3, "10.1.2.3", undefined, -1, undefined],
  ] as const)("rev-NAT %d, client %s matches %s/%d", (rev, addr, prefix, len, value) => {
    expect(m.matchPrefixLen(rev, parseIPv4(addr))).toBe(len);
    const hit = m.lookup(rev, addr);
    if (prefix === undefined) expect(hit).toBeUndefined();
    else expect(hit).toEqual({ key: { revNatId: rev, address: prefix, prefixLen: len }, value });
  });

  it("ignores host bits beyond the prefix and deletes exact ranges", () => {
    const s = new SourceRangeMap();
    s.update({ revNatId: 1, address: "192.168.1.77", prefixLen: 24 });
    expect(s.entries()).toEqual([{ key: { revNatId: 1, address: "192.168.1.0", prefixLen: 24 }, value: 0 }]);
    expect(s.deleteRange(1, parseIPv4("192.168.1.0"), 25)).toBe(false);
    expect(() => s.delete({ revNatId: 1, address: "192.168.1.0", prefixLen: 25 })).toThrow(/no such file or directory/);
    s.updateRange(1, parseIPv4("192.168.0.0"), 16);
    expect(s.deleteRange(1, parseIPv4("192.168.1.5"), 24)).toBe(true);
    expect(s.matchPrefixLen(1, parseIPv4("192.168.1.5"))).toBe(16);
    s.delete({ revNatId: 1, address: "192.168.0.0", prefixLen: 16 });
    expect(s.matchPrefixLen(1, parseIPv4("192.168.1.5"))).toBe(-1);
    expect(s.size).toBe(0);
  });

  it("stores the LPM prefix length over rev_nat_id+pad+address, like struct lb4_src_range_key", () => {
    expect(hexBytes(m.keyBytes({ revNatId: 1, address: "10.1.0.0", prefixLen: 16 }))).toBe("30 00 00 00 01 00 00 00 0a 01 00 00");
  });

  it("rejects bad prefixes with EINVAL and a full trie with ENOSPC, unchanged", () => {
    const s = new SourceRangeMap({ maxEntries: 1 });
    s.update({ revNatId: 1, address: "10.0.0.0", prefixLen: 8 });
    const errs: unknown[] = [];
    for (const f of [
      () => s.update({ revNatId: 1, address: "10.0.0.0", prefixLen: 33 }),
      () => s.update({ revNatId: 1, address: "11.0.0.0", prefixLen: 8 }),
    ]) {
      try {
        f();
      } catch (e) {
        errs.push(e);
      }
    }
    expect(isBpfMapError(errs[0], "EINVAL")).toBe(true);
    expect(isBpfMapError(errs[1], "ENOSPC")).toBe(true);
    s.update({ revNatId: 1, address: "10.0.0.0", prefixLen: 8 }, 5);
    expect(s.entries()).toEqual([{ key: { revNatId: 1, address: "10.0.0.0", prefixLen: 8 }, value: 5 }]);
  });
});
