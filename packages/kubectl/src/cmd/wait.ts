/**
 * `kubectl wait --for=condition=X|delete|jsonpath=...`: waiting lets the
 * cluster's time run (the clock of the transport), so controllers and
 * kubelets make progress exactly as they would while a real kubectl blocks.
 */
import { KubectlError, StatusError, renderKubectlError, type KindInfo, type KubeObject } from "@svclab/manifest";
import type { KubectlCommand } from "../command";
import { parseGoDuration, stringFlag } from "../flags";
import { jsonpath } from "../print/jsonpath";
import { NO_RESOURCES_GIVEN, parseResourceArgs, qualifiedRef } from "../resources";
import { SELECTOR_FLAGS, namespaceFor, selectAll } from "../selection";

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

const WEEK_MS = 168 * 3600 * 1000;

export const wait: KubectlCommand = {
  name: "wait",
  flags: [
    { name: "for", type: "string" },
    { name: "timeout", type: "duration" },
    ...SELECTOR_FLAGS,
  ],
  async run(p, ctx) {
    const cond = parseFor(stringFlag(p, "for"));
    // The flag parser checked the text; a negative timeout means a week (kubectl wait's --timeout help).
    const text = stringFlag(p, "timeout") ?? "30s";
    const timeout = text.startsWith("-") ? WEEK_MS : (parseGoDuration(text.replace(/^\+/, "")) as number);
    const refs = parseResourceArgs(p.args);
    if (refs.length === 0) throw new KubectlError(NO_RESOURCES_GIVEN);
    const targets: { kind: KindInfo; ns: string; name: string }[] = [];
    for (const ref of refs) {
      const ns = namespaceFor(ctx, ref.kind);
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
        const objs = await selectAll(ctx, p, ref);
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
