/** cilium_lb4_backends_v3: backend id -> address, port, protocol, state, cluster and zone. */
import { BpfMap } from "./bpf-map";
import { checkUint } from "./check";
import { BPF_ANY, checkStride, type BpfUpdateFlags, type LbMapOptions } from "./hash-table";
import { type BackendValue, backendIdCodec, backendValueCodec } from "./layouts";

/** Words per row: key 1, value 3, chain links 2 (BpfHashTable's layout). */
const ROW = 6;

export class BackendMap extends BpfMap<number, BackendValue> {
  constructor(options: LbMapOptions = {}) {
    super({
      name: options.name ?? "cilium_lb4_backends_v3",
      maxEntries: options.maxEntries,
      fd: options.fd,
      type: "hash",
      key: backendIdCodec,
      value: backendValueCodec,
    });
    checkStride(this.table, ROW);
  }

  /** Datapath lookup without allocation: entry index of backend `id` or -1. */
  lookupIndex(id: number): number {
    return this.table.peekKey(id, 0, 0, 0);
  }

  /** Agent write without allocation (`state` is BE_STATE_*); returns the entry index. */
  upsertEntry(
    id: number,
    address: number,
    port: number,
    proto: number,
    state: number,
    clusterId: number,
    zone: number,
    updateFlags: BpfUpdateFlags = BPF_ANY,
  ): number {
    checkUint("backend_id", id, 32);
    checkUint("lb4_backend.address", address, 32);
    checkUint("lb4_backend.port", port, 16);
    checkUint("lb4_backend.proto", proto, 8);
    checkUint("lb4_backend.flags", state, 8);
    checkUint("lb4_backend.cluster_id", clusterId, 16);
    checkUint("lb4_backend.zone", zone, 8);
    const idx = this.table.upsertKey(updateFlags, id, 0, 0, 0);
    const v = this.table.data;
    v[idx * ROW + 1] = address;
    v[idx * ROW + 2] = (port | (proto << 16) | (state << 24)) >>> 0;
    v[idx * ROW + 3] = (clusterId | (zone << 16)) >>> 0;
    return idx;
  }

  /** Agent delete without allocation; false when absent. */
  deleteEntry(id: number): boolean {
    return this.table.removeKey(id, 0, 0, 0);
  }

  /** Host-order u32 address. */
  address(idx: number): number {
    return this.table.data[idx * ROW + 1] as number;
  }

  port(idx: number): number {
    return (this.table.data[idx * ROW + 2] as number) & 0xffff;
  }

  proto(idx: number): number {
    return ((this.table.data[idx * ROW + 2] as number) >>> 16) & 0xff;
  }

  /** Backend state (BE_STATE_*), stored in `flags`. */
  state(idx: number): number {
    return (this.table.data[idx * ROW + 2] as number) >>> 24;
  }

  clusterId(idx: number): number {
    return (this.table.data[idx * ROW + 3] as number) & 0xffff;
  }

  zone(idx: number): number {
    return ((this.table.data[idx * ROW + 3] as number) >>> 16) & 0xff;
  }
}
