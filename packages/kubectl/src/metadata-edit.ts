/**
 * What `kubectl label` and `kubectl annotate` share: `k=v` / `k-` changes
 * after the resource arguments, the --overwrite check, a merge patch of the
 * metadata map, by name, selector or --all, with --dry-run and -o. A client
 * dry run applies the change to the object it read and sends nothing.
 */
import { KubectlError, type KubeObject } from "@svclab/manifest";
import type { CommandContext } from "./command";
import { boolFlag, type ParsedArgs } from "./flags";
import { patchObject } from "./patching";
import { printObject, printerFor } from "./print/objects";
import { parseResourceArgs } from "./resources";
import { namespaceFor, selectAll } from "./selection";

export interface MetadataEdit {
  readonly field: "labels" | "annotations";
  /** `label` / `annotation`, in kubectl's messages. */
  readonly noun: string;
  readonly fieldManager: string;
  /** Type-only arguments need -l or --all (annotate), or list every object (label). */
  readonly requireSelection: boolean;
  readonly overwriteError: (key: string, value: string) => string;
  /** The success line's verb for a change that set (or only removed) keys, and whether it says `not ...` for a no-op. */
  readonly verbs: { readonly set: string; readonly removed: string; readonly unchanged?: (verb: string) => string };
}

function parseChanges(args: readonly string[], noun: string): { resources: string[]; set: Record<string, string | null> } {
  const isChange = (a: string): boolean => a.includes("=") || a.endsWith("-");
  const first = args.findIndex(isChange);
  const late = first >= 0 ? args.slice(first).find((a) => !isChange(a)) : undefined;
  if (late !== undefined) throw new KubectlError([`error: all resources must be specified before ${noun} changes: ${late}`]);
  const changes = args.filter(isChange);
  if (changes.length === 0) throw new KubectlError([`error: at least one ${noun} update is required`]);
  // No prototype: a key named `__proto__` is a key like any other, for the server to judge.
  const set = Object.create(null) as Record<string, string | null>;
  for (const c of changes) {
    const eq = c.indexOf("=");
    // kubectl splits a label spec on every `=` (parseLabels), an annotation only on the first.
    if (noun === "label" && eq >= 0 && c.indexOf("=", eq + 1) >= 0) throw new KubectlError([`error: invalid label spec: ${c}`]);
    if (eq < 0) set[c.slice(0, -1)] = null;
    else set[c.slice(0, eq)] = c.slice(eq + 1);
  }
  return { resources: args.filter((a) => !isChange(a)), set };
}

export async function editMetadata(p: ParsedArgs, ctx: CommandContext, edit: MetadataEdit): Promise<void> {
  const printer = printerFor(p);
  const { resources, set } = parseChanges(p.args, edit.noun);
  for (const ref of parseResourceArgs(resources)) {
    const ns = namespaceFor(ctx, ref.kind);
    const objs = ref.name !== undefined ? [await ctx.client.get<KubeObject>(ref.kind, ref.name, { namespace: ns })] : await selectAll(ctx, p, ref, edit.requireSelection);
    for (const obj of objs) {
      const current = obj.metadata?.[edit.field] ?? {};
      for (const [k, v] of Object.entries(set)) {
        if (v !== null && Object.hasOwn(current, k) && current[k] !== v && !boolFlag(p, "overwrite")) throw new KubectlError([edit.overwriteError(k, current[k] as string)]);
      }
      const name = obj.metadata?.name ?? "";
      let result: KubeObject;
      let changed: boolean;
      if (printer.dryRun === "client") {
        const next: Record<string, string> = { ...current };
        for (const [k, v] of Object.entries(set)) {
          if (v === null) delete next[k];
          else next[k] = v;
        }
        changed = JSON.stringify(next) !== JSON.stringify(current);
        result = { ...obj, metadata: { ...obj.metadata, [edit.field]: next } };
      } else {
        const r = await patchObject(ctx, ref.kind, name, "merge", { metadata: { [edit.field]: set } }, { fieldManager: edit.fieldManager, dryRun: printer.dryRun === "server" });
        result = r.object;
        changed = r.changed || printer.dryRun === "server";
      }
      const verb = Object.values(set).every((v) => v === null) ? edit.verbs.removed : edit.verbs.set;
      printObject(ctx.out, printer, { kind: ref.kind, object: result, typed: false }, changed || edit.verbs.unchanged === undefined ? verb : edit.verbs.unchanged(verb));
    }
  }
}
