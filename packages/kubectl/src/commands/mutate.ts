/**
 * Commands that change one object in place: `patch` (-p with --type
 * strategic/merge/json), `scale`, `label` and `rollout restart`. Each one
 * is a PATCH request, so invalid results come back as the API server's
 * errors and leave the object as it was.
 */
import { KubectlError, parsePatch, type KindInfo, type KubeObject, type PatchType } from "@svclab/manifest";
import type { CommandContext, KubectlCommand } from "../command";
import { boolFlag, intFlag, stringFlag } from "../flags";
import { parseResourceArgs, qualifiedRef, type ResourceRef } from "../resources";

function single(args: readonly string[], what: string): ResourceRef & { name: string } {
  const refs = parseResourceArgs(args);
  if (refs.length === 0) throw new KubectlError([`error: required resource not specified`]);
  const ref = refs[0] as ResourceRef;
  if (ref.name === undefined) throw new KubectlError([`error: resource(s) were provided, but no name was specified`]);
  if (refs.length > 1) throw new KubectlError([`error: ${what} accepts a single resource`]);
  return { kind: ref.kind, name: ref.name };
}

async function patchOne(ctx: CommandContext, kind: KindInfo, name: string, type: PatchType, patch: unknown, subresource?: string): Promise<boolean> {
  const ns = kind.namespaced ? ctx.namespace : "";
  const r = await ctx.client.patch(kind, name, patch, { namespace: ns, type, ...(subresource === undefined ? {} : { subresource }) });
  for (const w of r.warnings ?? []) ctx.out.err(`Warning: ${w}`);
  return r.changed;
}

const PATCH_TYPES: Record<string, PatchType> = { strategic: "strategic", merge: "merge", json: "json" };

export const patch: KubectlCommand = {
  name: "patch",
  flags: [
    { name: "patch", short: "p", type: "string" },
    { name: "type", type: "string" },
    { name: "patch-file", type: "string" },
  ],
  async run(p, ctx) {
    const typeName = stringFlag(p, "type") ?? "strategic";
    const type = PATCH_TYPES[typeName];
    if (type === undefined) throw new KubectlError([`error: --type must be one of [json merge strategic], not ${JSON.stringify(typeName)}`]);
    let text = stringFlag(p, "patch");
    const file = stringFlag(p, "patch-file");
    if (file !== undefined) {
      text = await ctx.io.files.readFile(file);
      if (text === undefined) throw new KubectlError([`error: unable to read patch file: open ${file}: no such file or directory`]);
    }
    if (text === undefined) throw new KubectlError(["error: must specify --patch or --patch-file containing the contents of the patch"]);
    const { kind, name } = single(p.args, "patch");
    const value = parsePatch(text);
    const changed = await patchOne(ctx, kind, name, type, value);
    ctx.out.out(`${qualifiedRef(kind, name)} patched${changed ? "" : " (no change)"}`);
  },
};

export const scale: KubectlCommand = {
  name: "scale",
  flags: [{ name: "replicas", type: "int" }],
  async run(p, ctx) {
    const replicas = intFlag(p, "replicas");
    if (replicas === undefined) throw new KubectlError([`error: required flag(s) "replicas" not set`]);
    if (replicas < 0) throw new KubectlError(["error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"]);
    for (const ref of parseResourceArgs(p.args)) {
      if (ref.name === undefined) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
      await patchOne(ctx, ref.kind, ref.name, "merge", { spec: { replicas } }, "scale");
      ctx.out.out(`${qualifiedRef(ref.kind, ref.name)} scaled`);
    }
  },
};

export const label: KubectlCommand = {
  name: "label",
  flags: [
    { name: "overwrite", type: "bool" },
    { name: "selector", short: "l", type: "string" },
  ],
  async run(p, ctx) {
    const changes = p.args.filter((a) => a.includes("=") || a.endsWith("-"));
    const resources = p.args.filter((a) => !changes.includes(a));
    const firstChange = p.args.findIndex((a) => changes.includes(a));
    const late = firstChange >= 0 ? p.args.slice(firstChange).find((a) => !changes.includes(a)) : undefined;
    if (late !== undefined) throw new KubectlError([`error: all resources must be specified before label changes: ${late}`]);
    if (changes.length === 0) throw new KubectlError(["error: at least one label update is required"]);
    const set: Record<string, string | null> = {};
    for (const c of changes) {
      if (c.endsWith("-") && !c.includes("=")) set[c.slice(0, -1)] = null;
      else {
        const eq = c.indexOf("=");
        set[c.slice(0, eq)] = c.slice(eq + 1);
      }
    }
    const client = ctx.client;
    const selector = stringFlag(p, "selector");
    for (const ref of parseResourceArgs(resources)) {
      const ns = ref.kind.namespaced ? ctx.namespace : "";
      const objs =
        ref.name !== undefined
          ? [await client.get<KubeObject>(ref.kind, ref.name, { namespace: ns })]
          : await client.list<KubeObject>(ref.kind, { namespace: ns, ...(selector === undefined ? {} : { labelSelector: selector }) });
      for (const obj of objs) {
        const current = obj.metadata?.labels ?? {};
        for (const [k, v] of Object.entries(set)) {
          if (v !== null && current[k] !== undefined && current[k] !== v && !boolFlag(p, "overwrite")) {
            throw new KubectlError([`error: '${k}' already has a value (${current[k]}), and --overwrite is false`]);
          }
        }
        const name = obj.metadata?.name ?? "";
        const changed = await patchOne(ctx, ref.kind, name, "merge", { metadata: { labels: set } });
        const verb = Object.values(set).every((v) => v === null) ? "unlabeled" : "labeled";
        ctx.out.out(`${qualifiedRef(ref.kind, name)} ${changed ? verb : `not ${verb}`}`);
      }
    }
  },
};

/** `kubectl rollout restart`: a new pod-template annotation makes a new ReplicaSet. */
export async function rolloutRestart(args: readonly string[], ctx: CommandContext): Promise<void> {
  const { kind, name } = single(args, "rollout restart");
  const at = ctx.clock.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  await patchOne(ctx, kind, name, "strategic", { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": at } } } } });
  ctx.out.out(`${qualifiedRef(kind, name)} restarted`);
}
