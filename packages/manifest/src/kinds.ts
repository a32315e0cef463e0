// The GVK registry: which apiVersion/kind pairs this package can decode and the
// REST resource names kubectl shows (`service/x`, `deployment.apps/x`).
import type { Endpoints, Event, Namespace, Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";

export type KubeObject = Service | Pod | Namespace | Node | Endpoints | Deployment | ReplicaSet | EndpointSlice | Event;

export type KindName = "Service" | "Pod" | "Namespace" | "Node" | "Endpoints" | "Deployment" | "ReplicaSet" | "EndpointSlice" | "Event";

export interface KindInfo {
  readonly kind: KindName;
  readonly group: string;
  readonly version: string;
  /** `v1` for the core group, otherwise `group/version`. */
  readonly apiVersion: string;
  /** Plural REST resource, e.g. `services`. */
  readonly resource: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
}

function info(kind: KindName, group: string, resource: string, shortNames: string[], namespaced = true): KindInfo {
  const version = "v1";
  return Object.freeze({
    kind,
    group,
    version,
    apiVersion: group === "" ? version : `${group}/${version}`,
    resource,
    singular: kind.toLowerCase(),
    shortNames: Object.freeze(shortNames),
    namespaced,
  });
}

export const SUPPORTED_KINDS: readonly KindInfo[] = Object.freeze([
  info("Pod", "", "pods", ["po"]),
  info("Service", "", "services", ["svc"]),
  info("Namespace", "", "namespaces", ["ns"], false),
  info("Node", "", "nodes", ["no"], false),
  info("Endpoints", "", "endpoints", ["ep"]),
  info("Deployment", "apps", "deployments", ["deploy"]),
  info("ReplicaSet", "apps", "replicasets", ["rs"]),
  info("EndpointSlice", "discovery.k8s.io", "endpointslices", []),
  info("Event", "", "events", ["ev"]),
]);

/** The kind registered for this exact apiVersion/kind pair, if any. */
export function lookupKind(apiVersion: string, kind: string): KindInfo | undefined {
  return SUPPORTED_KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
}

/**
 * Resolves a kubectl resource argument (`svc`, `service`, `services`,
 * `deployment.apps`, `deployments.apps/v1`...) the way kubectl's RESTMapper does.
 */
export function resolveResource(arg: string): KindInfo | undefined {
  const lower = arg.toLowerCase();
  const dot = lower.indexOf(".");
  const name = dot < 0 ? lower : lower.slice(0, dot);
  const groupPart = dot < 0 ? undefined : lower.slice(dot + 1);
  return SUPPORTED_KINDS.find((k) => {
    if (name !== k.resource && name !== k.singular && !k.shortNames.includes(name)) return false;
    if (groupPart === undefined) return true;
    const group = groupPart.split("/")[0];
    return group === k.group || (k.group === "" && group === "");
  });
}

export function kindInfoOf(obj: KubeObject): KindInfo {
  const found = lookupKind(obj.apiVersion ?? "", obj.kind ?? "");
  if (found === undefined) throw new TypeError(`unsupported object ${obj.apiVersion}/${obj.kind}`);
  return found;
}

/** kubectl's `<resource>[.<group>]/<name>`, e.g. `service/x`, `deployment.apps/x`. */
export function resourceRef(obj: KubeObject): string {
  const k = kindInfoOf(obj);
  const prefix = k.group === "" ? k.singular : `${k.singular}.${k.group}`;
  return `${prefix}/${obj.metadata?.name ?? ""}`;
}
