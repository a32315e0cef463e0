/**
 * `kubectl apply`, `create` and `delete` with `-f` (delete also by name or
 * selector). Objects are visited in file order; successes print as they
 * happen and errors are reported after them, as kubectl's visitor does.
 * apply itself (last-applied annotation, three-way patch) is the Cluster's.
 */
import {
  KubectlError,
  StatusError,
  decodeManifest,
  renderKubectlError,
  lookupKind,
  type KindInfo,
  type KubeObject,
  type ManifestDocument,
} from "@svclab/manifest";
import { tryGet, waitUntil } from "../cluster";
import { FILENAME_FLAGS, type CommandContext, type KubectlCommand } from "../command";
import { boolFlag, stringFlag, stringsFlag } from "../flags";
import { readManifests } from "../io";
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

async function visit(ctx: CommandContext, files: readonly string[], recursive: boolean, verb: string, fn: (t: Target) => void): Promise<void> {
  if (files.length === 0) throw new KubectlError([`error: must specify one of -f and -k`]);
  const docs = await readManifests(files, ctx.io, recursive);
  const errors: string[] = [];
  for (const doc of docs) {
    try {
      fn(targetOf(doc, ctx));
    } catch (e) {
      errors.push(errorText(e, verb, doc.file));
    }
  }
  if (docs.length === 0 && errors.length === 0) throw new KubectlError([`error: no objects passed to ${verb === "creating" ? "create" : "apply"}`]);
  for (const e of errors) ctx.out.fail(e);
}

function withNamespace(t: Target): Record<string, unknown> {
  const meta = { ...((t.raw.metadata ?? {}) as Record<string, unknown>) };
  if (t.kind.namespaced) meta.namespace = t.namespace;
  return { ...t.raw, metadata: meta };
}

function applyOne(ctx: CommandContext, t: Target): void {
  const [r] = ctx.cluster.apply(JSON.stringify(withNamespace(t)), { file: t.doc.file, namespace: t.namespace });
  if (r === undefined) return;
  if (!r.ok) throw new KubectlError([r.line]);
  for (const w of r.warnings) ctx.out.err(`Warning: ${w}`);
  ctx.out.out(r.line);
}

export const apply: KubectlCommand = {
  name: "apply",
  flags: [...FILENAME_FLAGS],
  async run(p, ctx) {
    if (stringsFlag(p, "filename").length === 0) throw new KubectlError(["error: must specify one of -f and -k"]);
    await visit(ctx, stringsFlag(p, "filename"), boolFlag(p, "recursive"), "applying", (t) => applyOne(ctx, t));
  },
};

export const create: KubectlCommand = {
  name: "create",
  flags: [...FILENAME_FLAGS, { name: "save-config", type: "bool" }],
  async run(p, ctx) {
    const files = stringsFlag(p, "filename");
    if (files.length === 0) throw new KubectlError(["error: must specify one of -f and -k"]);
    await visit(ctx, files, boolFlag(p, "recursive"), "creating", (t) => {
      ctx.cluster.create(withNamespace(t), { namespace: t.namespace });
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
    const cluster = ctx.cluster;
    const ignoreMissing = boolFlag(p, "ignore-not-found");
    const deleteOne = (kind: KindInfo, namespace: string, name: string, file: string): void => {
      try {
        const gone = cluster.delete<KubeObject>(kind, name, { namespace });
        // kubectl delete waits (--wait) until graceful termination has removed the object.
        const grace = gone.metadata?.deletionGracePeriodSeconds ?? 0;
        if (grace > 0) waitUntil(cluster, () => tryGet(cluster, kind, namespace, name) === undefined, grace + 1);
        ctx.out.out(`${quotedRef(kind, name)} deleted`);
      } catch (e) {
        if (ignoreMissing && e instanceof StatusError && e.reason === "NotFound") return;
        throw file === "" ? e : new KubectlError([errorText(e, "deleting", file)]);
      }
    };
    const files = stringsFlag(p, "filename");
    if (files.length > 0) {
      await visit(ctx, files, boolFlag(p, "recursive"), "deleting", (t) => deleteOne(t.kind, t.namespace, t.name, t.doc.file));
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
          deleteOne(ref.kind, ns, ref.name, "");
          deleted++;
        } catch (e) {
          errors.push(e);
        }
        continue;
      }
      if (selector === undefined && !boolFlag(p, "all")) {
        throw new KubectlError(["error: resource(s) were provided, but no name was specified"]);
      }
      for (const obj of cluster.list<KubeObject>(ref.kind, { namespace: ns, ...(selector === undefined ? {} : { labelSelector: selector }) })) {
        deleteOne(ref.kind, ns, nameOf(obj), "");
        deleted++;
      }
    }
    if (deleted === 0 && errors.length === 0) ctx.out.err(ctx.namespace === "" ? "No resources found" : `No resources found in ${ctx.namespace} namespace.`);
    for (const e of errors) ctx.out.fail(errorText(e, "", ""));
  },
};
