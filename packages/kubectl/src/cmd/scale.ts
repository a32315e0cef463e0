/**
 * `kubectl scale --replicas=N`: a PATCH of the scale subresource.
 */
import { KubectlError, StatusError, type KubeObject } from "@svclab/manifest";
import type { CommandContext, KubectlCommand } from "../command";
import { intFlag } from "../flags";
import { patchObject } from "../patching";
import { PRINT_FLAGS, printObject, printerFor } from "../print/objects";
import { NO_RESOURCES_GIVEN, parseResourceArgs } from "../resources";

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
  flags: [{ name: "replicas", type: "int" }, ...PRINT_FLAGS],
  async run(p, ctx) {
    const replicas = intFlag(p, "replicas");
    if (replicas === undefined) throw requiredFlagMissing(ctx, "replicas");
    if (replicas < 0) throw new KubectlError(["error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"]);
    const printer = printerFor(p);
    const refs = parseResourceArgs(p.args);
    if (refs.length === 0) throw new KubectlError(NO_RESOURCES_GIVEN);
    for (const ref of refs) {
      if (ref.name === undefined) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
      // What -o prints is the scaled object itself (read back), not its Scale.
      const ns = ref.kind.namespaced ? ctx.namespace : "";
      try {
        if (printer.dryRun !== "client") await patchObject(ctx, ref.kind, ref.name, "merge", { spec: { replicas } }, { subresource: "scale", dryRun: printer.dryRun === "server" });
      } catch (e) {
        // kubectl reads the objects before it scales them; one missing leaves nothing to scale.
        if (e instanceof StatusError && e.reason === "NotFound" && e.status.details?.name !== undefined) throw new KubectlError([`error: no objects passed to scale ${e.message}`]);
        throw e;
      }
      let object: KubeObject = { metadata: { name: ref.name } };
      if (printer.output === "json" || printer.output === "yaml") {
        const live = await ctx.client.get<Record<string, unknown>>(ref.kind, ref.name, { namespace: ns });
        object = (printer.dryRun === "none" ? live : { ...live, spec: { ...(live.spec as object), replicas } }) as KubeObject;
      }
      printObject(ctx.out, printer, { kind: ref.kind, object, typed: false }, "scaled");
    }
  },
};
