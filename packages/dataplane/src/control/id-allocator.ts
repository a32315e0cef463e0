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

export class IdAllocator {
  /** Ids are handed out densely from a cursor, so an array indexes them without hashing. */
  private readonly idToKey: (string | undefined)[] = [];
  private readonly keyToId = new Map<string, number>();
  private nextId: number;

  constructor(
    private readonly firstId: number,
    private readonly maxId: number,
  ) {
    this.nextId = firstId;
  }

  /** Returns the id already held by key, or allocates the next free one. */
  acquire(key: string): number {
    const held = this.keyToId.get(key);
    if (held !== undefined) return held;
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
      if (this.idToKey[id] === undefined) {
        this.idToKey[id] = key;
        this.keyToId.set(key, id);
        return id;
      }
    }
    throw new Error("no ID available");
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
