import { describe, expect, it } from "vitest";
import { BpfMap } from "./bpf-map";
import { defineScalar, defineStruct } from "./codec";
import { isBpfMapError } from "./errors";
import { BPF_EXIST, BPF_NOEXIST } from "./hash-table";

interface PortKey {
  address: string;
  port: number;
}

const keyCodec = defineStruct<PortKey>("struct port_key", 8, [
  { name: "address", c: "address", type: "ipv4", offset: 0 },
  { name: "port", c: "port", type: "be16", offset: 4 },
]);

function newMap(type: "hash" | "lru_hash", maxEntries = 4): BpfMap<PortKey, number> {
  return new BpfMap({ name: "test_ports", type, maxEntries, fd: 11, key: keyCodec, value: defineScalar("count", "u32") });
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    return isBpfMapError(err) ? err.code : String(err);
  }
  return undefined;
}

describe("BpfMap (generic typed map)", () => {
  it("implements lookup/update/delete with the kernel's flag semantics on readable keys", () => {
    const m = newMap("hash");
    const k = { address: "10.0.0.1", port: 80 };
    expect(m.lookup(k)).toBeUndefined();
    expect(codeOf(() => m.update(k, 1, BPF_EXIST))).toBe("ENOENT");
    m.update(k, 1, BPF_NOEXIST);
    expect(codeOf(() => m.update(k, 2, BPF_NOEXIST))).toBe("EEXIST");
    m.update(k, 3, BPF_EXIST);
    expect([m.lookup(k), m.has(k), m.size]).toEqual([3, true, 1]);
    m.delete(k);
    expect(codeOf(() => m.delete(k))).toBe("ENOENT");
    expect(m.deleteIfExists(k)).toBe(false);
    expect([m.keySize, m.valueSize, m.maxEntries, m.fd]).toEqual([8, 4, 4, 11]);
  });

  it("bad input throws before anything changes", () => {
    const m = newMap("hash");
    m.update({ address: "10.0.0.1", port: 80 }, 1);
    expect(() => m.update({ address: "10.0.0.1", port: 80 }, -1)).toThrow(RangeError);
    expect(() => m.update({ address: "10.0.0.999", port: 80 }, 5)).toThrow(RangeError);
    expect(codeOf(() => m.update({ address: "10.0.0.1", port: 80 }, 5, 3 as never))).toBe("EINVAL");
    expect(m.entries()).toEqual([{ key: { address: "10.0.0.1", port: 80 }, value: 1 }]);
  });

  it("iterates, dumps and clears", () => {
    const m = newMap("lru_hash");
    for (let p = 1; p <= 6; p++) m.update({ address: "10.0.0.1", port: p }, p);
    expect(m.keys().map((k) => k.port)).toEqual([6, 5, 4, 3]);
    expect(m.dump().split("\n")[0]).toBe("address=10.0.0.1 port=6 => 6");
    expect(m.dumpHex().split("\n")[0]).toBe("key: 0a 00 00 01 00 06 00 00  value: 06 00 00 00");
    m.clear();
    expect([m.size, m.entries()]).toEqual([0, []]);
  });
});
