/**
 * cilium_lb_affinity_match: {backend id, rev-NAT id} pairs of the ACTIVE
 * backends of affinity services. The datapath drops an affinity entry whose
 * pair is missing here (the backend left the service or stopped being active).
 */
import { BpfMap } from "./bpf-map";
import { checkUint } from "./check";
import { BPF_ANY, type BpfUpdateFlags, type LbMapOptions } from "./hash-table";
import { type AffinityMatchKey, affinityMatchKeyCodec, u8ValueCodec } from "./layouts";

export class AffinityMatchMap extends BpfMap<AffinityMatchKey, number> {
  constructor(options: LbMapOptions = {}) {
    super({
      name: options.name ?? "cilium_lb_affinity_match",
      maxEntries: options.maxEntries,
      fd: options.fd,
      type: "hash",
      key: affinityMatchKeyCodec,
      value: u8ValueCodec,
    });
  }

  /** Datapath check without allocation: is {backendId, revNatId} present? */
  contains(backendId: number, revNatId: number): boolean {
    return this.table.peekKey(backendId, revNatId, 0, 0) >= 0;
  }

  /** Agent write without allocation (value 0); returns the entry index. */
  upsertEntry(backendId: number, revNatId: number, updateFlags: BpfUpdateFlags = BPF_ANY): number {
    checkUint("lb_affinity_match.backend_id", backendId, 32);
    checkUint("lb_affinity_match.rev_nat_id", revNatId, 16);
    const idx = this.table.upsertKey(updateFlags, backendId, revNatId, 0, 0);
    this.table.data[idx * this.table.stride + 2] = 0;
    return idx;
  }

  /** Agent delete without allocation; false when absent. */
  deleteEntry(backendId: number, revNatId: number): boolean {
    return this.table.removeKey(backendId, revNatId, 0, 0);
  }
}
