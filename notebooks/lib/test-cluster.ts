// A small cluster with the article's Deployment and affinity Service, for the
// helpers' tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCluster, type Cluster } from "@svclab/cluster";

const manifests = ["sample-deployment.yaml", "sample-session-affinity.yaml"].map((name) =>
  readFileSync(join(__dirname, "../../examples/manifests", name), "utf8"),
);

export function articleCluster(): Cluster {
  const cluster = createCluster({ seed: 1 });
  for (const result of manifests.flatMap((m) => cluster.apply(m))) if (!result.ok) throw new Error(result.line);
  cluster.settle();
  return cluster;
}
