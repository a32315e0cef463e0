/**
 * The desired-state tables (Cilium's Services, Frontends and Backends
 * StateDB tables, reduced to indexed maps). Rows are owned by the Writer;
 * the Reconciler reads them and records each frontend's programming status.
 */

import { formatL3n4, parseL3n4 } from "./addr";
import { L3n4Index } from "./l3n4-index";
import type { BackendState, Scope, Service, SVCType } from "./model";

export interface FrontendStatus {
  kind: "pending" | "done" | "error";
  error?: string;
}

export interface FrontendRow {
  /** L3n4Addr string plus scope: "10.96.0.1:80/TCP" or "10.96.0.1:80/TCP/i". */
  readonly key: string;
  readonly addr: number;
  readonly port: number;
  readonly proto: number;
  readonly scope: Scope;
  readonly type: SVCType;
  readonly portName: string;
  readonly serviceName: string;
  /** Service id (rev-NAT index) once reconciled, 0 before. */
  id: number;
  status: FrontendStatus;
}

export interface BackendInstance {
  readonly portNames: readonly string[];
  readonly state: BackendState;
  readonly nodeName: string;
  readonly zone: string;
  readonly unhealthy: boolean;
  /** Maglev weight. */
  readonly weight: number;
}

export interface BackendRow {
  /** l3n4Key(addr, port, proto). */
  readonly key: number;
  readonly addr: number;
  readonly port: number;
  readonly proto: number;
  /** Bumped on every change, so the reconciler rewrites only changed backends. */
  revision: number;
  /** One instance per referencing service, keyed by service name. */
  readonly instances: BackendInstances;
}

/**
 * A backend's instances by service name. Nearly every backend belongs to one
 * service, and every node's tables hold a row per backend of the cluster, so
 * a lone instance is kept inline; a Map is made when a second service shares
 * the address. Iterates in insertion order, like a Map.
 */
export class BackendInstances {
  private soleName: string | undefined;
  private sole: BackendInstance | undefined;
  private many: Map<string, BackendInstance> | undefined;

  get size(): number {
    return this.many !== undefined ? this.many.size : this.soleName !== undefined ? 1 : 0;
  }

  get(service: string): BackendInstance | undefined {
    if (this.many !== undefined) return this.many.get(service);
    return service === this.soleName ? this.sole : undefined;
  }

  has(service: string): boolean {
    return this.get(service) !== undefined;
  }

  set(service: string, inst: BackendInstance): this {
    if (this.many !== undefined) {
      this.many.set(service, inst);
    } else if (this.soleName === undefined || this.soleName === service) {
      this.soleName = service;
      this.sole = inst;
    } else {
      this.many = new Map([[this.soleName, this.sole as BackendInstance], [service, inst]]);
      this.soleName = this.sole = undefined;
    }
    return this;
  }

  delete(service: string): boolean {
    if (this.many !== undefined) return this.many.delete(service);
    if (service !== this.soleName) return false;
    this.soleName = this.sole = undefined;
    return true;
  }

  *entries(): IterableIterator<[string, BackendInstance]> {
    if (this.many !== undefined) yield* this.many.entries();
    else if (this.soleName !== undefined) yield [this.soleName, this.sole as BackendInstance];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<BackendInstance> {
    for (const [, inst] of this.entries()) yield inst;
  }

  [Symbol.iterator](): IterableIterator<[string, BackendInstance]> {
    return this.entries();
  }
}

export function frontendKey(addr: number, port: number, proto: number, scope: Scope): string {
  const s = formatL3n4(addr, port, proto);
  return scope === 1 ? `${s}/i` : s;
}

export class Tables {
  readonly services = new Map<string, Service>();
  readonly frontends = new Map<string, FrontendRow>();
  /** Keyed by address, port and protocol; `backend` looks one up by its "10.244.1.1:80/TCP" form. */
  readonly backends = new L3n4Index<BackendRow>();
  /** Frontend keys per service name. */
  readonly frontendsByService = new Map<string, Set<string>>();
  /** Backend rows per service name. */
  readonly backendsByService = new Map<string, Set<BackendRow>>();

  /** The backend row of an address in Cilium's L3n4Addr form, e.g. "10.244.1.1:80/TCP". */
  backend(l3n4: string): BackendRow | undefined {
    const a = parseL3n4(l3n4);
    return a === undefined ? undefined : this.backends.get(a.addr, a.port, a.proto);
  }
}
