/**
 * The per-node service datapath (bpf/lib/lb.h, bpf/lib/nodeport.h,
 * bpf/bpf_sock.c) over the model's maps. Three entry points:
 *
 * - `northSouth`: a packet from outside arriving at this node for a
 *   NodePort / LoadBalancer / external IP (nodeport_lb4): service lookup
 *   with the wildcard fallback, source-range check, lb4_local, then the
 *   routable check ("Is a ClusterIP") and SNAT / DSR towards remote backends.
 * - `eastWest`: a pod's packet to a service address (bpf_lxc): the internal
 *   scope of two-scope services, no wildcard, the pod's address preserved.
 * - `socketConnect`: connect()-time translation (sock4_xlate_fwd): affinity
 *   keyed by the network-namespace cookie, random selection only.
 *
 * lb4_local: conntrack first (an existing flow keeps its backend; a gone or
 * inactive one keeps draining unless the packet opens a new connection),
 * then the affinity map (expired when last_used + timeout <= now, dropped
 * when the affinity match map no longer lists the backend, refreshed on a
 * hit), then random or Maglev selection, CT create, affinity write.
 *
 * Hot-path rules: numeric arguments, one reusable result object, map
 * accessors that return entry indices, and tracing only when a trace is
 * passed (one null check per access, no string building otherwise).
 */

import type { BackendNodes } from "../control/backend-nodes";
// Constants straight from the layout module: the barrel's re-export getters cost a call per read.
import {
  BE_STATE_ACTIVE,
  CT_CLOSE_TIMEOUT,
  CT_GC_INTERVAL,
  CT_SERVICE_CLOSE_REBALANCE,
  CT_FLAG_RX_CLOSING,
  CT_FLAG_TX_CLOSING,
  CT_SERVICE_LIFETIME_NONTCP,
  CT_SERVICE_LIFETIME_TCP,
  CT_SYN_TIMEOUT,
  LB_ALG_MAGLEV,
  LB_ALG_RANDOM,
  LB_LOOKUP_SCOPE_EXT,
  LB_LOOKUP_SCOPE_INT,
  PROTO_ANY,
  PROTO_TCP,
  SVC_FLAG_AFFINITY,
  SVC_FLAG_EXTERNAL_IP,
  SVC_FLAG_FWD_MODE_DSR,
  SVC_FLAG_ROUTABLE,
  SVC_FLAG_SOURCE_RANGE,
  SVC_FLAG_TWO_SCOPES,
  TUPLE_F_SERVICE,
} from "../maps/layouts";
import { formatIPv4 } from "@svclab/sim";
import type {
  AffinityMap,
  AffinityMatchMap,
  BackendMap,
  ConntrackMap,
  MaglevMap,
  RevNatMap,
  ServiceMap,
  SourceRangeMap,
} from "../maps";
import type { Maglev } from "../maglev";
import type { MonotonicClock, SeededRandom } from "@svclab/sim";
import { DROP_IS_CLUSTER_IP, DROP_NO_SERVICE, DROP_NOT_IN_SRC_RANGE, dropReasonText } from "./drop";
import { LookupResult, VERDICT_DROP, VERDICT_FORWARD, VERDICT_PASS, type TrafficPath } from "./result";
import { fmtAffinityKey, fmtServiceKey, fmtTuple, type LookupTrace } from "./trace";

/** The maps the datapath reads and writes. */
export interface DatapathMaps {
  readonly services: ServiceMap;
  readonly backends: BackendMap;
  readonly revNat: RevNatMap;
  readonly affinity: AffinityMap;
  readonly affinityMatch: AffinityMatchMap;
  readonly sourceRange: SourceRangeMap;
  readonly maglev: MaglevMap;
  /** cilium_ct4_global: TCP flows. */
  readonly conntrack: ConntrackMap;
  /** cilium_ct_any4_global: every other protocol; TCP's map serves all when absent. */
  readonly conntrackAny?: ConntrackMap;
}

export interface LoadBalancerConfig {
  /** The address remote backends see under SNAT. */
  nodeAddress: number;
  /** All of this node's addresses (socket LB's NodePort fallback and externalIP check). */
  nodeAddresses: readonly number[];
  /** `--bpf-lb-algorithm`, used when a service entry does not name one. */
  lbAlgorithm: "random" | "maglev";
  /** Flow hashing for Maglev selection (tables come from the maglev map). */
  maglev: Maglev;
  /** The API server's `--service-node-port-range` (default 30000-32767): socket LB treats these ports as NodePorts. */
  nodePortRange?: readonly [number, number];
  /**
   * How often the agent's conntrack GC runs (seconds). The datapath itself
   * never looks at a lifetime: an expired entry is still a hit, and revived,
   * until a GC run removes it.
   */
  conntrackGCInterval?: number;
}

/** Both closing bits: the flow saw FIN/RST. */
const CT_CLOSING = CT_FLAG_RX_CLOSING | CT_FLAG_TX_CLOSING;

const DEFAULT_NODEPORT_RANGE: readonly [number, number] = [30000, 32767];

export class ServiceLoadBalancer {
  private readonly result = new LookupResult();
  private readonly defaultAlg: number;
  private readonly nodeAddrs: Set<number>;
  private readonly nodePortMin: number;
  private readonly nodePortMax: number;
  private readonly gcInterval: number;
  private remoteNodeAddrs = new Set<number>();
  // The key of the service entry being served (wildcard and surrogate lookups change it).
  private kAddr = 0;
  private kPort = 0;
  private kProto = 0;
  private kScope = 0;
  /** Affinity map index of the entry lb4_affinity_backend_id just refreshed, or -1. */
  private affIdx = -1;

  constructor(
    private readonly maps: DatapathMaps,
    private readonly backendNodes: BackendNodes,
    private readonly clock: MonotonicClock,
    private readonly rng: SeededRandom,
    private readonly config: LoadBalancerConfig,
  ) {
    this.defaultAlg = config.lbAlgorithm === "maglev" ? LB_ALG_MAGLEV : LB_ALG_RANDOM;
    this.nodeAddrs = new Set(config.nodeAddresses);
    [this.nodePortMin, this.nodePortMax] = config.nodePortRange ?? DEFAULT_NODEPORT_RANGE;
    this.gcInterval = config.conntrackGCInterval ?? CT_GC_INTERVAL;
    if (!(this.gcInterval > 0)) throw new RangeError(`conntrack GC interval must be positive, got ${this.gcInterval}`);
  }

  /** The conntrack map of a protocol: TCP flows in cilium_ct4_global, the rest in cilium_ct_any4_global. */
  private ctMap(proto: number): ConntrackMap {
    return proto === PROTO_TCP ? this.maps.conntrack : (this.maps.conntrackAny ?? this.maps.conntrack);
  }

  /** Whether a GC run (at a multiple of the interval) has come after the entry expired: GC deletes lifetime < now. */
  private collected(lifetime: number, now: number): boolean {
    return lifetime < now && (Math.floor(lifetime / this.gcInterval) + 1) * this.gcInterval <= now;
  }

  /** The other nodes' addresses (the ipcache's remote-node entries): socket LB serves NodePorts on them too. */
  setRemoteNodeAddresses(addrs: Iterable<number>): void {
    this.remoteNodeAddrs = new Set(addrs);
  }

  /**
   * A packet from outside the cluster to this node (NodePort, LoadBalancer,
   * external IP). `syn`: the packet opens a connection (always true for
   * non-TCP flows' first packet); it decides whether a flow pinned to a
   * terminating backend keeps draining.
   */
  northSouth(
    saddr: number,
    sport: number,
    daddr: number,
    dport: number,
    proto: number,
    syn = true,
    trace: LookupTrace | null = null,
  ): LookupResult {
    const r = this.begin("north-south", daddr, dport, proto, trace);
    const svc = this.lookupService(daddr, dport, proto, false, trace);
    if (svc < 0) return this.pass(r, trace);
    const s = this.maps.services;
    const flags = s.flags(svc);
    if ((flags & SVC_FLAG_SOURCE_RANGE) !== 0 && !this.sourceRangeOk(svc, saddr, trace)) {
      return this.drop(r, DROP_NOT_IN_SRC_RANGE, trace);
    }
    const err = this.lb4Local(svc, saddr, sport, daddr, dport, proto, syn, trace);
    if (err !== 0) return this.drop(r, err, trace);
    if ((flags & SVC_FLAG_ROUTABLE) === 0) return this.drop(r, DROP_IS_CLUSTER_IP, trace);
    if (r.local) {
      r.sourceAddr = saddr;
    } else if ((s.flags2(svc) & SVC_FLAG_FWD_MODE_DSR) !== 0) {
      r.dsr = true;
      r.sourceAddr = saddr;
    } else {
      r.snat = true;
      r.sourceAddr = this.config.nodeAddress;
    }
    r.sourcePort = sport;
    return this.forward(r, trace);
  }

  /** A pod's (or the node's) packet to a service address, translated per packet. */
  eastWest(
    saddr: number,
    sport: number,
    daddr: number,
    dport: number,
    proto: number,
    syn = true,
    trace: LookupTrace | null = null,
  ): LookupResult {
    const r = this.begin("east-west", daddr, dport, proto, trace);
    const svc = this.lookupService(daddr, dport, proto, true, trace);
    if (svc < 0) return this.pass(r, trace);
    const err = this.lb4Local(svc, saddr, sport, daddr, dport, proto, syn, trace);
    if (err !== 0) return this.drop(r, err, trace);
    r.sourceAddr = saddr;
    r.sourcePort = sport;
    return this.forward(r, trace);
  }

  /**
   * connect() of a pod's socket to a service address (socket LB). Affinity
   * is keyed by `netnsCookie`, so every socket of the pod shares it; the
   * backend is always chosen at random, never by Maglev. A "pass" result
   * means the socket is not translated and the packet path applies.
   */
  socketConnect(
    netnsCookie: number,
    saddr: number,
    daddr: number,
    dport: number,
    proto: number,
    trace: LookupTrace | null = null,
  ): LookupResult {
    const r = this.begin("socket", daddr, dport, proto, trace);
    const s = this.maps.services;
    let svc = this.lookupService(daddr, dport, proto, true, trace);
    if (
      svc < 0 &&
      dport >= this.nodePortMin &&
      dport <= this.nodePortMax &&
      ((daddr >>> 24) === 127 || this.nodeAddrs.has(daddr) || this.remoteNodeAddrs.has(daddr))
    ) {
      // sock4_wildcard_lookup: any node's address (or loopback) on a NodePort port hits the 0.0.0.0 surrogate.
      svc = this.lookupKey(0, dport, proto, LB_LOOKUP_SCOPE_EXT, 0, trace, "NodePort on a node address: the 0.0.0.0 surrogate");
      if (svc >= 0 && (s.flags2(svc) & SVC_FLAG_TWO_SCOPES) !== 0) {
        svc = this.lookupKey(0, dport, proto, LB_LOOKUP_SCOPE_INT, 0, trace, "two scopes: internal scope");
      }
    }
    if (svc < 0) return this.pass(r, trace);
    if ((s.flags(svc) & SVC_FLAG_EXTERNAL_IP) !== 0 && !this.nodeAddrs.has(daddr)) {
      // sock4_skip_xlate: an external IP that is not this host's is left to the packet path.
      if (trace !== null) trace.verdict = "pass: external IP not owned by this node, left to the per-packet path";
      r.verdict = VERDICT_PASS;
      return r;
    }
    const count = s.count(svc);
    r.revNatIndex = s.revNatIndex(svc);
    if (count === 0) return this.drop(r, DROP_NO_SERVICE, trace);
    const affinity = (s.flags(svc) & SVC_FLAG_AFFINITY) !== 0;
    const now = this.clock.nowSeconds();
    let backendId = 0;
    let be = -1;
    if (affinity) {
      backendId = this.affinityBackendId(netnsCookie, true, r.revNatIndex, s.affinityTimeout(svc), now, trace);
      if (backendId !== 0) {
        be = this.lookupBackend(backendId, trace, "backend of the affinity entry");
        if (be < 0) {
          this.maps.affinity.deleteAt(this.affIdx);
          if (trace !== null) {
            trace.add("cilium_lb4_affinity", "delete", fmtAffinityKey(netnsCookie, r.revNatIndex, true), "ok", "", "its backend is gone");
          }
          backendId = 0;
        } else {
          r.affinityHit = true;
        }
      }
    }
    if (backendId === 0) {
      backendId = this.selectRandom(count, trace);
      be = backendId === 0 ? -1 : this.lookupBackend(backendId, trace, "selected backend");
      if (be < 0) return this.drop(r, DROP_NO_SERVICE, trace);
      if (affinity) {
        this.maps.affinity.upsertEntry(netnsCookie, r.revNatIndex, true, backendId, now);
        if (trace !== null) {
          trace.add("cilium_lb4_affinity", "update", fmtAffinityKey(netnsCookie, r.revNatIndex, true), "ok", `{backend_id=${backendId} last_used=${now}}`, "remember the choice for this pod");
        }
      }
    }
    this.setBackend(r, backendId, be);
    r.sourceAddr = saddr;
    return this.forward(r, trace);
  }

  /**
   * The connection saw FIN/RST: its service conntrack entry is marked
   * closing and expires CT_CLOSE_TIMEOUT seconds from now, as the datapath
   * does. Returns false when the flow has no entry.
   */
  closeConnection(saddr: number, sport: number, daddr: number, dport: number, proto: number): boolean {
    const ct = this.ctMap(proto);
    const idx = ct.lookupIndex(daddr, saddr, dport, sport, proto, TUPLE_F_SERVICE);
    if (idx < 0) return false;
    ct.setFlags(idx, ct.flags(idx) | CT_FLAG_RX_CLOSING | CT_FLAG_TX_CLOSING);
    ct.setLifetime(idx, this.clock.nowSeconds() + CT_CLOSE_TIMEOUT);
    return true;
  }

  /**
   * Reverse NAT of a reply for the flow `result` describes: the service
   * address and port the client sees as the reply's source. Returns false
   * when the rev-NAT entry is gone.
   */
  reverseNat(revNatIndex: number, out: { address: number; port: number }, trace: LookupTrace | null = null): boolean {
    const m = this.maps.revNat;
    const idx = m.lookupIndex(revNatIndex);
    if (trace !== null) {
      trace.add("cilium_lb4_reverse_nat", "lookup", `{rev_nat_index=${revNatIndex}}`, idx < 0 ? "miss" : "hit", idx < 0 ? "" : `{${formatIPv4(m.address(idx))}:${m.port(idx)}}`, "reply: restore the service address");
    }
    if (idx < 0) return false;
    out.address = m.address(idx);
    out.port = m.port(idx);
    return true;
  }

  private begin(path: TrafficPath, daddr: number, dport: number, proto: number, trace: LookupTrace | null): LookupResult {
    const r = this.result;
    r.verdict = VERDICT_PASS;
    r.dropReason = 0;
    r.path = path;
    r.frontendAddr = daddr;
    r.frontendPort = dport;
    r.proto = proto;
    r.scope = 0;
    r.revNatIndex = 0;
    r.backendId = 0;
    r.backendAddr = 0;
    r.backendPort = 0;
    r.backendNode = "";
    r.local = false;
    r.sourceAddr = 0;
    r.sourcePort = 0;
    r.snat = false;
    r.dsr = false;
    r.conntrackHit = false;
    r.affinityHit = false;
    r.trace = trace;
    return r;
  }

  /** lb4_lookup_service: the external scope, the wildcard for north-south misses, the internal scope of two-scope services for east-west. */
  private lookupService(daddr: number, dport: number, proto: number, eastWest: boolean, trace: LookupTrace | null): number {
    let svc = this.lookupKey(daddr, dport, proto, LB_LOOKUP_SCOPE_EXT, 0, trace, "service frontend");
    if (svc < 0) {
      if (eastWest) return -1;
      return this.lookupKey(daddr, 0, PROTO_ANY, LB_LOOKUP_SCOPE_EXT, 0, trace, "wildcard: drop unknown ports of a service address");
    }
    if (!eastWest || (this.maps.services.flags2(svc) & SVC_FLAG_TWO_SCOPES) === 0) return svc;
    svc = this.lookupKey(daddr, dport, proto, LB_LOOKUP_SCOPE_INT, 0, trace, "two scopes: internal scope for east-west traffic");
    return svc;
  }

  private lookupKey(addr: number, port: number, proto: number, scope: number, slot: number, trace: LookupTrace | null, reason: string): number {
    const s = this.maps.services;
    const idx = s.lookupIndex(addr, port, slot, proto, scope);
    if (trace !== null) {
      trace.add(s.name, "lookup", fmtServiceKey(addr, port, proto, slot, scope), idx < 0 ? "miss" : "hit", idx < 0 ? "" : slot === 0 ? `{count=${s.count(idx)} qcount=${s.qcount(idx)} rev_nat_index=${s.revNatIndex(idx)} flags=0x${(s.flags(idx) | (s.flags2(idx) << 8)).toString(16)}}` : `{backend_id=${s.backendId(idx)}}`, reason);
    }
    if (idx >= 0 && slot === 0) {
      this.kAddr = addr;
      this.kPort = port;
      this.kProto = proto;
      this.kScope = scope;
      this.result.scope = scope;
    }
    return idx;
  }

  private sourceRangeOk(svc: number, saddr: number, trace: LookupTrace | null): boolean {
    const revNat = this.maps.services.revNatIndex(svc);
    const len = this.maps.sourceRange.matchPrefixLen(revNat, saddr);
    if (trace !== null) {
      trace.add(this.maps.sourceRange.name, "lookup", `{rev_nat_id=${revNat} ${formatIPv4(saddr)}/32}`, len < 0 ? "miss" : "hit", len < 0 ? "" : `/${len}`, "loadBalancerSourceRanges");
    }
    return len >= 0;
  }

  /** lb4_local; returns 0 or a DROP_* code, and fills the result's backend. */
  private lb4Local(
    svc: number,
    saddr: number,
    sport: number,
    daddr: number,
    dport: number,
    proto: number,
    syn: boolean,
    trace: LookupTrace | null,
  ): number {
    const m = this.maps;
    const s = m.services;
    const ct = this.ctMap(proto);
    const r = this.result;
    const revNat = s.revNatIndex(svc);
    const count = s.count(svc);
    const affinity = (s.flags(svc) & SVC_FLAG_AFFINITY) !== 0;
    const now = this.clock.nowSeconds();
    r.revNatIndex = revNat;

    let ctIdx = ct.lookupIndex(daddr, saddr, dport, sport, proto, TUPLE_F_SERVICE);
    if (ctIdx >= 0 && this.collected(ct.lifetime(ctIdx), now)) {
      // The agent's GC has run since the entry expired: it is gone.
      ct.deleteAt(ctIdx);
      ctIdx = -1;
    }
    if (trace !== null) {
      trace.add(ct.name, "lookup", fmtTuple(saddr, sport, daddr, dport, proto), ctIdx < 0 ? "miss" : "hit", ctIdx < 0 ? "" : `{backend_id=${ct.backendId(ctIdx)} rev_nat_index=${ct.revNatIndex(ctIdx)}}`, ctIdx < 0 ? "new flow" : "existing flow keeps its backend");
    }
    let closing = ctIdx >= 0 && (ct.flags(ctIdx) & CT_CLOSING) === CT_CLOSING;
    if (closing && syn && proto === PROTO_TCP) {
      // A SYN on a closed tuple. A closed entry is not refreshed, so it was closed at lifetime - CT_CLOSE_TIMEOUT.
      const closedAt = ct.lifetime(ctIdx) - CT_CLOSE_TIMEOUT;
      if (closedAt + CT_SERVICE_CLOSE_REBALANCE <= now) {
        // Past the grace period: a new connection, which selects afresh (and consults affinity) like any other.
        ct.deleteAt(ctIdx);
        ctIdx = -1;
        if (trace !== null) trace.add(ct.name, "delete", fmtTuple(saddr, sport, daddr, dport, proto), "ok", "", "SYN on a tuple closed longer than CT_SERVICE_CLOSE_REBALANCE: a new connection");
      } else {
        // Within it: the flow reopens on its backend.
        ct.setFlags(ctIdx, ct.flags(ctIdx) & ~CT_CLOSING);
      }
      closing = false;
    }
    let backendId = 0;
    let be = -1;
    this.affIdx = -1;
    const lifetime = proto === PROTO_TCP ? (syn ? CT_SYN_TIMEOUT : CT_SERVICE_LIFETIME_TCP) : CT_SERVICE_LIFETIME_NONTCP;
    if (ctIdx < 0) {
      if (count === 0) return DROP_NO_SERVICE;
      if (affinity) {
        backendId = this.affinityBackendId(saddr, false, revNat, s.affinityTimeout(svc), now, trace);
        if (backendId !== 0) {
          be = this.lookupBackend(backendId, trace, "backend of the affinity entry");
          if (be < 0) backendId = 0;
          else r.affinityHit = true;
        }
      }
      if (backendId === 0) {
        backendId = this.selectBackend(svc, count, saddr, sport, dport, proto, affinity, trace);
        be = backendId === 0 ? -1 : this.lookupBackend(backendId, trace, "selected backend");
        if (be < 0) return DROP_NO_SERVICE;
      }
      ct.upsertEntry(daddr, saddr, dport, sport, proto, TUPLE_F_SERVICE, backendId, revNat, now + lifetime, 0);
      if (trace !== null) {
        trace.add(ct.name, "update", fmtTuple(saddr, sport, daddr, dport, proto), "ok", `{backend_id=${backendId} rev_nat_index=${revNat} lifetime=${now + lifetime}}`, "create the flow's conntrack entry");
      }
    } else {
      r.conntrackHit = true;
      backendId = ct.backendId(ctIdx);
      be = this.lookupBackend(backendId, trace, "backend of the flow");
      if (be < 0 || m.backends.state(be) !== BE_STATE_ACTIVE) {
        if (be >= 0 && !syn) {
          if (trace !== null) trace.add(ct.name, "lookup", fmtTuple(saddr, sport, daddr, dport, proto), "hit", "", "backend not active: the established flow keeps draining to it");
        } else {
          if (count === 0) return DROP_NO_SERVICE;
          backendId = this.selectBackend(svc, count, saddr, sport, dport, proto, affinity, trace);
          be = backendId === 0 ? -1 : this.lookupBackend(backendId, trace, "re-selected backend");
          if (be < 0) return DROP_NO_SERVICE;
          ct.setBackendId(ctIdx, backendId);
          if (trace !== null) {
            trace.add(ct.name, "update", fmtTuple(saddr, sport, daddr, dport, proto), "ok", `{backend_id=${backendId}}`, "flow moved off a gone or inactive backend");
          }
        }
      }
      // A closed entry keeps its close timeout (ct_entry_alive is false: no timeout update).
      if (!closing) ct.setLifetime(ctIdx, now + (proto === PROTO_TCP && !syn ? CT_SERVICE_LIFETIME_TCP : lifetime));
    }

    if (affinity) {
      const a = m.affinity;
      // Refreshing an entry lb4_affinity_backend_id just returned in place equals map_update_elem's rewrite.
      if (this.affIdx >= 0 && a.backendId(this.affIdx) === backendId) a.refresh(this.affIdx, now);
      else a.upsertEntry(saddr, revNat, false, backendId, now);
      if (trace !== null) {
        trace.add(a.name, "update", fmtAffinityKey(saddr, revNat, false), "ok", `{backend_id=${backendId} last_used=${now}}`, "lb4_update_affinity_by_addr");
      }
    }
    this.setBackend(r, backendId, be);
    return 0;
  }

  /** __lb4_affinity_backend_id: 0 when there is no live, still-eligible affinity entry. */
  private affinityBackendId(clientId: number, netns: boolean, revNat: number, timeout: number, now: number, trace: LookupTrace | null): number {
    const a = this.maps.affinity;
    const idx = a.lookupIndex(clientId, revNat, netns);
    this.affIdx = -1;
    if (trace !== null) {
      trace.add(a.name, "lookup", fmtAffinityKey(clientId, revNat, netns), idx < 0 ? "miss" : "hit", idx < 0 ? "" : `{backend_id=${a.backendId(idx)} last_used=${a.lastUsed(idx)}}`, "session affinity");
    }
    if (idx < 0) return 0;
    const lastUsed = a.lastUsed(idx);
    if (lastUsed + timeout <= now) {
      a.deleteAt(idx);
      if (trace !== null) {
        trace.add(a.name, "delete", fmtAffinityKey(clientId, revNat, netns), "ok", "", `expired: last_used ${lastUsed} + timeout ${timeout} <= now ${now}`);
      }
      return 0;
    }
    const backendId = a.backendId(idx);
    const matched = this.maps.affinityMatch.contains(backendId, revNat);
    if (trace !== null) {
      trace.add(this.maps.affinityMatch.name, "lookup", `{backend_id=${backendId} rev_nat_id=${revNat}}`, matched ? "hit" : "miss", "", "is the affined backend still active for this service?");
    }
    if (!matched) {
      a.deleteAt(idx);
      if (trace !== null) trace.add(a.name, "delete", fmtAffinityKey(clientId, revNat, netns), "ok", "", "backend no longer active for this service");
      return 0;
    }
    a.refresh(idx, now);
    this.affIdx = idx;
    return backendId;
  }

  /** lb4_select_backend_id: the service's algorithm (or the node default); Maglev only where a table exists. */
  private selectBackend(svc: number, count: number, saddr: number, sport: number, dport: number, proto: number, affinity: boolean, trace: LookupTrace | null): number {
    const s = this.maps.services;
    const alg = s.lbAlgorithm(svc) || this.defaultAlg;
    if (alg === LB_ALG_MAGLEV) {
      const revNat = s.revNatIndex(svc);
      const table = this.maps.maglev.lookup(revNat);
      if (table !== undefined && table.length > 0) {
        // With affinity the source port is left out, so all of a client's connections hash alike.
        const pos = this.config.maglev.flowHash(saddr, affinity ? 0 : sport, dport, proto) % table.length;
        const id = table[pos] as number;
        if (trace !== null) {
          trace.add(this.maps.maglev.name, "lookup", `{rev_nat_index=${revNat}}[${pos}]`, "hit", `{backend_id=${id}}`, affinity ? "Maglev, source port 0 for affinity" : "Maglev");
        }
        return id;
      }
    }
    return this.selectRandom(count, trace);
  }

  private selectRandom(count: number, trace: LookupTrace | null): number {
    const slot = (this.rng.nextU32() % count) + 1;
    const idx = this.lookupKey(this.kAddr, this.kPort, this.kProto, this.kScope, slot, trace, `random slot ${slot} of ${count}`);
    return idx < 0 ? 0 : this.maps.services.backendId(idx);
  }

  private lookupBackend(id: number, trace: LookupTrace | null, reason: string): number {
    const b = this.maps.backends;
    const idx = b.lookupIndex(id);
    if (trace !== null) {
      trace.add(b.name, "lookup", `{backend_id=${id}}`, idx < 0 ? "miss" : "hit", idx < 0 ? "" : `{${formatIPv4(b.address(idx))}:${b.port(idx)} state=${b.state(idx)}}`, reason);
    }
    return idx;
  }

  private setBackend(r: LookupResult, backendId: number, be: number): void {
    const b = this.maps.backends;
    r.backendId = backendId;
    r.backendAddr = b.address(be);
    r.backendPort = b.port(be);
    r.backendNode = this.backendNodes.nodeName(backendId);
    r.local = this.backendNodes.isLocal(backendId);
  }

  private pass(r: LookupResult, trace: LookupTrace | null): LookupResult {
    r.verdict = VERDICT_PASS;
    if (trace !== null) trace.verdict = "pass: not a service address";
    return r;
  }

  private drop(r: LookupResult, reason: number, trace: LookupTrace | null): LookupResult {
    r.verdict = VERDICT_DROP;
    r.dropReason = reason;
    if (trace !== null) trace.verdict = `drop: ${dropReasonText(reason)}`;
    return r;
  }

  private forward(r: LookupResult, trace: LookupTrace | null): LookupResult {
    r.verdict = VERDICT_FORWARD;
    if (trace !== null) {
      const how = r.snat ? ", SNAT to the node address" : r.dsr ? ", DSR" : "";
      trace.verdict = `forward to ${formatIPv4(r.backendAddr)}:${r.backendPort} (backend ${r.backendId}${r.local ? ", local" : `, node ${r.backendNode || "?"}`}${how})`;
    }
    return r;
  }
}
