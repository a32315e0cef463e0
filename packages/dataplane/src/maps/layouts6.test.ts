// The IPv6 structs against bpf/lib/common.h: sizes, byte offsets, and the
// addresses in network order.
import { describe, expect, it } from "vitest";
import { hexBytes } from "./codec";
import { affinity6KeyCodec, backend6ValueCodec, ct6KeyCodec, revNat6ValueCodec, service6KeyCodec, service6ValueCodec } from "./layouts6";

describe("IPv6 map structs", () => {
  it.each([
    [service6KeyCodec, 24],
    [service6ValueCodec, 12],
    [backend6ValueCodec, 24],
    [revNat6ValueCodec, 18],
    [ct6KeyCodec, 38],
    [affinity6KeyCodec, 24],
  ] as const)("%s is %i bytes", (codec, size) => {
    expect(codec.byteSize).toBe(size);
  });

  it("lb6_key: the address in network order, then dport (big-endian), slot, proto, scope", () => {
    const key = { address: "fd00:10:96::b050", dport: 80, backendSlot: 2, proto: 6, scope: 1 };
    expect(hexBytes(service6KeyCodec.toBytes(key))).toBe("fd 00 00 10 00 96 00 00 00 00 00 00 00 00 b0 50 00 50 02 00 06 01 00 00");
    expect(service6KeyCodec.fromBytes(service6KeyCodec.toBytes(key))).toEqual(key);
    const row = new Uint32Array(service6KeyCodec.words);
    service6KeyCodec.pack(key, row, 0);
    expect(service6KeyCodec.unpack(row, 0)).toEqual(key);
  });

  it("ipv6_ct_tuple: daddr, saddr, ports, nexthdr, flags, 10 packed words", () => {
    const key = { daddr: "fd00:10:96::a", saddr: "2001::1", dport: 53, sport: 40000, nexthdr: 17, flags: 4 };
    const bytes = ct6KeyCodec.toBytes(key);
    expect(hexBytes(bytes.subarray(32))).toBe("00 35 9c 40 11 04");
    expect(ct6KeyCodec.words).toBe(10);
    expect(ct6KeyCodec.fromBytes(bytes)).toEqual(key);
  });

  it("rejects an address of the other family", () => {
    expect(() => backend6ValueCodec.toBytes({ address: "10.0.0.1", port: 80, proto: 6, flags: 0, clusterId: 0, zone: 0 })).toThrow(
      "struct lb6_backend.address: expected an IPv6 address string, got 10.0.0.1",
    );
  });
});
