// apps/v1 structs: Deployment and ReplicaSet.
import { podTemplateSpec } from "./core";
import { labelSelector, objectMeta } from "./meta";
import { bool, i32, i64, intOrString, list, loose, str, struct } from "./types";

const typeMeta = { apiVersion: str(), kind: str() };

export const deployment = struct("Deployment", {
  ...typeMeta,
  metadata: objectMeta,
  spec: struct("DeploymentSpec", {
    replicas: i32,
    selector: labelSelector,
    template: podTemplateSpec,
    strategy: struct("DeploymentStrategy", {
      type: str("v1.DeploymentStrategyType"),
      rollingUpdate: struct("RollingUpdateDeployment", { maxUnavailable: intOrString, maxSurge: intOrString }),
    }),
    minReadySeconds: i32,
    revisionHistoryLimit: i32,
    paused: bool,
    progressDeadlineSeconds: i32,
  }),
  status: struct("DeploymentStatus", {
    observedGeneration: i64,
    replicas: i32,
    updatedReplicas: i32,
    readyReplicas: i32,
    availableReplicas: i32,
    unavailableReplicas: i32,
    terminatingReplicas: i32,
    conditions: list(loose("v1.DeploymentCondition"), { mergeKey: "type" }),
    collisionCount: i32,
  }),
});

export const replicaSet = struct("ReplicaSet", {
  ...typeMeta,
  metadata: objectMeta,
  spec: struct("ReplicaSetSpec", {
    replicas: i32,
    minReadySeconds: i32,
    selector: labelSelector,
    template: podTemplateSpec,
  }),
  status: struct("ReplicaSetStatus", {
    replicas: i32,
    fullyLabeledReplicas: i32,
    readyReplicas: i32,
    availableReplicas: i32,
    terminatingReplicas: i32,
    observedGeneration: i64,
    conditions: list(loose("v1.ReplicaSetCondition"), { mergeKey: "type" }),
  }),
});
