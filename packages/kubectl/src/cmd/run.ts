/**
 * `kubectl run`: creates the pod, waits for it to start and, with -i,
 * attaches to its process (pods/attach) to show what it printed; `--rm`
 * deletes it afterwards.
 */
import { KubectlError, lookupKind, type KindInfo, type KubeObject } from "@svclab/manifest";
import type { Pod } from "kubernetes-types/core/v1";
import { KINDS } from "@svclab/apiserver";
import type { ExecOutcome } from "../client/api-client";
import type { CommandContext, KubectlCommand } from "../command";
import { boolFlag, stringFlag, stringsFlag } from "../flags";
import { checkImageReference, podFor, podLabels, runServiceFor } from "../generators";
import { PRINT_FLAGS, printObject, printerFor, type Printer } from "../print/objects";
import { quotedRef } from "../resources";

const POD_RUNNING_TIMEOUT_SECONDS = 60;

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];

/** Creates (or with --dry-run=client only builds) one generated object. */
async function send(ctx: CommandContext, printer: Printer, kind: KindInfo, obj: Record<string, unknown>): Promise<{ kind: KindInfo; object: KubeObject; typed: boolean }> {
  if (printer.dryRun === "client") return { kind, object: obj as KubeObject, typed: true };
  const object = await ctx.client.createObject<KubeObject>(obj, { namespace: ctx.namespace, dryRun: printer.dryRun === "server" });
  return { kind: lookupKind(String(object.apiVersion), String(object.kind)) ?? kind, object, typed: false };
}

export const run: KubectlCommand = {
  name: "run",
  flags: [
    { name: "image", type: "string" },
    { name: "restart", type: "string" },
    { name: "rm", type: "bool" },
    { name: "stdin", short: "i", type: "bool" },
    { name: "tty", short: "t", type: "bool" },
    ...PRINT_FLAGS,
    { name: "labels", short: "l", type: "string" },
    { name: "annotations", type: "strings" },
    { name: "expose", type: "bool" },
    { name: "env", type: "strings" },
    { name: "port", type: "string" },
    { name: "command", type: "bool" },
    { name: "attach", type: "bool" },
    { name: "quiet", short: "q", type: "bool" },
    { name: "image-pull-policy", type: "string" },
  ],
  async run(p, ctx) {
    const image = stringFlag(p, "image");
    if (image === undefined) throw new KubectlError([`error: required flag(s) "image" not set`]);
    const printer = printerFor(p);
    const name = p.args[0];
    if (name === undefined) throw new KubectlError(["error: NAME is required for run", "See 'kubectl run -h' for help and examples"]);
    checkImageReference(image);
    const attach = boolFlag(p, "stdin") || boolFlag(p, "tty") || boolFlag(p, "attach");
    if (printer.dryRun !== "none" && attach) {
      throw new KubectlError(["error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)", "See 'kubectl run -h' for help and examples"]);
    }
    const port = stringFlag(p, "port");
    const exposed = boolFlag(p, "expose");
    if (exposed && (port === undefined || port === "")) throw new KubectlError(["error: --port must be set when exposing a service", "See 'kubectl run -h' for help and examples"]);
    const restart = stringFlag(p, "restart") ?? "Always";
    if (!RESTART_POLICIES.includes(restart)) throw new KubectlError([`error: invalid restart policy: ${restart}`, "See 'kubectl run -h' for help and examples"]);
    if (boolFlag(p, "rm") && !attach) throw new KubectlError(["error: --rm should only be used for attached containers"]);
    const namespace = ctx.namespaceGiven ? ctx.namespace : undefined;
    const labels = stringFlag(p, "labels");
    const pullPolicy = stringFlag(p, "image-pull-policy");
    const pod = podFor({
      name,
      ...(namespace === undefined ? {} : { namespace }),
      image,
      ...(labels === undefined ? {} : { labels }),
      annotations: stringsFlag(p, "annotations"),
      env: stringsFlag(p, "env"),
      ...(port === undefined ? {} : { port }),
      argv: [...p.args.slice(1), ...(p.rest ?? [])],
      command: boolFlag(p, "command"),
      restart,
      ...(pullPolicy === undefined ? {} : { imagePullPolicy: pullPolicy }),
      stdin: boolFlag(p, "stdin"),
      tty: boolFlag(p, "tty"),
    });
    const podKind = KINDS.pod;
    const created = await send(ctx, printer, podKind, pod);
    if (exposed) {
      const selector = podLabels({ name, ...(labels === undefined ? {} : { labels }) });
      const service = runServiceFor(name, namespace, port as string, selector, labels === undefined || labels === "" ? undefined : selector);
      printObject(ctx.out, printer, await send(ctx, printer, KINDS.service, service), "created");
    }
    if (!attach) {
      // kubectl 1.32 prints the pod after the Service with two YAML separators.
      if (exposed && printer.output === "yaml") ctx.out.stdout += "---\n";
      printObject(ctx.out, printer, created, "created", exposed ? 1 : 0);
      return;
    }
    const current = (): Promise<Pod | undefined> => ctx.client.tryGet<Pod>(podKind, name, { namespace: ctx.namespace });
    const started = await ctx.clock.waitUntil(async () => {
      const phase = (await current())?.status?.phase;
      return phase !== undefined && phase !== "Pending";
    }, POD_RUNNING_TIMEOUT_SECONDS);
    if (!started) throw new KubectlError(["error: timed out waiting for the condition"]);
    // The container's main process: its output is what attaching shows.
    const r: ExecOutcome = await ctx.client.attach(ctx.namespace, name, { container: name, tty: boolFlag(p, "tty"), ...(boolFlag(p, "stdin") ? { stdin: ctx.io.stdin } : {}) });
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
