/**
 * A whole Kubernetes cluster in one process, on one virtual clock: the API
 * server and its controllers, a kubelet and a Cilium dataplane per node,
 * cluster DNS, a cloud load balancer, and the network between them. This is
 * the package's entry point; every method keeps the cluster consistent
 * (controllers run to quiescence after each call).
 */
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import {
  type KindInfo,
  type KubeObject,
  type PatchType,
  KubectlError,
  StatusError,
  parseManifests,
  renderKubectlError,
  resolveResource,
} from "@svclab/manifest";
import { NodeDataplane, ReflectionCache } from "@svclab/dataplane";
import { EventLoop, SeededRandom, VirtualClock, compareInstants, instantAfter } from "@svclab/sim";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ApiServer, RestServer, KINDS, SERVED_KINDS, IPAllocator, PortAllocator, ServiceRegistry, podHooks, eventHooks, type DeleteOptions, type ListOptions, type WriteResult, type StoredObject, type WatchHandler, type NodeConnection, type RestHandler } from "@svclab/apiserver";
import type { ContainerLog } from "../node/container-log";
import { EventSink, LegacyEventRecorder, SchedulerEventRecorder } from "../events/recorder";
import { DeploymentController } from "../controllers/deployment";
import { ReplicaSetController } from "../controllers/replicaset";
import { Scheduler } from "../controllers/scheduler";
import { EndpointSliceController } from "../controllers/endpointslice";
import { GarbageCollector } from "../controllers/garbage-collector";
import { type Informer, SharedInformers } from "../controllers/informer";
import { EndpointSliceMirroringController } from "../controllers/endpointslice-mirroring";
import { NamespaceController, namespaceHooks } from "../controllers/namespace";
import { CloudLoadBalancerController } from "../controllers/cloud-load-balancer";
import { isPodReady } from "../controllers/endpoints-model";
import { BY_SERVICE_NAME, byServiceName, serviceSlices } from "../controllers/indexes";
import { ClusterDns, type DnsQuery, type Resolution } from "../dns/coredns";
import { NodeIpam } from "../node/ipam";
import { Kubelet } from "../node/kubelet";
import { NodeAgent } from "../node/agent";
import { CiliumServiceProxy } from "../proxy/cilium";
import { KubeProxyServiceProxy } from "../proxy/kube-proxy";
import type { NodeServiceProxy, ProxyError } from "../proxy/service-proxy";
import { NodeLifecycleController } from "../controllers/node-lifecycle";
import { DeploymentHistoryCleaner } from "../controllers/deployment-cleanup";
import type { PodSandbox } from "../node/sandbox";
import { ContainerRuntime, type ProcessInput, type ProcessResult } from "../node/container-runtime";
import { containerEnv } from "../node/container-env";
import { Connection, Network, type ClientSpec, type CurlResult, type RequestOptions } from "../traffic/network";
import { formatIPv4 } from "../net/ip";
import { resolveTopology, topologyFromConfig, type NodeTopology, type Topology, type TopologyOptions } from "../topology";
import { bootstrap, kubeDnsIP } from "./bootstrap";
import { applyDocument, type ApplyAction } from "./apply";

export interface ClusterOptions extends TopologyOptions {
  /** Seeds every random choice (names, IPs, scheduling ties, backend selection). Default 1. */
  readonly seed?: number | string;
  /** Virtual wall-clock time at boot (creationTimestamps); default 2024-01-01T00:00:00Z. */
  readonly startTime?: string;
}

/** One object's outcome in `apply`, as kubectl prints it. */
export type ApplyResult =
  | { readonly ok: true; readonly ref: string; readonly action: ApplyAction; readonly line: string; readonly object: KubeObject; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly ref: string; readonly error: Error; readonly line: string };

export interface ApplyOptions {
  /** The -f name shown in errors (`error when creating "x.yaml"`). */
  readonly file?: string;
  /** kubectl -n. */
  readonly namespace?: string;
}

export interface WaitOptions {
  /** Give up (and throw) after this many virtual seconds (default 300). */
  readonly timeoutSeconds?: number;
}

/** A node: its Service proxy and addresses. */
export interface ClusterNode {
  readonly name: string;
  readonly internalIP: string;
  readonly podCIDR: string;
  /** The node's Service proxy: Cilium's datapath, or kube-proxy's rules in the topology's kubeProxyMode. */
  readonly proxy: NodeServiceProxy;
  /** Cilium's dataplane (maps, lookups, dumps); throws on a node that runs kube-proxy instead. */
  readonly dataplane: NodeDataplane;
  /** Ready endpoints of a Service on this node, as its health-check server reports them. */
  localReadyEndpoints(namespace: string, name: string): number;
  /** What the agent's last reconcile could not program (a full map, a conflicting frontend). */
  reconcileErrors(): readonly ProxyError[];
}

export type ResourceArg = string | KindInfo;

/** A container of a pod, where `exec` runs a process. */
export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

const DEFAULT_START = "2024-01-01T00:00:00Z";
/** How long a restarted cilium-agent takes to sync again, unless told otherwise. */
const AGENT_RESTART_SECONDS = 5;
/** LoadBalancer addresses the simulated cloud can hand out. */
const LB_POOL_SIZE = 64;

export class Cluster {
  readonly topology: Topology;
  private readonly clock = new VirtualClock(0);
  private readonly loop = new EventLoop(this.clock);
  private readonly api: ApiServer;
  private readonly network: Network;
  private readonly dns: ClusterDns;
  private readonly cloud: CloudLoadBalancerController;
  /** Wall-clock time at virtual time 0; moves back when `advancePinned` re-bases the clock. */
  private startMs: number;
  private readonly agents = new Map<string, NodeAgent>();
  private readonly kubelets = new Map<string, Kubelet>();
  /** EndpointSlices by Service name: what DNS and the node agents' health checks read. */
  private readonly slices: Informer<EndpointSlice>;
  /** Running sandboxes by namespace, then pod name: a request from a pod looks it up without building a key. */
  private readonly sandboxesByPod = new Map<string, Map<string, PodSandbox>>();
  private readonly runtime: ContainerRuntime;
  private readonly rest: RestServer;

  constructor(opts: ClusterOptions = {}) {
    this.topology = resolveTopology(opts);
    const t = this.topology;
    this.startMs = Date.parse(opts.startTime ?? DEFAULT_START);
    if (Number.isNaN(this.startMs)) throw new Error(`invalid startTime ${opts.startTime}`);
    const rng = new SeededRandom(opts.seed ?? 1);
    this.runtime = new ContainerRuntime(this, rng.fork("containers"));
    const wall = () => new Date(this.startMs + this.clock.nowMs());
    const api = (this.api = new ApiServer(rng.fork("apiserver"), wall));
    // Before anything is written, so the watch cache's history starts with the cluster.
    this.rest = new RestServer(api, { now: wall, kubelet: this.kubeletConnection(), timers: this.loop });
    const ipRng = rng.fork("service-ips");
    const ips = new IPAllocator(t.serviceCIDR, (n) => ipRng.intBelow(n));
    const portRng = rng.fork("node-ports");
    const ports = new PortAllocator(t.nodePortBase, t.nodePortSize, (n) => portRng.intBelow(n));
    api.setHooks(KINDS.service, new ServiceRegistry(KINDS.service, ips, ports));
    api.setHooks(KINDS.pod, podHooks);
    api.setHooks(KINDS.namespace, namespaceHooks);
    api.setHooks(KINDS.event, eventHooks());
    const events = new EventSink(api, wall);
    const controlPlane = t.nodes.find((n) => n.role === "control-plane")?.name ?? "";
    // The controllers' caches subscribe before any other watcher, so every handler reads the store's state.
    const informers = new SharedInformers(api);
    for (const kind of [KINDS.pod, KINDS.node, KINDS.replicaSet, KINDS.service, KINDS.endpointSlice]) informers.for(kind);
    const slices = (this.slices = informers.for<EndpointSlice>(KINDS.endpointSlice));
    slices.addIndex(BY_SERVICE_NAME, byServiceName);

    this.dns = new ClusterDns(t.clusterDomain, (ns, name) => this.serviceRecord(ns, name));
    api.watch(KINDS.service, () => this.dns.invalidate());
    api.watch(KINDS.endpointSlice, () => this.dns.invalidate());
    // The cloud hands out addresses after the nodes', as docker does for cloud-provider-kind's containers.
    const lbPool: number[] = [];
    const broadcast = t.nodeNetwork.base + t.nodeNetwork.size - 1;
    for (let ip = Math.max(...t.nodes.map((n) => n.internalIP)) + 1; lbPool.length < LB_POOL_SIZE && ip < broadcast; ip++) {
      if (ip !== t.externalHost) lbPool.push(ip);
    }
    this.cloud = new CloudLoadBalancerController(api, this.loop, rng.fork("cloud-lb"), lbPool, (node, port, path) => this.probeNode(node, port, path), new LegacyEventRecorder(events, { component: "service-controller" }));
    this.network = new Network(this.loop, this.dns, rng.fork("network"), this.cloud, (ns, name) => this.sandboxesByPod.get(ns)?.get(name), t.externalHost);

    new GarbageCollector(api, informers, this.loop, [KINDS.deployment, KINDS.replicaSet, KINDS.service], [KINDS.replicaSet, KINDS.pod, KINDS.endpointSlice]);
    new DeploymentController(api, informers, this.loop, wall, new LegacyEventRecorder(events, { component: "deployment-controller" }));
    new DeploymentHistoryCleaner(api, informers, this.loop);
    new ReplicaSetController(api, informers, this.loop, new LegacyEventRecorder(events, { component: "replicaset-controller" }));
    new Scheduler(api, informers, this.loop, rng.fork("scheduler"), (pod, node) => api.bindPod(pod.metadata?.namespace ?? "", pod.metadata?.name ?? "", node), new SchedulerEventRecorder(events, "default-scheduler", `default-scheduler-${controlPlane}`));
    new EndpointSliceController(api, informers, this.loop);
    new EndpointSliceMirroringController(api, informers, this.loop);
    new NamespaceController(api, this.loop);

    const nodeLifecycle = new NodeLifecycleController(
      api, this.loop, wall,
      new LegacyEventRecorder(events, { component: "node-controller" }),
      new LegacyEventRecorder(events, { component: "taint-eviction-controller" }),
    );
    const dnsServer = kubeDnsIP(t);
    // Every node's agent reflects the same stored slices: their backends are converted once.
    const reflectionCache = new ReflectionCache();
    for (const n of t.nodes) {
      const ipText = formatIPv4(n.internalIP);
      const proxy = this.serviceProxy(n, rng, reflectionCache);
      const agent = new NodeAgent(n.name, proxy, api, slices, this.loop, wall, n.role === "control-plane");
      this.agents.set(n.name, agent);
      this.network.addNode({ name: n.name, ip: n.internalIP, ipText, proxy, listener: (port) => agent.listener(port) });
      const kubelet = new Kubelet(n.name, n.internalIP, new NodeIpam(n.podCIDR), {
        api,
        loop: this.loop,
        rng: rng.fork(`kubelet/${n.name}`),
        wallClock: wall,
        clusterDomain: t.clusterDomain,
        dnsServer,
        onSandbox: (s, up) => {
          let inNamespace = this.sandboxesByPod.get(s.namespace);
          if (up) {
            if (inNamespace === undefined) this.sandboxesByPod.set(s.namespace, (inNamespace = new Map()));
            inNamespace.set(s.name, s);
          } else if (inNamespace?.get(s.name) === s) inNamespace.delete(s.name);
          this.network.setSandbox(s, up);
        },
        lease: nodeLifecycle.lease(n.name),
        events: new LegacyEventRecorder(events, { component: "kubelet", host: n.name }),
      });
      this.kubelets.set(n.name, kubelet);
    }
    // Socket LB translates a pod's connect() to any node's address on a NodePort (sock4_wildcard_lookup).
    for (const n of t.nodes) {
      const others = t.nodes.filter((o) => o !== n).map((o) => formatIPv4(o.internalIP));
      this.agents.get(n.name)?.proxy.setRemoteNodeIPs(others);
    }
    bootstrap(api, t);
    this.loop.drain();
    this.settle();
  }

  /** The node's Service proxy, as the topology's kubeProxyMode picks it. */
  private serviceProxy(n: NodeTopology, rng: SeededRandom, reflectionCache: ReflectionCache): NodeServiceProxy {
    const t = this.topology;
    if (t.kubeProxyMode === "none") {
      const dataplane = new NodeDataplane({
        nodeName: n.name,
        nodeIPs: [formatIPv4(n.internalIP)],
        lbAlgorithm: t.dataplane.algorithm,
        lbMode: t.dataplane.mode,
        socketLB: t.dataplane.socketLB,
        maglevTableSize: t.dataplane.maglevTableSize,
        mapSizes: { lb: t.dataplane.mapSize, affinity: t.dataplane.mapSize },
        reflectionCache,
        // The API server's --service-node-port-range: socket LB and the NodePort/HostPort rules use it.
        nodePortRange: [t.nodePortBase, t.nodePortBase + t.nodePortSize - 1],
        clock: this.clock,
        rng: rng.fork(`datapath/${n.name}`),
      });
      return new CiliumServiceProxy(n.name, dataplane);
    }
    return new KubeProxyServiceProxy({
      mode: t.kubeProxyMode,
      nodeName: n.name,
      nodeIP: formatIPv4(n.internalIP),
      clusterCIDR: `${formatIPv4(t.podCIDR.base)}/${t.podCIDR.prefix}`,
      serviceCIDR: `${formatIPv4(t.serviceCIDR.base)}/${t.serviceCIDR.prefix}`,
      podCIDR: n.podCIDR,
      podGateway: formatIPv4(n.podCIDR.base + 1),
      random: rng.fork(`kube-proxy/${n.name}`),
      clock: this.clock,
    });
  }

  // ---- time ----

  /** Virtual seconds since the cluster booted. */
  now(): number {
    return this.loop.now();
  }

  /** Timers waiting on the virtual clock (fired and cancelled ones are released): flat in a steady cluster. */
  pendingTimers(): number {
    return this.loop.pendingTimers();
  }

  /** The virtual wall clock (what creationTimestamps show). */
  wallTime(): Date {
    return new Date(this.startMs + this.clock.nowMs());
  }

  /** Lets `seconds` of virtual time pass: pods start, probes run, affinity and conntrack entries age. */
  advance(seconds: number): void {
    this.loop.advance(seconds);
  }

  /** Virtual seconds until the next timer is due (a pod starting, a probe, a grace period), if any. */
  nextTimerIn(): number | undefined {
    const next = this.loop.nextTimer();
    if (next === undefined) return undefined;
    const now = this.clock.now();
    return Math.max(0, next.sec - now.sec + (next.nsec - now.nsec) / 1e9);
  }

  /**
   * Lets `seconds` of virtual time pass while the wall clock the cluster
   * shows stays where it was: every stored instant moves back by the same
   * amount. For clients that read a real clock of their own, as the real
   * kubectl does to print ages (`svclab serve --clock manual`): what
   * happened a virtual minute ago still looks a minute old.
   */
  advancePinned(seconds: number): void {
    const before = this.wallTime().getTime();
    this.advance(seconds);
    const moved = this.wallTime().getTime() - before;
    this.startMs -= moved;
    this.api.shiftTimestamps(-moved);
  }

  /**
   * The clock a client of `restHandler()` reads and waits on (kubectl's
   * in-process transport): the virtual wall clock, and waiting that lets
   * virtual time run until `done` holds, as `waitFor` does for a synchronous
   * predicate. Timing out leaves the clock at the last timer before the deadline.
   */
  clientClock(): { now(): Date; waitUntil(done: () => Promise<boolean>, timeoutSeconds: number): Promise<boolean> } {
    return {
      now: () => this.wallTime(),
      waitUntil: async (done, timeoutSeconds) => {
        const deadline = instantAfter(this.clock.now(), timeoutSeconds);
        this.loop.drain();
        while (!(await done())) {
          const next = this.loop.nextTimer();
          if (next === undefined || compareInstants(next, deadline) > 0) return done();
          this.loop.runUntil(next);
        }
        return true;
      },
    };
  }

  /** Advances time until `predicate` holds; throws after `timeoutSeconds`. */
  waitFor(predicate: () => boolean, opts: WaitOptions = {}): void {
    const deadline = instantAfter(this.clock.now(), opts.timeoutSeconds ?? 300);
    this.loop.drain();
    while (!predicate()) {
      const next = this.loop.nextTimer();
      if (next === undefined || compareInstants(next, deadline) > 0) {
        throw new Error(`timed out after ${opts.timeoutSeconds ?? 300} s waiting for the condition`);
      }
      this.loop.runUntil(next);
    }
  }

  /**
   * Runs the cluster until it is quiet: rollouts finished, every pod Ready
   * (or stuck the way a real pod would be: ImagePullBackOff, CrashLoopBackOff,
   * Unschedulable), no pod terminating, and every load balancer's health
   * checks agreeing with where the endpoints are.
   */
  settle(opts: WaitOptions = {}): void {
    this.waitFor(() => this.isSettled(), opts);
  }

  private isSettled(): boolean {
    // A node that came back is Ready again at the node lifecycle controller's next look.
    for (const n of this.topology.nodes) {
      if (this.network.downNodes.has(n.name)) continue;
      const node = this.api.tryGet<Node>(KINDS.node, "", n.name);
      if (node?.status?.conditions?.find((c) => c.type === "Ready")?.status !== "True") return false;
    }
    for (const pod of this.api.list<Pod>(KINDS.pod)) {
      // A pod on a node that is down stays as the API last saw it, as for real.
      if (this.network.downNodes.has(pod.spec?.nodeName ?? "")) continue;
      if (pod.metadata?.deletionTimestamp !== undefined) return false;
      if (isPodReady(pod) || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
      const stuck = (pod.status?.containerStatuses ?? []).some((c) => ["ImagePullBackOff", "CrashLoopBackOff"].includes(c.state?.waiting?.reason ?? ""));
      const unschedulable = pod.status?.conditions?.some((c) => c.type === "PodScheduled" && c.reason === "Unschedulable");
      if (!stuck && !unschedulable && !this.probesHadTheirChance(pod)) return false;
    }
    // Whether a namespace has a pod that is not Ready, asked once per namespace.
    const stuckNamespaces = new Map<string, boolean>();
    for (const d of this.api.list<Deployment>(KINDS.deployment)) {
      const want = d.spec?.replicas ?? 1;
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 1)) return false;
      if ((d.status?.updatedReplicas ?? 0) !== want || (d.status?.replicas ?? 0) !== want) {
        const ns = d.metadata?.namespace ?? "";
        let stuck = stuckNamespaces.get(ns);
        if (stuck === undefined) stuckNamespaces.set(ns, (stuck = this.api.list<Pod>(KINDS.pod, ns).some((p) => !isPodReady(p))));
        if (!stuck) return false;
      }
    }
    for (const svc of this.api.list<Service>(KINDS.service)) {
      if (svc.spec?.type !== "LoadBalancer" || svc.spec.externalTrafficPolicy !== "Local") continue;
      const ns = svc.metadata?.namespace ?? "";
      const name = svc.metadata?.name ?? "";
      const healthy = new Set(this.cloud.healthyNodes(ns, name));
      for (const [node, agent] of this.agents) {
        if (!this.topology.nodes.some((n) => n.name === node && n.role === "worker") || this.network.downNodes.has(node)) continue;
        if ((agent.localReadyEndpoints(ns, name) > 0) !== healthy.has(node)) return false;
      }
    }
    return true;
  }

  /** A running pod whose readiness probes have run long enough to fail for good counts as settled. */
  private probesHadTheirChance(pod: Pod): boolean {
    if (pod.status?.phase !== "Running") return false;
    const now = this.wallTime().getTime();
    return (pod.spec?.containers ?? []).every((c, i) => {
      const p = c.readinessProbe;
      const started = pod.status?.containerStatuses?.[i]?.state?.running?.startedAt;
      if (p === undefined || started === undefined) return false;
      const window = (p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3);
      return now >= Date.parse(started) + window * 1000;
    });
  }

  // ---- objects ----

  private kind(resource: ResourceArg): KindInfo {
    if (typeof resource !== "string") return resource;
    const k = resolveResource(resource) ?? SERVED_KINDS.find((x) => x.resource === resource || x.singular === resource || x.shortNames.includes(resource));
    if (k === undefined) throw new KubectlError([`error: the server doesn't have a resource type "${resource}"`]);
    return k;
  }

  /**
   * `kubectl apply -f`: every object of the YAML (or JSON) text, in order.
   * Per-object failures are reported in the results, as kubectl reports
   * them and carries on; unreadable YAML throws.
   */
  apply(text: string, opts: ApplyOptions = {}): ApplyResult[] {
    const docs = parseManifests(text, opts.file ?? "");
    const results: ApplyResult[] = [];
    for (const doc of docs) {
      const meta = (doc.value as { metadata?: { name?: string } } | null)?.metadata;
      const kindName = (doc.value as { kind?: string } | null)?.kind ?? "";
      const ref = `${kindName.toLowerCase()}/${meta?.name ?? ""}`;
      try {
        const r = applyDocument(this.api, doc, opts.namespace);
        results.push({ ok: true, ref: r.line.slice(0, r.line.lastIndexOf(" ")), action: r.action, line: r.line, object: structuredClone(r.object), warnings: r.warnings });
      } catch (e) {
        if (!(e instanceof StatusError) && !(e instanceof KubectlError)) throw e;
        const verb = this.exists(doc.value) ? "applying patch" : "creating";
        results.push({ ok: false, ref, error: e, line: renderKubectlError(e, { verb, ...(opts.file ? { file: opts.file } : {}) }) });
      }
      this.loop.drain();
    }
    return results;
  }

  /** `kubectl apply -f <path>`. */
  applyFile(path: string, opts: Omit<ApplyOptions, "file"> = {}): ApplyResult[] {
    return this.apply(readFileSync(path, "utf8"), { ...opts, file: basename(path) });
  }

  private exists(raw: unknown): boolean {
    const r = raw as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    const k = SERVED_KINDS.find((x) => x.apiVersion === r?.apiVersion && x.kind === r?.kind);
    if (k === undefined || !r?.metadata?.name) return false;
    return this.api.tryGet(k, r.metadata.namespace ?? "default", r.metadata.name) !== undefined;
  }

  /** `kubectl create`: one object (JSON value). Throws the API server's StatusError. */
  create<T extends object = KubeObject>(obj: unknown, opts: { namespace?: string } = {}): T {
    const raw = obj as { apiVersion?: string; kind?: string };
    const k = SERVED_KINDS.find((x) => x.apiVersion === raw.apiVersion && x.kind === raw.kind);
    if (k === undefined) throw new KubectlError([`error: no matches for kind "${raw.kind}" in version "${raw.apiVersion}"`]);
    const created = this.api.create<T>(k, obj, k.namespaced ? opts.namespace : undefined);
    this.loop.drain();
    return structuredClone(created);
  }

  /** GET one object (a copy). Resource as kubectl takes it: `svc`, `pods`, `deployment.apps`... */
  get<T extends object = KubeObject>(resource: ResourceArg, name: string, opts: { namespace?: string } = {}): T {
    return structuredClone(this.api.get<T>(this.kind(resource), opts.namespace ?? "default", name));
  }

  /** LIST (copies), in a namespace (default "default") or all with `allNamespaces`. */
  list<T extends object = KubeObject>(resource: ResourceArg, opts: ListOptions & { namespace?: string; allNamespaces?: boolean } = {}): T[] {
    const k = this.kind(resource);
    return structuredClone(this.api.list<T>(k, opts.allNamespaces ? undefined : opts.namespace ?? "default", opts));
  }

  /** `kubectl patch` (strategic by default). `changed: false` is kubectl's `patched (no change)`. */
  patch<T extends object = KubeObject>(resource: ResourceArg, name: string, patch: unknown, opts: { namespace?: string; type?: PatchType } = {}): WriteResult<T> {
    const r = this.api.patch<T>(this.kind(resource), opts.namespace ?? "default", name, opts.type ?? "strategic", patch);
    this.loop.drain();
    return { ...r, object: structuredClone(r.object) };
  }

  /** `kubectl replace`: a full object with optional resourceVersion precondition. */
  update<T extends object = KubeObject>(obj: unknown): WriteResult<T> {
    const raw = obj as { apiVersion?: string; kind?: string };
    const k = SERVED_KINDS.find((x) => x.apiVersion === raw.apiVersion && x.kind === raw.kind);
    if (k === undefined) throw new KubectlError([`error: no matches for kind "${raw.kind}" in version "${raw.apiVersion}"`]);
    const r = this.api.update<T>(k, obj);
    this.loop.drain();
    return { ...r, object: structuredClone(r.object) };
  }

  /** `kubectl delete`: pods terminate gracefully (advance time to see them go). */
  delete<T extends object = KubeObject>(resource: ResourceArg, name: string, opts: DeleteOptions & { namespace?: string } = {}): T {
    const deleted = this.api.delete<T>(this.kind(resource), opts.namespace ?? "default", name, opts);
    this.loop.drain();
    return structuredClone(deleted);
  }

  /** Watch events of a resource (all namespaces). Returns the unsubscribe function. */
  watch<T extends object = KubeObject>(resource: ResourceArg, handler: WatchHandler<T & StoredObject>): () => void {
    return this.api.watch<T>(this.kind(resource), handler);
  }

  /** `kubectl scale`. */
  scale(resource: ResourceArg, name: string, replicas: number, opts: { namespace?: string } = {}): WriteResult {
    return this.patch(resource, name, { spec: { replicas } }, opts);
  }

  // ---- traffic ----

  /**
   * `curl <url>` from a pod (`{ pod: "sample-pod" }`), a node
   * (`{ node: "kind-worker" }`) or a machine outside the cluster (`{}` is
   * the user's machine, `{ host: "172.18.0.100" }` another one). The
   * request takes the real path and virtual time; the result has the
   * response and the hop-by-hop trace.
   */
  curl(url: string, from: ClientSpec = {}, opts: RequestOptions = {}): CurlResult {
    const r = this.network.request(from, url, opts);
    this.loop.drain();
    return r;
  }

  /**
   * Opens a keep-alive connection (as curl reusing one for several URLs):
   * `send()` requests on it reach the same backend until `close()`.
   * Returns the failed result instead when the connection cannot be made.
   */
  connect(url: string, from: ClientSpec = {}, opts: RequestOptions = {}): Connection | CurlResult {
    const r = this.network.open(from, url, opts);
    this.loop.drain();
    return r;
  }

  /** One query straight to the cluster DNS server (`dig` without the search path). */
  dnsQuery(fqdn: string): DnsQuery {
    return this.dns.query(fqdn.endsWith(".") ? fqdn.slice(0, -1) : fqdn);
  }

  /** What a pod's resolver answers for a name (search path and ndots applied). */
  resolve(name: string, from: { pod: string; namespace?: string }): Resolution {
    const s = this.sandboxesByPod.get(from.namespace ?? "default")?.get(from.pod);
    if (s === undefined) throw new Error(`pod ${from.namespace ?? "default"}/${from.pod} is not running`);
    return this.dns.resolve(name, s.resolvConf);
  }

  /**
   * The kubelet's exec (what `kubectl exec` reaches through the API
   * server): a process in a container of a pod, with the environment the
   * kubelet gives it (Service variables of the namespace). Containers keep
   * their files between execs.
   */
  async exec(target: ExecTarget, argv: readonly string[], stdin: ProcessInput = ""): Promise<ProcessResult> {
    const pod = this.api.get<Pod>(KINDS.pod, target.namespace, target.pod);
    const spec = pod.spec?.containers.find((c) => c.name === target.container);
    if (spec === undefined) throw new Error(`container ${target.container} not found in pod ${target.pod}`);
    const services = [...this.api.list<Service>(KINDS.service, target.namespace)];
    if (target.namespace !== "default") services.push(...this.api.list<Service>(KINDS.service, "default").filter((s) => s.metadata?.name === "kubernetes"));
    const ref = { ...target, uid: pod.metadata?.uid ?? "", image: spec.image ?? "", env: containerEnv(pod, spec, services) };
    return this.runtime.exec(ref, argv, stdin);
  }

  // ---- faults ----

  /**
   * A node goes down, as `docker stop kind-worker2` does to a kind node: its
   * containers die, its kubelet stops renewing the node Lease, its Cilium agent
   * stops, and nothing reaches its addresses. The API objects stay as they are
   * until the node lifecycle controller notices (Ready Unknown after the 40 s
   * node-monitor-grace-period, then the unreachable taints, pods not Ready and
   * evicted after their 300 s toleration). Advance time to see it happen.
   */
  stopNode(name: string): void {
    const { kubelet, agent } = this.nodeParts(name);
    this.network.downNodes.add(name);
    kubelet.stopNode();
    agent.stop();
    this.loop.drain();
  }

  /** The node is back (`docker start kind-worker2`): agent and kubelet start, pods bound to it start again. */
  startNode(name: string): void {
    const { kubelet, agent } = this.nodeParts(name);
    this.network.downNodes.delete(name);
    agent.start();
    kubelet.startNode();
    this.loop.drain();
  }

  /** Whether a node is running (not stopped with stopNode). */
  nodeRunning(name: string): boolean {
    return this.nodeParts(name).kubelet.isRunning;
  }

  /**
   * The node's Cilium agent restarts: for `downSeconds` it applies no
   * Kubernetes change while the datapath keeps forwarding with the pinned
   * maps; then it syncs again and removes what was deleted meanwhile.
   */
  restartAgent(name: string, opts: { downSeconds?: number } = {}): void {
    const { agent } = this.nodeParts(name);
    agent.stop();
    const down = opts.downSeconds ?? AGENT_RESTART_SECONDS;
    this.loop.after(down, () => {
      if (!this.network.downNodes.has(name)) agent.start();
    });
    this.loop.drain();
  }

  /** Cuts a node's pod network off from the other nodes' (its pods are unreachable from elsewhere, and reach nothing elsewhere). */
  partitionNode(name: string): void {
    this.nodeParts(name);
    this.network.partitionedNodes.add(name);
  }

  /** Ends a partition made with partitionNode. */
  healPartition(name: string): void {
    this.nodeParts(name);
    this.network.partitionedNodes.delete(name);
  }

  private nodeParts(name: string): { kubelet: Kubelet; agent: NodeAgent } {
    const kubelet = this.kubelets.get(name);
    const agent = this.agents.get(name);
    if (kubelet === undefined || agent === undefined) throw new Error(`no node named ${name}`);
    return { kubelet, agent };
  }

  /**
   * The API server's REST handler, as clients reach it (kubectl's
   * in-process transport, `svclab serve`'s HTTP front). The controllers
   * react to each request before its answer returns, as they do after
   * every call of this class.
   */
  restHandler(): RestHandler {
    return {
      handle: async (req) => {
        const r = await this.rest.handle(req);
        this.loop.drain();
        return r;
      },
    };
  }

  /** The kubelets as the API server reaches them: exec in a container, its log. */
  private kubeletConnection(): NodeConnection {
    return {
      exec: (target, command, stdin) => this.exec(target, command, stdin),
      logs: (target, opts) => this.containerLog(target)?.read(opts) ?? "",
      followLogs: (target, opts, onText) => this.containerLog(target)?.follow(onText, opts.timestamps ?? false) ?? (() => {}),
    };
  }

  private containerLog(target: { namespace: string; pod: string; container: string }): ContainerLog | undefined {
    return this.sandboxesByPod.get(target.namespace)?.get(target.pod)?.containers.find((c) => c.name === target.container)?.log;
  }

  // ---- nodes ----

  nodes(): ClusterNode[] {
    return this.topology.nodes.map((n) => this.node(n.name));
  }

  node(name: string): ClusterNode {
    const n = this.topology.nodes.find((x) => x.name === name);
    const agent = this.agents.get(name);
    if (n === undefined || agent === undefined) throw new Error(`no node named ${name}`);
    const proxy = agent.proxy;
    return {
      name,
      internalIP: formatIPv4(n.internalIP),
      podCIDR: `${formatIPv4(n.podCIDR.base)}/${n.podCIDR.prefix}`,
      proxy,
      get dataplane(): NodeDataplane {
        if (proxy instanceof CiliumServiceProxy) return proxy.dataplane;
        throw new Error(`node ${name} runs kube-proxy in ${proxy.mode} mode: it has no Cilium dataplane (use proxy)`);
      },
      localReadyEndpoints: (ns, svc) => agent.localReadyEndpoints(ns, svc),
      reconcileErrors: () => agent.lastErrors,
    };
  }

  /** The cloud load balancer's healthy nodes for a LoadBalancer Service. */
  loadBalancerHealthyNodes(name: string, opts: { namespace?: string } = {}): string[] {
    return this.cloud.healthyNodes(opts.namespace ?? "default", name);
  }

  // ---- internals ----

  private serviceRecord(ns: string, name: string): { clusterIP?: string; endpoints?: string[]; externalName?: string } | undefined {
    const svc = this.api.tryGet<Service>(KINDS.service, ns, name);
    if (svc === undefined) return undefined;
    if (svc.spec?.type === "ExternalName") return { externalName: svc.spec.externalName ?? "" };
    if (svc.spec?.clusterIP && svc.spec.clusterIP !== "None") return { clusterIP: svc.spec.clusterIP };
    const endpoints: string[] = [];
    for (const slice of serviceSlices(this.slices, ns, name)) {
      for (const ep of slice.endpoints ?? []) if (ep.conditions?.ready !== false) endpoints.push(...ep.addresses);
    }
    return { endpoints };
  }

  private probeNode(node: string, port: number, path: string): boolean {
    if (this.network.downNodes.has(node)) return false;
    const listener = this.agents.get(node)?.listener(port);
    if (listener === undefined) return false;
    const n = this.topology.nodes.find((x) => x.name === node);
    const res = listener.handler(
      { method: "GET", path, headers: { host: `${formatIPv4(n?.internalIP ?? 0)}:${port}`, "user-agent": "cloud-provider-kind" } },
      { remoteAddress: formatIPv4(this.topology.externalHost), remotePort: 40000, localAddress: formatIPv4(n?.internalIP ?? 0), localPort: port },
    );
    return res.status === 200;
  }
}

/** Reads a topology file (kind's cluster config or TopologyOptions as YAML/JSON). */
export function readTopologyFile(path: string): TopologyOptions {
  const [doc] = parseManifests(readFileSync(path, "utf8"), basename(path));
  return topologyFromConfig(doc?.value);
}

export function createCluster(opts: ClusterOptions = {}): Cluster {
  return new Cluster(opts);
}
