/**
 * `kubectl delete` by -f, by name or by selector; with --wait (the default)
 * kubectl blocks until graceful termination has removed the object.
 */
import { KubectlError, StatusError, type KindInfo, type KubeObject } from "@svclab/manifest";
import { FILENAME_FLAGS, type KubectlCommand } from "../command";
import { boolFlag, intFlag, stringsFlag } from "../flags";
import { NO_RESOURCES_GIVEN, nameOf, parseResourceArgs, quotedRef } from "../resources";
import { SELECTOR_FLAGS, namespaceFor, selectAll } from "../selection";
import { GERUNDS, errorText, visit } from "../visitor";

export const del: KubectlCommand = {
  name: "delete",
  flags: [
    ...FILENAME_FLAGS,
    ...SELECTOR_FLAGS,
    { name: "grace-period", type: "int" },
    { name: "now", type: "bool" },
    { name: "force", type: "bool" },
    { name: "wait", type: "bool" },
    { name: "ignore-not-found", type: "bool" },
  ],
  async run(p, ctx) {
    const client = ctx.client;
    const ignoreMissing = boolFlag(p, "ignore-not-found");
    // --now is a one-second grace period; --force with --grace-period=0 removes at once.
    const grace = boolFlag(p, "now") ? 1 : intFlag(p, "grace-period");
    const wait = p.flags.get("wait") !== false;
    const force = boolFlag(p, "force") && grace === 0;
    if (force) {
      ctx.out.err(
        "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.",
      );
    }
    const deleteOne = async (kind: KindInfo, namespace: string, name: string, file: string): Promise<void> => {
      try {
        const gone = await client.delete<KubeObject>(kind, name, { namespace, ...(grace === undefined || grace < 0 ? {} : { gracePeriodSeconds: grace }) });
        // kubectl delete waits (--wait) until graceful termination has removed the object.
        const period = gone.metadata?.deletionGracePeriodSeconds ?? 0;
        if (wait && period > 0) await ctx.clock.waitUntil(async () => (await client.tryGet(kind, name, { namespace })) === undefined, period + 1);
        ctx.out.out(`${quotedRef(kind, name)} ${force ? "force deleted" : "deleted"}`);
      } catch (e) {
        if (ignoreMissing && e instanceof StatusError && e.reason === "NotFound") return;
        throw file === "" ? e : new KubectlError([errorText(e, GERUNDS.delete, file)]);
      }
    };
    const files = stringsFlag(p, "filename");
    if (files.length > 0) {
      await visit(ctx, files, boolFlag(p, "recursive"), "delete", (t) => deleteOne(t.kind, t.namespace, t.name, t.doc.file));
      return;
    }
    const refs = parseResourceArgs(p.args);
    if (refs.length === 0) throw new KubectlError(NO_RESOURCES_GIVEN);
    const errors: unknown[] = [];
    let deleted = 0;
    for (const ref of refs) {
      const ns = namespaceFor(ctx, ref.kind);
      if (ref.name !== undefined) {
        try {
          await deleteOne(ref.kind, ns, ref.name, "");
          deleted++;
        } catch (e) {
          errors.push(e);
        }
        continue;
      }
      for (const obj of await selectAll(ctx, p, ref)) {
        await deleteOne(ref.kind, ns, nameOf(obj), "");
        deleted++;
      }
    }
    if (deleted === 0 && errors.length === 0) ctx.out.err(refs.every((r) => !r.kind.namespaced) ? "No resources found" : `No resources found in ${ctx.namespace} namespace.`);
    for (const e of errors) ctx.out.fail(errorText(e, "", ""));
  },
};
