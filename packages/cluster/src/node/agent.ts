/**
 * The per-node service agent: Cilium's agent or kube-proxy feeding the
 * node's Service proxy from Services, EndpointSlices and its Node (the
 * Kubernetes reflector), sweeping expired connection state, and the host
 * sockets the node proxy serves — the healthCheckNodePort server of every
 * LoadBalancer Service with externalTrafficPolicy=Local and the proxy's own
 * healthz on 10256.
 */
import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { KINDS, rfc3339, type ApiServer } from "@svclab/apiserver";
import { response } from "../apps/http";
import type { HttpHandler } from "../apps/images";
import { PROXY_HEALTHZ_PORT } from "../controllers/cloud-load-balancer";
import { SERVICE_NAME_LABEL } from "../controllers/endpoints-model";
import { serviceSlices } from "../controllers/indexes";
import type { Informer } from "../controllers/informer";
import { healthCheckResponse } from "./health-check";
import { APISERVER_PORT } from "../cluster/bootstrap";
import type { EventLoop, WakeWorker } from "@svclab/sim";
import type { NodeServiceProxy, ProxyError } from "../proxy/service-proxy";

export class NodeAgent {
  /** healthCheckNodePort -> "namespace/name". */
  private readonly healthPorts = new Map<number, string>();
  /** Errors the last reconcile reported (a full map, a rejected frontend). */
  lastErrors: ProxyError[] = [];

  /** Wakes the reconciler: the reflector takes every change of a burst, the reconciler runs once. */
  private readonly wake: WakeWorker;
  /** Objects the writer refused since the last reconcile (bad address, frontend owned by another service). */
  private rejected: ProxyError[] = [];
  /** False while the agent is down: the datapath keeps forwarding with the maps as they are (pinned in bpffs). */
  private running = true;
  /** What the reflector was last given, so a restarted agent can drop what went away while it was down. */
  private readonly reflectedServices = new Map<string, Service>();
  private readonly reflectedSlices = new Map<string, EndpointSlice>();

  constructor(
    readonly nodeName: string,
    readonly proxy: NodeServiceProxy,
    private readonly api: ApiServer,
    /** The shared slice cache, indexed by Service name. */
    private readonly slices: Informer<EndpointSlice>,
    loop: EventLoop,
    private readonly wallClock: () => Date,
    /** The control-plane node also runs kube-apiserver on 6443. */
    private readonly apiserver: boolean,
  ) {
    this.wake = loop.addWorker(() => this.reconcile());
    for (const svc of api.list<Service>(KINDS.service)) this.onService(svc, false);
    for (const slice of api.list<EndpointSlice>(KINDS.endpointSlice)) this.onSlice(slice, false);
    api.watch<Service>(KINDS.service, (e) => this.running && this.onService(e.type === "DELETED" ? e.old ?? e.object : e.object, e.type === "DELETED"));
    api.watch<EndpointSlice>(KINDS.endpointSlice, (e) => this.running && this.onSlice(e.object, e.type === "DELETED"));
    api.watch<Node>(KINDS.node, (e) => this.running && e.type !== "DELETED" && e.object.metadata?.name === nodeName && proxy.updateNode(e.object));
    const gc = () => {
      if (this.running) proxy.gc();
      loop.after(proxy.gcIntervalSeconds, gc);
    };
    loop.after(proxy.gcIntervalSeconds, gc);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The agent stops (its pod restarts, or the node is down); the BPF maps stay as they are. */
  stop(): void {
    this.running = false;
  }

  /**
   * The agent is back: as Cilium restores its service and backend state from
   * the pinned maps and then syncs with Kubernetes, it re-reads every Service
   * and EndpointSlice and removes what was deleted while it was down; entries
   * of live flows (conntrack, affinity) are kept.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    const services = new Set(this.api.list<Service>(KINDS.service).map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`));
    const slices = new Set(this.api.list<EndpointSlice>(KINDS.endpointSlice).map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`));
    for (const [key, slice] of this.reflectedSlices) if (!slices.has(key)) this.onSlice(slice, true);
    for (const [key, svc] of this.reflectedServices) if (!services.has(key)) this.onService(svc, true);
    for (const svc of this.api.list<Service>(KINDS.service)) this.onService(svc, false);
    for (const slice of this.api.list<EndpointSlice>(KINDS.endpointSlice)) this.onSlice(slice, false);
  }

  private onService(svc: Service, deleted: boolean): void {
    const key = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
    for (const [port, k] of this.healthPorts) if (k === key) this.healthPorts.delete(port);
    if (deleted) this.reflectedServices.delete(key);
    else this.reflectedServices.set(key, svc);
    if (deleted) {
      this.reflect(key, () => this.proxy.deleteService(svc));
      return;
    }
    const hc = svc.spec?.healthCheckNodePort ?? 0;
    if (hc > 0 && svc.spec?.type === "LoadBalancer" && svc.spec.externalTrafficPolicy === "Local") this.healthPorts.set(hc, key);
    this.reflect(key, () => this.proxy.upsertService(svc));
  }

  private onSlice(slice: EndpointSlice, deleted: boolean): void {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!service) return;
    const key = `${slice.metadata?.namespace}/${service}`;
    const sliceKey = `${slice.metadata?.namespace}/${slice.metadata?.name}`;
    if (deleted) this.reflectedSlices.delete(sliceKey);
    else this.reflectedSlices.set(sliceKey, slice);
    if (deleted) this.reflect(key, () => this.proxy.deleteEndpointSlice(slice));
    else this.reflect(key, () => this.proxy.upsertEndpointSlice(slice));
  }

  /** Hands a change to Cilium's reflector; a refusal is reported, never thrown into the API write. */
  private reflect(service: string, change: () => void): void {
    this.wake();
    try {
      change();
    } catch (err) {
      this.rejected.push({ frontend: "", service, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  /** Programs the dataplane once per burst of changes (a worker of the event loop). */
  private reconcile(): void {
    const errors = this.proxy.sync();
    this.lastErrors = [...this.rejected, ...errors];
    this.rejected = [];
  }

  /** A host socket on `port`, if the node serves one. */
  listener(port: number): { handler: HttpHandler; name: string } | undefined {
    if (port === APISERVER_PORT && this.apiserver) {
      // Go's TLS server answers a plain-HTTP request this way.
      return { name: "kube-apiserver", handler: () => response(400, {}, "Client sent an HTTP request to an HTTPS server.\n") };
    }
    // The health servers live in the agent: down with it.
    if (!this.running) return undefined;
    if (port === PROXY_HEALTHZ_PORT) {
      return {
        name: "proxy healthz",
        handler: () => {
          const now = rfc3339(this.wallClock());
          return response(200, { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff" }, `{"lastUpdated": "${now}","currentTime": "${now}","nodeEligible": true}`);
        },
      };
    }
    const key = this.healthPorts.get(port);
    if (key === undefined) return undefined;
    const slash = key.indexOf("/");
    const ns = key.slice(0, slash);
    const name = key.slice(slash + 1);
    return { name: `health check for ${key}`, handler: () => healthCheckResponse(ns, name, this.localReadyEndpoints(ns, name)) };
  }

  /** Ready endpoints of the Service on this node, as kube-proxy counts them. */
  localReadyEndpoints(namespace: string, name: string): number {
    const addresses = new Set<string>();
    for (const slice of serviceSlices(this.slices, namespace, name)) {
      for (const ep of slice.endpoints ?? []) {
        if (ep.nodeName === this.nodeName && ep.conditions?.ready !== false) for (const a of ep.addresses) addresses.add(a);
      }
    }
    return addresses.size;
  }
}
