/**
 * Commands that wait on the cluster: `kubectl wait --for=condition=X|delete|
 * jsonpath=...` and `kubectl rollout status|restart`. Waiting lets the
 * cluster's virtual time run, so controllers and kubelets make progress
 * exactly as they would while a real kubectl blocks.
 */
import { KubectlError, StatusError, renderKubectlError, type KindInfo, type KubeObject } from "@svclab/manifest";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { CommandContext, KubectlCommand } from "../command";
import { boolFlag, parseGoDuration, stringFlag } from "../flags";
import { jsonpath } from "../print/jsonpath";
import { parseResourceArgs, qualifiedRef } from "../resources";
import { rolloutRestart } from "./mutate";

type Condition = { readonly t: "condition"; readonly type: string; readonly value: string } | { readonly t: "delete" } | { readonly t: "jsonpath"; readonly path: string; readonly value: string };

function parseFor(f: string | undefined): Condition {
  if (f === "delete") return { t: "delete" };
  const cond = /^condition=([^=]+)(?:=(.*))?$/.exec(f ?? "");
  if (cond !== null) return { t: "condition", type: cond[1] as string, value: (cond[2] ?? "true").toLowerCase() };
  const jp = /^jsonpath=(\{.*\})=(.*)$/.exec(f ?? "") ?? /^jsonpath=(\{.*\})$/.exec(f ?? "");
  if (jp !== null) return { t: "jsonpath", path: jp[1] as string, value: jp[2] ?? "" };
  throw new KubectlError([`error: unrecognized condition: ${JSON.stringify(f ?? "")}`]);
}

function holds(obj: KubeObject | undefined, c: Condition): boolean {
  if (c.t === "delete") return obj === undefined;
  if (obj === undefined) return false;
  if (c.t === "jsonpath") return jsonpath(c.path, obj) === c.value;
  const conditions = ((obj as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []);
  return conditions.some((x) => x.type.toLowerCase() === c.type.toLowerCase() && x.status.toLowerCase() === c.value);
}

export const wait: KubectlCommand = {
  name: "wait",
  flags: [
    { name: "for", type: "string" },
    { name: "timeout", type: "string" },
    { name: "selector", short: "l", type: "string" },
    { name: "all", type: "bool" },
  ],
  async run(p, ctx) {
    const cond = parseFor(stringFlag(p, "for"));
    const timeout = parseGoDuration(stringFlag(p, "timeout") ?? "30s");
    if (timeout === undefined) throw new KubectlError([`error: invalid argument ${JSON.stringify(stringFlag(p, "timeout"))} for "--timeout" flag: time: invalid duration`]);
    const refs = parseResourceArgs(p.args);
    if (refs.length === 0) {
      throw new KubectlError([
        "error: You must provide one or more resources by argument or filename.",
        "Example resource specifications include:",
        "   '-f rsrc.yaml'",
        "   '--filename=rsrc.json'",
        "   '<resource> <name>'",
        "   '<resource>'",
      ]);
    }
    const selector = stringFlag(p, "selector");
    const targets: { kind: KindInfo; ns: string; name: string }[] = [];
    for (const ref of refs) {
      const ns = ref.kind.namespaced ? ctx.namespace : "";
      if (ref.name !== undefined) {
        if (cond.t !== "delete") {
          try {
            await ctx.client.get(ref.kind, ref.name, { namespace: ns });
          } catch (e) {
            if (!(e instanceof StatusError)) throw e;
            ctx.out.fail(renderKubectlError(e));
            continue;
          }
        }
        targets.push({ kind: ref.kind, ns, name: ref.name });
      } else {
        if (selector === undefined && !boolFlag(p, "all")) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
        const objs = await ctx.client.list<KubeObject>(ref.kind, { namespace: ns, ...(selector === undefined ? {} : { labelSelector: selector }) });
        targets.push(...objs.map((o) => ({ kind: ref.kind, ns, name: o.metadata?.name ?? "" })));
      }
    }
    if (targets.length === 0 && ctx.out.exitCode === 0) throw new KubectlError(["error: no matching resources found"]);
    for (const t of targets) {
      const met = await ctx.clock.waitUntil(async () => holds(await ctx.client.tryGet(t.kind, t.name, { namespace: t.ns }), cond), timeout / 1000);
      if (met) ctx.out.out(`${qualifiedRef(t.kind, t.name)} condition met`);
      else ctx.out.fail(`error: timed out waiting for the condition on ${t.kind.resource}/${t.name}`);
    }
  },
};

/** kubectl's DeploymentStatusViewer: the line to print and whether the rollout is done. */
function deploymentStatus(d: Deployment): { message: string; done: boolean } {
  const name = d.metadata?.name ?? "";
  const st = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (st.observedGeneration ?? 0)) return { message: "Waiting for deployment spec update to be observed...", done: false };
  const progressing = st.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") throw new KubectlError([`error: deployment ${JSON.stringify(name)} exceeded its progress deadline`]);
  const want = d.spec?.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  if (updated < want) return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${updated} out of ${want} new replicas have been updated...`, done: false };
  if ((st.replicas ?? 0) > updated) return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...`, done: false };
  if ((st.availableReplicas ?? 0) < updated) {
    return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...`, done: false };
  }
  return { message: `deployment ${JSON.stringify(name)} successfully rolled out`, done: true };
}

/** How long `rollout status` may block in virtual time before giving up. */
const ROLLOUT_LIMIT_SECONDS = 600;

async function rolloutStatus(args: readonly string[], ctx: CommandContext, timeoutText: string | undefined): Promise<void> {
  const refs = parseResourceArgs(args);
  const ref = refs[0];
  if (ref === undefined) throw new KubectlError(["error: required resource not specified"]);
  if (ref.name === undefined) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
  if (ref.kind.kind !== "Deployment") throw new KubectlError([`error: no status viewer has been implemented for ${ref.kind.kind}`]);
  const name = ref.name;
  const limit = timeoutText === undefined || timeoutText === "0s" || timeoutText === "0" ? ROLLOUT_LIMIT_SECONDS : (parseGoDuration(timeoutText) ?? 0) / 1000;
  const status = async (): Promise<{ message: string; done: boolean }> => deploymentStatus(await ctx.client.get<Deployment>(ref.kind, name, { namespace: ctx.namespace }));
  const deadline = ctx.clock.now().getTime() + limit * 1000;
  let s = await status();
  ctx.out.out(s.message);
  while (!s.done) {
    const previous = s.message;
    const left = (deadline - ctx.clock.now().getTime()) / 1000;
    if (left <= 0 || !(await ctx.clock.waitUntil(async () => (await status()).message !== previous, left))) {
      throw new KubectlError(["error: timed out waiting for the condition"]);
    }
    s = await status();
    ctx.out.out(s.message);
  }
}

export const rollout: KubectlCommand = {
  name: "rollout",
  flags: [
    { name: "timeout", type: "string" },
    { name: "watch", short: "w", type: "bool" },
  ],
  async run(p, ctx) {
    const [sub, ...rest] = p.args;
    if (sub === "status") await rolloutStatus(rest, ctx, stringFlag(p, "timeout"));
    else if (sub === "restart") await rolloutRestart(rest, ctx);
    else if (sub === undefined) throw new KubectlError(["error: Required resource not specified."]);
    else throw new KubectlError([`error: unknown command ${JSON.stringify(sub)} for "kubectl rollout"`]);
  },
};
