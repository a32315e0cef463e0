/**
 * kubectl's resource builder over `-f` sources: objects in file order,
 * client-side checks before anything is sent (the kind maps to a resource,
 * the object's namespace agrees with -n), successes printed as they happen
 * and errors reported after them, each with its `error when <verb> "file"`.
 */
import { KubectlError, StatusError, decodeManifest, lookupKind, renderKubectlError, type KindInfo, type ManifestDocument } from "@svclab/manifest";
import type { CommandContext } from "./command";
import { readManifests } from "./io";

export interface Target {
  readonly doc: ManifestDocument;
  readonly kind: KindInfo;
  readonly raw: Record<string, unknown>;
  readonly name: string;
  readonly namespace: string;
}

export function errorText(e: unknown, verb: string, file: string): string {
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
export const GERUNDS = { apply: "applying", create: "creating", delete: "deleting" } as const;

export async function visit(ctx: CommandContext, files: readonly string[], recursive: boolean, command: keyof typeof GERUNDS, fn: (t: Target) => Promise<void>): Promise<void> {
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

export function withNamespace(t: Target): Record<string, unknown> {
  const meta = { ...((t.raw.metadata ?? {}) as Record<string, unknown>) };
  if (t.kind.namespaced) meta.namespace = t.namespace;
  return { ...t.raw, metadata: meta };
}
