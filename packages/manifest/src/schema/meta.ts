// metav1 structs shared by every kind: ObjectMeta, LabelSelector, Condition.
import { bool, i64, list, loose, map, str, struct, strings } from "./types";

export const ownerReference = struct("OwnerReference", {
  apiVersion: str(),
  kind: str(),
  name: str(),
  uid: str("types.UID"),
  controller: bool,
  blockOwnerDeletion: bool,
});

export const objectMeta = struct("ObjectMeta", {
  name: str(),
  generateName: str(),
  namespace: str(),
  selfLink: str(),
  uid: str("types.UID"),
  resourceVersion: str(),
  generation: i64,
  creationTimestamp: str("v1.Time"),
  deletionTimestamp: str("v1.Time"),
  deletionGracePeriodSeconds: i64,
  labels: map(str()),
  annotations: map(str()),
  ownerReferences: list(ownerReference, { mergeKey: "uid" }),
  finalizers: list(str(), { merge: true }),
  managedFields: list(loose("v1.ManagedFieldsEntry")),
});

export const labelSelector = struct("LabelSelector", {
  matchLabels: map(str()),
  matchExpressions: list(
    struct("LabelSelectorRequirement", {
      key: str(),
      operator: str("v1.LabelSelectorOperator"),
      values: strings,
    }),
  ),
});

export const condition = struct("Condition", {
  type: str(),
  status: str("v1.ConditionStatus"),
  observedGeneration: i64,
  lastTransitionTime: str("v1.Time"),
  reason: str(),
  message: str(),
});

export const objectReference = struct("ObjectReference", {
  kind: str(),
  namespace: str(),
  name: str(),
  uid: str("types.UID"),
  apiVersion: str(),
  resourceVersion: str(),
  fieldPath: str(),
});

