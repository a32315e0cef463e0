/**
 * `kubectl describe endpoints|endpointslices` (describeEndpoints and
 * describeEndpointSliceV1 in kubectl's describe.go): each subset's ready and
 * not-ready addresses and ports; each slice's ports and every endpoint with
 * its conditions, target and node.
 */
import type { Endpoints, Event } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { PrefixWriter, describeEvents, printAnnotationsMultiline, printLabelsMultiline } from "./writer";

const orNone = (items: readonly string[], sep: string): string => (items.length === 0 ? "<none>" : items.join(sep));
const orUnset = (v: string | number | boolean | undefined | null): string => (v === undefined || v === null || v === "" ? "<unset>" : String(v));

function header(w: PrefixWriter, meta: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } | undefined): void {
  w.write(0, `Name:\t${meta?.name ?? ""}\n`);
  w.write(0, `Namespace:\t${meta?.namespace ?? ""}\n`);
  printLabelsMultiline(w, "Labels", meta?.labels);
  printAnnotationsMultiline(w, "Annotations", meta?.annotations);
}

export function describeEndpoints(ep: Endpoints, events: readonly Event[] = [], now: Date = new Date(0)): string {
  const w = new PrefixWriter();
  header(w, ep.metadata);
  w.write(0, "Subsets:\n");
  for (const subset of ep.subsets ?? []) {
    w.write(1, `Addresses:\t${orNone((subset.addresses ?? []).map((a) => a.ip), ",")}\n`);
    w.write(1, `NotReadyAddresses:\t${orNone((subset.notReadyAddresses ?? []).map((a) => a.ip), ",")}\n`);
    if ((subset.ports ?? []).length > 0) {
      w.write(1, "Ports:\n");
      w.write(2, "Name\tPort\tProtocol\n");
      w.write(2, "----\t----\t--------\n");
      for (const p of subset.ports ?? []) w.write(2, `${orUnset(p.name)}\t${p.port}\t${p.protocol ?? "TCP"}\n`);
    }
    w.write(0, "\n");
  }
  describeEvents(w, events, now);
  return w.render();
}

export function describeEndpointSlice(eps: EndpointSlice, events: readonly Event[] = [], now: Date = new Date(0)): string {
  const w = new PrefixWriter();
  header(w, eps.metadata);
  w.write(0, `AddressType:\t${eps.addressType}\n`);
  const ports = eps.ports ?? [];
  if (ports.length === 0) w.write(0, "Ports: <unset>\n");
  else {
    w.write(0, "Ports:\n");
    w.write(1, "Name\tPort\tProtocol\n");
    w.write(1, "----\t----\t--------\n");
    for (const p of ports) w.write(1, `${orUnset(p.name)}\t${orUnset(p.port)}\t${p.protocol ?? "TCP"}\n`);
  }
  const endpoints = eps.endpoints ?? [];
  if (endpoints.length === 0) w.write(0, "Endpoints: <none>\n");
  else {
    w.write(0, "Endpoints:\n");
    for (const e of endpoints) {
      w.write(1, `- Addresses:\t${orNone(e.addresses, ", ")}\n`);
      w.write(2, "Conditions:\n");
      w.write(3, `Ready:\t${orUnset(e.conditions?.ready)}\n`);
      w.write(2, `Hostname:\t${orUnset(e.hostname)}\n`);
      if (e.targetRef !== undefined) w.write(2, `TargetRef:\t${e.targetRef.kind ?? ""}/${e.targetRef.name ?? ""}\n`);
      w.write(2, `NodeName:\t${orUnset(e.nodeName)}\n`);
      w.write(2, `Zone:\t${orUnset(e.zone)}\n`);
    }
  }
  describeEvents(w, events, now);
  return w.render();
}
