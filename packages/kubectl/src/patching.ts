/**
 * What `patch`, `scale`, `label` and `rollout restart` share: one named
 * object, and a PATCH whose warnings kubectl prints and whose unchanged
 * resourceVersion is kubectl's `(no change)`.
 */
import { KubectlError, type KindInfo, type KubeObject, type PatchType } from "@svclab/manifest";
import type { PatchResult } from "./client/api-client";
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

/** Where the PATCH goes and who sends it: kubectl's field manager per command (`kubectl-patch`, `kubectl-label`...). */
export interface PatchTarget {
  readonly subresource?: string;
  readonly fieldManager?: string;
  /** `--dry-run=server`. */
  readonly dryRun?: boolean;
}

/** The PATCH and what the server answered, its warnings printed. */
export async function patchObject(ctx: CommandContext, kind: KindInfo, name: string, type: PatchType, patch: unknown, target: PatchTarget = {}): Promise<PatchResult<KubeObject>> {
  const ns = kind.namespaced ? ctx.namespace : "";
  const r = await ctx.client.patch<KubeObject>(kind, name, patch, { namespace: ns, type, ...target });
  for (const w of r.warnings ?? []) ctx.out.err(`Warning: ${w}`);
  return r;
}

export async function patchOne(ctx: CommandContext, kind: KindInfo, name: string, type: PatchType, patch: unknown, target: PatchTarget = {}): Promise<boolean> {
  return (await patchObject(ctx, kind, name, type, patch, target)).changed;
}
