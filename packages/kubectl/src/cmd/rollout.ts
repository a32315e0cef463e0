/**
 * `kubectl rollout status` (kubectl's DeploymentStatusViewer lines while
 * the cluster's time runs) and `kubectl rollout restart` (a new pod-template
 * annotation makes a new ReplicaSet).
 */
import { KubectlError } from "@svclab/manifest";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { CommandContext, KubectlCommand } from "../command";
import { parseGoDuration, stringFlag } from "../flags";
import { patchOne, single } from "../patching";
import { parseResourceArgs, qualifiedRef } from "../resources";

/** `kubectl rollout restart`: a new pod-template annotation makes a new ReplicaSet. */
async function rolloutRestart(args: readonly string[], ctx: CommandContext): Promise<void> {
  const { kind, name } = single(args, "rollout restart");
  const at = ctx.clock.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  await patchOne(ctx, kind, name, "strategic", { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": at } } } } }, { fieldManager: "kubectl-rollout" });
  ctx.out.out(`${qualifiedRef(kind, name)} restarted`);
}

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

/**
 * kubectl's rollout status: the deployment's line now, then one line for
 * every change a watch on it delivers (each ADDED or MODIFIED event, as
 * watchtools.UntilWithSync hands them over), until one says it is done.
 */
async function rolloutStatus(args: readonly string[], ctx: CommandContext, timeoutText: string | undefined): Promise<void> {
  const refs = parseResourceArgs(args);
  const ref = refs[0];
  if (ref === undefined) throw new KubectlError(["error: required resource not specified"]);
  if (ref.name === undefined) throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
  if (ref.kind.kind !== "Deployment") throw new KubectlError([`error: no status viewer has been implemented for ${ref.kind.kind}`]);
  const name = ref.name;
  const limit = timeoutText === undefined || timeoutText === "0s" || timeoutText === "0" ? ROLLOUT_LIMIT_SECONDS : (parseGoDuration(timeoutText) ?? 0) / 1000;
  const deadline = ctx.clock.now().getTime() + limit * 1000;
  const current = await ctx.client.get<Deployment>(ref.kind, name, { namespace: ctx.namespace });
  let s = deploymentStatus(current);
  ctx.out.out(s.message);
  if (s.done) return;
  const watch = await ctx.client.watchObject<Deployment>(ref.kind, name, current.metadata?.resourceVersion ?? "", { namespace: ctx.namespace });
  try {
    while (!s.done) {
      const left = (deadline - ctx.clock.now().getTime()) / 1000;
      let events = watch.take();
      if (events.length === 0) {
        if (left <= 0 || watch.ended || !(await ctx.clock.waitUntil(async () => (events = watch.take()).length > 0 || watch.ended, left)) || events.length === 0) {
          throw new KubectlError(["error: timed out waiting for the condition"]);
        }
      }
      for (const e of events) {
        if (e.type === "DELETED") throw new KubectlError(["error: object has been deleted"]);
        if (e.type !== "ADDED" && e.type !== "MODIFIED") continue;
        s = deploymentStatus(e.object);
        ctx.out.out(s.message);
        if (s.done) break;
      }
    }
  } finally {
    watch.close();
  }
}

export const rollout: KubectlCommand = {
  name: "rollout",
  subcommands: true,
  flags: [
    { name: "timeout", type: "duration" },
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
