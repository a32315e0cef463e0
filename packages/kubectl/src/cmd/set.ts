/**
 * `kubectl set image`: a strategic merge patch of the pod template's
 * containers (`NAME=IMAGE`, `*=IMAGE` for all), nothing sent or printed when
 * every image is already set.
 */
import { KubectlError, type KubeObject } from "@svclab/manifest";
import type { PodSpec } from "kubernetes-types/core/v1";
import type { KubectlCommand } from "../command";
import { helpText } from "../help";
import { patchObject } from "../patching";
import { PRINT_FLAGS, printObject, printerFor } from "../print/objects";
import { parseResourceArgs } from "../resources";
import { SELECTOR_FLAGS, namespaceFor, selectAll } from "../selection";

/** The object's pod spec and the patch path to it (a Pod's own spec, else its template's). */
function podSpecOf(obj: KubeObject): { spec: PodSpec | undefined; wrap: (spec: object) => object } {
  if (obj.kind === "Pod") return { spec: (obj as { spec?: PodSpec }).spec, wrap: (spec) => ({ spec }) };
  const template = (obj as { spec?: { template?: { spec?: PodSpec } } }).spec?.template;
  if (template === undefined) throw new KubectlError([`error: ${obj.kind} has no pod template`]);
  return { spec: template.spec, wrap: (spec) => ({ spec: { template: { spec } } }) };
}

export const set: KubectlCommand = {
  name: "set",
  flags: [...SELECTOR_FLAGS, ...PRINT_FLAGS],
  async run(p, ctx) {
    if (p.args[0] !== "image") {
      // `kubectl set` alone prints its help on stderr and fails.
      if (p.args[0] === undefined) ctx.out.fail(helpText("set") as string);
      else throw new KubectlError([`error: unknown command ${JSON.stringify(p.args.join(" "))}`, "See 'kubectl set -h' for help and examples"]);
      return;
    }
    const args = p.args.slice(1);
    const first = args.findIndex((a) => a.includes("="));
    const resources = first < 0 ? args : args.slice(0, first);
    const images = first < 0 ? [] : args.slice(first);
    if (images.length === 0) throw new KubectlError(["error: at least one image update is required"]);
    const wanted = new Map<string, string>();
    for (const i of images) {
      const eq = i.indexOf("=");
      wanted.set(i.slice(0, eq), i.slice(eq + 1));
    }
    const printer = printerFor(p);
    for (const ref of parseResourceArgs(resources)) {
      const ns = namespaceFor(ctx, ref.kind);
      const objs = ref.name !== undefined ? [await ctx.client.get<KubeObject>(ref.kind, ref.name, { namespace: ns })] : await selectAll(ctx, p, ref);
      for (const obj of objs) {
        const { spec, wrap } = podSpecOf(obj);
        const containers = spec?.containers ?? [];
        for (const name of wanted.keys()) {
          if (name !== "*" && !containers.some((c) => c.name === name)) throw new KubectlError([`error: unable to find container named ${JSON.stringify(name)}`]);
        }
        const changed = containers.flatMap((c) => {
          const image = wanted.get(c.name) ?? wanted.get("*");
          return image === undefined || image === c.image ? [] : [{ image, name: c.name }];
        });
        if (changed.length === 0) continue;
        const name = obj.metadata?.name ?? "";
        let result = obj;
        if (printer.dryRun === "client") {
          result = structuredClone(obj);
          for (const c of podSpecOf(result).spec?.containers ?? []) c.image = changed.find((x) => x.name === c.name)?.image ?? c.image;
        } else {
          const patch = wrap({ "$setElementOrder/containers": containers.map((c) => ({ name: c.name })), containers: changed });
          result = (await patchObject(ctx, ref.kind, name, "strategic", patch, { fieldManager: "kubectl-set", dryRun: printer.dryRun === "server" })).object;
        }
        printObject(ctx.out, printer, { kind: ref.kind, object: result, typed: false }, "image updated");
      }
    }
  },
};
