/**
 * `kubectl apply` on the simulated API server, for the TypeScript API:
 * @svclab/manifest's client-side apply (last-applied annotation, three-way
 * strategic merge patch) against the store, synchronously. The answer is
 * kubectl's `created` / `configured` / `unchanged`.
 */
import { type KubeObject, type ManifestDocument, applyPatchFor, decodeManifest, kindInfoOf, lookupKind, resourceRef, withLastApplied } from "@svclab/manifest";
import type { ApiServer } from "@svclab/apiserver";

export type ApplyAction = "created" | "configured" | "unchanged";

export interface ApplyOutcome {
  readonly object: KubeObject;
  readonly action: ApplyAction;
  /** kubectl's line, e.g. `service/sample-session-affinity created`. */
  readonly line: string;
  readonly warnings: readonly string[];
}

/** Applies one parsed manifest document. Throws the error kubectl would print for it. */
export function applyDocument(api: ApiServer, doc: ManifestDocument, namespace: string | undefined): ApplyOutcome {
  const value = doc.value as { apiVersion?: unknown; kind?: unknown } | null;
  // kubectl only maps the kind itself; the server decodes (strictly on create, through the patch on update).
  const kind = lookupKind(String(value?.apiVersion ?? ""), String(value?.kind ?? "")) ?? kindInfoOf(decodeManifest(doc));
  const modified = withLastApplied(doc.value, kind, namespace);
  const meta = modified.metadata as { name?: string; namespace?: string };
  const ns = kind.namespaced ? (meta.namespace as string) : "";
  const name = meta.name ?? "";
  const live = name === "" ? undefined : api.tryGet<KubeObject>(kind, ns, name);
  if (live === undefined) {
    const object = api.create<KubeObject>(kind, modified, kind.namespaced ? ns : undefined);
    return { object, action: "created", line: `${resourceRef(object)} created`, warnings: [] };
  }
  const patch = applyPatchFor(modified, live, kind);
  if (patch === undefined) return { object: live, action: "unchanged", line: `${resourceRef(live)} unchanged`, warnings: [] };
  const r = api.patch<KubeObject>(kind, ns, name, "strategic", patch, { fieldValidation: "Strict" });
  return { object: r.object, action: r.changed ? "configured" : "unchanged", line: `${resourceRef(r.object)} ${r.changed ? "configured" : "unchanged"}`, warnings: r.warnings };
}
