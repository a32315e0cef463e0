/**
 * `kubectl patch -p|--patch-file` with --type strategic (the default), merge
 * or json: invalid results come back as the API server's errors and leave
 * the object as it was.
 */
import { KubectlError, StatusError, localPatch, parsePatch, renderKubectlError, type KubeObject, type PatchType } from "@svclab/manifest";
import type { KubectlCommand } from "../command";
import { stringFlag } from "../flags";
import { patchObject } from "../patching";
import { parseResourceArgs } from "../resources";
import { PRINT_FLAGS, printObject, printerFor } from "../print/objects";

const PATCH_TYPES: Record<string, PatchType> = { strategic: "strategic", merge: "merge", json: "json" };

export const patch: KubectlCommand = {
  name: "patch",
  flags: [
    { name: "patch", short: "p", type: "string" },
    { name: "type", type: "string" },
    { name: "patch-file", type: "string" },
    ...PRINT_FLAGS,
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
    const printer = printerFor(p);
    const refs = parseResourceArgs(p.args);
    if (refs.length === 0) throw new KubectlError(["error: required resource not specified"]);
    // Every name is patched in turn; with several, a server error for one is printed and the rest still go (ContinueOnError).
    for (const { kind, name } of refs) {
      if (name === undefined) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
      let object: KubeObject;
      let changed: boolean;
      try {
        if (printer.dryRun === "client") {
          // Patched locally, nothing sent.
          const live = await ctx.client.get<KubeObject>(kind, name, { namespace: kind.namespaced ? ctx.namespace : "" });
          object = localPatch(live as Record<string, unknown>, text, type) as KubeObject;
          changed = JSON.stringify(object) !== JSON.stringify(live);
        } else {
          const r = await patchObject(ctx, kind, name, type, parsePatch(text), { fieldManager: "kubectl-patch", dryRun: printer.dryRun === "server" });
          object = r.object;
          changed = r.changed || printer.dryRun === "server";
        }
      } catch (e) {
        if (!(e instanceof StatusError) || refs.length === 1) throw e;
        ctx.out.fail(renderKubectlError(e));
        continue;
      }
      // kubectl 1.32 prints no dry-run mark on `patched`, client or server.
      printObject(ctx.out, { ...printer, dryRun: "none" }, { kind, object, typed: false }, changed ? "patched" : "patched (no change)");
    }
  },
};
