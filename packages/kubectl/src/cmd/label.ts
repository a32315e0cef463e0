/**
 * `kubectl label`: `k=v` sets (refused over an existing value without
 * --overwrite), `k-` removes, by name or by selector.
 */
import { KubectlError, type KubeObject } from "@svclab/manifest";
import type { KubectlCommand } from "../command";
import { boolFlag, stringFlag } from "../flags";
import { patchOne } from "../patching";
import { parseResourceArgs, qualifiedRef } from "../resources";

export const label: KubectlCommand = {
  name: "label",
  flags: [
    { name: "overwrite", type: "bool" },
    { name: "selector", short: "l", type: "string" },
  ],
  async run(p, ctx) {
    const changes = p.args.filter((a) => a.includes("=") || a.endsWith("-"));
    const resources = p.args.filter((a) => !changes.includes(a));
    const firstChange = p.args.findIndex((a) => changes.includes(a));
    const late = firstChange >= 0 ? p.args.slice(firstChange).find((a) => !changes.includes(a)) : undefined;
    if (late !== undefined) throw new KubectlError([`error: all resources must be specified before label changes: ${late}`]);
    if (changes.length === 0) throw new KubectlError(["error: at least one label update is required"]);
    // No prototype: a label named `__proto__` is a key like any other, for the server to judge.
    const set: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
    for (const c of changes) {
      if (c.endsWith("-") && !c.includes("=")) set[c.slice(0, -1)] = null;
      else {
        const parts = c.split("=");
        if (parts.length !== 2) throw new KubectlError([`error: invalid label spec: ${c}`]);
        set[parts[0] as string] = parts[1] as string;
      }
    }
    const client = ctx.client;
    const selector = stringFlag(p, "selector");
    for (const ref of parseResourceArgs(resources)) {
      const ns = ref.kind.namespaced ? ctx.namespace : "";
      const objs =
        ref.name !== undefined
          ? [await client.get<KubeObject>(ref.kind, ref.name, { namespace: ns })]
          : await client.list<KubeObject>(ref.kind, { namespace: ns, ...(selector === undefined ? {} : { labelSelector: selector }) });
      for (const obj of objs) {
        const current = obj.metadata?.labels ?? {};
        for (const [k, v] of Object.entries(set)) {
          if (v !== null && Object.hasOwn(current, k) && current[k] !== v && !boolFlag(p, "overwrite")) {
            throw new KubectlError([`error: '${k}' already has a value (${current[k]}), and --overwrite is false`]);
          }
        }
        const name = obj.metadata?.name ?? "";
        const changed = await patchOne(ctx, ref.kind, name, "merge", { metadata: { labels: set } }, { fieldManager: "kubectl-label" });
        const verb = Object.values(set).every((v) => v === null) ? "unlabeled" : "labeled";
        ctx.out.out(`${qualifiedRef(ref.kind, name)} ${changed ? verb : `not ${verb}`}`);
      }
    }
  },
};
