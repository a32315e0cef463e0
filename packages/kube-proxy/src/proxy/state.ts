/**
 * What every proxier keeps from the API: the Services, the EndpointSlices
 * (merged per service port) and this node's labels, plus kube-proxy's
 * "synced" gates (a proxier writes no rules until it has seen both the
 * initial Services and EndpointSlices). Each mode turns a snapshot of this
 * into its own dataplane.
 */

import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { EndpointSliceCache, type EndpointInfo } from "./endpoints";
import { servicePortKey, servicePortsOf, type ServicePortInfo } from "./service-port";
import { categorizeEndpoints, type CategorizedEndpoints } from "./topology";

export interface ServicePortSnapshot {
  readonly key: string;
  readonly svc: ServicePortInfo;
  readonly endpoints: readonly EndpointInfo[];
  readonly categorized: CategorizedEndpoints;
}

export class ProxyState {
  private readonly services = new Map<string, Service>();
  private readonly slices: EndpointSliceCache;
  private nodeLabels: Record<string, string> = {};
  servicesSynced = false;
  endpointSlicesSynced = false;
  /** Something changed since the last sync. */
  dirty = true;

  constructor(
    readonly nodeName: string,
    private readonly nodeHints: boolean,
  ) {
    this.slices = new EndpointSliceCache(nodeName, nodeHints);
  }

  get initialized(): boolean {
    return this.servicesSynced && this.endpointSlicesSynced;
  }

  /** ServiceChangeTracker.Update: `undefined` for a deletion. Returns whether anything changed. */
  updateService(old: Service | undefined, svc: Service | undefined): boolean {
    const obj = svc ?? old;
    if (!obj) return false;
    const key = `${obj.metadata?.namespace ?? "default"}/${obj.metadata?.name ?? ""}`;
    if (svc === undefined) {
      const had = this.services.delete(key);
      this.dirty ||= had;
      return had;
    }
    const prev = this.services.get(key);
    if (prev !== undefined && JSON.stringify(prev) === JSON.stringify(svc)) return false;
    this.services.set(key, structuredClone(svc));
    this.dirty = true;
    return true;
  }

  updateEndpointSlice(slice: EndpointSlice, remove: boolean): boolean {
    const changed = this.slices.update(slice, remove);
    this.dirty ||= changed;
    return changed;
  }

  /** OnNodeAdd/Update/Delete: only this node's labels matter (topology zone). */
  updateNode(node: Node | undefined): boolean {
    const labels = node?.metadata?.labels ?? {};
    if (JSON.stringify(labels) === JSON.stringify(this.nodeLabels)) return false;
    this.nodeLabels = { ...labels };
    this.dirty = true;
    return true;
  }

  labels(): Readonly<Record<string, string>> {
    return this.nodeLabels;
  }

  /** Every proxied service port, sorted by name, with its endpoints categorized for this node. */
  snapshot(): ServicePortSnapshot[] {
    const endpointsMap = this.slices.endpointsMap();
    const out: ServicePortSnapshot[] = [];
    for (const svc of this.services.values()) {
      for (const sp of servicePortsOf(svc)) {
        const key = servicePortKey(sp.namespace, sp.name, sp.portName, sp.protocol);
        const endpoints = endpointsMap.get(key) ?? [];
        out.push({ key, svc: sp, endpoints, categorized: categorizeEndpoints(endpoints, sp, this.nodeName, this.nodeLabels, this.nodeHints) });
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
