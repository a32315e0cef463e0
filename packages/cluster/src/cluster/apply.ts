/**
 * `kubectl apply` on the simulated API server: a new object is created with
 * the last-applied-configuration annotation; an existing one gets
 * @svclab/manifest's three-way strategic merge patch computed from that
 * annotation (fields the user removed are deleted), the live object (what
 * others changed stays) and the new manifest, sent with strict field
 * validation. The answer is kubectl's `created` / `configured` / `unchanged`.
 */
import { type KubeObject, type ManifestDocument, createThreeWayMergePatch, decodeManifest, kindInfoOf, lookupKind, resourceRef } from "@svclab/manifest";
import { canonicalJson, type ApiServer } from "@svclab/apiserver";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

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
  const value = doc.value as Json | null;
  // kubectl only maps the kind itself; the server decodes (strictly on create, through the patch on update).
  const kind = lookupKind(String(value?.apiVersion ?? ""), String(value?.kind ?? "")) ?? kindInfoOf(decodeManifest(doc));
  const raw = structuredClone(doc.value) as Json;
  const meta = (isObject(raw.metadata) ? raw.metadata : (raw.metadata = {})) as Json;
  if (kind.namespaced) meta.namespace = (meta.namespace as string | undefined) || namespace || "default";
  const annotations = (isObject(meta.annotations) ? meta.annotations : {}) as Json;
  delete annotations[LAST_APPLIED];
  meta.annotations = annotations;
  // json.Marshal of the decoded map: keys sorted, compact, newline-terminated.
  const lastApplied = `${canonicalJson(raw)}\n`;
  const modified = structuredClone(raw);
  ((modified.metadata as Json).annotations as Json)[LAST_APPLIED] = lastApplied;
  const ns = kind.namespaced ? (meta.namespace as string) : "";
  const name = (meta.name as string | undefined) ?? "";
  const live = name === "" ? undefined : api.tryGet<KubeObject>(kind, ns, name);
  if (live === undefined) {
    const object = api.create<KubeObject>(kind, modified, kind.namespaced ? ns : undefined);
    return { object, action: "created", line: `${resourceRef(object)} created`, warnings: [] };
  }
  const previous = live.metadata?.annotations?.[LAST_APPLIED];
  const original = previous === undefined ? {} : (JSON.parse(previous) as Json);
  const patch = createThreeWayMergePatch(original, modified, live, kind.kind);
  if (Object.keys(patch).length === 0) return { object: live, action: "unchanged", line: `${resourceRef(live)} unchanged`, warnings: [] };
  const r = api.patch<KubeObject>(kind, ns, name, "strategic", patch, { fieldValidation: "Strict" });
  return { object: r.object, action: r.changed ? "configured" : "unchanged", line: `${resourceRef(r.object)} ${r.changed ? "configured" : "unchanged"}`, warnings: r.warnings };
}
