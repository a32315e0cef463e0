// Schema lookup by kind.
import type { KindName } from "../kinds";
import { deployment, replicaSet } from "./apps";
import { endpoints, event, namespace, node, pod, service } from "./core";
import { endpointSlice } from "./discovery";
import type { StructSchema } from "./types";

const BY_KIND: Readonly<Record<KindName, StructSchema>> = {
  Service: service,
  Pod: pod,
  Namespace: namespace,
  Node: node,
  Endpoints: endpoints,
  Deployment: deployment,
  ReplicaSet: replicaSet,
  EndpointSlice: endpointSlice,
  Event: event,
};

export function schemaFor(kind: KindName): StructSchema {
  return BY_KIND[kind];
}

export type { Schema, StructSchema, ListSchema, MapSchema, ScalarSchema, LooseSchema } from "./types";
export { childSchema } from "./types";
