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
  readonly instances: Map<string, BackendInstance>;
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
