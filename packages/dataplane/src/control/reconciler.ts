/**
 * The BPF reconciler (Cilium's pkg/loadbalancer/reconciler BPFOps): turns
 * changed frontends into map operations, in Cilium's order so that a lookup
 * running between two operations always sees a consistent service:
 *
 *   orphan backends -> backends -> slots 1..N -> affinity match (active
 *   backends of affinity services) -> Maglev -> source ranges -> rev-NAT ->
 *   master entry (count, qcount, flags) -> wildcard -> stale slots.
 *
 * The master entry is written after everything it points at, so a failure
 * part-way (a full map) leaves the previous master, and with it the
 * previously programmed service, in place. Bookkeeping (references,
 * revisions) is updated only after the operations it describes succeeded,
 * so a failed frontend is simply retried by the next reconcile.
 */

import type { Maglev } from "../maglev";
import { formatIPv4 } from "@svclab/sim";
import { LB_ALG_MAGLEV, LB_ALG_RANDOM, LB_ALG_UNSPEC, PROTO_ANY, PROTO_TCP, serviceMasterWord } from "../maps/layouts";
import { parseCidr4, parseL3n4, protoName, type Cidr4 } from "./addr";
import type { BackendNodes } from "./backend-nodes";
import { newSvcFlags } from "./flags";
import { BackendIdAllocator, FIRST_SERVICE_ID, IdAllocator, MAX_SERVICE_ID } from "./id-allocator";
import type { LBMaps } from "./lbmaps";
import { SCOPE_EXTERNAL, type BackendState, type Service, type SVCType } from "./model";
import { frontendKey, type FrontendRow } from "./tables";
import type { FrontendBackend, Writer } from "./writer";

export type LBAlgorithm = "random" | "maglev";
export type LBMode = "snat" | "dsr" | "hybrid";

export interface ReconcilerConfig {
  /** Node addresses: NodePort surrogates are expanded to each of them. */
  nodeAddresses: readonly number[];
  lbAlgorithm: LBAlgorithm;
  lbMode: LBMode;
  /** Program the {vip, port 0, ANY} drop entries for ClusterIP and LoadBalancer addresses. */
  wildcardEntries: boolean;
  /**
   * The node's other local addresses (not used for NodePort): a LoadBalancer
   * VIP equal to one of them gets no wildcard entry, which would drop the
   * node's own traffic on every other port.
   */
  localAddresses?: readonly number[];
  /** `--bpf-lb-external-clusterip`: ClusterIPs reachable from outside the cluster. */
  externalClusterIP: boolean;
  /** `--bpf-lb-source-range-all-types`: check loadBalancerSourceRanges on every frontend type, not only LoadBalancer and external IPs. */
  sourceRangeAllTypes?: boolean;
  /** Builds the Maglev lookup tables; required when lbAlgorithm is "maglev". */
  maglev?: Maglev;
}

export interface ReconcileError {
  /** The frontend address that failed to program; "" when the object was rejected before reaching the tables. */
  frontend: string;
  service: string;
  error: Error;
}

export interface ReconcileResult {
  /** Frontends programmed or removed successfully. */
  reconciled: number;
  errors: ReconcileError[];
}

const BE_FLAG: Readonly<Record<BackendState, number>> = {
  active: 0,
  terminating: 1,
  "terminating-not-serving": 1,
  quarantined: 2,
  maintenance: 3,
};

const WILDCARD_PORT = 0;

export class Reconciler {
  private readonly serviceIds = new IdAllocator(FIRST_SERVICE_ID, MAX_SERVICE_ID);
  private readonly backendIds = new BackendIdAllocator();
  /** Per backend id: the table revision last written to the backend map (0 = never). */
  private readonly beRevision: number[] = [];
  /** Per backend id: how many programmed frontend addresses reference it. */
  private readonly beRefCount: number[] = [];
  /** Backend ids referenced by each programmed frontend address (slot order). */
  private readonly backendRefs = new Map<string, number[]>();
  private readonly prevSourceRanges = new Map<string, Map<string, Cidr4>>();
  /** Service ids of the frontends sharing each wildcard entry, by address. */
  private readonly wildcardRefs = new Map<number, number[]>();
  private localAddrs: Set<number>;
  /** Frontend addresses whose affinity match entries may exist (affinity is or was on). */
  private readonly affinityFrontends = new Set<string>();
  /**
   * What a failed programming of a frontend address may have left in the
   * maps beyond its references: the highest slot written and the backend ids
   * taken. A retry or a delete cleans them up, so a frontend deleted before
   * it was ever programmed completely leaks nothing.
   */
  private readonly unsettled = new Map<string, { slots: number; backends: Set<number> }>();

  constructor(
    private readonly writer: Writer,
    private readonly maps: LBMaps,
    readonly backendNodes: BackendNodes,
    private readonly config: ReconcilerConfig,
  ) {
    this.localAddrs = new Set(config.localAddresses ?? []);
    if (config.lbAlgorithm === "maglev" && config.maglev === undefined) {
      throw new Error("lbAlgorithm maglev needs a Maglev table builder");
    }
  }

  /** Programs every frontend changed since the last call; failed ones are queued for the next call. */
  reconcile(): ReconcileResult {
    const changes = this.writer.takeChanges();
    const ordered = changes.ordered ?? [
      ...changes.deletes.map((row) => ({ row, deleted: true })),
      ...changes.upserts.map((row) => ({ row, deleted: false })),
    ];
    const errors: ReconcileError[] = [];
    const failedUpserts: FrontendRow[] = [];
    const failedDeletes: FrontendRow[] = [];
    let reconciled = 0;
    // In change order, like Cilium's reconciler walking the frontends table by revision: a frontend
    // written before another is deleted can take over the backends the deleted one held.
    for (const { row: fe, deleted } of ordered) {
      try {
        if (deleted) {
          for (const addr of this.expandedAddresses(fe)) this.deleteFrontend(fe, addr);
        } else {
          this.updateFrontend(fe);
          fe.status = { kind: "done" };
        }
        reconciled++;
      } catch (err) {
        const error = asError(err);
        if (deleted) {
          failedDeletes.push(fe);
        } else {
          fe.status = { kind: "error", error: error.message };
          failedUpserts.push(fe);
        }
        errors.push({ frontend: fe.key, service: fe.serviceName, error });
      }
    }
    this.writer.requeue(failedUpserts, failedDeletes);
    return { reconciled, errors };
  }

  /** Whether the reconciler holds no ids, references or wildcard state (Cilium's StateIsEmpty): nothing leaked. */
  stateIsEmpty(): boolean {
    return (
      this.serviceIds.size === 0 &&
      this.backendIds.size === 0 &&
      this.backendRefs.size === 0 &&
      this.wildcardRefs.size === 0 &&
      this.prevSourceRanges.size === 0 &&
      this.affinityFrontends.size === 0 &&
      this.unsettled.size === 0
    );
  }

  /** The service id (rev-NAT index) of a programmed frontend address, e.g. "10.96.0.1:80/TCP". */
  serviceId(key: string): number | undefined {
    return this.serviceIds.lookup(key);
  }

  /** The backend id held by a backend address, e.g. "10.244.1.1:8080/TCP". */
  backendId(key: string): number | undefined {
    const be = parseL3n4(key);
    return be === undefined ? undefined : this.backendIds.lookup(be.addr, be.port, be.proto);
  }

  /**
   * NodePort frontends, and HostPort ones without a hostIP, are the 0.0.0.0
   * surrogate (socket LB's fallback key) plus one per node address.
   */
  private isNodePortSurrogate(fe: FrontendRow): boolean {
    return (fe.type === "NodePort" || fe.type === "HostPort") && fe.addr === 0;
  }

  private expandedAddresses(fe: FrontendRow): readonly number[] {
    return this.isNodePortSurrogate(fe) ? [0, ...this.expansionAddresses(fe)] : [fe.addr];
  }

  /** The node's non-NodePort local addresses changed: LoadBalancer wildcards are re-evaluated on the next reconcile. */
  setLocalAddresses(addrs: readonly number[]): void {
    this.localAddrs = new Set(addrs);
  }

  private updateFrontend(fe: FrontendRow): void {
    const svc = this.writer.service(fe.serviceName);
    if (svc === undefined) throw new Error(`service ${fe.serviceName} not found`);
    const backends = this.writer.frontendBackends(fe);
    fe.id = this.programFrontend(fe, svc, fe.addr, backends);
    if (this.isNodePortSurrogate(fe)) {
      for (const addr of this.expansionAddresses(fe)) this.programFrontend(fe, svc, addr, backends);
    }
  }

  /**
   * The node addresses a surrogate expands to, less those where another
   * frontend (a LoadBalancer VIP that is the node's IP) owns the same
   * address, port and protocol: Cilium skips that expansion rather than
   * overwrite the other service's entry.
   */
  private expansionAddresses(fe: FrontendRow): number[] {
    return this.config.nodeAddresses.filter((addr) => {
      const owner = this.writer.tables.frontends.get(frontendKey(addr, fe.port, fe.proto, fe.scope));
      return owner === undefined || owner === fe;
    });
  }

  private programFrontend(fe: FrontendRow, svc: Service, addr: number, ordered: readonly FrontendBackend[]): number {
    const { port, proto, scope } = fe;
    // The row's key is this address's key (the writer builds both the same way); NodePort expansions need their own.
    const key = addr === fe.addr ? fe.key : frontendKey(addr, port, proto, scope);
    const maps = this.maps;
    const id = this.serviceIds.acquire(key);

    const surrogate = addr === 0;
    const routable = !surrogate && (fe.type !== "ClusterIP" || this.config.externalClusterIP);
    // Every frontend gets the service's SRCRANGE entries; the datapath checks them on LoadBalancer and
    // external IP frontends, or on all with --bpf-lb-source-range-all-types.
    const checkSourceRange =
      svc.sourceRanges.length > 0 &&
      (this.config.sourceRangeAllTypes === true || fe.type === "LoadBalancer" || fe.type === "ExternalIPs");
    const mode = svc.forwardingMode ?? this.config.lbMode;
    const dsr = mode === "dsr" || (mode === "hybrid" && proto === PROTO_TCP);
    const l7 = svc.proxyRedirectPort !== 0;
    // One flag word for the master and every slot (Cilium writes Quarantined=false on all of them:
    // a quarantined backend is told apart by its place after `count`, not by a flag).
    const flags = newSvcFlags({
      type: fe.type,
      extLocal: svc.extTrafficPolicy === "Local",
      intLocal: svc.intTrafficPolicy === "Local",
      sessionAffinity: svc.sessionAffinity,
      routable,
      fwdModeDSR: dsr,
      checkSourceRange,
      sourceRangeDeny: svc.sourceRangesPolicy === "deny",
      natPolicy: svc.natPolicy,
      l7LoadBalancer: l7,
    });

    // Orphans first, to make room in the backend map for the new ones.
    const previous = this.backendRefs.get(key) ?? [];
    // Affinity match entries exist only if affinity is or was on for this frontend: skip the deletes otherwise.
    if (svc.sessionAffinity) this.affinityFrontends.add(key);
    const hadAffinity = this.affinityFrontends.has(key);
    const left = this.unsettled.get(key);
    if (previous.length > 0 || left !== undefined) {
      const wanted = new Set<number>();
      for (const { row } of ordered) {
        const held = this.backendIds.lookup(row.addr, row.port, row.proto);
        if (held !== undefined) wanted.add(held);
      }
      for (const beId of previous) {
        if (!this.backendIds.has(beId) || wanted.has(beId)) continue;
        if (hadAffinity) maps.deleteAffinityMatch(id, beId);
        if ((this.beRefCount[beId] as number) <= 1) {
          maps.deleteBackend(beId);
          this.releaseBackend(beId);
        }
      }
      if (left !== undefined) this.releaseUnsettled(left, wanted, previous, id, hadAffinity);
    }

    let slot = 1;
    const slotIds: number[] = [];
    try {
      let active = 0;
      let terminating = 0;
      let inactive = 0;
      for (const { row, inst } of ordered) {
        // One lookup per backend: acquire returns the id the address already holds.
        const beId = this.backendIds.acquire(row.addr, row.port, row.proto);
        if (this.beRevision[beId] === undefined) {
          // First use of this id (a released id was reset to 0 by releaseBackend).
          this.beRevision[beId] = 0;
          this.beRefCount[beId] = 0;
        }
        // Listed before the write, so an attempt failing here still knows the id it took.
        slotIds.push(beId);
        if (row.revision > (this.beRevision[beId] as number)) {
          maps.updateBackend(beId, row.addr, row.port, row.proto, BE_FLAG[inst.state], 0);
          this.beRevision[beId] = row.revision;
          this.backendNodes.set(beId, inst.nodeName, inst.nodeName === this.writer.nodeName);
        }
        if (inst.state === "maintenance") continue;
        const state: BackendState = inst.unhealthy ? "quarantined" : inst.state;
        maps.updateService(addr, port, proto, scope, slot, beId, 0, 0, id, flags);
        if (svc.sessionAffinity && inst.state === "active") maps.updateAffinityMatch(id, beId);
        else if (hadAffinity) maps.deleteAffinityMatch(id, beId);
        if (state === "active") active++;
        else if (state === "terminating") terminating++;
        else inactive++;
        slot++;
      }
      const slotCount = slot - 1;
      // No active backend: serving-terminating ones take new flows (KEP-1669).
      if (active === 0) active = terminating;
      else inactive += terminating;

      if (this.useMaglev(fe, svc, surrogate)) {
        if (active === 0) {
          maps.deleteMaglev(id);
        } else {
          const table = (this.config.maglev as Maglev).getLookupTable(
            ordered.slice(0, active).map((b, i) => ({
              id: slotIds[i] as number,
              address: formatIPv4(b.row.addr),
              port: b.row.port,
              protocol: protoName(b.row.proto),
              weight: b.inst.weight,
            })),
          );
          maps.updateMaglev(id, table);
        }
      }

      const prevRanges = this.prevSourceRanges.get(key);
      if (svc.sourceRanges.length > 0 || prevRanges !== undefined) this.updateSourceRanges(key, id, svc.sourceRanges, prevRanges);

      maps.updateRevNat(id, addr, port);

      // The word after count: the affinity timeout and the per-service algorithm, or the L7 proxy port.
      const alg = svc.lbAlgorithm === "maglev" ? LB_ALG_MAGLEV : svc.lbAlgorithm === "random" ? LB_ALG_RANDOM : LB_ALG_UNSPEC;
      const word = l7 ? svc.proxyRedirectPort : serviceMasterWord(svc.sessionAffinity ? svc.sessionAffinityTimeoutSec : 0, alg);
      maps.updateService(addr, port, proto, scope, 0, word, active, inactive, id, flags);

      if (this.isWildcardCandidate(fe.type, scope)) {
        if (this.config.wildcardEntries && !this.localAddrs.has(addr) && !excludedLoadBalancerClass(svc)) {
          this.upsertWildcard(addr, scope, fe.type, id);
        } else {
          this.deleteWildcard(addr, scope, id);
        }
      }

      // Slots beyond the new count belong to backends that left.
      const previousSlots = Math.max(previous.length, left?.slots ?? 0);
      for (let s = slotCount + 1; s <= previousSlots; s++) maps.deleteService(addr, port, proto, scope, s);
    } catch (err) {
      // Remember what this attempt may have written, for the retry or the delete to clean up.
      const u = left ?? { slots: 0, backends: new Set<number>() };
      u.slots = Math.max(u.slots, slot - 1, previous.length);
      for (const beId of slotIds) if (!previous.includes(beId)) u.backends.add(beId);
      this.unsettled.set(key, u);
      throw err;
    }
    if (left !== undefined) this.unsettled.delete(key);

    this.updateReferences(key, previous, slotIds);
    if (!svc.sessionAffinity) this.affinityFrontends.delete(key);
    return id;
  }

  private deleteFrontend(fe: FrontendRow, addr: number): void {
    const key = frontendKey(addr, fe.port, fe.proto, fe.scope);
    const id = this.serviceIds.lookup(key);
    if (id === undefined) return;
    const maps = this.maps;
    maps.deleteMaglev(id);
    const refs = this.backendRefs.get(key) ?? [];
    const hadAffinity = this.affinityFrontends.has(key);
    for (const beId of refs) {
      if (!this.backendIds.has(beId)) continue;
      if (hadAffinity) maps.deleteAffinityMatch(id, beId);
      if ((this.beRefCount[beId] as number) <= 1) {
        maps.deleteBackend(beId);
        this.releaseBackend(beId);
      }
    }
    const left = this.unsettled.get(key);
    if (left !== undefined) this.releaseUnsettled(left, new Set(), refs, id, hadAffinity);
    // The master first: the datapath stops selecting before the slots disappear.
    const slots = Math.max(refs.length, left?.slots ?? 0);
    for (let s = 0; s <= slots; s++) maps.deleteService(addr, fe.port, fe.proto, fe.scope, s);
    this.unsettled.delete(key);
    maps.deleteRevNat(id);
    const ranges = this.prevSourceRanges.get(key);
    if (ranges !== undefined) for (const c of ranges.values()) maps.deleteSourceRange(id, c.addr, c.bits);
    this.prevSourceRanges.delete(key);
    if (this.isWildcardCandidate(fe.type, fe.scope)) this.deleteWildcard(addr, fe.scope, id);
    this.updateReferences(key, refs, []);
    this.backendRefs.delete(key);
    this.affinityFrontends.delete(key);
    this.serviceIds.release(key);
  }

  private updateSourceRanges(key: string, id: number, ranges: readonly string[], prev: Map<string, Cidr4> | undefined): void {
    const next = new Map<string, Cidr4>();
    for (const s of ranges) {
      const cidr = parseCidr4(s);
      this.maps.updateSourceRange(id, cidr.addr, cidr.bits);
      next.set(`${cidr.addr}/${cidr.bits}`, cidr);
    }
    if (prev !== undefined) {
      for (const [k, cidr] of prev) if (!next.has(k)) this.maps.deleteSourceRange(id, cidr.addr, cidr.bits);
    }
    if (next.size > 0) this.prevSourceRanges.set(key, next);
    else this.prevSourceRanges.delete(key);
  }

  /** Cilium's useMaglev: never for the surrogate, the service's own algorithm first, ClusterIPs only when reachable from outside. */
  private useMaglev(fe: FrontendRow, svc: Service, surrogate: boolean): boolean {
    if (surrogate) return false;
    if (svc.lbAlgorithm !== undefined) return svc.lbAlgorithm === "maglev";
    if (this.config.lbAlgorithm !== "maglev") return false;
    if (fe.type === "ClusterIP") return this.config.externalClusterIP;
    return fe.type !== "LocalRedirect";
  }

  /** ClusterIP and LoadBalancer addresses get the {vip, 0, ANY} entry; external IPs do not. */
  private isWildcardCandidate(type: SVCType, scope: number): boolean {
    return (type === "LoadBalancer" || type === "ClusterIP") && scope === SCOPE_EXTERNAL;
  }

  private upsertWildcard(addr: number, scope: number, type: SVCType, id: number): void {
    const refs = this.wildcardRefs.get(addr) ?? [];
    if (refs.includes(id)) return;
    if (refs.length === 0) {
      this.maps.updateService(addr, WILDCARD_PORT, PROTO_ANY, scope, 0, 0, 0, 0, 0, newSvcFlags({ type }));
    }
    this.wildcardRefs.set(addr, [...refs, id]);
  }

  private deleteWildcard(addr: number, scope: number, id: number): void {
    const refs = this.wildcardRefs.get(addr);
    if (refs === undefined || !refs.includes(id)) return;
    if (refs.length > 1) {
      this.wildcardRefs.set(
        addr,
        refs.filter((r) => r !== id),
      );
      return;
    }
    this.maps.deleteService(addr, WILDCARD_PORT, PROTO_ANY, scope, 0);
    this.wildcardRefs.delete(addr);
  }

  private updateReferences(key: string, previous: readonly number[], next: number[]): void {
    const refCount = this.beRefCount;
    if (previous.length === 0) {
      // A new frontend (the common case from scratch): every backend gains a reference.
      for (const beId of next) if (this.backendIds.has(beId)) refCount[beId] = (refCount[beId] as number) + 1;
    } else {
      const prevSet = new Set(previous);
      const nextSet = new Set(next);
      for (const beId of prevSet) {
        if (!nextSet.has(beId) && this.backendIds.has(beId) && (refCount[beId] as number) > 0) {
          refCount[beId] = (refCount[beId] as number) - 1;
        }
      }
      for (const beId of nextSet) {
        if (!prevSet.has(beId) && this.backendIds.has(beId)) refCount[beId] = (refCount[beId] as number) + 1;
      }
    }
    if (next.length > 0) this.backendRefs.set(key, next);
    else this.backendRefs.delete(key);
  }

  /** Deletes the backends a failed attempt took that nothing references and this frontend does not want. */
  private releaseUnsettled(
    left: { slots: number; backends: Set<number> },
    wanted: Set<number>,
    referenced: readonly number[],
    id: number,
    hadAffinity: boolean,
  ): void {
    for (const beId of left.backends) {
      if (!this.backendIds.has(beId)) {
        left.backends.delete(beId);
        continue;
      }
      // Still wanted (this attempt programs it) or referenced (the reference path handles it): keep tracking.
      if (wanted.has(beId) || referenced.includes(beId)) continue;
      if (hadAffinity) this.maps.deleteAffinityMatch(id, beId);
      if ((this.beRefCount[beId] as number) === 0) {
        this.maps.deleteBackend(beId);
        this.releaseBackend(beId);
      }
      left.backends.delete(beId);
    }
  }

  private releaseBackend(id: number): void {
    this.backendIds.release(id);
    this.beRevision[id] = 0;
    this.beRefCount[id] = 0;
    this.backendNodes.delete(id);
  }
}

/** The load-balancer classes Cilium announces itself (BGP control plane, L2 announcements); other classes belong to someone else. */
const CILIUM_LB_CLASSES: readonly string[] = ["io.cilium/bgp-control-plane", "io.cilium/l2-announcer"];

/** A service of a load-balancer class Cilium does not implement gets no wildcard entries. */
function excludedLoadBalancerClass(svc: Service): boolean {
  return svc.loadBalancerClass !== undefined && !CILIUM_LB_CLASSES.includes(svc.loadBalancerClass);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
