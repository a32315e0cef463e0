/** cilium_lb4_reverse_nat: rev-NAT index -> the frontend address and port replies are rewritten to. */
import { BpfMap } from "./bpf-map";
import { checkUint } from "./check";
import { BPF_ANY, checkStride, type BpfUpdateFlags, type LbMapOptions } from "./hash-table";
import { type RevNatValue, revNatIndexCodec, revNatValueCodec } from "./layouts";

/** Words per row: key 1, value 2, chain links 2 (BpfHashTable's layout). */
const ROW = 5;

export class RevNatMap extends BpfMap<number, RevNatValue> {
  constructor(options: LbMapOptions = {}) {
    super({
      name: options.name ?? "cilium_lb4_reverse_nat",
      maxEntries: options.maxEntries,
      fd: options.fd,
      type: "hash",
      key: revNatIndexCodec,
      value: revNatValueCodec,
    });
    checkStride(this.table, ROW);
  }

  /** Datapath lookup without allocation: entry index of `revNatIndex` or -1. */
  lookupIndex(revNatIndex: number): number {
    return this.table.peekKey(revNatIndex, 0, 0, 0);
  }

  /** Agent write without allocation; returns the entry index. */
  upsertEntry(revNatIndex: number, address: number, port: number, updateFlags: BpfUpdateFlags = BPF_ANY): number {
    checkUint("rev_nat_index", revNatIndex, 16);
    checkUint("lb4_reverse_nat.address", address, 32);
    checkUint("lb4_reverse_nat.port", port, 16);
    const idx = this.table.upsertKey(updateFlags, revNatIndex, 0, 0, 0);
    this.table.data[idx * ROW + 1] = address;
    this.table.data[idx * ROW + 2] = port;
    return idx;
  }

  /** Agent delete without allocation; false when absent. */
  deleteEntry(revNatIndex: number): boolean {
    return this.table.removeKey(revNatIndex, 0, 0, 0);
  }

  /** Host-order u32 address. */
  address(idx: number): number {
    return this.table.data[idx * ROW + 1] as number;
  }

  port(idx: number): number {
    return (this.table.data[idx * ROW + 2] as number) & 0xffff;
  }
}
