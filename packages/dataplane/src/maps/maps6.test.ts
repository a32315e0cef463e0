// The IPv6 maps: long keys (6 and 10 words) through the hash table's scratch
// path, and their entries in DumpLBMaps form as Cilium's dual-stack script
// test (pkg/loadbalancer/tests/testdata/dualstack.txtar) prints them.
import { describe, expect, it } from "vitest";
import { formatIPv6 } from "@svclab/sim";
import { dumpIPv6LBMaps } from "../dump/lb-maps";
import { BpfMapError } from "./errors";
import { BE_STATE_ACTIVE, LB_ALG_RANDOM, PROTO_TCP, PROTO_UDP, SVC_FLAG_NODEPORT, SVC_FLAG_ROUTABLE, serviceMasterWord } from "./layouts";
import { createIPv6Maps } from "./maps6";

describe("IPv6 maps", () => {
  it("keys of ten words: insert past the initial rows, find, delete, evict the least recently used", () => {
    const { conntrack } = createIPv6Maps({ conntrack: 1000 });
    const key = (i: number) => ({ daddr: "fd00:10:96::a", saddr: formatIPv6([0x20010000, 0, 0, i]), dport: 80, sport: 40000 + (i % 1000), nexthdr: PROTO_TCP, flags: 0 });
    const entry = (i: number) => ({ backendId: i, lifetime: 100, flags: 0, revNatIndex: 1, txFlagsSeen: 0, rxFlagsSeen: 0 });
    for (let i = 0; i < 1000; i++) conntrack.update(key(i), entry(i));
    expect(conntrack.size).toBe(1000);
    for (let i = 0; i < 1000; i += 37) expect(conntrack.lookup(key(i))?.backendId).toBe(i);
    // Keys that differ only past the fourth word are different keys.
    expect(conntrack.lookup({ ...key(5), sport: 1 })).toBeUndefined();
    conntrack.delete(key(3));
    expect(conntrack.has(key(3))).toBe(false);
    expect(() => conntrack.delete(key(3))).toThrow(BpfMapError);
    conntrack.update(key(3), entry(3));
    conntrack.update(key(1000), entry(1000));
    expect(conntrack.size).toBe(1000);
    // LRU: the oldest entry untouched since (key 0) made room.
    expect(conntrack.has(key(0))).toBe(false);
  });

  it("dumps the IPv6 entries of a dual-stack NodePort as Cilium does", () => {
    const maps = createIPv6Maps();
    const np = SVC_FLAG_NODEPORT;
    const master = serviceMasterWord(0, LB_ALG_RANDOM);
    // [::]:30181/TCP (id 1, the surrogate) and [2001::1]:30181/TCP (id 2), backends 1 and 2.
    for (const [address, id, flags] of [["::", 1, np], ["2001::1", 2, np | SVC_FLAG_ROUTABLE]] as const) {
      maps.services.update({ address, dport: 30181, backendSlot: 0, proto: PROTO_TCP, scope: 0 }, { backendId: master, count: 2, revNatIndex: id, flags, flags2: 0, qcount: 0 });
      for (const slot of [1, 2]) {
        maps.services.update({ address, dport: 30181, backendSlot: slot, proto: PROTO_TCP, scope: 0 }, { backendId: slot, count: 0, revNatIndex: id, flags, flags2: 0, qcount: 0 });
      }
      maps.revNat.update(id, { address, port: 30181 });
    }
    maps.backends.update(1, { address: "fd00:10:244:1::247e", port: 80, proto: PROTO_TCP, flags: BE_STATE_ACTIVE, clusterId: 0, zone: 0 });
    maps.backends.update(2, { address: "fd00:10:244:2::a314", port: 69, proto: PROTO_UDP, flags: BE_STATE_ACTIVE, clusterId: 0, zone: 0 });
    expect(dumpIPv6LBMaps(maps)).toEqual([
      "BE: ID=1 ADDR=[fd00:10:244:1::247e]:80/TCP STATE=active",
      "BE: ID=2 ADDR=[fd00:10:244:2::a314]:69/UDP STATE=active",
      "REV: ID=1 ADDR=[::]:30181",
      "REV: ID=2 ADDR=[2001::1]:30181",
      "SVC: ID=1 ADDR=[::]:30181/TCP SLOT=0 LBALG=random AFFTimeout=0 COUNT=2 QCOUNT=0 FLAGS=NodePort+non-routable",
      "SVC: ID=1 ADDR=[::]:30181/TCP SLOT=1 BEID=1 COUNT=0 QCOUNT=0 FLAGS=NodePort+non-routable",
      "SVC: ID=1 ADDR=[::]:30181/TCP SLOT=2 BEID=2 COUNT=0 QCOUNT=0 FLAGS=NodePort+non-routable",
      "SVC: ID=2 ADDR=[2001::1]:30181/TCP SLOT=0 LBALG=random AFFTimeout=0 COUNT=2 QCOUNT=0 FLAGS=NodePort",
      "SVC: ID=2 ADDR=[2001::1]:30181/TCP SLOT=1 BEID=1 COUNT=0 QCOUNT=0 FLAGS=NodePort",
      "SVC: ID=2 ADDR=[2001::1]:30181/TCP SLOT=2 BEID=2 COUNT=0 QCOUNT=0 FLAGS=NodePort",
    ]);
  });
});
