// The article's objects, from the book's manifests in examples/manifests: a
// ready cluster for the notebooks' later experiments and exercises, where the
// step-by-step part of the article is already behind us.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterOptions } from "@svclab/cluster";
import { lab, type Lab } from "./lab";

export const MANIFESTS = join(__dirname, "../../examples/manifests");

/** A manifest of the book's chapter 6 samples, as text. */
export function manifest(name: string): string {
  return readFileSync(join(MANIFESTS, name), "utf8");
}

/** The URL the article's `kubectl exec ... -- curl` asks. */
export const ARTICLE_URL = "http://sample-session-affinity.default.svc.cluster.local:8080";

export interface ArticleOptions extends ClusterOptions {
  /** `spec.replicas` of sample-deployment (the article: 3). */
  replicas?: number;
  /** `sessionAffinityConfig.clientIP.timeoutSeconds` (the article: 10). */
  timeoutSeconds?: number;
  /** Create sample-pod, the article's client (default true). */
  clientPod?: boolean;
}

/** A cluster with the article's Deployment, sample-pod and the (corrected) Service, every pod Ready. */
export function articleLab(options: ArticleOptions = {}): Lab {
  const { replicas = 3, timeoutSeconds = 10, clientPod = true, ...clusterOptions } = options;
  const l = lab(clusterOptions);
  const texts = [
    manifest("sample-deployment.yaml").replace("replicas: 3", `replicas: ${replicas}`),
    ...(clientPod ? [manifest("sample-pod.yaml")] : []),
    manifest("sample-session-affinity.yaml").replace("timeoutSeconds: 10", `timeoutSeconds: ${timeoutSeconds}`),
  ];
  for (const result of texts.flatMap((t) => l.cluster.apply(t))) if (!result.ok) throw new Error(result.line);
  l.cluster.settle();
  return l;
}
