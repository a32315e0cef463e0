/**
 * The writer: the only way into the desired-state tables (Cilium's
 * pkg/loadbalancer/writer). It validates a change completely before applying
 * it, so a rejected change leaves the tables as they were, and records which
 * frontends the change touched so the reconciler programs only those.
 */

import { parseIPv4 } from "@svclab/sim";
import { DEFAULT_BACKEND_WEIGHT } from "../maglev/maglev";
import { l3n4Key, parseCidr4, protoName, protoNumber } from "./addr";
import {
  BACKEND_STATE_ORDER,
  isNodeLocalOnly,
  newService,
  SCOPE_EXTERNAL,
  SCOPE_INTERNAL,
  type BackendParams,
  type FrontendParams,
  type Service,
  type Scope,
  type ServiceParams,
} from "./model";
import { BackendInstances, type BackendInstance, type BackendRow, type FrontendRow, type Tables } from "./tables";

/** A backend as one frontend sees it: the shared row and this service's instance. */
export interface FrontendBackend {
  readonly row: BackendRow;
  readonly inst: BackendInstance;
}

export interface WriterOptions {
  /** The node's NodePort addresses. */
  nodeAddresses?: readonly number[];
  /** The NodePort range, [min, max] (default [30000, 32767]). */
  nodePortRange?: readonly [number, number];
}

export interface PendingChanges {
  readonly upserts: FrontendRow[];
  readonly deletes: FrontendRow[];
  /**
   * Both, in the order they happened (a frontend changed again moves to
   * the end), as Cilium's reconciler processes the frontends table in
   * revision order.
   */
  readonly ordered?: ReadonlyArray<{ readonly row: FrontendRow; readonly deleted: boolean }>;
}

export class Writer {
  /** Frontends changed since the last reconcile, by key, in change order. */
  private readonly changes = new Map<string, { row: FrontendRow; deleted: boolean }>();
  /**
   * Each service's backends with its instance, in slot order: what
   * `frontendBackends` filters. Kept next to `tables.backendsByService` so
   * the reconciler reads an instance without a per-row Map lookup, and
   * sorted once per change rather than once per frontend (a filtered
   * subsequence of a sorted list is still sorted).
   */
  private readonly serviceBackends = new Map<string, FrontendBackend[]>();

  private readonly nodePortAddrs: Set<number>;
  private readonly nodePortMin: number;
  private readonly nodePortMax: number;

  constructor(
    readonly tables: Tables,
    /** This node's name: Local traffic policies keep only backends whose nodeName matches. */
    readonly nodeName: string,
    options: WriterOptions = {},
  ) {
    this.nodePortAddrs = new Set(options.nodeAddresses ?? []);
    [this.nodePortMin, this.nodePortMax] = options.nodePortRange ?? [30000, 32767];
  }

  /**
   * A LoadBalancer or external IP frontend on one of the node's NodePort
   * addresses with a port in the NodePort range would take the place of a
   * NodePort expansion: Cilium's writer leaves it out (issue 44730).
   */
  private shadowsNodePort(fe: FrontendParams, addr: number): boolean {
    return (
      (fe.type === "LoadBalancer" || fe.type === "ExternalIPs") &&
      this.nodePortAddrs.has(addr) &&
      fe.port >= this.nodePortMin &&
      fe.port <= this.nodePortMax
    );
  }

  /**
   * Creates or replaces a service and its whole set of frontends. Frontends it
   * no longer lists are removed. Throws, changing nothing, on an invalid
   * address or a frontend already owned by another service.
   */
  upsertService(params: ServiceParams, frontends: readonly FrontendParams[]): void {
    const svc = sharedService(params);
    const rows = new Map<string, FrontendRow>();
    for (const fe of frontends) {
      const parsed = parsedFrontend(fe);
      const addr = parsed.addr;
      if (this.shadowsNodePort(fe, addr)) continue;
      if (parsed.key === undefined) throw new Error(`invalid frontend port ${fe.port}`);
      const { proto, scope, key } = parsed;
      const owner = this.tables.frontends.get(key);
      if (owner !== undefined && owner.serviceName !== svc.name) {
        throw new Error(`frontend ${key} is already owned by service ${owner.serviceName}`);
      }
      if (rows.has(key)) throw new Error(`duplicate frontend ${key} in service ${svc.name}`);
      rows.set(key, {
        key,
        addr,
        port: fe.port,
        proto,
        scope,
        type: fe.type,
        portName: fe.portName ?? "",
        serviceName: svc.name,
        id: owner?.id ?? 0,
        status: { kind: "pending" },
      });
    }

    this.tables.services.set(svc.name, svc);
    const previous = this.tables.frontendsByService.get(svc.name);
    if (previous !== undefined) {
      for (const key of previous) {
        if (!rows.has(key)) this.removeFrontend(key);
      }
    }
    for (const [key, row] of rows) {
      this.tables.frontends.set(key, row);
      this.queue(row, false);
    }
    this.tables.frontendsByService.set(svc.name, new Set(rows.keys()));
  }

  /**
   * Deletes a service and its frontends. Its backends stay: they come from
   * the EndpointSlices, which outlive the Service (Cilium's backends table
   * is fed by the EndpointSlice reflector alone), so a Service added back
   * finds them again.
   */
  deleteService(name: string): void {
    const keys = this.tables.frontendsByService.get(name);
    if (keys !== undefined) for (const key of keys) this.removeFrontend(key);
    this.tables.frontendsByService.delete(name);
    this.tables.services.delete(name);
  }

  /**
   * Marks a backend of a service healthy or not (Cilium's
   * UpdateBackendHealth, from a health checker): an unhealthy backend keeps
   * its slot but moves behind the healthy ones and out of `count`.
   */
  setBackendHealth(serviceName: string, l3n4: string, healthy: boolean): void {
    const row = this.tables.backend(l3n4);
    const inst = row?.instances.get(serviceName);
    if (row === undefined || inst === undefined) throw new Error(`backend ${l3n4} of service ${serviceName} not found`);
    if (inst.unhealthy === !healthy) return;
    const next = { ...inst, unhealthy: !healthy };
    row.instances.set(serviceName, next);
    row.revision++;
    const list = this.serviceBackends.get(serviceName);
    if (list !== undefined) {
      this.serviceBackends.set(
        serviceName,
        list.map((b) => (b.row === row ? { row, inst: next } : b)).sort(compareSlotOrder),
      );
    }
    this.markServiceDirty(serviceName);
  }

  /**
   * Replaces the backends of a service (what the EndpointSlice reflector
   * does with the union of the service's slices). Only backends whose
   * instance actually changed get a new revision.
   */
  setBackends(serviceName: string, backends: readonly BackendParams[]): void {
    const next = preparedSet(backends);
    const tables = this.tables;
    const insts: BackendInstance[] = [];
    for (const b of next.values()) {
      // Health comes from a health checker, not from the EndpointSlice: an update without it keeps it.
      const unhealthy = b.unhealthy ?? tables.backends.get(b.addr, b.port, b.proto)?.instances.get(serviceName)?.unhealthy ?? false;
      insts.push(unhealthy === b.given.unhealthy ? b.given : { ...b.given, unhealthy });
    }

    const previous = tables.backendsByService.get(serviceName);
    if (previous !== undefined) {
      for (const row of previous) {
        if (next.has(row.key)) continue;
        row.instances.delete(serviceName);
        row.revision++;
        if (row.instances.size === 0) tables.backends.delete(row.addr, row.port, row.proto);
      }
    }
    const rows = new Set<BackendRow>();
    const withInstances: FrontendBackend[] = [];
    let i = 0;
    for (const [key, b] of next) {
      const wanted = insts[i++] as BackendInstance;
      let row = tables.backends.get(b.addr, b.port, b.proto);
      if (row === undefined) {
        row = { key, addr: b.addr, port: b.port, proto: b.proto, revision: 0, instances: new BackendInstances() };
        tables.backends.set(b.addr, b.port, b.proto, row);
      }
      let inst = row.instances.get(serviceName);
      if (inst === undefined || (inst !== wanted && !sameInstance(inst, wanted))) {
        inst = wanted;
        row.instances.set(serviceName, inst);
        row.revision++;
      }
      rows.add(row);
      withInstances.push({ row, inst });
    }
    if (rows.size === 0) {
      tables.backendsByService.delete(serviceName);
      this.serviceBackends.delete(serviceName);
    } else {
      tables.backendsByService.set(serviceName, rows);
      this.serviceBackends.set(serviceName, withInstances.sort(compareSlotOrder));
    }
    this.markServiceDirty(serviceName);
  }

  /**
   * The backends a frontend load-balances to, in Cilium's slot order: usable
   * state first (active, terminating, ...), healthy before unhealthy, then by
   * address and port. Filters by protocol, port name and, for Local traffic
   * policies, by this node.
   */
  frontendBackends(fe: FrontendRow): FrontendBackend[] {
    const svc = this.tables.services.get(fe.serviceName);
    const backends = this.serviceBackends.get(fe.serviceName);
    if (svc === undefined || backends === undefined) return [];
    const localOnly = isNodeLocalOnly(svc, fe.type, fe.scope);
    const out: FrontendBackend[] = [];
    for (const be of backends) {
      if (be.row.proto !== fe.proto) continue;
      const inst = be.inst;
      // A backend without port names (an unnamed EndpointSlice port) serves every port of the service.
      if (fe.portName !== "" && inst.portNames.length > 0 && !inst.portNames.includes(fe.portName)) continue;
      // An endpoint without nodeName is taken to be local: Cilium filters only the ones on other nodes.
      if (localOnly && inst.nodeName !== "" && inst.nodeName !== this.nodeName) continue;
      out.push(be);
    }
    return out;
  }

  /** Queues every frontend for reprogramming (Cilium's RefreshFrontends), e.g. after the node's addresses changed. */
  refreshFrontends(): void {
    for (const row of this.tables.frontends.values()) {
      row.status = { kind: "pending" };
      this.queue(row, false);
    }
  }

  service(name: string): Service | undefined {
    return this.tables.services.get(name);
  }

  /** Hands the frontends touched since the last call to the reconciler. */
  takeChanges(): PendingChanges {
    const ordered = [...this.changes.values()];
    this.changes.clear();
    return {
      upserts: ordered.filter((c) => !c.deleted).map((c) => c.row),
      deletes: ordered.filter((c) => c.deleted).map((c) => c.row),
      ordered,
    };
  }

  /** Puts frontends whose reconciliation failed back in the queue, for a retry. */
  requeue(upserts: readonly FrontendRow[], deletes: readonly FrontendRow[]): void {
    for (const fe of upserts) {
      if (this.tables.frontends.get(fe.key) === fe && !this.changes.has(fe.key)) this.changes.set(fe.key, { row: fe, deleted: false });
    }
    for (const fe of deletes) {
      if (!this.tables.frontends.has(fe.key) && !this.changes.has(fe.key)) this.changes.set(fe.key, { row: fe, deleted: true });
    }
  }

  /** A new revision of the frontend: it goes to the end of the queue. */
  private queue(row: FrontendRow, deleted: boolean): void {
    this.changes.delete(row.key);
    this.changes.set(row.key, { row, deleted });
  }

  private removeFrontend(key: string): void {
    const row = this.tables.frontends.get(key);
    if (row === undefined) return;
    this.tables.frontends.delete(key);
    this.queue(row, true);
  }

  private markServiceDirty(serviceName: string): void {
    const keys = this.tables.frontendsByService.get(serviceName);
    if (keys === undefined) return;
    for (const key of keys) {
      const row = this.tables.frontends.get(key);
      if (row !== undefined) {
        row.status = { kind: "pending" };
        this.queue(row, false);
      }
    }
  }
}

/** A backend's parsed address and its instance as the params give it (healthy unless they say otherwise). */
interface PreparedBackend {
  readonly addr: number;
  readonly port: number;
  readonly proto: number;
  readonly key: number;
  /** The params' own health, if they give one (else the table's is kept). */
  readonly unhealthy: boolean | undefined;
  readonly given: BackendInstance;
}

/**
 * Frozen params (a cluster's shared EndpointSlice conversion, which every
 * node's writer is given) are parsed once, and the nodes' tables share the
 * instance they yield, so that a slice costs its backends once, not once per
 * node. Other params are parsed on every call: they may change in place.
 */
const prepared = new WeakMap<BackendParams, PreparedBackend>();

function preparedBackend(be: BackendParams): PreparedBackend {
  let p = prepared.get(be);
  if (p !== undefined) return p;
  const addr = parseIPv4(be.address);
  if (!Number.isInteger(be.port) || be.port < 1 || be.port > 65535) {
    throw new Error(`invalid backend port ${be.port}`);
  }
  const proto = protoNumber(be.protocol);
  const frozen = Object.isFrozen(be) && (be.portNames === undefined || Object.isFrozen(be.portNames));
  p = {
    addr,
    port: be.port,
    proto,
    key: l3n4Key(addr, be.port, proto),
    unhealthy: be.unhealthy,
    given: {
      portNames: frozen && be.portNames !== undefined ? be.portNames : [...(be.portNames ?? [])],
      state: be.state ?? "active",
      nodeName: be.nodeName ?? "",
      zone: be.zone ?? "",
      weight: be.weight ?? DEFAULT_BACKEND_WEIGHT,
      unhealthy: be.unhealthy ?? false,
    },
  };
  if (frozen) prepared.set(be, p);
  return p;
}

/** Frozen params (a cluster's shared Service conversion) make one Service for every node. */
const services = new WeakMap<ServiceParams, Service>();

function sharedService(params: ServiceParams): Service {
  let svc = services.get(params);
  if (svc !== undefined) return svc;
  svc = newService(params);
  for (const cidr of svc.sourceRanges) parseCidr4(cidr);
  if (Object.isFrozen(params)) services.set(params, svc);
  return svc;
}

/** A frontend's address, and with a valid port its protocol, scope and key (Cilium's L3n4Addr string plus "/i" for the internal scope). */
interface ParsedFrontend {
  readonly addr: number;
  readonly proto: number;
  readonly scope: Scope;
  readonly key: string | undefined;
}

const frontendsParsed = new WeakMap<FrontendParams, ParsedFrontend>();

function parsedFrontend(fe: FrontendParams): ParsedFrontend {
  let p = frontendsParsed.get(fe);
  if (p !== undefined) return p;
  const addr = parseIPv4(fe.address);
  if (!Number.isInteger(fe.port) || fe.port < 0 || fe.port > 65535) return { addr, proto: 0, scope: SCOPE_EXTERNAL, key: undefined };
  const proto = protoNumber(fe.protocol);
  const scope = fe.scope ?? SCOPE_EXTERNAL;
  // parseIPv4 accepts only canonical dotted quads, so the input string is the formatted address.
  p = { addr, proto, scope, key: `${fe.address}:${fe.port}/${protoName(proto)}${scope === SCOPE_INTERNAL ? "/i" : ""}` };
  if (Object.isFrozen(fe)) frontendsParsed.set(fe, p);
  return p;
}

/** A frozen list (a slice's shared conversion) is merged once for every node. */
const preparedSets = new WeakMap<readonly BackendParams[], ReadonlyMap<number, PreparedBackend>>();

/**
 * The backends by address, port and protocol, in first-listed order; the
 * same address+port listed under several port names (or slices) is one
 * backend serving all those names. Throws on an invalid one.
 */
function preparedSet(backends: readonly BackendParams[]): ReadonlyMap<number, PreparedBackend> {
  let set = preparedSets.get(backends);
  if (set !== undefined) return set;
  const byKey = new Map<number, PreparedBackend>();
  for (const be of backends) {
    const p = preparedBackend(be);
    const dup = byKey.get(p.key);
    if (dup === undefined) {
      byKey.set(p.key, p);
      continue;
    }
    const names = [...dup.given.portNames];
    for (const n of p.given.portNames) if (!names.includes(n)) names.push(n);
    byKey.set(p.key, { ...dup, given: { ...dup.given, portNames: names } });
  }
  set = byKey;
  if (Object.isFrozen(backends) && backends.every((be) => prepared.has(be))) preparedSets.set(backends, set);
  return set;
}

function sameInstance(a: BackendInstance, b: BackendInstance): boolean {
  return (
    a.state === b.state &&
    a.nodeName === b.nodeName &&
    a.zone === b.zone &&
    a.unhealthy === b.unhealthy &&
    a.weight === b.weight &&
    a.portNames.length === b.portNames.length &&
    a.portNames.every((n, i) => b.portNames[i] === n)
  );
}

function compareSlotOrder(a: FrontendBackend, b: FrontendBackend): number {
  if (a.inst.unhealthy !== b.inst.unhealthy) return a.inst.unhealthy ? 1 : -1;
  const s = BACKEND_STATE_ORDER[a.inst.state] - BACKEND_STATE_ORDER[b.inst.state];
  if (s !== 0) return s;
  if (a.row.addr !== b.row.addr) return a.row.addr < b.row.addr ? -1 : 1;
  return a.row.port - b.row.port;
}
