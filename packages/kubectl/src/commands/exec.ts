/**
 * `kubectl exec` and `kubectl run`: a process in a pod's container, its
 * output relayed, and a non-zero exit reported as kubectl does
 * (`command terminated with exit code N`, kubectl exiting with N). With -t
 * the process writes to a terminal, so its stdout and stderr arrive as one
 * stream. `run` creates the pod, waits for it to start and, with -i, shows
 * what its command printed; `--rm` deletes it afterwards.
 */
import { KubectlError, type KubeObject } from "@svclab/manifest";
import type { Pod } from "kubernetes-types/core/v1";
import type { CommandContext, KubectlCommand } from "../command";
import { boolFlag, stringFlag, stringsFlag } from "../flags";
import { KINDS } from "@svclab/apiserver";
import type { ExecOutcome as ProcessResult } from "../client/api-client";
import { parseResourceArgs, qualifiedRef, quotedRef, type ResourceRef } from "../resources";

const POD_RUNNING_TIMEOUT_SECONDS = 60;

async function runProcess(ctx: CommandContext, pod: Pod, container: string | undefined, argv: readonly string[], tty: boolean, stdin: string | undefined): Promise<ProcessResult> {
  const containers = pod.spec?.containers ?? [];
  const name = container ?? containers[0]?.name ?? "";
  const spec = containers.find((c) => c.name === name);
  if (spec === undefined) {
    throw new KubectlError([`error: container ${name} not found in pod ${pod.metadata?.name ?? ""}`]);
  }
  if (container === undefined && containers.length > 1) {
    ctx.out.err(`Defaulted container ${JSON.stringify(name)} out of: ${containers.map((c) => c.name).join(", ")}`);
  }
  return ctx.client.exec(pod.metadata?.namespace ?? "default", pod.metadata?.name ?? "", argv, { container: name, tty, ...(stdin === undefined ? {} : { stdin }) });
}

function relay(ctx: CommandContext, r: ProcessResult): void {
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
    const stdin = boolFlag(p, "stdin") ? ctx.io.stdin : undefined;
    relay(ctx, await runProcess(ctx, pod, container, argv, boolFlag(p, "tty"), stdin));
  },
};

/**
 * The pod `kubectl exec TARGET` means: a pod name, `pod/NAME`, or a workload
 * or Service (`deploy/web`, `svc/web`) whose selector picks one of its
 * pods, a ready one first.
 */
async function attachablePod(ctx: CommandContext, target: string): Promise<Pod> {
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

const RESTART_POLICIES: Record<string, string> = { Always: "Always", OnFailure: "OnFailure", Never: "Never" };

function keyValues(list: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list.flatMap((l) => (what === "labels" ? l.split(",") : [l]))) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new KubectlError([`error: invalid ${what === "labels" ? "label spec" : "env"}: ${item}`]);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export const run: KubectlCommand = {
  name: "run",
  flags: [
    { name: "image", type: "string" },
    { name: "restart", type: "string" },
    { name: "rm", type: "bool" },
    { name: "stdin", short: "i", type: "bool" },
    { name: "tty", short: "t", type: "bool" },
    { name: "labels", short: "l", type: "strings" },
    { name: "env", type: "strings" },
    { name: "port", type: "string" },
    { name: "command", type: "bool" },
    { name: "attach", type: "bool" },
    { name: "quiet", short: "q", type: "bool" },
    { name: "image-pull-policy", type: "string" },
  ],
  async run(p, ctx) {
    const name = p.args[0];
    if (name === undefined) throw new KubectlError(["error: NAME is required for run", "See 'kubectl run -h' for help and examples"]);
    const image = stringFlag(p, "image");
    if (image === undefined) throw new KubectlError([`error: required flag(s) "image" not set`]);
    const restart = stringFlag(p, "restart") ?? "Always";
    if (RESTART_POLICIES[restart] === undefined) throw new KubectlError([`error: invalid restart policy: ${restart}`, "See 'kubectl run -h' for help and examples"]);
    const attach = boolFlag(p, "stdin") || boolFlag(p, "tty") || boolFlag(p, "attach");
    if (boolFlag(p, "rm") && !attach) throw new KubectlError(["error: --rm should only be used for attached containers"]);
    const argv = [...p.args.slice(1), ...(p.rest ?? [])];
    const labels = stringsFlag(p, "labels").length > 0 ? keyValues(stringsFlag(p, "labels"), "labels") : { run: name };
    const env = Object.entries(keyValues(stringsFlag(p, "env"), "env")).map(([k, v]) => ({ name: k, value: v }));
    const port = stringFlag(p, "port");
    const container: Record<string, unknown> = { name, image };
    if (argv.length > 0) container[boolFlag(p, "command") ? "command" : "args"] = argv;
    if (env.length > 0) container.env = env;
    if (port !== undefined) container.ports = [{ containerPort: Number(port) }];
    if (boolFlag(p, "stdin")) container.stdin = true;
    if (boolFlag(p, "tty")) container.tty = true;
    const podKind = KINDS.pod;
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels },
      spec: { containers: [container], restartPolicy: restart, dnsPolicy: "ClusterFirst" },
    };
    await ctx.client.createObject(pod, { namespace: ctx.namespace });
    if (!attach) {
      ctx.out.out(`pod/${name} created`);
      return;
    }
    const current = (): Promise<Pod | undefined> => ctx.client.tryGet<Pod>(podKind, name, { namespace: ctx.namespace });
    const started = await ctx.clock.waitUntil(async () => {
      const phase = (await current())?.status?.phase;
      return phase !== undefined && phase !== "Pending";
    }, POD_RUNNING_TIMEOUT_SECONDS);
    if (!started) throw new KubectlError(["error: timed out waiting for the condition"]);
    // The container's main process: its output is what attaching shows.
    const r: ProcessResult = await ctx.client.attach(ctx.namespace, name, { container: name, tty: boolFlag(p, "tty"), ...(boolFlag(p, "stdin") ? { stdin: ctx.io.stdin } : {}) });
    if (r.startError !== undefined) {
      ctx.out.fail(`error: ${r.startError}`);
      return;
    }
    ctx.out.stdout += r.stdout;
    ctx.out.stderr += r.stderr;
    if (boolFlag(p, "rm")) {
      const deleted = await ctx.client.delete<KubeObject>(podKind, name, { namespace: ctx.namespace });
      const grace = deleted.metadata?.deletionGracePeriodSeconds ?? 0;
      if (grace > 0) await ctx.clock.waitUntil(async () => (await current()) === undefined, grace + 1);
      ctx.out.out(`${quotedRef(podKind, name)} deleted`);
    }
    if (r.exitCode !== 0) ctx.out.fail(`pod ${ctx.namespace}/${name} terminated (Error)`, 1);
  },
};
