// A small cluster with the article's Deployment and affinity Service, for the
// helpers' tests.
import type { Cluster } from "@svclab/cluster";
import { articleLab } from "./article";

export function articleCluster(): Cluster {
  return articleLab({ seed: 1, clientPod: false }).cluster;
}
