import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hexBytes, type StructCodec } from "./codec";
import { formatIPv4 } from "@svclab/sim";
import {
  affinityKeyCodec,
  affinityMatchKeyCodec,
  affinityTimeoutOf,
  affinityValueCodec,
  backendIdCodec,
  backendValueCodec,
  ctEntryCodec,
  ctKeyCodec,
  lbAlgorithmOf,
  LB_ALG_MAGLEV,
  revNatIndexCodec,
  revNatValueCodec,
  serviceKeyCodec,
  serviceMasterWord,
  serviceValueCodec,
  u8ValueCodec,
} from "./layouts";

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const ip = u32.map(formatIPv4);

const cases: [string, StructCodec<never>, fc.Arbitrary<unknown>, number][] = [
  ["struct lb4_key", serviceKeyCodec as never, fc.record({ address: ip, dport: u16, backendSlot: u16, proto: u8, scope: u8 }), 12],
  [
    "struct lb4_service",
    serviceValueCodec as never,
    fc.record({ backendId: u32, count: u16, revNatIndex: u16, flags: u8, flags2: u8, qcount: u16 }),
    12,
  ],
  ["backend_id", backendIdCodec as never, u32, 4],
  [
    "struct lb4_backend",
    backendValueCodec as never,
    fc.record({ address: ip, port: u16, proto: u8, flags: u8, clusterId: u16, zone: u8 }),
    12,
  ],
  ["rev_nat_index", revNatIndexCodec as never, u16, 2],
  ["struct lb4_reverse_nat", revNatValueCodec as never, fc.record({ address: ip, port: u16 }), 6],
  [
    "struct lb4_affinity_key",
    affinityKeyCodec as never,
    fc.oneof(
      fc.record({ clientId: u32, revNatId: u16, netnsCookie: fc.constant(false) }),
      fc.record({ clientId: fc.maxSafeNat(), revNatId: u16, netnsCookie: fc.constant(true) }),
    ),
    16,
  ],
  ["struct lb_affinity_val", affinityValueCodec as never, fc.record({ lastUsed: u32, backendId: u32 }), 16],
  ["struct lb_affinity_match", affinityMatchKeyCodec as never, fc.record({ backendId: u32, revNatId: u16 }), 8],
  ["u8 value", u8ValueCodec as never, u8, 1],
  [
    "struct ipv4_ct_tuple",
    ctKeyCodec as never,
    fc.record({ daddr: ip, saddr: ip, dport: u16, sport: u16, nexthdr: u8, flags: u8 }),
    14,
  ],
  [
    "struct ct_entry",
    ctEntryCodec as never,
    fc.record({ backendId: u32, lifetime: u32, flags: u16, revNatIndex: u16, txFlagsSeen: u8, rxFlagsSeen: u8 }),
    56,
  ],
];

describe("struct codecs", () => {
  it.each(cases)("%s round-trips through packed words and C bytes", (_name, codec, arb, size) => {
    expect(codec.byteSize).toBe(size);
    fc.assert(
      fc.property(arb, (value) => {
        const words = new Uint32Array(codec.words + 2);
        codec.pack(value as never, words, 1);
        expect(codec.unpack(words, 1)).toEqual(value);
        const bytes = codec.toBytes(value as never);
        expect(bytes.length).toBe(size);
        expect(codec.fromBytes(bytes)).toEqual(value);
      }),
      { numRuns: 60 },
    );
  });

  it("lays lb4_key out as in bpf/lib/common.h (be32 address, be16 dport, host-order slot)", () => {
    const bytes = serviceKeyCodec.toBytes({ address: "10.96.0.10", dport: 53, backendSlot: 2, proto: 17, scope: 1 });
    expect(hexBytes(bytes)).toBe("0a 60 00 0a 00 35 02 00 11 01 00 00");
  });

  it("lays lb4_affinity_key out as a union: IPv4 in network order, cookie as LE u64", () => {
    expect(hexBytes(affinityKeyCodec.toBytes({ clientId: 0x0a000001, revNatId: 3, netnsCookie: false }))).toBe(
      "0a 00 00 01 00 00 00 00 03 00 00 00 00 00 00 00",
    );
    expect(hexBytes(affinityKeyCodec.toBytes({ clientId: 0x100000002, revNatId: 3, netnsCookie: true }))).toBe(
      "02 00 00 00 01 00 00 00 03 00 01 00 00 00 00 00",
    );
    expect(affinityKeyCodec.format({ clientId: 0x0a000001, revNatId: 3, netnsCookie: false })).toBe(
      "client_ip=10.0.0.1 rev_nat_id=3",
    );
  });

  it("packs the service master word: affinity timeout low 24 bits, algorithm high 8", () => {
    const word = serviceMasterWord(10800, LB_ALG_MAGLEV);
    expect(word).toBe(0x02002a30);
    expect(affinityTimeoutOf(word)).toBe(10800);
    expect(lbAlgorithmOf(word)).toBe(LB_ALG_MAGLEV);
    expect(() => serviceMasterWord(0x1000000, 1)).toThrow(RangeError);
  });

  it("rejects values the C field cannot hold without touching the destination", () => {
    const words = Uint32Array.of(7, 7, 7);
    expect(() =>
      serviceKeyCodec.pack({ address: "10.0.0.1", dport: 70000, backendSlot: 0, proto: 6, scope: 0 }, words, 0),
    ).toThrow(/lb4_key.dport/);
    expect(() =>
      serviceKeyCodec.pack({ address: "10.0.0.300", dport: 80, backendSlot: 0, proto: 6, scope: 0 }, words, 0),
    ).toThrow(/invalid IPv4 address/);
    expect(() => affinityKeyCodec.pack({ clientId: 2 ** 33, revNatId: 1, netnsCookie: false }, words, 0)).toThrow(
      /not an IPv4 address/,
    );
    expect([...words]).toEqual([7, 7, 7]);
  });

  it("formats with C field names", () => {
    expect(backendValueCodec.format({ address: "10.244.1.1", port: 80, proto: 6, flags: 0, clusterId: 0, zone: 0 })).toBe(
      "address=10.244.1.1 port=80 proto=6 flags=0 cluster_id=0 zone=0",
    );
  });
});
