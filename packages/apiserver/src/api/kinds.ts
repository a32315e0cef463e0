/** The KindInfo of each resource the cluster serves, by kind name. */
import { SUPPORTED_KINDS, type KindInfo } from "@svclab/manifest";

function kind(name: string): KindInfo {
  const k = SUPPORTED_KINDS.find((x) => x.kind === name);
  if (k === undefined) throw new Error(`@svclab/manifest does not serve ${name}`);
  return k;
}

export const KINDS = {
  namespace: kind("Namespace"),
  node: kind("Node"),
  pod: kind("Pod"),
  service: kind("Service"),
  endpoints: kind("Endpoints"),
  endpointSlice: kind("EndpointSlice"),
  deployment: kind("Deployment"),
  replicaSet: kind("ReplicaSet"),
  event: kind("Event"),
} as const;

/** Every kind the store keeps: all of @svclab/manifest's. */
export const SERVED_KINDS: readonly KindInfo[] = SUPPORTED_KINDS;
