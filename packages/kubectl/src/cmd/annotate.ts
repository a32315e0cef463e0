/**
 * `kubectl annotate`: `k=v` sets (refused over an existing value without
 * --overwrite), `k-` removes; a type alone needs -l or --all.
 */
import type { KubectlCommand } from "../command";
import { editMetadata } from "../metadata-edit";
import { PRINT_FLAGS } from "../print/objects";
import { SELECTOR_FLAGS } from "../selection";

export const annotate: KubectlCommand = {
  name: "annotate",
  flags: [{ name: "overwrite", type: "bool" }, ...SELECTOR_FLAGS, ...PRINT_FLAGS],
  run: (p, ctx) =>
    editMetadata(p, ctx, {
      field: "annotations",
      noun: "annotation",
      fieldManager: "kubectl-annotate",
      requireSelection: true,
      overwriteError: (k, v) => `error: --overwrite is false but found the following declared annotation(s): '${k}' already has a value (${v})`,
      // kubectl annotate says `annotated` whether or not anything changed.
      verbs: { set: "annotated", removed: "annotated" },
    }),
};
