/**
 * The EndpointSlice mirroring controller: a Service without a selector
 * whose Endpoints the user writes (the book's sample-none-selector) gets
 * EndpointSlices mirroring them, which is what the proxies read. Endpoints
 * labelled endpointslice.kubernetes.io/skip-mirror (the API server's own)
 * are left alone.
 */
import type { Endpoints, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice, Endpoint } from "kubernetes-types/discovery/v1";
import { KINDS, type ApiServer } from "@svclab/apiserver";
import type { EventLoop } from "@svclab/sim";
import { SERVICE_NAME_LABEL } from "./endpointslice";
import { keyOf, splitKey, WorkQueue } from "./work-queue";

const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
const MIRRORING = "endpointslicemirroring-controller.k8s.io";
const SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror";

export class EndpointSliceMirroringController {
  private readonly queue: WorkQueue;

  constructor(
    private readonly api: ApiServer,
    loop: EventLoop,
  ) {
    this.queue = new WorkQueue(loop, (k) => this.sync(k));
    api.watch<Endpoints>(KINDS.endpoints, (e) => this.queue.add(keyOf(e.object)));
    api.watch<Service>(KINDS.service, (e) => this.queue.add(keyOf(e.object)));
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.api.tryGet<Service>(KINDS.service, ns, name);
    const eps = this.api.tryGet<Endpoints>(KINDS.endpoints, ns, name);
    const existing = this.api
      .list<EndpointSlice>(KINDS.endpointSlice, ns)
      .filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === name && s.metadata?.labels?.[MANAGED_BY_LABEL] === MIRRORING);
    const mirror = svc !== undefined && !svc.spec?.selector && eps !== undefined && eps.metadata?.labels?.[SKIP_MIRROR_LABEL] !== "true";
    const desired = mirror ? this.slicesFor(svc, eps) : [];
    existing.forEach((slice, i) => {
      const want = desired[i];
      if (want === undefined) this.api.delete(KINDS.endpointSlice, ns, slice.metadata?.name ?? "");
      else if (JSON.stringify([slice.endpoints, slice.ports]) !== JSON.stringify([want.endpoints, want.ports])) {
        this.api.update(KINDS.endpointSlice, { ...want, metadata: slice.metadata });
      }
    });
    for (const want of desired.slice(existing.length)) this.api.create(KINDS.endpointSlice, want);
  }

  /** One slice per Endpoints subset, as the mirroring controller groups them by port set. */
  private slicesFor(svc: Service, eps: Endpoints): EndpointSlice[] {
    const name = svc.metadata?.name ?? "";
    return (eps.subsets ?? []).map((subset): EndpointSlice => {
      const endpoint = (ready: boolean) => (a: { ip: string; nodeName?: string; targetRef?: Endpoint["targetRef"] }): Endpoint => {
        const ep: Endpoint = { addresses: [a.ip], conditions: { ready } };
        if (a.nodeName) ep.nodeName = a.nodeName;
        if (a.targetRef) ep.targetRef = a.targetRef;
        return ep;
      };
      return {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          generateName: `${name}-`,
          namespace: svc.metadata?.namespace,
          labels: { ...eps.metadata?.labels, [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MIRRORING },
          ownerReferences: [{ apiVersion: "v1", kind: "Service", name, uid: svc.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true }],
        },
        addressType: "IPv4",
        endpoints: [...(subset.addresses ?? []).map(endpoint(true)), ...(subset.notReadyAddresses ?? []).map(endpoint(false))],
        ports: (subset.ports ?? []).map((p) => ({ name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP" })),
      };
    });
  }
}
