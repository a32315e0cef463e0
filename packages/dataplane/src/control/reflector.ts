/**
 * The Kubernetes reflector (Cilium's pkg/loadbalancer/reflectors): turns
 * Services and EndpointSlices into writer calls. A Service yields one
 * frontend per port for its ClusterIP, its NodePort (the 0.0.0.0 surrogate,
 * which the reconciler expands to the node addresses), each externalIP and
 * each load-balancer ingress IP, plus internal-scope twins of the
 * non-ClusterIP frontends when eTP=Local and iTP=Local disagree. The
 * EndpointSlices of a service are merged into its backends, with the state
 * read from the endpoint conditions the way kube-proxy reads them.
 *
 * The object types are the structural subset of kubernetes-types that is
 * read, so objects from kubernetes-types (or parsed YAML) fit as they are.
 */

import { parseIPv4 } from "@svclab/sim";
import { parseCidr4, parseL4Type, protoNumber } from "./addr";
import {
  SCOPE_EXTERNAL,
  SCOPE_INTERNAL,
  type BackendParams,
  type BackendState,
  type FrontendParams,
  type Scope,
  type ServiceParams,
  type SVCType,
  type TrafficPolicy,
} from "./model";
import type { Writer } from "./writer";

export interface K8sObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sServicePort {
  name?: string;
  protocol?: string;
  port: number;
  nodePort?: number;
}

export interface K8sService {
  metadata?: K8sObjectMeta;
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ipFamilies?: string[];
    ports?: K8sServicePort[];
    externalIPs?: string[];
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    loadBalancerSourceRanges?: string[];
    loadBalancerClass?: string;
    healthCheckNodePort?: number;
    trafficDistribution?: string;
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string; ipMode?: string }> } };
}

export interface K8sEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  nodeName?: string;
  zone?: string;
}

export interface K8sEndpointSlice {
  metadata?: K8sObjectMeta;
  addressType?: string;
  endpoints?: K8sEndpoint[];
  ports?: Array<{ name?: string | null; port?: number | null; protocol?: string | null }> | null;
}

/** Label that ties an EndpointSlice to its Service. */
export const LABEL_SERVICE_NAME = "kubernetes.io/service-name";
/** corev1.IsHeadlessService: a Service carrying it gets no frontends. */
export const LABEL_HEADLESS = "service.kubernetes.io/headless";

/** Cilium's service annotations (pkg/annotation). */
export const ANNOTATION_LB_ALGORITHM = "service.cilium.io/lb-algorithm";
export const ANNOTATION_FORWARDING_MODE = "service.cilium.io/forwarding-mode";
export const ANNOTATION_TYPE = "service.cilium.io/type";
export const ANNOTATION_NODE = "service.cilium.io/node";
export const ANNOTATION_SRC_RANGES_POLICY = "service.cilium.io/src-ranges-policy";
/** On a Service: "external-only" provisions no internal-scope twins. */
export const ANNOTATION_SCOPE = "service.cilium.io/scope";
/** On an EndpointSlice: the Maglev weight of its endpoints; 0 puts them in maintenance. */
export const ANNOTATION_WEIGHT = "service.cilium.io/weight";

/** The default timeout Kubernetes gives ClientIP affinity (DefaultClientIPServiceAffinitySeconds). */
const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

function namespacedName(meta: K8sObjectMeta | undefined, what: string): string {
  const name = meta?.name;
  if (name === undefined || name === "") throw new Error(`${what}: metadata.name: Required value`);
  return `${meta?.namespace ?? "default"}/${name}`;
}

function trafficPolicy(v: string | undefined): TrafficPolicy {
  return v === "Local" ? "Local" : "Cluster";
}

function isHeadless(svc: K8sService): boolean {
  return svc.metadata?.labels?.[LABEL_HEADLESS] !== undefined || svc.spec?.clusterIP?.toLowerCase() === "none";
}

/** The topology annotations (the deprecated one first) or spec.trafficDistribution ask for PreferClose. */
function isTopologyAware(svc: K8sService): boolean {
  const ann = svc.metadata?.annotations ?? {};
  const value = ann["service.kubernetes.io/topology-aware-hints"] ?? ann["service.kubernetes.io/topology-mode"] ?? "";
  return !(value === "" || value === "disabled" || value === "Disabled") || svc.spec?.trafficDistribution === "PreferClose";
}

/** What the reflector needs to know about the agent and its node. */
export interface ReflectorConfig {
  /** `--bpf-lb-algorithm-annotation`: honour service.cilium.io/lb-algorithm. */
  algorithmAnnotation?: boolean;
  /** `--bpf-lb-mode-annotation`: honour service.cilium.io/forwarding-mode. */
  lbModeAnnotation?: boolean;
  /** `--enable-external-ips` (default true): provision spec.externalIPs frontends. */
  externalIPs?: boolean;
  /** The local node's labels, for service.cilium.io/node. */
  nodeLabels?: Readonly<Record<string, string>>;
  /** The cluster's shared conversion of EndpointSlices, when every node reflects the same immutable objects. */
  reflectionCache?: ReflectionCache;
}

/** IP families of the NodePort frontends: spec.ipFamilies, or deduced from the ClusterIPs (getIPFamilies). */
function ipFamilies(svc: K8sService): string[] {
  const spec = svc.spec ?? {};
  if (spec.ipFamilies !== undefined && spec.ipFamilies.length > 0) return spec.ipFamilies;
  if (spec.clusterIP === undefined || spec.clusterIP === "" || spec.clusterIP === "None") return [];
  const ips = spec.clusterIPs !== undefined && spec.clusterIPs.length > 0 ? spec.clusterIPs : [spec.clusterIP];
  const families = new Set(ips.map((ip) => (ip.includes(":") ? "IPv6" : "IPv4")));
  return [...families];
}

/** The sort key Cilium orders a service's frontends by (L3n4Addr.Bytes(): address, port, protocol, scope). */
function frontendOrder(a: FrontendParams, b: FrontendParams): number {
  const pa = parseIPv4(a.address);
  const pb = parseIPv4(b.address);
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.port !== b.port) return a.port - b.port;
  const qa = protoNumber(a.protocol);
  const qb = protoNumber(b.protocol);
  if (qa !== qb) return qa - qb;
  return (a.scope ?? SCOPE_EXTERNAL) - (b.scope ?? SCOPE_EXTERNAL);
}

/**
 * The writer input for a Service: its policies and all its frontends
 * (Cilium's convertService), or `undefined` when the service is not for
 * this node (service.cilium.io/node does not match the node's label).
 */
export function serviceToFrontends(
  svc: K8sService,
  config: ReflectorConfig = {},
): { service: ServiceParams; frontends: FrontendParams[] } {
  const name = namespacedName(svc.metadata, "Service");
  const spec = svc.spec ?? {};
  const ann = svc.metadata?.annotations ?? {};
  const type = spec.type ?? "ClusterIP";
  const portNames: Record<string, number> = {};
  for (const p of spec.ports ?? []) portNames[p.name ?? ""] = p.port;
  const affinity = spec.sessionAffinity === "ClientIP";
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  const service: ServiceParams = {
    name,
    extTrafficPolicy: trafficPolicy(spec.externalTrafficPolicy),
    intTrafficPolicy: trafficPolicy(spec.internalTrafficPolicy),
    sessionAffinity: affinity,
    // An unset or zero timeout is the default one; defaulting drops the config unless the affinity is ClientIP.
    sessionAffinityTimeoutSec: affinity ? (timeout === undefined || timeout === 0 ? DEFAULT_CLIENT_IP_AFFINITY_SECONDS : timeout) : undefined,
    // Cilium skips the CIDRs it cannot parse.
    sourceRanges: (spec.loadBalancerSourceRanges ?? []).filter((c) => {
      try {
        parseCidr4(c);
        return true;
      } catch {
        return false;
      }
    }),
    healthCheckNodePort: spec.healthCheckNodePort ?? 0,
    portNames,
    sourceRangesPolicy: ann[ANNOTATION_SRC_RANGES_POLICY]?.toLowerCase() === "deny" ? "deny" : "allow",
    loadBalancerClass: spec.loadBalancerClass,
  };
  if (config.algorithmAnnotation === true) {
    const alg = ann[ANNOTATION_LB_ALGORITHM];
    if (alg === "random" || alg === "maglev") service.lbAlgorithm = alg;
  }
  if (config.lbModeAnnotation === true) {
    const mode = ann[ANNOTATION_FORWARDING_MODE]?.toLowerCase();
    if (mode === "snat" || mode === "dsr") service.forwardingMode = mode;
  }
  if (service.intTrafficPolicy !== "Local" && isTopologyAware(svc)) service.trafficDistribution = "PreferClose";
  const frontends: FrontendParams[] = [];
  if (isHeadless(svc)) return { service, frontends };

  // service.cilium.io/type provisions a single frontend type; an unknown value is ignored.
  const exposure = ann[ANNOTATION_TYPE];
  const canExpose = (t: string) =>
    exposure === undefined || !["ClusterIP", "NodePort", "LoadBalancer"].includes(exposure) || exposure === t;
  const twoScopes =
    (service.extTrafficPolicy === "Local") !== (service.intTrafficPolicy === "Local") && ann[ANNOTATION_SCOPE] !== "external-only";
  const scopes: Scope[] = twoScopes ? [SCOPE_EXTERNAL, SCOPE_INTERNAL] : [SCOPE_EXTERNAL];
  const ports = (spec.ports ?? []).map((p) => ({ ...p, l4: parseL4Type(p.protocol ?? "TCP"), portName: p.name ?? "" }));

  if (canExpose("ClusterIP")) {
    const clusterIPs =
      spec.clusterIPs !== undefined && spec.clusterIPs.length > 0 ? [...spec.clusterIPs].sort() : [spec.clusterIP ?? ""];
    for (const ip of clusterIPs) {
      if (!isIPv4(ip)) continue;
      for (const p of ports) frontends.push({ address: ip, port: p.port, protocol: p.l4, type: "ClusterIP", portName: p.portName, scope: SCOPE_EXTERNAL });
    }
  }
  if ((type === "NodePort" || type === "LoadBalancer") && canExpose("NodePort") && ipFamilies(svc).includes("IPv4")) {
    for (const scope of scopes) {
      for (const p of ports) {
        if (p.nodePort === undefined || p.nodePort === 0) continue;
        frontends.push({ address: "0.0.0.0", port: p.nodePort, protocol: p.l4, type: "NodePort", portName: p.portName, scope });
      }
    }
  }
  if (type === "LoadBalancer" && canExpose("LoadBalancer")) {
    for (const ingress of svc.status?.loadBalancer?.ingress ?? []) {
      // ipMode Proxy: the load balancer proxies, traffic arrives from it and not for the VIP.
      if (ingress.ip === undefined || !isIPv4(ingress.ip) || ingress.ipMode === "Proxy") continue;
      for (const scope of scopes) {
        for (const p of ports) frontends.push({ address: ingress.ip, port: p.port, protocol: p.l4, type: "LoadBalancer", portName: p.portName, scope });
      }
    }
  }
  for (const ip of config.externalIPs === false ? [] : (spec.externalIPs ?? [])) {
    if (!isIPv4(ip)) continue;
    for (const p of ports) frontends.push({ address: ip, port: p.port, protocol: p.l4, type: "ExternalIPs", portName: p.portName, scope: SCOPE_EXTERNAL });
  }
  // Stable: equal addresses keep the order they were produced in.
  frontends.sort(frontendOrder);
  return { service, frontends };
}

/** Whether service.cilium.io/node lets this node provision the service (CheckServiceNodeExposure). */
export function exposedOnNode(svc: K8sService, nodeLabels: Readonly<Record<string, string>>): boolean {
  const want = svc.metadata?.annotations?.[ANNOTATION_NODE];
  return want === undefined || want === "" || nodeLabels[ANNOTATION_NODE] === want;
}

function isIPv4(ip: string): boolean {
  try {
    parseIPv4(ip);
    return true;
  } catch {
    return false;
  }
}

/**
 * Backend state from EndpointSlice conditions (an unset condition counts as
 * true, except terminating): ready -> active, whether terminating or not;
 * not ready but serving and terminating -> terminating (the fallback when
 * nothing is active, KEP-1669); terminating and not serving ->
 * terminating-not-serving; otherwise (not ready, not terminating) ->
 * maintenance: the backend keeps its id but gets no slot.
 */
export function endpointState(c: K8sEndpoint["conditions"]): BackendState {
  const ready = c?.ready == null || c.ready;
  const serving = c?.serving == null || c.serving;
  const terminating = c?.terminating === true;
  if (ready) return "active";
  if (terminating) return serving ? "terminating" : "terminating-not-serving";
  return "maintenance";
}

export function endpointSliceToBackends(slice: K8sEndpointSlice): BackendParams[] {
  if (slice.addressType !== undefined && slice.addressType !== "IPv4") return [];
  const out: BackendParams[] = [];
  const weightAnn = slice.metadata?.annotations?.[ANNOTATION_WEIGHT];
  const parsed = weightAnn === undefined ? NaN : Number(weightAnn);
  // An unparsable weight is ignored (the default weight).
  const weight = Number.isInteger(parsed) && parsed >= 0 && parsed <= 0xffff ? parsed : undefined;
  for (const ep of slice.endpoints ?? []) {
    const state = weight === 0 ? "maintenance" : endpointState(ep.conditions);
    for (const address of ep.addresses) {
      for (const p of slice.ports ?? []) {
        if (p.port == null) continue;
        out.push({
          address,
          port: p.port,
          protocol: parseL4Type(p.protocol ?? "TCP"),
          portNames: p.name == null || p.name === "" ? [] : [p.name],
          state,
          nodeName: ep.nodeName ?? "",
          zone: ep.zone ?? "",
          ...(weight !== undefined ? { weight } : {}),
        });
      }
    }
  }
  return out;
}

/**
 * The conversions of Kubernetes objects that do not depend on the node,
 * done once for the whole cluster: the API server hands every node's watch
 * the same stored object. A slice's backends (the Local traffic policies
 * filter later, per frontend) and a Service's policies and frontends
 * (service.cilium.io/node is checked before, per node) come back frozen, so
 * the writers of all nodes share them and what they derive from them. Only
 * for objects never changed in place once reflected (API server objects):
 * the cache is keyed by the object. A Service is converted with the
 * reflector options of the first node that asks; a node with other options
 * converts its own.
 */
export class ReflectionCache {
  private readonly bySlice = new WeakMap<K8sEndpointSlice, readonly BackendParams[]>();
  private readonly byService = new WeakMap<K8sService, { service: ServiceParams; frontends: readonly FrontendParams[] }>();
  private options: string | undefined;

  backends(slice: K8sEndpointSlice): readonly BackendParams[] {
    let backends = this.bySlice.get(slice);
    if (backends === undefined) {
      backends = Object.freeze(endpointSliceToBackends(slice).map(freezeBackend));
      this.bySlice.set(slice, backends);
    }
    return backends;
  }

  /** serviceToFrontends, shared; throws as it does (a refused object is not kept). */
  service(svc: K8sService, config: ReflectorConfig): { service: ServiceParams; frontends: readonly FrontendParams[] } {
    const options = `${config.algorithmAnnotation === true} ${config.lbModeAnnotation === true} ${config.externalIPs !== false}`;
    this.options ??= options;
    if (options !== this.options) return serviceToFrontends(svc, config);
    let converted = this.byService.get(svc);
    if (converted === undefined) {
      const { service, frontends } = serviceToFrontends(svc, config);
      for (const v of Object.values(service)) if (typeof v === "object" && v !== null) Object.freeze(v);
      converted = { service: Object.freeze(service), frontends: Object.freeze(frontends.map((fe) => Object.freeze(fe))) };
      this.byService.set(svc, converted);
    }
    return converted;
  }
}

function freezeBackend(be: BackendParams): BackendParams {
  if (be.portNames !== undefined) Object.freeze(be.portNames);
  return Object.freeze(be);
}

export interface K8sContainerPort {
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: string;
}

export interface K8sPod {
  metadata?: K8sObjectMeta & { uid?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: Array<{ ports?: K8sContainerPort[] }> };
  status?: { phase?: string; podIP?: string; podIPs?: Array<{ ip: string }> };
}

/** Cilium names a HostPort's synthetic service "<namespace>/<pod>:host-port:<port>:<pod uid>". */
export const HOST_PORT_SERVICE_INFIX = ":host-port:";

/** Two HostPort service names of one pod and host port, whatever the pod's UID. */
function sameHostPort(a: string, b: string): boolean {
  return a.slice(0, a.lastIndexOf(":")) === b.slice(0, b.lastIndexOf(":"));
}

/**
 * The synthetic services of a running Pod's hostPorts (Cilium's
 * upsertHostPort): one per host port, with a HostPort frontend on the
 * port's hostIP (0.0.0.0, expanded to the node addresses, when unset) and
 * the pod's IPs at the container port as backends.
 */
export function podToHostPortServices(
  pod: K8sPod,
): Array<{ service: ServiceParams; frontends: FrontendParams[]; backends: BackendParams[] }> {
  const ns = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  const uid = pod.metadata?.uid ?? "";
  const ips = (pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP !== undefined ? [pod.status.podIP] : [])).filter(isIPv4);
  const byPort = new Map<number, { service: ServiceParams; frontends: FrontendParams[]; backends: BackendParams[] }>();
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort === undefined || p.hostPort === 0) continue;
      const protocol = parseL4Type(p.protocol ?? "TCP");
      let entry = byPort.get(p.hostPort);
      if (entry === undefined) {
        entry = { service: { name: `${ns}/${name}${HOST_PORT_SERVICE_INFIX}${p.hostPort}:${uid}` }, frontends: [], backends: [] };
        byPort.set(p.hostPort, entry);
      }
      const address = p.hostIP === undefined || p.hostIP === "" ? "0.0.0.0" : p.hostIP;
      if (!isIPv4(address)) continue;
      entry.frontends.push({ address, port: p.hostPort, protocol, type: "HostPort", scope: SCOPE_EXTERNAL });
      for (const ip of ips) entry.backends.push({ address: ip, port: p.containerPort, protocol, nodeName: pod.spec?.nodeName ?? "" });
    }
  }
  return [...byPort.values()];
}

/** Feeds a Writer from Services and EndpointSlices, keeping the slices of each service merged. */
export class K8sReflector {
  private readonly slices = new Map<string, Map<string, readonly BackendParams[]>>();

  constructor(
    private readonly writer: Writer,
    private readonly config: ReflectorConfig & { nodeLabels?: Readonly<Record<string, string>> } = {},
  ) {}

  upsertService(svc: K8sService): void {
    if (!exposedOnNode(svc, this.config.nodeLabels ?? {})) {
      // Not for this node: withdraw it if it was provisioned before.
      this.writer.deleteService(namespacedName(svc.metadata, "Service"));
      return;
    }
    const { service, frontends } = this.config.reflectionCache?.service(svc, this.config) ?? serviceToFrontends(svc, this.config);
    this.writer.upsertService(service, frontends);
  }

  /** The hostPort services of each pod, by "namespace/name". */
  private readonly podServices = new Map<string, string[]>();

  setNodeLabels(labels: Readonly<Record<string, string>>): void {
    this.config.nodeLabels = { ...labels };
  }

  /**
   * A Pod's hostPorts, while it runs (a pod marked for deletion keeps what
   * it has; one that succeeded or failed releases its ports at once). A
   * pod recreated under its name has a new UID and so new service names for
   * the same host ports: those old services are withdrawn first, in the same
   * write, so the new ones take their frontends over with their IDs. Other
   * old services go after the new ones are written, so a backend moving to
   * another port keeps its id.
   */
  upsertPod(pod: K8sPod): void {
    const key = namespacedName(pod.metadata, "Pod");
    if (pod.spec?.hostNetwork === true) return;
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") return this.deletePod(key);
    if (phase !== "Running" || pod.metadata?.deletionTimestamp !== undefined) return;
    const next = podToHostPortServices(pod);
    const names = next.map((n) => n.service.name);
    const replaced = (this.podServices.get(key) ?? []).filter((old) => !names.includes(old));
    const recreated = replaced.filter((old) => names.some((n) => sameHostPort(n, old)));
    for (const old of recreated) this.writer.deleteService(old);
    for (const { service, frontends, backends } of next) {
      this.writer.upsertService(service, frontends);
      this.writer.setBackends(service.name, backends);
    }
    for (const old of recreated) this.writer.setBackends(old, []);
    for (const old of replaced) if (!recreated.includes(old)) this.removeHostPortService(old);
    if (names.length > 0) this.podServices.set(key, names);
    else this.podServices.delete(key);
  }

  deletePod(key: string): void {
    for (const name of this.podServices.get(key) ?? []) this.removeHostPortService(name);
    this.podServices.delete(key);
  }

  private removeHostPortService(name: string): void {
    this.writer.deleteService(name);
    this.writer.setBackends(name, []);
  }

  /** The Service goes; its EndpointSlices (and so its backends) stay until they are deleted themselves. */
  deleteService(namespace: string, name: string): void {
    this.writer.deleteService(`${namespace}/${name}`);
  }

  upsertEndpointSlice(slice: K8sEndpointSlice): void {
    const sliceName = namespacedName(slice.metadata, "EndpointSlice");
    const svcName = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
    if (svcName === undefined) return;
    const serviceKey = `${slice.metadata?.namespace ?? "default"}/${svcName}`;
    const backends = this.config.reflectionCache?.backends(slice) ?? endpointSliceToBackends(slice);
    const bySlice = this.slices.get(serviceKey) ?? new Map<string, readonly BackendParams[]>();
    const previous = bySlice.get(sliceName);
    bySlice.set(sliceName, backends);
    try {
      this.writer.setBackends(serviceKey, mergedBackends(bySlice));
    } catch (err) {
      if (previous === undefined) bySlice.delete(sliceName);
      else bySlice.set(sliceName, previous);
      throw err;
    }
    this.slices.set(serviceKey, bySlice);
  }

  deleteEndpointSlice(slice: K8sEndpointSlice): void {
    const sliceName = namespacedName(slice.metadata, "EndpointSlice");
    const svcName = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
    if (svcName === undefined) return;
    const serviceKey = `${slice.metadata?.namespace ?? "default"}/${svcName}`;
    const bySlice = this.slices.get(serviceKey);
    if (bySlice === undefined || !bySlice.delete(sliceName)) return;
    this.writer.setBackends(serviceKey, mergedBackends(bySlice));
  }
}

/** The backends of all of a service's slices (most services have one: its list as it is). */
function mergedBackends(bySlice: ReadonlyMap<string, readonly BackendParams[]>): readonly BackendParams[] {
  if (bySlice.size === 1) for (const only of bySlice.values()) return only;
  return [...bySlice.values()].flat();
}
