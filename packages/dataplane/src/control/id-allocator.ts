/**
 * Cilium's local id allocator (pkg/loadbalancer/reconciler/id_allocator.go):
 * ids are handed out from a rolling cursor, so a released id is not reused
 * until the cursor wraps around. Service ids (= rev-NAT indexes) are keyed by
 * frontend address+port+proto+scope and live in [1, 0xFFFF); backend ids are
 * keyed by backend address+port+proto and live in [1, 0xFFFFFFFF). Id 0 means
 * "none" to the datapath and is never allocated.
 */

import { L3n4Index } from "./l3n4-index";

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

  /** Number of ids held. */
  get size(): number {
    return this.keyToId.size;
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
 * Backend ids keyed by the backend address (an L3n4Index, so no key string
 * per lookup: the reconciler asks for the id of every backend of every
 * frontend it programs). Ids are dense, so arrays map an id back to its
 * address.
 */
export class BackendIdAllocator {
  private readonly cursor = new IdCursor(FIRST_BACKEND_ID, MAX_BACKEND_ID);
  private readonly ids = new L3n4Index<number>();
  /** Per id: the address, and port << 8 | proto (-1 or absent = free). */
  private readonly addrOf: number[] = [];
  private readonly portProtoOf: number[] = [];
  private readonly isFree = (id: number): boolean => (this.portProtoOf[id] ?? -1) < 0;

  /** Returns the id already held by the backend address, or allocates the next free one. */
  acquire(addr: number, port: number, proto: number): number {
    const held = this.ids.get(addr, port, proto);
    if (held !== undefined) return held;
    const id = this.cursor.take(this.isFree);
    this.ids.set(addr, port, proto, id);
    this.addrOf[id] = addr;
    this.portProtoOf[id] = (port << 8) | proto;
    return id;
  }

  lookup(addr: number, port: number, proto: number): number | undefined {
    return this.ids.get(addr, port, proto);
  }

  has(id: number): boolean {
    return !this.isFree(id);
  }

  /** Number of ids held. */
  get size(): number {
    return this.ids.size;
  }

  release(id: number): void {
    const portProto = this.portProtoOf[id] ?? -1;
    if (portProto < 0) return;
    this.ids.delete(this.addrOf[id] as number, portProto >>> 8, portProto & 0xff);
    this.portProtoOf[id] = -1;
  }
}
