/**
 * `kubectl apply -f`: client-side apply. A GET, then a POST with the
 * last-applied annotation for a new object, or the three-way strategic merge
 * PATCH (@svclab/manifest) for an existing one, both with strict field
 * validation; kubectl's `created` / `configured` / `unchanged`.
 */
import { KubectlError, LAST_APPLIED, applyPatchFor, resourceRef, withLastApplied, type KubeObject } from "@svclab/manifest";
import { FILENAME_FLAGS, type CommandContext, type KubectlCommand } from "../command";
import { boolFlag, stringsFlag } from "../flags";
import { PRINT_FLAGS, operationText, printObject, printerFor, type Printer } from "../print/objects";
import { errorText, visit, withNamespace, type Target } from "../visitor";

/** kubectl apply's field manager and strict validation, on both of its requests. */
const APPLY_WRITE = { fieldManager: "kubectl-client-side-apply", fieldValidation: "Strict" } as const;

async function applyOne(ctx: CommandContext, t: Target, printer: Printer): Promise<void> {
  const live = t.name === "" ? undefined : await ctx.client.tryGet(t.kind, t.name, { namespace: t.namespace });
  if (live !== undefined && live.metadata?.annotations?.[LAST_APPLIED] === undefined) {
    ctx.out.err(
      `Warning: resource ${t.kind.resource}/${t.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.`,
    );
  }
  const modified = withLastApplied(withNamespace(t), t.kind, t.namespace);
  const opts = { namespace: t.namespace, ...APPLY_WRITE, dryRun: printer.dryRun === "server" };
  let printed: KubeObject;
  let operation: string;
  let warnings: readonly string[] = [];
  try {
    if (printer.dryRun === "client") {
      // A client dry run sends nothing: an existing object is reported configured without diffing it.
      printed = modified as KubeObject;
      operation = live === undefined ? "created" : "configured";
    } else if (live === undefined) {
      const r = await ctx.client.create<KubeObject>(t.kind, modified, opts);
      printed = r.object;
      operation = "created";
      warnings = r.warnings;
    } else {
      const patch = applyPatchFor(modified, live, t.kind);
      if (patch === undefined) {
        printed = live;
        operation = "unchanged";
      } else {
        const r = await ctx.client.patch<KubeObject>(t.kind, t.name, patch, { ...opts, type: "strategic" });
        printed = r.object;
        operation = r.changed ? "configured" : "unchanged";
        warnings = r.warnings;
      }
    }
  } catch (e) {
    throw new KubectlError([errorText(e, live === undefined ? "creating" : "applying patch", t.doc.file)]);
  }
  for (const w of warnings) ctx.out.err(`Warning: ${w}`);
  if (printer.output === undefined) ctx.out.out(`${resourceRef(printed)} ${operationText(printer, operation)}`);
  else printObject(ctx.out, printer, { kind: t.kind, object: printed, typed: false }, operation);
}

export const apply: KubectlCommand = {
  name: "apply",
  flags: [...FILENAME_FLAGS, ...PRINT_FLAGS],
  async run(p, ctx) {
    const printer = printerFor(p);
    await visit(ctx, stringsFlag(p, "filename"), boolFlag(p, "recursive"), "apply", (t) => applyOne(ctx, t, printer));
  },
};
