/**
 * Per-node pod IP allocation from the node's pod CIDR, host-local style:
 * addresses are handed out in order after the last one given (so a deleted
 * pod's address is not reused at once), skipping the network address, the
 * router address (.1, the node's cilium_host) and the broadcast address.
 */
import type { Cidr } from "../net/ip";

export class NodeIpam {
  private readonly used = new Set<number>();
  private last: number;

  constructor(private readonly cidr: Cidr) {
    this.last = cidr.base + 1;
  }

  /** The gateway address of the node's pod network. */
  get router(): number {
    return this.cidr.base + 1;
  }

  allocate(): number {
    const first = this.cidr.base + 2;
    const end = this.cidr.base + this.cidr.size - 1;
    const span = end - first;
    for (let k = 1; k <= span; k++) {
      const ip = first + ((this.last - first + k) % span);
      if (!this.used.has(ip)) {
        this.used.add(ip);
        this.last = ip;
        return ip;
      }
    }
    throw new Error("failed to allocate for range 0: no IP addresses available in range set");
  }

  release(ip: number): void {
    this.used.delete(ip);
  }
}
