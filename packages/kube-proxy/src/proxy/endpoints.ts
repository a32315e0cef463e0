/**
 * The endpoints of each service port, merged from every EndpointSlice of the
 * service (pkg/proxy/endpointslicecache.go): first address of each endpoint,
 * the slice's port by name, ready/serving/terminating conditions with the
 * API's nil defaults, local when the endpoint's nodeName is this node, and
 * sorted by "IP:port" string so rules come out in a stable order.
 */

import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { isIPv4 } from "@svclab/sim";
import { servicePortKey } from "./service-port";

export interface EndpointInfo {
  readonly ip: string;
  readonly port: number;
  /** `IP:port` (Endpoint.String()). */
  readonly endpoint: string;
  readonly isLocal: boolean;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly zoneHints: ReadonlySet<string>;
  readonly nodeHints: ReadonlySet<string>;
}

const LABEL_SERVICE_NAME = "kubernetes.io/service-name";

/** The service an EndpointSlice belongs to, or an error text as kube-proxy logs it. */
export function sliceServiceKey(slice: EndpointSlice): { service: string; slice: string } | { error: string } {
  const svc = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
  const ns = slice.metadata?.namespace ?? "";
  const name = slice.metadata?.name ?? "";
  if (svc === undefined || svc === "") {
    return { error: `no ${LABEL_SERVICE_NAME} label set on endpoint slice: ${name}` };
  }
  if (ns === "" || name === "") return { error: "expected EndpointSlice name and namespace to be set" };
  return { service: `${ns}/${svc}`, slice: name };
}

export class EndpointSliceCache {
  /** service "ns/name" -> slice name -> slice. */
  private readonly slices = new Map<string, Map<string, EndpointSlice>>();

  constructor(
    private readonly nodeName: string,
    private readonly nodeHintsEnabled: boolean,
  ) {}

  /** Records a slice (or its removal); false when nothing changed. */
  update(slice: EndpointSlice, remove: boolean): boolean {
    // An IPv4 proxier only tracks IPv4 slices (EndpointsChangeTracker.EndpointSliceUpdate).
    if (slice.addressType !== "IPv4") return false;
    const key = sliceServiceKey(slice);
    if ("error" in key) return false;
    let bySlice = this.slices.get(key.service);
    if (remove) {
      if (!bySlice?.delete(key.slice)) return false;
      if (bySlice.size === 0) this.slices.delete(key.service);
      return true;
    }
    if (!bySlice) this.slices.set(key.service, (bySlice = new Map()));
    const old = bySlice.get(key.slice);
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(slice)) return false;
    bySlice.set(key.slice, structuredClone(slice));
    return true;
  }

  /** Endpoints by service-port key (see servicePortKey), each list sorted by `IP:port`. */
  endpointsMap(): Map<string, EndpointInfo[]> {
    const out = new Map<string, EndpointInfo[]>();
    for (const [service, bySlice] of this.slices) {
      const [ns, name] = service.split("/") as [string, string];
      const byPort = new Map<string, Map<string, EndpointInfo>>();
      for (const slice of bySlice.values()) {
        for (const port of slice.ports ?? []) {
          if (port.name === undefined || port.name === null) continue;
          if (port.port === undefined || port.port === 0) continue;
          const key = servicePortKey(ns, name, port.name, port.protocol ?? "TCP");
          let set = byPort.get(key);
          if (!set) byPort.set(key, (set = new Map()));
          this.addEndpoints(set, port.port, slice);
        }
      }
      for (const [key, set] of byPort) {
        if (set.size === 0) continue;
        out.set(key, [...set.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0)));
      }
    }
    return out;
  }

  private addEndpoints(set: Map<string, EndpointInfo>, port: number, slice: EndpointSlice): void {
    for (const ep of slice.endpoints ?? []) {
      const addr = ep.addresses?.[0];
      if (addr === undefined || !isIPv4(addr)) continue;
      const c = ep.conditions ?? {};
      const ready = c.ready === undefined || c.ready === null || c.ready;
      const serving = c.serving === undefined || c.serving === null || c.serving;
      const terminating = c.terminating === true;
      const info: EndpointInfo = {
        ip: addr,
        port,
        endpoint: `${addr}:${port}`,
        isLocal: this.nodeName !== "" && ep.nodeName === this.nodeName,
        ready,
        serving,
        terminating,
        zoneHints: new Set((ep.hints?.forZones ?? []).map((z) => z.name)),
        nodeHints: new Set(this.nodeHintsEnabled ? ((ep.hints as { forNodes?: { name: string }[] } | undefined)?.forNodes ?? []).map((n) => n.name) : []),
      };
      // A reused IP: prefer the endpoint that is not terminating.
      if (!set.has(info.endpoint) || !terminating) set.set(info.endpoint, info);
    }
  }
}
