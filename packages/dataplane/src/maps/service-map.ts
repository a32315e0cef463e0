/**
 * cilium_lb4_services_v2: service frontends and their backend slots.
 * Slot 0 is the master entry (count, qcount, rev-NAT id, flags, affinity
 * timeout and LB algorithm); slots 1..N hold backend ids.
 */
import { BpfMap } from "./bpf-map";
import { checkUint } from "./check";
import { BPF_ANY, checkStride, type BpfUpdateFlags, type LbMapOptions } from "./hash-table";
import { type ServiceKey, type ServiceValue, serviceKeyCodec, serviceValueCodec } from "./layouts";

/** Words per row: key 3, value 3, chain links 2 (BpfHashTable's layout). */
const ROW = 8;

export class ServiceMap extends BpfMap<ServiceKey, ServiceValue> {
  constructor(options: LbMapOptions = {}) {
    super({
      name: options.name ?? "cilium_lb4_services_v2",
      maxEntries: options.maxEntries,
      fd: options.fd,
      type: "hash",
      key: serviceKeyCodec,
      value: serviceValueCodec,
    });
    checkStride(this.table, ROW);
  }

  /**
   * Datapath lookup without allocation: the entry index of
   * {address, dport, backendSlot, proto, scope} or -1. `address` is a
   * host-order u32 (see parseIPv4). Read fields with the accessors below;
   * an index is valid until that entry is deleted.
   */
  lookupIndex(address: number, dport: number, backendSlot: number, proto: number, scope: number): number {
    return this.table.peekKey(address, dport | (backendSlot << 16), proto | (scope << 8), 0);
  }

  /**
   * Agent write without allocation: inserts/updates {address, dport,
   * backendSlot, proto, scope} with its value and returns the entry index.
   * `word` is the backend id on slot entries and serviceMasterWord(timeout,
   * algorithm) on the master. Throws RangeError on out-of-range fields,
   * BpfMapError (E2BIG when full) per the update flags.
   */
  upsertEntry(
    address: number,
    dport: number,
    backendSlot: number,
    proto: number,
    scope: number,
    word: number,
    count: number,
    revNatIndex: number,
    flags: number,
    flags2: number,
    qcount: number,
    updateFlags: BpfUpdateFlags = BPF_ANY,
  ): number {
    checkUint("lb4_key.address", address, 32);
    checkUint("lb4_key.dport", dport, 16);
    checkUint("lb4_key.backend_slot", backendSlot, 16);
    checkUint("lb4_key.proto", proto, 8);
    checkUint("lb4_key.scope", scope, 8);
    checkUint("lb4_service.backend_id", word, 32);
    checkUint("lb4_service.count", count, 16);
    checkUint("lb4_service.rev_nat_index", revNatIndex, 16);
    checkUint("lb4_service.flags", flags, 8);
    checkUint("lb4_service.flags2", flags2, 8);
    checkUint("lb4_service.qcount", qcount, 16);
    const idx = this.table.upsertKey(updateFlags, address, dport | (backendSlot << 16), proto | (scope << 8), 0);
    const v = this.table.data;
    v[idx * ROW + 3] = word;
    v[idx * ROW + 4] = (count | (revNatIndex << 16)) >>> 0;
    v[idx * ROW + 5] = (flags | (flags2 << 8) | (qcount << 16)) >>> 0;
    return idx;
  }

  /** Agent delete without allocation; false when the key is absent. */
  deleteEntry(address: number, dport: number, backendSlot: number, proto: number, scope: number): boolean {
    return this.table.removeKey(address, dport | (backendSlot << 16), proto | (scope << 8), 0);
  }

  /** The union's raw first word (backend id on slot entries). */
  backendId(idx: number): number {
    return this.table.data[idx * ROW + 3] as number;
  }

  /** Master entry: affinity timeout in seconds. */
  affinityTimeout(idx: number): number {
    return (this.table.data[idx * ROW + 3] as number) & 0xffffff;
  }

  /** Master entry: LB algorithm (LB_ALG_*). */
  lbAlgorithm(idx: number): number {
    return (this.table.data[idx * ROW + 3] as number) >>> 24;
  }

  count(idx: number): number {
    return (this.table.data[idx * ROW + 4] as number) & 0xffff;
  }

  revNatIndex(idx: number): number {
    return (this.table.data[idx * ROW + 4] as number) >>> 16;
  }

  flags(idx: number): number {
    return (this.table.data[idx * ROW + 5] as number) & 0xff;
  }

  flags2(idx: number): number {
    return ((this.table.data[idx * ROW + 5] as number) >>> 8) & 0xff;
  }

  qcount(idx: number): number {
    return (this.table.data[idx * ROW + 5] as number) >>> 16;
  }
}
