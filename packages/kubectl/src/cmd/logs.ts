/**
 * `kubectl logs POD|TYPE/NAME [-c CONTAINER] [--tail N] [--timestamps]
 * [--prefix]` and `kubectl logs -l SELECTOR`: the container's log through
 * pods/log. As kubectl's logs.go: one container by default (the first,
 * with a "Defaulted container" notice when the pod has several), a
 * workload's pod as exec picks it, and with a selector the last 10 lines
 * of each pod unless --tail says otherwise.
 */
import { KubectlError, StatusError, renderKubectlError } from "@svclab/manifest";
import type { Pod } from "kubernetes-types/core/v1";
import { KINDS } from "@svclab/apiserver";
import type { CommandContext, KubectlCommand } from "../command";
import { boolFlag, stringFlag } from "../flags";
import { attachablePod } from "./exec";

/** logs.go: --tail's default with a selector. */
const SELECTOR_TAIL = 10;

async function podLog(ctx: CommandContext, pod: Pod, container: string | undefined, opts: { tail: number; timestamps: boolean; prefix: boolean }): Promise<string> {
  const containers = pod.spec?.containers ?? [];
  const name = container ?? containers[0]?.name ?? "";
  if (container === undefined && containers.length > 1) {
    ctx.out.err(`Defaulted container ${JSON.stringify(name)} out of: ${containers.map((c) => c.name).join(", ")}`);
  }
  const text = await ctx.client.logs(pod.metadata?.namespace ?? ctx.namespace, pod.metadata?.name ?? "", { container: name, tailLines: opts.tail, timestamps: opts.timestamps });
  if (!opts.prefix || text === "") return text;
  const prefix = `[pod/${pod.metadata?.name ?? ""}/${name}] `;
  return text
    .split("\n")
    .map((l, i, all) => (i === all.length - 1 && l === "" ? l : prefix + l))
    .join("\n");
}

export const logs: KubectlCommand = {
  name: "logs",
  flags: [
    { name: "container", short: "c", type: "string" },
    { name: "selector", short: "l", type: "string" },
    { name: "tail", type: "string" },
    { name: "timestamps", type: "bool" },
    { name: "prefix", type: "bool" },
    { name: "follow", short: "f", type: "bool" },
  ],
  async run(p, ctx) {
    const selector = stringFlag(p, "selector");
    const container = stringFlag(p, "container");
    if (boolFlag(p, "follow")) throw new KubectlError(["error: --follow needs a streaming client: use the real kubectl against `svclab serve`"]);
    const tailText = stringFlag(p, "tail");
    const tail = tailText === undefined ? (selector === undefined ? -1 : SELECTOR_TAIL) : Number(tailText);
    if (!Number.isInteger(tail)) throw new KubectlError([`error: invalid argument "${tailText}" for "--tail" flag: strconv.ParseInt: parsing "${tailText}": invalid syntax`, "See 'kubectl logs --help' for usage."]);
    const opts = { tail, timestamps: boolFlag(p, "timestamps"), prefix: boolFlag(p, "prefix") };
    if (selector !== undefined) {
      if (p.args.length > 0) throw new KubectlError(["error: only a selector (-l) or a POD name is allowed"]);
      const pods = await ctx.client.list<Pod>(KINDS.pod, { namespace: ctx.namespace, labelSelector: selector });
      if (pods.length === 0) {
        ctx.out.err(`No resources found in ${ctx.namespace} namespace.`);
        return;
      }
      for (const pod of pods) {
        try {
          ctx.out.stdout += await podLog(ctx, pod, container, opts);
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
          ctx.out.fail(renderKubectlError(e));
        }
      }
      return;
    }
    const target = p.args[0];
    if (target === undefined) {
      throw new KubectlError(["error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.", "POD or TYPE/NAME is a required argument for the logs command", "See 'kubectl logs -h' for help and examples"]);
    }
    let pod: Pod;
    try {
      pod = await attachablePod(ctx, target);
    } catch (e) {
      // The builder's lookup, as logs words it: lower-case "error from server" and the namespace.
      if (e instanceof StatusError && e.reason === "NotFound") throw new KubectlError([`error: error from server (NotFound): ${e.status.message} in namespace "${ctx.namespace}"`]);
      throw e;
    }
    const explicit = container ?? p.args[1];
    if (explicit !== undefined && !(pod.spec?.containers ?? []).some((c) => c.name === explicit)) {
      throw new KubectlError([`error: container ${explicit} is not valid for pod ${pod.metadata?.name ?? ""}`]);
    }
    ctx.out.stdout += await podLog(ctx, pod, explicit, opts);
  },
};
