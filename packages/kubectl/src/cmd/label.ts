/**
 * `kubectl label`: `k=v` sets (refused over an existing value without
 * --overwrite), `k-` removes, by name or by selector.
 */
import type { KubectlCommand } from "../command";
import { editMetadata } from "../metadata-edit";
import { PRINT_FLAGS } from "../print/objects";
import { SELECTOR_FLAGS } from "../selection";

export const label: KubectlCommand = {
  name: "label",
  flags: [{ name: "overwrite", type: "bool" }, ...SELECTOR_FLAGS, ...PRINT_FLAGS],
  run: (p, ctx) =>
    editMetadata(p, ctx, {
      field: "labels",
      noun: "label",
      fieldManager: "kubectl-label",
      requireSelection: false,
      overwriteError: (k, v) => `error: '${k}' already has a value (${v}), and --overwrite is false`,
      verbs: { set: "labeled", removed: "unlabeled", unchanged: (verb) => `not ${verb}` },
    }),
};
