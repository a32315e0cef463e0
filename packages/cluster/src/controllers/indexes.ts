/**
 * The indexers the controllers share, as kube-controller-manager registers
 * them on its informers: pods and ReplicaSets by controller owner (the
 * ReplicaSet and Deployment controllers' "controllerUID" index), dependents
 * by any owner (the garbage collector's graph), pods by label and Services
 * by selector (the EndpointSlice controller's service-to-pods lookup),
 * slices by Service, and bound pods by node (the scheduler's per-node
 * counts).
 */
import type { Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { matchesSelectorMap } from "@svclab/manifest";
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "./endpoints-model";
import { type Informer, objectKey } from "./informer";
import { isPodActive } from "./pod-state";
import { controllerUid } from "./work-queue";

export const BY_CONTROLLER = "controller";
export const BY_OWNER = "owner";
export const BY_LABEL = "label";
export const BY_SELECTOR = "selector";
export const BY_SERVICE = "service";
export const BY_SERVICE_NAME = "service-name";
export const BY_NODE = "node";
export const BY_NODE_AND_CONTROLLER = "node-controller";

const SEP = "\u0001";

/** The object metadata the indexers read. */
interface Meta {
  readonly metadata?: {
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly { readonly uid: string; readonly controller?: boolean }[];
  };
}

export const byController = (obj: Meta): string[] => {
  const uid = controllerUid(obj);
  return uid === undefined ? [] : [uid];
};

export const byOwner = (obj: Meta): string[] => (obj.metadata?.ownerReferences ?? []).map((r) => r.uid);

function labelValue(namespace: string, key: string, value: string): string {
  return `${namespace}${SEP}${key}=${value}`;
}

export const byLabel = (obj: Meta): string[] => {
  const ns = obj.metadata?.namespace ?? "";
  return Object.entries(obj.metadata?.labels ?? {}).map(([k, v]) => labelValue(ns, k, v));
};

/** A Service is filed under each pair of its selector (an empty selector selects no pod, as matchesSelectorMap says). */
export const bySelector = (svc: Service): string[] => {
  const ns = svc.metadata?.namespace ?? "";
  return Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => labelValue(ns, k, v));
};

export function serviceSliceValue(namespace: string, managedBy: string, service: string): string {
  return `${namespace}${SEP}${managedBy}${SEP}${service}`;
}

export const byService = (slice: EndpointSlice): string[] => {
  const labels = slice.metadata?.labels;
  const service = labels?.[SERVICE_NAME_LABEL];
  if (!service) return [];
  return [serviceSliceValue(slice.metadata?.namespace ?? "", labels?.[MANAGED_BY_LABEL] ?? "", service)];
};

/** Every slice of a Service, whoever manages it (what the proxies and DNS read). */
export const byServiceName = (slice: EndpointSlice): string[] => {
  const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return service ? [`${slice.metadata?.namespace ?? ""}${SEP}${service}`] : [];
};

/** The slices labelled with the Service's name, in list order. */
export function serviceSlices(slices: Informer<EndpointSlice>, namespace: string, service: string): EndpointSlice[] {
  return slices.byIndex(BY_SERVICE_NAME, `${namespace}${SEP}${service}`);
}

/** Pods holding a place on their node: bound and not finished or being deleted. */
export const byNode = (pod: Pod): string[] => (pod.spec?.nodeName && isPodActive(pod) ? [pod.spec.nodeName] : []);

export function nodeControllerValue(node: string, owner: string): string {
  return `${node}${SEP}${owner}`;
}

export const byNodeAndController = (pod: Pod): string[] => {
  const node = byNode(pod)[0];
  const owner = controllerUid(pod);
  return node === undefined || owner === undefined ? [] : [nodeControllerValue(node, owner)];
};

/** The pods of a namespace a selector map matches, in list order, from the label index's smallest bucket. */
export function selectedPods(pods: Informer<Pod>, namespace: string, selector: Record<string, string>): Pod[] {
  let smallest: string | undefined;
  let size = Infinity;
  for (const [k, v] of Object.entries(selector)) {
    const value = labelValue(namespace, k, v);
    const n = pods.countByIndex(BY_LABEL, value);
    if (n < size) [smallest, size] = [value, n];
  }
  if (smallest === undefined) return [];
  return pods.byIndex(BY_LABEL, smallest).filter((p) => matchesSelectorMap(selector, p.metadata?.labels ?? {}));
}

/** The Services of a namespace whose selector matches any of the label sets, in list order. */
export function selectingServices(services: Informer<Service>, namespace: string, labelSets: readonly Record<string, string>[]): Service[] {
  const candidates = new Map<string, Service>();
  for (const labels of labelSets) {
    for (const [k, v] of Object.entries(labels)) {
      for (const svc of services.byIndex(BY_SELECTOR, labelValue(namespace, k, v))) candidates.set(objectKey(svc), svc);
    }
  }
  return [...candidates.entries()]
    .filter(([, svc]) => labelSets.some((l) => matchesSelectorMap(svc.spec?.selector ?? {}, l)))
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map((e) => e[1]);
}
