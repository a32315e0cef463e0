/**
 * `kubectl run`: creates the pod, waits for it to start and, with -i,
 * attaches to its process (pods/attach) to show what it printed; `--rm`
 * deletes it afterwards.
 */
import { KubectlError, type KubeObject } from "@svclab/manifest";
import type { Pod } from "kubernetes-types/core/v1";
import { KINDS } from "@svclab/apiserver";
import type { ExecOutcome } from "../client/api-client";
import type { KubectlCommand } from "../command";
import { boolFlag, stringFlag, stringsFlag } from "../flags";
import { quotedRef } from "../resources";

const POD_RUNNING_TIMEOUT_SECONDS = 60;

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
