/**
 * How kubectl's commands pick the objects they act on, shared by delete,
 * wait, label, annotate and expose: the usage text when nothing is named,
 * `-l` / `--all` over a kind, and the namespace a kind is read in.
 */
import { KubectlError, type KindInfo, type KubeObject } from "@svclab/manifest";
import type { CommandContext } from "./command";
import { boolFlag, stringFlag, type FlagSpec, type ParsedArgs } from "./flags";
import type { ResourceRef } from "./resources";

export const SELECTOR_FLAGS: readonly FlagSpec[] = [
  { name: "selector", short: "l", type: "string" },
  { name: "all", type: "bool" },
];

/** The namespace a kind's objects are read in: -n (or default), none for cluster-scoped kinds. */
export function namespaceFor(ctx: CommandContext, kind: KindInfo): string {
  return kind.namespaced ? ctx.namespace : "";
}

/**
 * The objects of a kind a type-only argument stands for: those matching -l,
 * or all of them with --all; naming neither is kubectl's error.
 */
export async function selectAll(ctx: CommandContext, p: ParsedArgs, ref: ResourceRef, requireSelection = true): Promise<KubeObject[]> {
  const selector = stringFlag(p, "selector");
  if (requireSelection && selector === undefined && !boolFlag(p, "all")) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
  return ctx.client.list<KubeObject>(ref.kind, { namespace: namespaceFor(ctx, ref.kind), ...(selector === undefined ? {} : { labelSelector: selector }) });
}
