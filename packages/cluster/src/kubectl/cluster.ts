/**
 * What kubectl and the in-pod tools use of a Cluster: the API verbs, the
 * virtual clock (AGE, `sleep`, `kubectl wait`), and the network as a client
 * sees it (curl's request path, the pod resolver). kubectl stays a client of
 * this narrow surface, as the real one is of the API server.
 */
import { StatusError, type KindInfo, type KubeObject } from "@svclab/manifest";
import type { Service } from "kubernetes-types/core/v1";
import type { Cluster } from "../cluster/cluster";
import { KINDS } from "../api/kinds";

export type KubectlCluster = Pick<
  Cluster,
  "apply" | "create" | "get" | "list" | "patch" | "delete" | "advance" | "waitFor" | "wallTime" | "curl" | "resolve" | "topology"
>;

/** Lets time pass until `done()` holds; false when `timeoutSeconds` ran out first. */
export function waitUntil(cluster: KubectlCluster, done: () => boolean, timeoutSeconds: number): boolean {
  try {
    cluster.waitFor(done, { timeoutSeconds });
    return true;
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("timed out")) return done();
    throw e;
  }
}

/** The object, or undefined when the API server answers NotFound. */
export function tryGet(cluster: KubectlCluster, kind: KindInfo, namespace: string, name: string): KubeObject | undefined {
  try {
    return cluster.get<KubeObject>(kind, name, { namespace });
  } catch (e) {
    if (e instanceof StatusError && e.reason === "NotFound") return undefined;
    throw e;
  }
}

/** The nameserver in every pod's resolv.conf: the kube-dns Service's cluster IP. */
export function dnsServer(cluster: KubectlCluster): string {
  const svc = tryGet(cluster, KINDS.service, "kube-system", "kube-dns") as Service | undefined;
  return svc?.spec?.clusterIP ?? "";
}
