/**
 * `kubectl apply`, `create` and `delete` with `-f` (delete also by name or
 * selector). Objects are visited in file order; successes print as they
 * happen and errors are reported after them, as kubectl's visitor does.
 * apply is client-side apply: GET, then a POST with the last-applied
 * annotation or the three-way strategic merge PATCH (@svclab/manifest).
 */
import {
  KubectlError,
  LAST_APPLIED,
  StatusError,
  applyPatchFor,
  decodeManifest,
  resourceRef,
  withLastApplied,
  renderKubectlError,
  lookupKind,
  type KindInfo,
  type KubeObject,
  type ManifestDocument,
} from "@svclab/manifest";
import { FILENAME_FLAGS, type CommandContext, type KubectlCommand } from "../command";
import { boolFlag, intFlag, stringFlag, stringsFlag } from "../flags";
import { readManifests } from "../io";
import { createDeployment, createNamespace } from "./generate";
import { nameOf, parseResourceArgs, qualifiedRef, quotedRef } from "../resources";

interface Target {
  readonly doc: ManifestDocument;
  readonly kind: KindInfo;
  readonly raw: Record<string, unknown>;
  readonly name: string;
  readonly namespace: string;
}

function errorText(e: unknown, verb: string, file: string): string {
  if (e instanceof StatusError || e instanceof KubectlError) return renderKubectlError(e, { verb, file });
  throw e;
}

/**
 * Client-side checks before anything is sent: the kind maps to a resource
 * and the object's namespace agrees with -n. Failures are collected.
 */
function targetOf(doc: ManifestDocument, ctx: CommandContext): Target {
  const raw = doc.value as Record<string, unknown>;
  // Only decodeManifest's kubectl-side errors matter here (unknown kind,
  // not an object); the server decodes the object itself.
  try {
    decodeManifest(doc);
  } catch (e) {
    if (e instanceof KubectlError) throw e;
  }
  const kind = lookupKind(String(raw.apiVersion), String(raw.kind)) as KindInfo;
  const meta = (typeof raw.metadata === "object" && raw.metadata !== null ? raw.metadata : {}) as Record<string, unknown>;
  const own = typeof meta.namespace === "string" ? meta.namespace : "";
  if (kind.namespaced && own !== "" && ctx.namespaceGiven && own !== ctx.namespace) {
    throw new KubectlError([
      `error: the namespace from the provided object ${JSON.stringify(own)} does not match the namespace ${JSON.stringify(ctx.namespace)}. You must pass '--namespace=${own}' to perform this operation.`,
    ]);
  }
  const namespace = kind.namespaced ? own || ctx.namespace : "";
  return { doc, kind, raw, name: typeof meta.name === "string" ? meta.name : "", namespace };
}

/** The gerund kubectl's AddSourceToErr puts in `error when <verb> "file"`. */
const GERUNDS = { apply: "applying", create: "creating", delete: "deleting" } as const;

async function visit(ctx: CommandContext, files: readonly string[], recursive: boolean, command: keyof typeof GERUNDS, fn: (t: Target) => Promise<void>): Promise<void> {
  if (files.length === 0) throw new KubectlError([`error: must specify one of -f and -k`]);
  const docs = await readManifests(files, ctx.io, recursive);
  const errors: string[] = [];
  for (const doc of docs) {
    try {
      await fn(targetOf(doc, ctx));
    } catch (e) {
      errors.push(errorText(e, GERUNDS[command], doc.file));
    }
  }
  if (docs.length === 0 && errors.length === 0) throw new KubectlError([`error: no objects passed to ${command}`]);
  for (const e of errors) ctx.out.fail(e);
}

function withNamespace(t: Target): Record<string, unknown> {
  const meta = { ...((t.raw.metadata ?? {}) as Record<string, unknown>) };
  if (t.kind.namespaced) meta.namespace = t.namespace;
  return { ...t.raw, metadata: meta };
}

/** kubectl apply's field manager and strict validation, on both of its requests. */
const APPLY_WRITE = { fieldManager: "kubectl-client-side-apply", fieldValidation: "Strict" } as const;

async function applyOne(ctx: CommandContext, t: Target): Promise<void> {
  const live = t.name === "" ? undefined : await ctx.client.tryGet(t.kind, t.name, { namespace: t.namespace });
  if (live !== undefined && live.metadata?.annotations?.[LAST_APPLIED] === undefined) {
    ctx.out.err(
      `Warning: resource ${t.kind.resource}/${t.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.`,
    );
  }
  const modified = withLastApplied(withNamespace(t), t.kind, t.namespace);
  const opts = { namespace: t.namespace, ...APPLY_WRITE };
  let line: string;
  let warnings: readonly string[] = [];
  try {
    if (live === undefined) {
      const r = await ctx.client.create(t.kind, modified, opts);
      line = `${resourceRef(r.object)} created`;
      warnings = r.warnings;
    } else {
      const patch = applyPatchFor(modified, live, t.kind);
      if (patch === undefined) line = `${resourceRef(live)} unchanged`;
      else {
        const r = await ctx.client.patch(t.kind, t.name, patch, { ...opts, type: "strategic" });
        line = `${resourceRef(r.object)} ${r.changed ? "configured" : "unchanged"}`;
        warnings = r.warnings;
      }
    }
  } catch (e) {
    throw new KubectlError([errorText(e, live === undefined ? "creating" : "applying patch", t.doc.file)]);
  }
  for (const w of warnings) ctx.out.err(`Warning: ${w}`);
  ctx.out.out(line);
}

export const apply: KubectlCommand = {
  name: "apply",
  flags: [...FILENAME_FLAGS],
  async run(p, ctx) {
    await visit(ctx, stringsFlag(p, "filename"), boolFlag(p, "recursive"), "apply", (t) => applyOne(ctx, t));
  },
};

export const create: KubectlCommand = {
  name: "create",
  flags: [
    ...FILENAME_FLAGS,
    { name: "image", type: "strings" },
    { name: "replicas", short: "r", type: "int" },
    { name: "port", type: "int" },
  ],
  async run(p, ctx) {
    const generator = p.args[0];
    if (generator === "deployment" || generator === "deploy") return createDeployment(p, ctx);
    if (generator === "namespace" || generator === "ns") return createNamespace(p, ctx);
    if (generator !== undefined) throw new KubectlError([`error: Unexpected args: [${p.args.join(" ")}]`, "See 'kubectl create -h' for help and examples"]);
    await visit(ctx, stringsFlag(p, "filename"), boolFlag(p, "recursive"), "create", async (t) => {
      await ctx.client.createObject(withNamespace(t), { namespace: t.namespace });
      ctx.out.out(`${qualifiedRef(t.kind, t.name)} created`);
    });
  },
};

const DELETE_USAGE = [
  "error: You must provide one or more resources by argument or filename.",
  "Example resource specifications include:",
  "   '-f rsrc.yaml'",
  "   '--filename=rsrc.json'",
  "   '<resource> <name>'",
  "   '<resource>'",
];

export const del: KubectlCommand = {
  name: "delete",
  flags: [
    ...FILENAME_FLAGS,
    { name: "selector", short: "l", type: "string" },
    { name: "all", type: "bool" },
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
    if (refs.length === 0) throw new KubectlError(DELETE_USAGE);
    const selector = stringFlag(p, "selector");
    const errors: unknown[] = [];
    let deleted = 0;
    for (const ref of refs) {
      const ns = ref.kind.namespaced ? ctx.namespace : "";
      if (ref.name !== undefined) {
        try {
          await deleteOne(ref.kind, ns, ref.name, "");
          deleted++;
        } catch (e) {
          errors.push(e);
        }
        continue;
      }
      if (selector === undefined && !boolFlag(p, "all")) {
        throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
      }
      for (const obj of await client.list<KubeObject>(ref.kind, { namespace: ns, ...(selector === undefined ? {} : { labelSelector: selector }) })) {
        await deleteOne(ref.kind, ns, nameOf(obj), "");
        deleted++;
      }
    }
    if (deleted === 0 && errors.length === 0) ctx.out.err(refs.every((r) => !r.kind.namespaced) ? "No resources found" : `No resources found in ${ctx.namespace} namespace.`);
    for (const e of errors) ctx.out.fail(errorText(e, "", ""));
  },
};
