/**
 * What the EndpointSlice and Endpoints controllers publish for one Service:
 * one endpoint per pod that matches the selector and has an IP, with the
 * conditions the proxies read (ready = Ready and not terminating, serving =
 * Ready, terminating = being deleted) and the service ports resolved per pod
 * (a named targetPort can map to different container ports on different
 * pods, and pods with different port sets go to different slices).
 */
import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointPort } from "kubernetes-types/discovery/v1";

/** The label tying an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** The label naming the controller that manages a slice. */
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

export interface EndpointGroup {
  readonly ports: EndpointPort[];
  readonly endpoints: Endpoint[];
}

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** podutil.FindPort: a numeric targetPort as is, a name looked up in the pod's container ports. */
export function resolveTargetPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === "number") return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? "TCP") === (sp.protocol ?? "TCP")) return p.containerPort;
    }
  }
  return undefined;
}

/** endpointsliceutil.ShouldPodBeInEndpoints with terminating pods included. */
export function podBelongsInEndpoints(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  return Boolean(pod.status?.podIP);
}

export function endpointFor(pod: Pod, zone: string | undefined, publishNotReady: boolean): Endpoint {
  const terminating = pod.metadata?.deletionTimestamp !== undefined;
  const serving = publishNotReady || isPodReady(pod);
  const ep: Endpoint = {
    addresses: [pod.status?.podIP ?? ""],
    conditions: { ready: serving && !terminating, serving, terminating },
    nodeName: pod.spec?.nodeName,
    targetRef: { kind: "Pod", namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (zone !== undefined) ep.zone = zone;
  return ep;
}

/** Groups the service's endpoints by their resolved port set, in pod order. */
export function desiredEndpointGroups(
  svc: Service,
  pods: readonly Pod[],
  zoneOf: (nodeName: string) => string | undefined,
): EndpointGroup[] {
  const groups = new Map<string, EndpointGroup>();
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  for (const pod of pods) {
    if (!podBelongsInEndpoints(pod)) continue;
    const ports: EndpointPort[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = resolveTargetPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP" });
    }
    const sig = ports.map((p) => `${p.name}/${p.port}/${p.protocol}`).join(",");
    let g = groups.get(sig);
    if (g === undefined) {
      g = { ports, endpoints: [] };
      groups.set(sig, g);
    }
    g.endpoints.push(endpointFor(pod, zoneOf(pod.spec?.nodeName ?? ""), publishNotReady));
  }
  return [...groups.values()];
}
