/**
 * Network client programs (curl, dig, nslookup, wget) run either inside a
 * pod (through `kubectl exec`/`kubectl run`) or on the user's machine (a
 * script's top-level `curl`). Each one is a function of its argv and the
 * place it runs from.
 */
import type { ClientSpec } from "../../traffic/network";
import type { Resolution } from "../../dns/coredns";
import type { KubectlCluster } from "../cluster";

export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface ToolContext {
  readonly cluster: KubectlCluster;
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
