/**
 * One node's Cilium service load balancer: its BPF maps, the agent side
 * (desired-state tables, writer, Kubernetes reflector, reconciler) and the
 * datapath lookups, wired together with the node's clock and random
 * generator. Kubernetes objects go in through `applyService` /
 * `applyEndpointSlice` (reconciled at once, like a quiet agent);
 * connections go in through `connect` (strings, one snapshot per call) or
 * the allocation-free numeric entry points of `lb`.
 */

import { Maglev } from "../maglev";
import {
  AffinityMap,
  AffinityMatchMap,
  BackendMap,
  ConntrackMap,
  CT_GC_INTERVAL,
  DEFAULT_CT_ANY_MAX_ENTRIES,
  MaglevMap,
  RevNatMap,
  ServiceMap,
  SourceRangeMap,
} from "../maps";
import type { MonotonicClock, SeededRandom } from "@svclab/sim";
import { affinityDump, conntrackDump } from "../dump/datapath-state";
import { lbList, lbMapsDump } from "../dump/lb-maps";
import { serviceList } from "../dump/service-list";
import { ServiceLoadBalancer, type DatapathMaps } from "../lb/load-balancer";
import type { LookupSnapshot, TrafficPath } from "../lb/result";
import { LookupTrace } from "../lb/trace";
import { parseIPv4 } from "@svclab/sim";
import { parseL4Type, protoNumber, type L4Type } from "./addr";
import { BackendNodes } from "./backend-nodes";
import { createLBMaps } from "./bpf-lbmaps";
import type { LBMaps } from "./lbmaps";
import { K8sReflector, type K8sEndpointSlice, type K8sPod, type K8sService, type ReflectionCache } from "./reflector";
import { Reconciler, type LBAlgorithm, type LBMode, type ReconcileResult } from "./reconciler";
import { Tables } from "./tables";
import { Writer } from "./writer";

function objectName(meta: { name?: string; namespace?: string } | undefined): string {
  return `${meta?.namespace ?? "default"}/${meta?.name ?? ""}`;
}

/** Capacities (max_entries) of the node's maps; Cilium's defaults when omitted. */
export interface MapSizes {
  /** cilium_lb4_services_v2, backends, reverse NAT, affinity match, source range, maglev (`--bpf-lb-map-max`, 65536). */
  lb?: number;
  /** cilium_lb4_affinity (65536). */
  affinity?: number;
  /** cilium_ct4_global (`--bpf-ct-global-tcp-max`, 524288). */
  conntrack?: number;
  /** cilium_ct_any4_global (`--bpf-ct-global-any-max`, 262144). */
  conntrackAny?: number;
}

export interface NodeDataplaneConfig {
  nodeName: string;
  /** The node's IPv4 addresses (InternalIP first: it is the SNAT source). */
  nodeIPs: readonly string[];
  /** `--bpf-lb-algorithm` (default random). */
  lbAlgorithm?: LBAlgorithm;
  /** `--bpf-lb-mode` (default snat). */
  lbMode?: LBMode;
  /** Socket-level LB for pods (`connect` on the east-west path translates at connect()); default true. */
  socketLB?: boolean;
  mapSizes?: MapSizes;
  /** `--bpf-lb-maglev-table-size` (default 16381). */
  maglevTableSize?: number;
  /** `--bpf-lb-maglev-hash-seed` (default Cilium's). Must be the same on every node. */
  maglevHashSeed?: string;
  /** Program {vip, 0, ANY} drop entries for LoadBalancer / external IPs (default true). */
  wildcardEntries?: boolean;
  /** `--bpf-lb-external-clusterip` (default false). */
  externalClusterIP?: boolean;
  /** The node's addresses that are not NodePort addresses (other devices): no LoadBalancer wildcard on them. */
  localAddresses?: readonly string[];
  /** The API server's `--service-node-port-range` as [min, max] (default [30000, 32767]), for socket LB. */
  nodePortRange?: readonly [number, number];
  /** Seconds between conntrack GC runs (Cilium's starting interval, 300, by default). */
  conntrackGCInterval?: number;
  /** `--enable-external-ips` (default true): provision spec.externalIPs. */
  externalIPs?: boolean;
  /** `--bpf-lb-source-range-all-types` (default false). */
  sourceRangeAllTypes?: boolean;
  /** `--bpf-lb-algorithm-annotation`: honour service.cilium.io/lb-algorithm (default false). */
  algorithmAnnotation?: boolean;
  /** `--bpf-lb-mode-annotation`: honour service.cilium.io/forwarding-mode (default false). */
  lbModeAnnotation?: boolean;
  /** The node's labels (service.cilium.io/node exposes a service only on nodes whose label matches). */
  nodeLabels?: Readonly<Record<string, string>>;
  /**
   * The cluster's conversion of EndpointSlices, shared by every node (the
   * slices must be objects nobody changes in place, as an API server's are).
   */
  reflectionCache?: ReflectionCache;
  clock: MonotonicClock;
  rng: SeededRandom;
  /** Replaces the map writer (tests inject faults here); wraps the real one. */
  wrapLBMaps?: (maps: LBMaps) => LBMaps;
}

/** All of a node's maps. */
export type NodeMaps = DatapathMaps;

/** A connection attempt for `NodeDataplane.connect`. */
export interface ConnectRequest {
  /** north-south: from outside to this node; east-west: from a pod on this node. */
  path: Exclude<TrafficPath, "socket">;
  client: string;
  clientPort?: number;
  /** The address dialled: ClusterIP, node IP (NodePort), LoadBalancer ingress IP, external IP. */
  address: string;
  port: number;
  protocol?: L4Type;
  /** The client pod's network-namespace cookie; with socket LB on, east-west connects are translated at connect() with it. */
  netnsCookie?: number;
  /** The packet opens a new connection (default true). */
  syn?: boolean;
  /** Record the map accesses (default false). */
  trace?: boolean;
}

export class NodeDataplane {
  readonly nodeName: string;
  readonly nodeAddresses: readonly number[];
  readonly maps: NodeMaps;
  readonly tables = new Tables();
  readonly writer: Writer;
  readonly reflector: K8sReflector;
  readonly reconciler: Reconciler;
  readonly lb: ServiceLoadBalancer;
  readonly backendNodes = new BackendNodes();
  readonly maglev: Maglev;
  readonly config: Readonly<Required<Pick<NodeDataplaneConfig, "lbAlgorithm" | "lbMode" | "socketLB">>>;
  /** Seconds between the agent's conntrack GC runs (`conntrackGC`): its caller schedules them. */
  readonly conntrackGCInterval: number;
  private readonly clock: MonotonicClock;

  constructor(config: NodeDataplaneConfig) {
    this.nodeName = config.nodeName;
    this.nodeAddresses = config.nodeIPs.map(parseIPv4);
    this.clock = config.clock;
    this.config = {
      lbAlgorithm: config.lbAlgorithm ?? "random",
      lbMode: config.lbMode ?? "snat",
      socketLB: config.socketLB ?? true,
    };
    const lb = config.mapSizes?.lb;
    this.maglev = new Maglev({ tableSize: config.maglevTableSize, hashSeed: config.maglevHashSeed });
    this.maps = {
      services: new ServiceMap({ maxEntries: lb }),
      backends: new BackendMap({ maxEntries: lb }),
      revNat: new RevNatMap({ maxEntries: lb }),
      affinity: new AffinityMap({ maxEntries: config.mapSizes?.affinity }),
      // Sized like the affinity map it validates (`--bpf-lb-affinity-map-max`).
      affinityMatch: new AffinityMatchMap({ maxEntries: config.mapSizes?.affinity }),
      sourceRange: new SourceRangeMap({ maxEntries: lb }),
      maglev: new MaglevMap({ maxEntries: lb, tableSize: this.maglev.tableSize }),
      conntrack: new ConntrackMap({ maxEntries: config.mapSizes?.conntrack }),
      conntrackAny: new ConntrackMap({
        name: "cilium_ct_any4_global",
        maxEntries: config.mapSizes?.conntrackAny ?? DEFAULT_CT_ANY_MAX_ENTRIES,
      }),
    };
    this.conntrackGCInterval = config.conntrackGCInterval ?? CT_GC_INTERVAL;
    this.writer = new Writer(this.tables, config.nodeName, { nodeAddresses: this.nodeAddresses, nodePortRange: config.nodePortRange });
    this.reflector = new K8sReflector(this.writer, {
      algorithmAnnotation: config.algorithmAnnotation ?? false,
      lbModeAnnotation: config.lbModeAnnotation ?? false,
      externalIPs: config.externalIPs ?? true,
      nodeLabels: config.nodeLabels ?? {},
      reflectionCache: config.reflectionCache,
    });
    const lbmaps = createLBMaps(this.maps);
    this.reconciler = new Reconciler(this.writer, config.wrapLBMaps ? config.wrapLBMaps(lbmaps) : lbmaps, this.backendNodes, {
      nodeAddresses: this.nodeAddresses,
      lbAlgorithm: this.config.lbAlgorithm,
      lbMode: this.config.lbMode,
      wildcardEntries: config.wildcardEntries ?? true,
      externalClusterIP: config.externalClusterIP ?? false,
      sourceRangeAllTypes: config.sourceRangeAllTypes ?? false,
      localAddresses: (config.localAddresses ?? []).map(parseIPv4),
      maglev: this.maglev,
    });
    this.lb = new ServiceLoadBalancer(this.maps, this.backendNodes, config.clock, config.rng, {
      // A node without addresses (an agent test) has no SNAT source: 0.0.0.0.
      nodeAddress: this.nodeAddresses[0] ?? 0,
      nodeAddresses: this.nodeAddresses,
      lbAlgorithm: this.config.lbAlgorithm,
      maglev: this.maglev,
      nodePortRange: config.nodePortRange,
      conntrackGCInterval: this.conntrackGCInterval,
    });
  }

  /** The agent's conntrack GC over both conntrack maps: removes entries whose lifetime has passed; returns how many. */
  conntrackGC(): number {
    const now = this.clock.nowSeconds();
    return this.maps.conntrack.gc(now) + (this.maps.conntrackAny?.gc(now) ?? 0);
  }

  /** The other nodes' IPs: socket LB translates connects to a NodePort on any node address locally. */
  setRemoteNodeIPs(ips: readonly string[]): void {
    this.lb.setRemoteNodeAddresses(ips.map(parseIPv4));
  }

  /**
   * Adds or updates a Kubernetes Service and programs the maps. An object
   * the writer rejects (bad address, frontend owned by another service)
   * changes nothing and comes back as an error with frontend "".
   */
  applyService(svc: K8sService): ReconcileResult {
    return this.applying(objectName(svc.metadata), () => this.reflector.upsertService(svc));
  }

  deleteService(namespace: string, name: string): ReconcileResult {
    return this.applying(`${namespace}/${name}`, () => this.reflector.deleteService(namespace, name));
  }

  /** Adds or updates an EndpointSlice (linked to its Service by the kubernetes.io/service-name label). */
  applyEndpointSlice(slice: K8sEndpointSlice): ReconcileResult {
    return this.applying(objectName(slice.metadata), () => this.reflector.upsertEndpointSlice(slice));
  }

  deleteEndpointSlice(slice: K8sEndpointSlice): ReconcileResult {
    return this.applying(objectName(slice.metadata), () => this.reflector.deleteEndpointSlice(slice));
  }

  /** A running Pod's hostPorts become HostPort services; a finished one releases them. */
  applyPod(pod: K8sPod): ReconcileResult {
    return this.applying(objectName(pod.metadata), () => this.reflector.upsertPod(pod));
  }

  deletePod(namespace: string, name: string): ReconcileResult {
    return this.applying(`${namespace}/${name}`, () => this.reflector.deletePod(`${namespace}/${name}`));
  }

  /** A health checker's verdict on a service's backend ("10.244.1.1:80/TCP"). */
  setBackendHealth(service: string, backend: string, healthy: boolean): ReconcileResult {
    return this.applying(service, () => this.writer.setBackendHealth(service, backend, healthy));
  }

  /** The node's non-NodePort addresses changed (a device came or went): wildcards are re-evaluated. */
  setLocalAddresses(ips: readonly string[]): ReconcileResult {
    const addrs = ips.map(parseIPv4);
    this.reconciler.setLocalAddresses(addrs);
    this.writer.refreshFrontends();
    return this.reconcile();
  }

  /** The node's labels changed: services annotated service.cilium.io/node are re-evaluated when next applied. */
  setNodeLabels(labels: Readonly<Record<string, string>>): void {
    this.reflector.setNodeLabels(labels);
  }

  /** Programs pending changes (also retries frontends that failed before). */
  reconcile(): ReconcileResult {
    return this.reconciler.reconcile();
  }

  private applying(name: string, change: () => void): ReconcileResult {
    try {
      change();
    } catch (err) {
      const result = this.reconcile();
      result.errors.unshift({ frontend: "", service: name, error: err instanceof Error ? err : new Error(String(err)) });
      return result;
    }
    return this.reconcile();
  }

  /**
   * One connection attempt, in strings: the verdict, the backend, the source
   * address the backend sees, and the trace when asked for. With socket LB
   * on and a netns cookie given, an east-west connect is translated at
   * connect(); otherwise (or when the socket layer leaves it) per packet.
   */
  connect(req: ConnectRequest): LookupSnapshot {
    const saddr = parseIPv4(req.client);
    const daddr = parseIPv4(req.address);
    const proto = protoNumber(parseL4Type(req.protocol ?? "TCP"));
    const sport = req.clientPort ?? 0;
    if (!Number.isInteger(sport) || sport < 0 || sport > 65535) throw new Error(`invalid client port ${sport}`);
    const trace = req.trace === true ? new LookupTrace() : null;
    const syn = req.syn ?? true;
    if (req.path === "north-south") return this.lb.northSouth(saddr, sport, daddr, req.port, proto, syn, trace).snapshot();
    if (this.config.socketLB && req.netnsCookie !== undefined) {
      const r = this.lb.socketConnect(req.netnsCookie, saddr, daddr, req.port, proto, trace);
      if (r.verdictName !== "pass") {
        r.sourcePort = sport;
        return r.snapshot();
      }
    }
    return this.lb.eastWest(saddr, sport, daddr, req.port, proto, syn, trace).snapshot();
  }

  /** The connection saw FIN/RST: its conntrack entry closes (expires after CT_CLOSE_TIMEOUT). */
  closeConnection(req: Pick<ConnectRequest, "client" | "clientPort" | "address" | "port" | "protocol">): boolean {
    return this.lb.closeConnection(
      parseIPv4(req.client),
      req.clientPort ?? 0,
      parseIPv4(req.address),
      req.port,
      protoNumber(parseL4Type(req.protocol ?? "TCP")),
    );
  }

  /** `cilium-dbg bpf lb list`. */
  lbList(): string {
    return lbList(this.maps);
  }

  /** `cilium-dbg service list`. */
  serviceList(): string {
    return serviceList(this.maps);
  }

  /** Cilium's SVC:/BE:/REV:/AFF:/SRCRANGE:/MAGLEV: test dump. */
  lbMapsDump(): string[] {
    return lbMapsDump(this.maps);
  }

  /** Session-affinity entries with age and time to expiry. */
  affinityDump(): string[] {
    return affinityDump(this.maps, this.clock.nowSeconds());
  }

  /** Conntrack entries with backend and expiry. */
  conntrackDump(): string[] {
    return conntrackDump(this.maps, this.clock.nowSeconds());
  }
}
