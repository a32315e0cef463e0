/**
 * `kubectl patch -p|--patch-file` with --type strategic (the default), merge
 * or json: invalid results come back as the API server's errors and leave
 * the object as it was.
 */
import { KubectlError, StatusError, parsePatch, renderKubectlError, type PatchType } from "@svclab/manifest";
import type { KubectlCommand } from "../command";
import { stringFlag } from "../flags";
import { patchOne } from "../patching";
import { parseResourceArgs, qualifiedRef } from "../resources";

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
    const refs = parseResourceArgs(p.args);
    if (refs.length === 0) throw new KubectlError(["error: required resource not specified"]);
    const value = parsePatch(text);
    // Every name is patched in turn; a server error for one is printed and the rest still go (ContinueOnError).
    for (const { kind, name } of refs) {
      if (name === undefined) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
      try {
        const changed = await patchOne(ctx, kind, name, type, value, { fieldManager: "kubectl-patch" });
        ctx.out.out(`${qualifiedRef(kind, name)} patched${changed ? "" : " (no change)"}`);
      } catch (e) {
        if (!(e instanceof StatusError) || refs.length === 1) throw e;
        ctx.out.fail(renderKubectlError(e));
      }
    }
  },
};
