/**
 * The Service registry's allocations (pkg/registry/core/service/storage):
 * cluster IPs, node ports and the health-check node port, reserved before
 * validation so their errors come alone, and given back when the write
 * fails or the Service goes away. (@svclab/manifest's update admission
 * already restores values the client left out.)
 */
import type { Service, ServicePort } from "kubernetes-types/core/v1";
import { fieldInvalid, invalidError, needsHealthCheck, type KindInfo } from "@svclab/manifest";
import { internalError } from "../api/errors";
import type { ResourceHooks, Transaction } from "../api/server";
import { AllocationError, type IPAllocator, type PortAllocator } from "./allocators";
import { formatIPv4, tryParseIPv4 } from "@svclab/sim";

function needsNodePorts(svc: Service): boolean {
  return svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer";
}

function hasClusterIP(svc: Service): boolean {
  return svc.spec?.type !== "ExternalName" && svc.spec?.clusterIP !== "None";
}

function shouldAllocateNodePorts(svc: Service): boolean {
  return svc.spec?.type === "NodePort" || (svc.spec?.type === "LoadBalancer" && svc.spec.allocateLoadBalancerNodePorts !== false);
}

function nodePortsOf(svc: Service): number[] {
  return (svc.spec?.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n > 0);
}

/** Reservations made during one request. */
class Reservation implements Transaction {
  private readonly undo: (() => void)[] = [];
  private readonly onCommit: (() => void)[] = [];

  reserved(release: () => void): void {
    this.undo.push(release);
  }

  releaseOnCommit(release: () => void): void {
    this.onCommit.push(release);
  }

  commit(): void {
    for (const f of this.onCommit) f();
  }

  revert(): void {
    for (const f of this.undo.reverse()) f();
  }

  /** Runs `body`; on error gives back what was reserved so far and rethrows. */
  run(body: () => void): this {
    try {
      body();
    } catch (e) {
      this.revert();
      throw e;
    }
    return this;
  }
}

export class ServiceRegistry implements ResourceHooks<Service> {
  constructor(
    private readonly kind: KindInfo,
    private readonly ips: IPAllocator,
    private readonly ports: PortAllocator,
  ) {}

  /** Registry allocation for a create (`old` undefined) or an update. */
  allocate(svc: Service, old: Service | undefined): Transaction {
    this.checkIPFamilies(svc);
    const r = new Reservation();
    return r.run(() => {
      if (old === undefined) {
        this.allocClusterIP(svc, r);
        if (needsNodePorts(svc)) this.initNodePorts(svc, r, new Set());
        if (needsHealthCheck(svc.spec)) this.allocHealthCheck(svc, r);
        return;
      }
      if (hasClusterIP(svc) && !hasClusterIP(old)) this.allocClusterIP(svc, r);
      else if (!hasClusterIP(svc) && hasClusterIP(old)) this.releaseClusterIP(old, r);
      const oldPorts = new Set(needsNodePorts(old) ? nodePortsOf(old) : []);
      if (needsNodePorts(svc)) this.initNodePorts(svc, r, oldPorts);
      const kept = new Set(needsNodePorts(svc) ? nodePortsOf(svc) : []);
      for (const p of oldPorts) if (!kept.has(p)) r.releaseOnCommit(() => this.ports.release(p));
      const oldHc = needsHealthCheck(old.spec) ? old.spec?.healthCheckNodePort ?? 0 : 0;
      if (needsHealthCheck(svc.spec) && oldHc === 0) this.allocHealthCheck(svc, r);
      else if (!needsHealthCheck(svc.spec) && oldHc !== 0) r.releaseOnCommit(() => this.ports.release(oldHc));
    });
  }

  afterDelete(svc: Service): void {
    const ip = hasClusterIP(svc) ? tryParseIPv4(svc.spec?.clusterIP ?? "") : undefined;
    if (ip !== undefined) this.ips.release(ip);
    if (needsNodePorts(svc)) for (const p of nodePortsOf(svc)) this.ports.release(p);
    const hc = svc.spec?.healthCheckNodePort ?? 0;
    if (hc > 0) this.ports.release(hc);
  }

  /**
   * initIPFamilyFields' checks on this single-stack IPv4 cluster (the only
   * service CIDR is IPv4): dual stack cannot be required, and IPv6 is not a
   * family here. A headless service without a selector is exempt (it may
   * list both families; it gets no ClusterIP).
   */
  private checkIPFamilies(svc: Service): void {
    const spec = svc.spec;
    if (spec === undefined || spec.type === "ExternalName") return;
    if (spec.clusterIP === "None" && Object.keys(spec.selector ?? {}).length === 0) return;
    const errs = [];
    if (spec.ipFamilyPolicy === "RequireDualStack") {
      errs.push(fieldInvalid("spec.ipFamilyPolicy", spec.ipFamilyPolicy, "this cluster is not configured for dual-stack services"));
    }
    (spec.ipFamilies ?? []).forEach((f, i) => {
      if (f !== "IPv4") errs.push(fieldInvalid(`spec.ipFamilies[${i}]`, f, "not configured on this cluster"));
    });
    if (errs.length > 0) throw invalidError(this.kind, svc.metadata?.name ?? "", errs);
  }

  private allocClusterIP(svc: Service, r: Reservation): void {
    if (!hasClusterIP(svc)) return;
    const spec = (svc.spec ??= {});
    const requested = spec.clusterIPs?.[0] ?? spec.clusterIP ?? "";
    if (requested === "") {
      let ip: number;
      try {
        ip = this.ips.allocateNext();
      } catch (e) {
        throw internalError(`failed to allocate a serviceIP: ${(e as Error).message}`);
      }
      r.reserved(() => this.ips.release(ip));
      spec.clusterIP = formatIPv4(ip);
      spec.clusterIPs = [spec.clusterIP];
      return;
    }
    const ip = tryParseIPv4(requested);
    if (ip === undefined) return; // validation reports the malformed address
    try {
      this.ips.allocate(ip);
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      const err = fieldInvalid("spec.clusterIPs", spec.clusterIPs ?? [requested], `failed to allocate IP ${requested}: ${e.message}`);
      throw invalidError(this.kind, svc.metadata?.name ?? "", [err]);
    }
    r.reserved(() => this.ips.release(ip));
  }

  /** initNodePorts / updateNodePorts: requested ports are reserved, missing ones drawn; one port number per service port. */
  private initNodePorts(svc: Service, r: Reservation, alreadyHeld: ReadonlySet<number>): void {
    const byServicePort = new Map<number, number>();
    const ports: ServicePort[] = svc.spec?.ports ?? [];
    const allocate = shouldAllocateNodePorts(svc);
    ports.forEach((p, i) => {
      if ((p.nodePort ?? 0) === 0 && !allocate) return;
      const shared = byServicePort.get(p.port);
      if (shared !== undefined && (p.nodePort ?? 0) === 0) {
        p.nodePort = shared;
        return;
      }
      if ((p.nodePort ?? 0) !== 0) {
        const np = p.nodePort as number;
        if (!alreadyHeld.has(np) && shared !== np) {
          try {
            this.ports.allocate(np);
          } catch (e) {
            if (!(e instanceof AllocationError)) throw e;
            throw invalidError(this.kind, svc.metadata?.name ?? "", [fieldInvalid(`spec.ports[${i}].nodePort`, np, e.message)]);
          }
          r.reserved(() => this.ports.release(np));
        }
        byServicePort.set(p.port, np);
        return;
      }
      let np: number;
      try {
        np = this.ports.allocateNext();
      } catch (e) {
        throw internalError(`failed to allocate a nodePort: ${(e as Error).message}`);
      }
      r.reserved(() => this.ports.release(np));
      p.nodePort = np;
      byServicePort.set(p.port, np);
    });
  }

  private allocHealthCheck(svc: Service, r: Reservation): void {
    const spec = (svc.spec ??= {});
    const requested = spec.healthCheckNodePort ?? 0;
    try {
      if (requested !== 0) {
        this.ports.allocate(requested);
        r.reserved(() => this.ports.release(requested));
        return;
      }
      const np = this.ports.allocateNext();
      r.reserved(() => this.ports.release(np));
      spec.healthCheckNodePort = np;
    } catch (e) {
      if (!(e instanceof AllocationError)) throw e;
      throw internalError(
        requested !== 0
          ? `failed to allocate requested HealthCheck NodePort ${requested}: ${e.message}`
          : `failed to allocate a HealthCheck NodePort 0: ${e.message}`,
      );
    }
  }

  private releaseClusterIP(old: Service, r: Reservation): void {
    const ip = tryParseIPv4(old.spec?.clusterIP ?? "");
    if (ip !== undefined) r.releaseOnCommit(() => this.ips.release(ip));
  }
}
