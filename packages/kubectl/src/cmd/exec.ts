/**
 * `kubectl exec`: a process in a pod's container through pods/exec, its
 * output relayed, and a non-zero exit reported as kubectl does (`command
 * terminated with exit code N`, kubectl exiting with N). With -it from a
 * terminal the process writes to one, so its stdout and stderr arrive as one stream.
 */
import { KubectlError, type KubeObject } from "@svclab/manifest";
import type { Pod } from "kubernetes-types/core/v1";
import { KINDS } from "@svclab/apiserver";
import type { ExecOutcome } from "../client/api-client";
import type { CommandContext, KubectlCommand } from "../command";
import { boolFlag, stringFlag } from "../flags";
import { parseResourceArgs, qualifiedRef, type ResourceRef } from "../resources";

interface Streams {
  /** -i: the command's stdin. */
  readonly stdin: boolean;
  /** -t as asked. */
  readonly tty: boolean;
  readonly quiet: boolean;
}

/**
 * kubectl allocates a terminal only for -it with its own stdin a terminal;
 * otherwise it says so (unless -q) and runs the command without one
 * (StreamOptions.SetupTTY in kubectl's cmd/exec).
 */
function setupTTY(ctx: CommandContext, s: Streams): boolean {
  if (!s.stdin || !s.tty) return false;
  if (ctx.io.stdinIsTerminal === true) return true;
  if (!s.quiet) ctx.out.err("Unable to use a TTY - input is not a terminal or the right kind of file");
  return false;
}

async function runProcess(ctx: CommandContext, pod: Pod, container: string | undefined, argv: readonly string[], streams: Streams): Promise<ExecOutcome> {
  const containers = pod.spec?.containers ?? [];
  const name = container ?? containers[0]?.name ?? "";
  const spec = containers.find((c) => c.name === name);
  if (spec === undefined) {
    throw new KubectlError([`error: container ${name} not found in pod ${pod.metadata?.name ?? ""}`]);
  }
  if (container === undefined && containers.length > 1 && !streams.quiet) {
    ctx.out.err(`Defaulted container ${JSON.stringify(name)} out of: ${containers.map((c) => c.name).join(", ")}`);
  }
  const tty = setupTTY(ctx, streams);
  return ctx.client.exec(pod.metadata?.namespace ?? "default", pod.metadata?.name ?? "", argv, { container: name, tty, ...(streams.stdin ? { stdin: ctx.io.stdin } : {}) });
}

function relay(ctx: CommandContext, r: ExecOutcome): void {
  if (r.startError !== undefined) {
    ctx.out.fail(`error: Internal error occurred: error executing command in container: ${r.startError}`);
    return;
  }
  ctx.out.stdout += r.stdout;
  ctx.out.stderr += r.stderr;
  if (r.exitCode !== 0) ctx.out.fail(`command terminated with exit code ${r.exitCode}`, r.exitCode);
}

function runningContainer(pod: Pod, container: string | undefined): boolean {
  const name = container ?? pod.spec?.containers[0]?.name;
  return pod.status?.containerStatuses?.some((s) => s.name === name && s.state?.running !== undefined) ?? false;
}

export const exec: KubectlCommand = {
  name: "exec",
  flags: [
    { name: "container", short: "c", type: "string" },
    { name: "stdin", short: "i", type: "bool" },
    { name: "tty", short: "t", type: "bool" },
    { name: "quiet", short: "q", type: "bool" },
  ],
  async run(p, ctx) {
    const target = p.args[0];
    if (target === undefined) throw new KubectlError(["error: pod, type/name or --filename must be specified"]);
    if (p.rest === undefined && p.args.length > 1) {
      throw new KubectlError(["error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead", "See 'kubectl exec -h' for help and examples"]);
    }
    const argv = p.rest ?? [];
    if (argv.length === 0) throw new KubectlError(["error: you must specify at least one command for the container"]);
    const pod = await attachablePod(ctx, target);
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") {
      throw new KubectlError([`error: cannot exec into a container in a completed pod; current phase is ${phase}`]);
    }
    const container = stringFlag(p, "container");
    if (!runningContainer(pod, container)) {
      throw new KubectlError([`error: unable to upgrade connection: container not found (${JSON.stringify(container ?? pod.spec?.containers[0]?.name ?? "")})`]);
    }
    const streams = { stdin: boolFlag(p, "stdin"), tty: boolFlag(p, "tty"), quiet: boolFlag(p, "quiet") };
    relay(ctx, await runProcess(ctx, pod, container, argv, streams));
  },
};

/**
 * The pod `kubectl exec TARGET` means: a pod name, `pod/NAME`, or a workload
 * or Service (`deploy/web`, `svc/web`) whose selector picks one of its
 * pods, a ready one first.
 */
export async function attachablePod(ctx: CommandContext, target: string): Promise<Pod> {
  if (!target.includes("/")) return await ctx.client.get<Pod>(KINDS.pod, target, { namespace: ctx.namespace });
  const ref = parseResourceArgs([target])[0] as ResourceRef & { name: string };
  if (ref.kind === KINDS.pod) return await ctx.client.get<Pod>(KINDS.pod, ref.name, { namespace: ctx.namespace });
  const owner = await ctx.client.get<KubeObject>(ref.kind, ref.name, { namespace: ctx.namespace });
  const spec = (owner as { spec?: { selector?: Record<string, unknown> } }).spec;
  const selector = (spec?.selector?.matchLabels ?? spec?.selector) as Record<string, string> | undefined;
  if (selector === undefined || Object.keys(selector).length === 0) throw new KubectlError([`error: cannot attach to ${ref.kind.kind}: selector for ${ref.kind.resource}/${ref.name} is empty`]);
  const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(",");
  const pods = await ctx.client.list<Pod>(KINDS.pod, { namespace: ctx.namespace, labelSelector });
  const ready = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  const pod = pods.find(ready) ?? pods[0];
  if (pod === undefined) throw new KubectlError([`error: no pods found for ${qualifiedRef(ref.kind, ref.name)}`]);
  return pod;
}
