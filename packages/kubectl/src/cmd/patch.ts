/**
 * `kubectl patch -p|--patch-file` with --type strategic (the default), merge
 * or json: invalid results come back as the API server's errors and leave
 * the object as it was.
 */
import { KubectlError, parsePatch, type PatchType } from "@svclab/manifest";
import type { KubectlCommand } from "../command";
import { stringFlag } from "../flags";
import { patchOne, single } from "../patching";
import { qualifiedRef } from "../resources";

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
