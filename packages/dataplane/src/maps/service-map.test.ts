import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BackendMap } from "./backend-map";
import { isBpfMapError } from "./errors";
import { BPF_NOEXIST, DEFAULT_MAP_MAX_ENTRIES } from "./hash-table";
import { formatIPv4, parseIPv4 } from "@svclab/sim";
import { BE_STATE_TERMINATING, LB_ALG_RANDOM, PROTO_TCP, serviceMasterWord, SVC_FLAG_AFFINITY } from "./layouts";
import { RevNatMap } from "./revnat-map";
import { ServiceMap } from "./service-map";

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe("ServiceMap (cilium_lb4_services_v2)", () => {
  it("has Cilium's name, sizes and default capacity", () => {
    const m = new ServiceMap();
    expect([m.name, m.type, m.maxEntries, m.keySize, m.valueSize]).toEqual([
      "cilium_lb4_services_v2",
      "hash",
      DEFAULT_MAP_MAX_ENTRIES,
      12,
      12,
    ]);
  });

  it("fast-path writes are visible to readable lookups and back", () => {
    fc.assert(
      fc.property(u32, u16, u16, u8, u8, u32, u16, u16, u8, u8, u16, (addr, dport, slot, proto, scope, word, count, rev, f, f2, q) => {
        const m = new ServiceMap({ maxEntries: 4 });
        const idx = m.upsertEntry(addr, dport, slot, proto, scope, word, count, rev, f, f2, q);
        const key = { address: formatIPv4(addr), dport, backendSlot: slot, proto, scope };
        expect(m.lookup(key)).toEqual({ backendId: word, count, revNatIndex: rev, flags: f, flags2: f2, qcount: q });
        expect(m.lookupIndex(addr, dport, slot, proto, scope)).toBe(idx);
        expect([m.backendId(idx), m.count(idx), m.revNatIndex(idx), m.flags(idx), m.flags2(idx), m.qcount(idx)]).toEqual([
          word, count, rev, f, f2, q,
        ]);
        m.delete(key);
        expect(m.lookupIndex(addr, dport, slot, proto, scope)).toBe(-1);
      }),
      { numRuns: 50 },
    );
  });

  it("reads the master entry's affinity timeout and algorithm", () => {
    const m = new ServiceMap();
    const vip = parseIPv4("10.96.50.104");
    const idx = m.upsertEntry(vip, 80, 0, PROTO_TCP, 0, serviceMasterWord(42, LB_ALG_RANDOM), 1, 1, SVC_FLAG_AFFINITY, 0, 0);
    expect([m.affinityTimeout(idx), m.lbAlgorithm(idx), m.flags(idx)]).toEqual([42, LB_ALG_RANDOM, SVC_FLAG_AFFINITY]);
  });

  it("a full map refuses a new frontend with the agent's E2BIG error and keeps its entries", () => {
    const m = new ServiceMap({ maxEntries: 2, fd: 13 });
    m.upsertEntry(1, 80, 0, PROTO_TCP, 0, 0, 1, 1, 0, 0, 0);
    m.upsertEntry(2, 80, 0, PROTO_TCP, 0, 0, 1, 2, 0, 0, 0);
    expect(() => m.update({ address: "0.0.0.3", dport: 80, backendSlot: 0, proto: PROTO_TCP, scope: 0 }, {
      backendId: 0, count: 1, revNatIndex: 3, flags: 0, flags2: 0, qcount: 0,
    })).toThrow("Unable to update element for cilium_lb4_services_v2 map with file descriptor 13: argument list too long");
    expect(m.size).toBe(2);
    m.upsertEntry(2, 80, 0, PROTO_TCP, 0, 0, 5, 2, 0, 0, 0);
    expect(m.count(m.lookupIndex(2, 80, 0, PROTO_TCP, 0))).toBe(5);
  });

  it("delete of a missing key fails with ENOENT; deleteEntry reports false", () => {
    const m = new ServiceMap({ fd: 5 });
    expect(() => m.delete({ address: "10.0.0.1", dport: 80, backendSlot: 0, proto: 6, scope: 0 })).toThrow(
      "Unable to delete element from cilium_lb4_services_v2 map with file descriptor 5: no such file or directory",
    );
    expect(m.deleteEntry(1, 80, 0, 6, 0)).toBe(false);
  });

  it("BPF_NOEXIST on an existing frontend fails with EEXIST", () => {
    const m = new ServiceMap();
    m.upsertEntry(1, 80, 0, 6, 0, 0, 1, 1, 0, 0, 0);
    let err: unknown;
    try {
      m.upsertEntry(1, 80, 0, 6, 0, 0, 1, 1, 0, 0, 0, BPF_NOEXIST);
    } catch (e) {
      err = e;
    }
    expect(isBpfMapError(err, "EEXIST")).toBe(true);
  });

  it("rejects out-of-range numeric fields and leaves the map unchanged", () => {
    const m = new ServiceMap();
    expect(() => m.upsertEntry(1, 65536, 0, 6, 0, 0, 1, 1, 0, 0, 0)).toThrow(/lb4_key.dport/);
    expect(() => m.upsertEntry(1, 80, 0, 6, 0, 0, 1, 1, 256, 0, 0)).toThrow(/lb4_service.flags/);
    expect(m.size).toBe(0);
  });

  it("dumps entries with C field names and bpftool hex", () => {
    const m = new ServiceMap();
    m.upsertEntry(parseIPv4("10.96.0.10"), 53, 1, 17, 0, 7, 0, 3, 0, 0, 0);
    expect(m.dump()).toBe(
      "address=10.96.0.10 dport=53 backend_slot=1 proto=17 scope=0 => backend_id=7 count=0 rev_nat_index=3 flags=0 flags2=0 qcount=0",
    );
    expect(m.dumpHex()).toBe("key: 0a 60 00 0a 00 35 01 00 11 00 00 00  value: 07 00 00 00 00 00 03 00 00 00 00 00");
  });
});

describe("BackendMap (cilium_lb4_backends_v3) and RevNatMap (cilium_lb4_reverse_nat)", () => {
  it("backend fast path and readable view agree", () => {
    const m = new BackendMap();
    const idx = m.upsertEntry(7, parseIPv4("10.244.1.1"), 8080, PROTO_TCP, BE_STATE_TERMINATING, 3, 2);
    expect(m.lookup(7)).toEqual({ address: "10.244.1.1", port: 8080, proto: 6, flags: 1, clusterId: 3, zone: 2 });
    expect(m.lookupIndex(7)).toBe(idx);
    expect([formatIPv4(m.address(idx)), m.port(idx), m.proto(idx), m.state(idx), m.clusterId(idx), m.zone(idx)]).toEqual([
      "10.244.1.1", 8080, 6, BE_STATE_TERMINATING, 3, 2,
    ]);
    expect(m.name).toBe("cilium_lb4_backends_v3");
    expect(m.deleteEntry(7)).toBe(true);
    expect(m.lookupIndex(7)).toBe(-1);
  });

  it("rev-NAT fast path and readable view agree", () => {
    const m = new RevNatMap();
    m.update(3, { address: "10.96.0.10", port: 53 });
    const idx = m.lookupIndex(3);
    expect([formatIPv4(m.address(idx)), m.port(idx)]).toEqual(["10.96.0.10", 53]);
    m.upsertEntry(4, parseIPv4("10.96.0.11"), 443);
    expect(m.lookup(4)).toEqual({ address: "10.96.0.11", port: 443 });
    expect([m.name, m.keySize, m.valueSize]).toEqual(["cilium_lb4_reverse_nat", 2, 6]);
    expect(() => m.upsertEntry(65536, 0, 0)).toThrow(RangeError);
  });
});
