/**
 * `kubectl scale --replicas=N`: a PATCH of the scale subresource.
 */
import { KubectlError } from "@svclab/manifest";
import type { KubectlCommand } from "../command";
import type { KubeObject } from "@svclab/manifest";
import { intFlag } from "../flags";
import { patchObject } from "../patching";
import { PRINT_FLAGS, printObject, printerFor } from "../print/objects";
import { parseResourceArgs } from "../resources";

export const scale: KubectlCommand = {
  name: "scale",
  flags: [{ name: "replicas", type: "int" }, ...PRINT_FLAGS],
  async run(p, ctx) {
    const replicas = intFlag(p, "replicas");
    if (replicas === undefined) throw new KubectlError([`error: required flag(s) "replicas" not set`]);
    if (replicas < 0) throw new KubectlError(["error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"]);
    const printer = printerFor(p);
    for (const ref of parseResourceArgs(p.args)) {
      if (ref.name === undefined) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
      // What -o prints is the scaled object itself (read back), not its Scale.
      const ns = ref.kind.namespaced ? ctx.namespace : "";
      if (printer.dryRun !== "client") await patchObject(ctx, ref.kind, ref.name, "merge", { spec: { replicas } }, { subresource: "scale", dryRun: printer.dryRun === "server" });
      let object: KubeObject = { metadata: { name: ref.name } };
      if (printer.output === "json" || printer.output === "yaml") {
        const live = await ctx.client.get<Record<string, unknown>>(ref.kind, ref.name, { namespace: ns });
        object = (printer.dryRun === "none" ? live : { ...live, spec: { ...(live.spec as object), replicas } }) as KubeObject;
      }
      printObject(ctx.out, printer, { kind: ref.kind, object, typed: false }, "scaled");
    }
  },
};
