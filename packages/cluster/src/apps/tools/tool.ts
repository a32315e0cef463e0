/**
 * Network client programs (curl, dig, nslookup, wget) run either inside a
 * pod (through `kubectl exec`/`kubectl run`) or on the user's machine (a
 * script's top-level `curl`). Each one is a function of its argv and the
 * place it runs from.
 */
import type { ClientSpec } from "../../traffic/network";
import type { Resolution } from "../../dns/coredns";
import type { Service } from "kubernetes-types/core/v1";
import { KINDS } from "@svclab/apiserver";
import { StatusError } from "@svclab/manifest";
import type { Cluster } from "../../cluster/cluster";

/** What the network clients use of the cluster: its network, DNS, objects and clock. */
export type ToolHost = Pick<Cluster, "curl" | "list" | "get" | "resolve" | "topology" | "wallTime" | "advance">;

export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface ToolContext {
  readonly cluster: ToolHost;
  /** Where the program runs: a pod, a node, or an external host. */
  readonly client: ClientSpec;
  /** Writes a file where the program runs (curl -o). */
  readonly writeFile: (path: string, content: string) => Promise<void>;
}

export type Tool = (args: readonly string[], ctx: ToolContext) => Promise<ToolResult>;

export const ok = (stdout: string, stderr = ""): ToolResult => ({ stdout, stderr, exitCode: 0 });

/** The client's stub resolver: cluster DNS for pods; nodes and outside hosts do not use it. */
export function resolveFrom(ctx: ToolContext, name: string): Resolution {
  if ("pod" in ctx.client) return ctx.cluster.resolve(name, ctx.client);
  return { address: undefined, queries: [] };
}

/** The nameserver in every pod's resolv.conf: the kube-dns Service's cluster IP. */
export function dnsServer(cluster: ToolHost): string {
  try {
    return cluster.get<Service>(KINDS.service, "kube-dns", { namespace: "kube-system" }).spec?.clusterIP ?? "";
  } catch (e) {
    if (e instanceof StatusError && e.reason === "NotFound") return "";
    throw e;
  }
}
