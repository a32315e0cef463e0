/**
 * Cilium's local id allocator (pkg/loadbalancer/reconciler/id_allocator.go):
 * ids are handed out from a rolling cursor, so a released id is not reused
 * until the cursor wraps around. Service ids (= rev-NAT indexes) are keyed by
 * frontend address+port+proto+scope and live in [1, 0xFFFF); backend ids are
 * keyed by backend address+port+proto and live in [1, 0xFFFFFFFF). Id 0 means
 * "none" to the datapath and is never allocated.
 */

export const FIRST_SERVICE_ID = 1;
/** Exclusive upper bound, as maxSetOfServiceID in Cilium. */
export const MAX_SERVICE_ID = 0xffff;
export const FIRST_BACKEND_ID = 1;
export const MAX_BACKEND_ID = 0xffffffff;

/** The rolling cursor both allocators share: the next free id after the last one handed out. */
class IdCursor {
  private nextId: number;

  constructor(
    private readonly firstId: number,
    private readonly maxId: number,
  ) {
    this.nextId = firstId;
  }

  /** The first id from the cursor on, wrapping around once, that `isFree` accepts. */
  take(isFree: (id: number) => boolean): number {
    const start = this.nextId;
    let rollover = false;
    for (;;) {
      if (this.nextId === start && rollover) break;
      if (this.nextId === this.maxId) {
        this.nextId = this.firstId;
        rollover = true;
        if (this.nextId === start) break;
      }
      const id = this.nextId++;
      if (isFree(id)) return id;
    }
    throw new Error("no ID available");
  }
}

export class IdAllocator {
  private readonly cursor: IdCursor;
  /** Ids are handed out densely from a cursor, so an array indexes them without hashing. */
  private readonly idToKey: (string | undefined)[] = [];
  private readonly keyToId = new Map<string, number>();
  private readonly isFree = (id: number): boolean => this.idToKey[id] === undefined;

  constructor(firstId: number, maxId: number) {
    this.cursor = new IdCursor(firstId, maxId);
  }

  /** Returns the id already held by key, or allocates the next free one. */
  acquire(key: string): number {
    const held = this.keyToId.get(key);
    if (held !== undefined) return held;
    const id = this.cursor.take(this.isFree);
    this.idToKey[id] = key;
    this.keyToId.set(key, id);
    return id;
  }

  lookup(key: string): number | undefined {
    return this.keyToId.get(key);
  }

  keyOf(id: number): string | undefined {
    return this.idToKey[id];
  }

  release(key: string): void {
    const id = this.keyToId.get(key);
    if (id === undefined) return;
    this.keyToId.delete(key);
    this.idToKey[id] = undefined;
  }
}

/**
 * Backend ids keyed by the backend address as small integers: the
 * reconciler asks for the id of every backend of every frontend it
 * programs, and a string-keyed Map of 100,000 addresses spends most of a
 * lookup in cache misses on the key strings. The address is split so both
 * levels key on V8 small integers (31 bits, compared without a dereference):
 * port, protocol and the top 2 address bits pick a Map keyed by the low 30.
 */
export class BackendIdAllocator {
  private readonly cursor = new IdCursor(FIRST_BACKEND_ID, MAX_BACKEND_ID);
  private readonly byPort = new Map<number, Map<number, number>>();
  /** Per held id, its two keys (-1 or absent = free): ids are dense, so arrays index them. */
  private readonly portKeyOf: number[] = [];
  private readonly addrKeyOf: number[] = [];
  private readonly isFree = (id: number): boolean => (this.portKeyOf[id] ?? -1) < 0;

  /** Returns the id already held by the backend address, or allocates the next free one. */
  acquire(addr: number, port: number, proto: number): number {
    const portKey = (((port << 8) | proto) << 2) | (addr >>> 30);
    const addrKey = addr & 0x3fffffff;
    let ids = this.byPort.get(portKey);
    if (ids === undefined) {
      ids = new Map();
      this.byPort.set(portKey, ids);
    }
    const held = ids.get(addrKey);
    if (held !== undefined) return held;
    const id = this.cursor.take(this.isFree);
    ids.set(addrKey, id);
    this.portKeyOf[id] = portKey;
    this.addrKeyOf[id] = addrKey;
    return id;
  }

  lookup(addr: number, port: number, proto: number): number | undefined {
    return this.byPort.get((((port << 8) | proto) << 2) | (addr >>> 30))?.get(addr & 0x3fffffff);
  }

  has(id: number): boolean {
    return !this.isFree(id);
  }

  release(id: number): void {
    const portKey = this.portKeyOf[id] ?? -1;
    if (portKey < 0) return;
    const ids = this.byPort.get(portKey) as Map<number, number>;
    ids.delete(this.addrKeyOf[id] as number);
    if (ids.size === 0) this.byPort.delete(portKey);
    this.portKeyOf[id] = -1;
  }
}
