/**
 * A map keyed by address, port and protocol (a backend's L3n4Addr) that
 * builds neither a key string nor a heap number per access: two levels of
 * small-integer keys, port + protocol + the address's top two bits, then the
 * address's low 30 bits. The agent's backend tables and backend id
 * allocation hold one entry per backend of the cluster, so they sit on the
 * from-scratch reconcile path once per backend.
 */
export class L3n4Index<V> {
  private readonly byPort = new Map<number, Map<number, V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(addr: number, port: number, proto: number): V | undefined {
    return this.byPort.get(portKey(addr, port, proto))?.get(addr & 0x3fffffff);
  }

  set(addr: number, port: number, proto: number, value: V): void {
    const pk = portKey(addr, port, proto);
    let inner = this.byPort.get(pk);
    if (inner === undefined) {
      inner = new Map();
      this.byPort.set(pk, inner);
    }
    const before = inner.size;
    inner.set(addr & 0x3fffffff, value);
    this.count += inner.size - before;
  }

  delete(addr: number, port: number, proto: number): boolean {
    const pk = portKey(addr, port, proto);
    const inner = this.byPort.get(pk);
    if (inner === undefined || !inner.delete(addr & 0x3fffffff)) return false;
    if (inner.size === 0) this.byPort.delete(pk);
    this.count--;
    return true;
  }

  *values(): IterableIterator<V> {
    for (const inner of this.byPort.values()) yield* inner.values();
  }
}

/** port (16 bits) | proto (8 bits) | the address's top 2 bits: below 2^26, a small integer. */
function portKey(addr: number, port: number, proto: number): number {
  return (((port << 8) | proto) << 2) | (addr >>> 30);
}
