/**
 * A cloud load balancer for `type: LoadBalancer` Services, after
 * cloud-provider-kind: each Service gets an address from the node network
 * (after the nodes' own), published in `status.loadBalancer.ingress`. The
 * balancer passes connections through to a node with the destination
 * unchanged (as a network load balancer does), picking at random among the
 * nodes its health checks find healthy: the healthCheckNodePort server for
 * externalTrafficPolicy=Local, the node proxy's healthz otherwise. Nodes
 * labelled node.kubernetes.io/exclude-from-external-load-balancers (kind's
 * control plane) are not backends. When no node is healthy it fails open.
 */
import type { LegacyEventRecorder } from "../events/recorder";
import type { Node, Service } from "kubernetes-types/core/v1";
import type { SeededRandom } from "@svclab/sim";
import { KINDS, type ApiServer } from "@svclab/apiserver";
import type { EventLoop, TimerHandle } from "@svclab/sim";
import { formatIPv4, tryParseIPv4 } from "../net/ip";
import type { CloudLoadBalancer } from "../traffic/network";
import { keyOf, splitKey, WorkQueue } from "./work-queue";

export const EXCLUDE_FROM_LB_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";
/** Seconds between health checks of each node. */
export const HEALTH_CHECK_INTERVAL = 5;
/** Consecutive failures before a node is taken out. */
const UNHEALTHY_THRESHOLD = 2;
/** kube-proxy's (and Cilium's replacement's) node healthz port. */
export const PROXY_HEALTHZ_PORT = 10256;

/** Asks a node's health endpoint; true for a 200. */
export type NodeProbe = (node: string, port: number, path: string) => boolean;

interface Balancer {
  readonly key: string;
  readonly address: number;
  readonly ports: Set<number>;
  /** Node name -> consecutive failed checks. */
  readonly failures: Map<string, number>;
  timer: TimerHandle | undefined;
}

export class CloudLoadBalancerController implements CloudLoadBalancer {
  private readonly byKey = new Map<string, Balancer>();
  private readonly byAddress = new Map<number, Balancer>();
  private readonly queue: WorkQueue;
  /** Nodes that may receive traffic, cached between Node changes. */
  private backends: string[] | undefined;

  constructor(
    private readonly api: ApiServer,
    private readonly loop: EventLoop,
    private readonly rng: SeededRandom,
    /** Addresses the cloud may hand out, in order. */
    private readonly pool: readonly number[],
    private readonly probe: NodeProbe,
    /** The cloud's service-controller recorder (k8s.io/cloud-provider service_controller.go). */
    private readonly events?: LegacyEventRecorder,
  ) {
    this.queue = new WorkQueue(loop, (k) => this.sync(k));
    api.watch<Service>(KINDS.service, (e) => this.queue.add(keyOf(e.object)));
    api.watch<Node>(KINDS.node, () => {
      this.backends = undefined;
      for (const k of this.byKey.keys()) this.queue.add(k);
    });
  }

  pickNode(address: number, port: number): { node: string; healthy: readonly string[] } | undefined {
    const b = this.byAddress.get(address);
    if (b === undefined || !b.ports.has(port)) return undefined;
    const backends = this.backendNodes();
    if (backends.length === 0) return undefined;
    const healthy = backends.filter((n) => (b.failures.get(n) ?? UNHEALTHY_THRESHOLD) < UNHEALTHY_THRESHOLD);
    const candidates = healthy.length > 0 ? healthy : backends;
    return { node: candidates[this.rng.intBelow(candidates.length)] as string, healthy };
  }

  /** Nodes currently passing the health checks of a Service's balancer. */
  healthyNodes(namespace: string, name: string): string[] {
    const b = this.byKey.get(`${namespace}/${name}`);
    if (b === undefined) return [];
    return this.backendNodes().filter((n) => (b.failures.get(n) ?? UNHEALTHY_THRESHOLD) < UNHEALTHY_THRESHOLD);
  }

  private backendNodes(): string[] {
    this.backends ??= this.api
      .list<Node>(KINDS.node)
      .filter((n) => n.metadata?.labels?.[EXCLUDE_FROM_LB_LABEL] === undefined)
      .map((n) => n.metadata?.name ?? "");
    return this.backends;
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.api.tryGet<Service>(KINDS.service, ns, name);
    const wanted = svc !== undefined && svc.spec?.type === "LoadBalancer" && !svc.spec.loadBalancerClass;
    let b = this.byKey.get(key);
    if (!wanted) {
      if (b !== undefined) {
        this.release(b);
        if (svc !== undefined) {
          this.events?.event(svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer");
          this.events?.event(svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer");
        }
      }
      if (svc !== undefined && (svc.status?.loadBalancer?.ingress?.length ?? 0) > 0) {
        this.api.updateStatus(KINDS.service, { ...svc, status: { ...svc.status, loadBalancer: {} } });
      }
      return;
    }
    if (b === undefined) {
      const address = this.allocate(svc.spec?.loadBalancerIP);
      if (address === undefined) return; // stays <pending>, like a cloud out of addresses
      b = { key, address, ports: new Set(), failures: new Map(), timer: undefined };
      this.byKey.set(key, b);
      this.byAddress.set(address, b);
      this.check(b);
    }
    b.ports.clear();
    for (const p of svc.spec?.ports ?? []) if ((p.protocol ?? "TCP") === "TCP") b.ports.add(p.port);
    const ingress = [{ ip: formatIPv4(b.address), ipMode: "VIP" as const }];
    if (JSON.stringify(svc.status?.loadBalancer?.ingress) !== JSON.stringify(ingress)) {
      this.events?.event(svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer");
      this.events?.event(svc, "Normal", "EnsuredLoadBalancer", "Ensured load balancer");
      this.api.updateStatus(KINDS.service, { ...svc, status: { ...svc.status, loadBalancer: { ingress } } });
    }
  }

  private allocate(requested: string | undefined): number | undefined {
    const want = requested ? tryParseIPv4(requested) : undefined;
    if (want !== undefined) return this.byAddress.has(want) ? undefined : want;
    return this.pool.find((ip) => !this.byAddress.has(ip));
  }

  private release(b: Balancer): void {
    b.timer?.cancel();
    this.byKey.delete(b.key);
    this.byAddress.delete(b.address);
  }

  /** One round of health checks, then the next one an interval later. */
  private check(b: Balancer): void {
    const [ns, name] = splitKey(b.key);
    const svc = this.api.tryGet<Service>(KINDS.service, ns, name);
    if (svc === undefined) return;
    const local = svc.spec?.externalTrafficPolicy === "Local" && (svc.spec.healthCheckNodePort ?? 0) > 0;
    for (const node of this.backendNodes()) {
      const ok = local ? this.probe(node, svc.spec?.healthCheckNodePort ?? 0, "/healthz") : this.probe(node, PROXY_HEALTHZ_PORT, "/healthz");
      // A node the balancer has not seen pass yet starts out of rotation.
      const before = b.failures.get(node) ?? UNHEALTHY_THRESHOLD - 1;
      b.failures.set(node, ok ? 0 : Math.max(before + 1, b.failures.has(node) ? 0 : UNHEALTHY_THRESHOLD));
    }
    b.timer = this.loop.after(HEALTH_CHECK_INTERVAL, () => this.check(b));
  }
}
