import { describe, expect, it } from "vitest";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import { createCluster } from "../index";

const deployment = (version: number, limit?: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2${limit === undefined ? "" : `\n  revisionHistoryLimit: ${limit}`}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, version: "v${version}"}}
    spec: {containers: [{name: web, image: nginx}]}
`;

describe("Deployment revision history", () => {
  it.each([[undefined, 10], [2, 2], [0, 0]])("revisionHistoryLimit %s keeps %i old ReplicaSets", (limit, kept) => {
    const c = createCluster({ seed: 3 });
    for (let v = 1; v <= 14; v++) {
      c.apply(deployment(v, limit));
      c.settle();
    }
    const revisions = c
      .list<ReplicaSet>("replicasets")
      .map((rs) => Number(rs.metadata?.annotations?.["deployment.kubernetes.io/revision"]))
      .sort((a, b) => a - b);
    expect(revisions).toEqual(Array.from({ length: kept + 1 }, (_, i) => 14 - kept + i));
  });
});
