import { describe, expect, it } from "vitest";
import { ConntrackMap, DEFAULT_CT_MAX_ENTRIES } from "./conntrack-map";
import { parseIPv4 } from "@svclab/sim";
import {
  CT_FLAG_RX_CLOSING,
  CT_FLAG_SEEN_NON_SYN,
  CT_FLAG_TX_CLOSING,
  CT_LIFETIME_TCP,
  CT_SYN_TIMEOUT,
  PROTO_TCP,
  TUPLE_F_SERVICE,
} from "./layouts";

const vip = parseIPv4("10.96.0.10");
const client = parseIPv4("10.0.0.1");

describe("ConntrackMap (cilium_ct4_global)", () => {
  it("is an LRU map with Cilium's default size and ct_entry layout", () => {
    const m = new ConntrackMap();
    expect([m.name, m.type, m.maxEntries, m.keySize, m.valueSize]).toEqual(["cilium_ct4_global", "lru_hash", DEFAULT_CT_MAX_ENTRIES, 14, 56]);
    // The agent's defaults (8000 s), not bpf/node_config.h's unit-test 21600.
    expect([CT_LIFETIME_TCP, CT_SYN_TIMEOUT]).toEqual([8000, 60]);
  });

  it("stores the service flow's backend and updates flags in place", () => {
    const m = new ConntrackMap();
    const idx = m.upsertEntry(vip, client, 80, 40000, PROTO_TCP, TUPLE_F_SERVICE, 7, 3, 100 + CT_SYN_TIMEOUT, 0);
    expect(m.lookupIndex(vip, client, 80, 40000, PROTO_TCP, TUPLE_F_SERVICE)).toBe(idx);
    expect(m.lookupIndex(vip, client, 80, 40001, PROTO_TCP, TUPLE_F_SERVICE)).toBe(-1);
    m.setFlags(idx, CT_FLAG_SEEN_NON_SYN | CT_FLAG_TX_CLOSING);
    m.addFlagsSeen(idx, 0x02, 0x12);
    m.addFlagsSeen(idx, 0x10, 0);
    m.setLifetime(idx, 100 + CT_LIFETIME_TCP);
    expect([m.backendId(idx), m.revNatIndex(idx), m.flags(idx), m.txFlagsSeen(idx), m.rxFlagsSeen(idx), m.lifetime(idx)]).toEqual([
      7, 3, CT_FLAG_SEEN_NON_SYN | CT_FLAG_TX_CLOSING, 0x12, 0x12, 100 + CT_LIFETIME_TCP,
    ]);
    expect(m.lookup({ daddr: "10.96.0.10", saddr: "10.0.0.1", dport: 80, sport: 40000, nexthdr: 6, flags: TUPLE_F_SERVICE })).toEqual({
      backendId: 7,
      lifetime: 100 + CT_LIFETIME_TCP,
      flags: CT_FLAG_SEEN_NON_SYN | CT_FLAG_TX_CLOSING,
      revNatIndex: 3,
      txFlagsSeen: 0x12,
      rxFlagsSeen: 0x12,
    });
    m.setBackendId(idx, 8);
    expect(m.backendId(idx)).toBe(8);
    expect(CT_FLAG_RX_CLOSING).toBe(1);
  });

  it("gc drops entries whose lifetime has passed", () => {
    const m = new ConntrackMap();
    m.upsertEntry(vip, client, 80, 1, PROTO_TCP, TUPLE_F_SERVICE, 1, 1, 50, 0);
    m.upsertEntry(vip, client, 80, 2, PROTO_TCP, TUPLE_F_SERVICE, 1, 1, 60, 0);
    m.upsertEntry(vip, client, 80, 3, PROTO_TCP, TUPLE_F_SERVICE, 1, 1, 70, 0);
    expect(m.gc(60)).toBe(1);
    expect(m.keys().map((k) => k.sport).sort()).toEqual([2, 3]);
  });
});
