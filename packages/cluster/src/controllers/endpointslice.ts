/**
 * The EndpointSlice controller and the (legacy) Endpoints controller, driven
 * by the same inputs: Services with a selector, the pods they select, and
 * node zones. Slices are named `<service>-<5 random>`, labelled
 * `kubernetes.io/service-name`, owned by the Service, hold at most 100
 * endpoints and are updated in place when they can be; a Service selecting
 * nothing keeps one empty slice, as the real controller's placeholder.
 */
import type { Endpoints, EndpointAddress, EndpointSubset, Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { matchesSelectorMap } from "@svclab/manifest";
import { KINDS, type ApiServer } from "@svclab/apiserver";
import type { EventLoop } from "@svclab/sim";
import { desiredEndpointGroups, type EndpointGroup } from "./endpoints-model";
import { keyOf, splitKey, WorkQueue } from "./work-queue";
import { tryParseIPv4 } from "../net/ip";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
const MANAGED_BY = "endpointslice-controller.k8s.io";
const MAX_ENDPOINTS_PER_SLICE = 100;
const ZONE_LABEL = "topology.kubernetes.io/zone";

function portsSignature(ports: EndpointSlice["ports"]): string {
  return (ports ?? []).map((p) => `${p.name}/${p.port}/${p.protocol}`).join(",");
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class EndpointSliceController {
  private readonly queue: WorkQueue;

  constructor(
    private readonly api: ApiServer,
    loop: EventLoop,
  ) {
    this.queue = new WorkQueue(loop, (k) => this.sync(k));
    api.watch<Service>(KINDS.service, (e) => this.queue.add(keyOf(e.object)));
    api.watch<Pod>(KINDS.pod, (e) => {
      const ns = e.object.metadata?.namespace ?? "";
      const labelSets = [e.object.metadata?.labels ?? {}, e.old?.metadata?.labels ?? {}];
      for (const svc of this.api.list<Service>(KINDS.service, ns)) {
        const sel = svc.spec?.selector;
        if (sel && labelSets.some((l) => matchesSelectorMap(sel, l))) this.queue.add(keyOf(svc));
      }
    });
    api.watch<Node>(KINDS.node, () => {
      for (const svc of this.api.list<Service>(KINDS.service)) this.queue.add(keyOf(svc));
    });
    api.watch<EndpointSlice>(KINDS.endpointSlice, (e) => {
      const svc = e.object.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (svc && e.object.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) this.queue.add(`${e.object.metadata?.namespace}/${svc}`);
    });
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.api.tryGet<Service>(KINDS.service, ns, name);
    const existing = this.api
      .list<EndpointSlice>(KINDS.endpointSlice, ns)
      .filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === name && s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY);
    if (svc === undefined) {
      // Slices go with their owner (garbage collector); the Endpoints object has no owner.
      if (this.api.tryGet(KINDS.endpoints, ns, name) !== undefined) this.api.delete(KINDS.endpoints, ns, name);
      return;
    }
    if (!svc.spec?.selector) {
      // Without a selector, endpoints are the user's to write.
      for (const s of existing) this.api.delete(KINDS.endpointSlice, ns, s.metadata?.name ?? "");
      return;
    }
    const selector = svc.spec.selector;
    const pods = this.api
      .list<Pod>(KINDS.pod, ns)
      .filter((p) => matchesSelectorMap(selector, p.metadata?.labels ?? {}))
      .sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1));
    const zones = new Map(this.api.list<Node>(KINDS.node).map((n) => [n.metadata?.name ?? "", n.metadata?.labels?.[ZONE_LABEL]]));
    const groups = desiredEndpointGroups(svc, pods, (node) => zones.get(node));
    this.syncSlices(svc, groups, existing);
    this.syncEndpoints(svc, groups);
  }

  private syncSlices(svc: Service, groups: EndpointGroup[], existing: EndpointSlice[]): void {
    const chunks: EndpointGroup[] = [];
    for (const g of groups) {
      for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
        chunks.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
      }
    }
    if (chunks.length === 0) chunks.push({ ports: [], endpoints: [] });
    const unused = [...existing];
    const assigned = new Map<EndpointGroup, EndpointSlice | undefined>();
    for (const chunk of chunks) {
      // Prefer the slice that already has exactly these endpoints, then one with the same ports.
      let i = unused.findIndex((s) => portsSignature(s.ports) === portsSignature(chunk.ports) && sameJson(s.endpoints ?? [], chunk.endpoints));
      if (i < 0) i = unused.findIndex((s) => portsSignature(s.ports) === portsSignature(chunk.ports));
      assigned.set(chunk, i >= 0 ? unused.splice(i, 1)[0] : undefined);
    }
    for (const chunk of chunks) {
      // As the real reconciler does, a slice that would be deleted is updated instead of creating another.
      const slice = assigned.get(chunk) ?? unused.pop();
      const desired = this.sliceFor(svc, chunk, slice);
      if (slice === undefined) this.api.create(KINDS.endpointSlice, desired);
      else if (!sameJson(slice.endpoints ?? [], desired.endpoints) || !sameJson(slice.ports ?? [], desired.ports ?? []) || !sameJson(slice.metadata?.labels, desired.metadata?.labels)) {
        this.api.update(KINDS.endpointSlice, desired);
      }
    }
    for (const s of unused) this.api.delete(KINDS.endpointSlice, s.metadata?.namespace ?? "", s.metadata?.name ?? "");
  }

  private sliceFor(svc: Service, chunk: EndpointGroup, current: EndpointSlice | undefined): EndpointSlice {
    const name = svc.metadata?.name ?? "";
    const labels: Record<string, string> = { ...svc.metadata?.labels, [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
    if (svc.spec?.clusterIP === "None") labels["service.kubernetes.io/headless"] = "";
    return {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: current
        ? { ...current.metadata, labels }
        : {
            generateName: `${name}-`,
            namespace: svc.metadata?.namespace,
            labels,
            ownerReferences: [{ apiVersion: "v1", kind: "Service", name, uid: svc.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true }],
          },
      addressType: "IPv4",
      endpoints: chunk.endpoints,
      ports: chunk.ports,
    };
  }

  private syncEndpoints(svc: Service, groups: EndpointGroup[]): void {
    const ns = svc.metadata?.namespace ?? "";
    const name = svc.metadata?.name ?? "";
    const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
    const subsets: EndpointSubset[] = [];
    for (const g of groups) {
      const ready: EndpointAddress[] = [];
      const notReady: EndpointAddress[] = [];
      for (const ep of g.endpoints) {
        const addr: EndpointAddress = { ip: ep.addresses[0] ?? "", nodeName: ep.nodeName, targetRef: ep.targetRef };
        if (ep.conditions?.ready || publishNotReady) ready.push(addr);
        else if (!ep.conditions?.terminating) notReady.push(addr);
      }
      if (ready.length + notReady.length === 0 || g.ports.length === 0) continue;
      const byIp = (a: EndpointAddress, b: EndpointAddress) => (tryParseIPv4(a.ip) ?? 0) - (tryParseIPv4(b.ip) ?? 0);
      const subset: EndpointSubset = { ports: g.ports.map((p) => (p.name ? { name: p.name, port: p.port, protocol: p.protocol } : { port: p.port, protocol: p.protocol })) as EndpointSubset["ports"] };
      if (ready.length > 0) subset.addresses = ready.sort(byIp);
      if (notReady.length > 0) subset.notReadyAddresses = notReady.sort(byIp);
      subsets.push(subset);
    }
    const current = this.api.tryGet<Endpoints>(KINDS.endpoints, ns, name);
    const desired: Endpoints = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: current ? { ...current.metadata, labels: svc.metadata?.labels } : { name, namespace: ns, labels: svc.metadata?.labels },
    };
    if (desired.metadata?.labels === undefined) delete desired.metadata?.labels;
    if (subsets.length > 0) desired.subsets = subsets;
    if (current === undefined) this.api.create(KINDS.endpoints, desired);
    else if (!sameJson(current.subsets, desired.subsets) || !sameJson(current.metadata?.labels, desired.metadata?.labels)) this.api.update(KINDS.endpoints, desired);
  }
}
