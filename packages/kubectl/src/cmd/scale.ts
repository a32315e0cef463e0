/**
 * `kubectl scale --replicas=N`: a PATCH of the scale subresource.
 */
import { KubectlError } from "@svclab/manifest";
import type { KubectlCommand } from "../command";
import { intFlag } from "../flags";
import { patchOne } from "../patching";
import { parseResourceArgs, qualifiedRef } from "../resources";

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
