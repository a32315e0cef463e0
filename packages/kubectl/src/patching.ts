/**
 * What `patch`, `scale`, `label` and `rollout restart` share: one named
 * object, and a PATCH whose warnings kubectl prints and whose unchanged
 * resourceVersion is kubectl's `(no change)`.
 */
import { KubectlError, type KindInfo, type PatchType } from "@svclab/manifest";
import type { CommandContext } from "./command";
import { parseResourceArgs, type ResourceRef } from "./resources";

export function single(args: readonly string[], what: string): ResourceRef & { name: string } {
  const refs = parseResourceArgs(args);
  if (refs.length === 0) throw new KubectlError([`error: required resource not specified`]);
  const ref = refs[0] as ResourceRef;
  if (ref.name === undefined) throw new KubectlError([`error: resource(s) were provided, but no name was specified`]);
  if (refs.length > 1) throw new KubectlError([`error: ${what} accepts a single resource`]);
  return { kind: ref.kind, name: ref.name };
}

export async function patchOne(ctx: CommandContext, kind: KindInfo, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<boolean> {
  const ns = kind.namespaced ? ctx.namespace : "";
  const r = await ctx.client.patch(kind, name, patch, { namespace: ns, type, ...(subresource === undefined ? {} : { subresource }) });
  for (const w of r.warnings ?? []) ctx.out.err(`Warning: ${w}`);
  return r.changed;
}
