/**
 * `kubectl scale --replicas=N`: a PATCH of the scale subresource.
 */
import { KubectlError, StatusError } from "@svclab/manifest";
import type { CommandContext, KubectlCommand } from "../command";
import { intFlag } from "../flags";
import { patchOne } from "../patching";
import { NO_RESOURCES_GIVEN, parseResourceArgs, qualifiedRef } from "../resources";

/**
 * A required flag left out: kubectl 1.32 reports it through klog
 * (`E1203 10:00:00.000000       1 run.go:72] "command failed" err="..."`),
 * stamped with the client's clock; svclab's kubectl has no process id of its own, so 1.
 */
function requiredFlagMissing(ctx: CommandContext, flag: string): KubectlError {
  const t = ctx.clock.now();
  const two = (n: number): string => String(n).padStart(2, "0");
  const stamp = `${two(t.getUTCMonth() + 1)}${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}.${String(t.getUTCMilliseconds() * 1000).padStart(6, "0")}`;
  return new KubectlError([`E${stamp} ${String(1).padStart(7)} run.go:72] "command failed" err=${JSON.stringify(`required flag(s) "${flag}" not set`)}`]);
}

export const scale: KubectlCommand = {
  name: "scale",
  flags: [{ name: "replicas", type: "int" }],
  async run(p, ctx) {
    const replicas = intFlag(p, "replicas");
    if (replicas === undefined) throw requiredFlagMissing(ctx, "replicas");
    if (replicas < 0) throw new KubectlError(["error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"]);
    const refs = parseResourceArgs(p.args);
    if (refs.length === 0) throw new KubectlError(NO_RESOURCES_GIVEN);
    for (const ref of refs) {
      if (ref.name === undefined) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
      try {
        await patchOne(ctx, ref.kind, ref.name, "merge", { spec: { replicas } }, { subresource: "scale" });
      } catch (e) {
        // kubectl reads the objects before it scales them; one missing leaves nothing to scale.
        if (e instanceof StatusError && e.reason === "NotFound" && e.status.details?.name !== undefined) throw new KubectlError([`error: no objects passed to scale ${e.message}`]);
        throw e;
      }
      ctx.out.out(`${qualifiedRef(ref.kind, ref.name)} scaled`);
    }
  },
};
