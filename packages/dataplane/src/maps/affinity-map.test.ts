import { describe, expect, it } from "vitest";
import { AffinityMap } from "./affinity-map";
import { AffinityMatchMap } from "./affinity-match-map";
import { parseIPv4 } from "@svclab/sim";

const client = (n: number): number => parseIPv4(`10.0.0.${n}`);

describe("AffinityMap (cilium_lb4_affinity)", () => {
  it("is an LRU hash with Cilium's 16-byte key and value", () => {
    const m = new AffinityMap();
    expect([m.name, m.type, m.maxEntries, m.keySize, m.valueSize]).toEqual(["cilium_lb4_affinity", "lru_hash", 65536, 16, 16]);
  });

  it("get+refresh: reads backend and last_used, then writes last_used = now", () => {
    const m = new AffinityMap();
    m.upsertEntry(client(1), 5, false, 9, 100);
    const idx = m.lookupIndex(client(1), 5, false);
    expect([m.backendId(idx), m.lastUsed(idx)]).toEqual([9, 100]);
    m.refresh(idx, 130);
    expect(m.lookup({ clientId: client(1), revNatId: 5, netnsCookie: false })).toEqual({ lastUsed: 130, backendId: 9 });
  });

  it("keys netns cookies beyond 32 bits by all their bits, on the fast path and through the codec alike", () => {
    const m = new AffinityMap();
    const cookie = 2 ** 40 + 7;
    m.upsertEntry(cookie, 3, true, 11, 50);
    expect(m.lookupIndex(7, 3, true)).toBe(-1);
    expect(m.lookupIndex(2 ** 41 + 7, 3, true)).toBe(-1);
    expect(m.backendId(m.lookupIndex(cookie, 3, true))).toBe(11);
    expect(m.lookup({ clientId: cookie, revNatId: 3, netnsCookie: true })).toEqual({ lastUsed: 50, backendId: 11 });
    m.update({ clientId: 2 ** 41 + 7, revNatId: 3, netnsCookie: true }, { lastUsed: 60, backendId: 12 });
    expect(m.backendId(m.lookupIndex(2 ** 41 + 7, 3, true))).toBe(12);
    expect(m.size).toBe(2);
  });

  it("keeps client IPs, netns cookies and rev-NAT ids apart", () => {
    const m = new AffinityMap();
    m.upsertEntry(client(1), 5, false, 1, 0);
    m.upsertEntry(client(1), 5, true, 2, 0);
    m.upsertEntry(client(1), 6, false, 3, 0);
    m.upsertEntry(2 ** 40 + client(1), 5, true, 4, 0);
    expect(m.size).toBe(4);
    expect(m.backendId(m.lookupIndex(client(1), 5, true))).toBe(2);
    expect(m.backendId(m.lookupIndex(2 ** 40 + client(1), 5, true))).toBe(4);
    expect(m.lookup({ clientId: 2 ** 40 + client(1), revNatId: 5, netnsCookie: true })).toEqual({ lastUsed: 0, backendId: 4 });
  });

  it("a full map evicts exactly the least recently used client; datapath lookups count as use", () => {
    const m = new AffinityMap({ maxEntries: 3 });
    for (let i = 1; i <= 3; i++) m.upsertEntry(client(i), 1, false, i, i);
    m.lookupIndex(client(1), 1, false);
    m.upsertEntry(client(4), 1, false, 4, 4);
    expect(m.lookupIndex(client(2), 1, false)).toBe(-1);
    // Iteration runs from most to least recently used.
    expect(m.keys().map((k) => k.clientId)).toEqual([client(4), client(1), client(3)]);
    m.upsertEntry(client(5), 1, false, 5, 5);
    expect(m.lookupIndex(client(3), 1, false)).toBe(-1);
    expect(m.size).toBe(3);
  });

  it("agent-side lookups do not refresh recency", () => {
    const m = new AffinityMap({ maxEntries: 2 });
    m.upsertEntry(client(1), 1, false, 1, 1);
    m.upsertEntry(client(2), 1, false, 2, 2);
    expect(m.lookup({ clientId: client(1), revNatId: 1, netnsCookie: false })).toBeDefined();
    m.upsertEntry(client(3), 1, false, 3, 3);
    expect(m.lookup({ clientId: client(1), revNatId: 1, netnsCookie: false })).toBeUndefined();
  });

  it("deleteAt removes an expired entry found by the datapath", () => {
    const m = new AffinityMap();
    m.upsertEntry(client(1), 1, false, 1, 1);
    m.deleteAt(m.lookupIndex(client(1), 1, false));
    expect(m.size).toBe(0);
    expect(m.lookupIndex(client(1), 1, false)).toBe(-1);
  });
});

describe("AffinityMatchMap (cilium_lb_affinity_match)", () => {
  it("answers whether a backend is still active for a service", () => {
    const m = new AffinityMatchMap();
    m.upsertEntry(7, 3);
    m.update({ backendId: 8, revNatId: 3 }, 0);
    expect([m.contains(7, 3), m.contains(8, 3), m.contains(7, 4)]).toEqual([true, true, false]);
    expect(m.deleteEntry(7, 3)).toBe(true);
    expect(m.contains(7, 3)).toBe(false);
    expect([m.name, m.keySize, m.valueSize]).toEqual(["cilium_lb_affinity_match", 8, 1]);
  });
});
