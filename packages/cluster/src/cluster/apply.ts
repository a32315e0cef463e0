/**
 * `kubectl apply` on the simulated API server: a new object is created with
 * the last-applied-configuration annotation; an existing one gets the
 * three-way strategic merge patch computed from that annotation (fields the
 * user removed are deleted), the live object (what others changed stays)
 * and the new manifest, sent with strict field validation. The answer is
 * kubectl's `created` / `configured` / `unchanged`.
 */
import { type KubeObject, type ManifestDocument, decodeManifest, kindInfoOf, resourceRef } from "@svclab/manifest";
import type { ApiServer } from "../api/server";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Go's json.Marshal of a decoded map: keys sorted, compact. */
function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${goJson(v[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

function deepEqual(a: unknown, b: unknown): boolean {
  return goJson(a) === goJson(b);
}

/**
 * CreateThreeWayMergePatch, simplified for lists: a list the user changed
 * is replaced as a whole (`$patch: replace`), so list entries they removed
 * go away and server-filled ones are filled again.
 */
export function threeWayPatch(original: unknown, modified: Json, current: unknown): Json {
  const patch: Json = {};
  const orig = isObject(original) ? original : {};
  const cur = isObject(current) ? current : {};
  for (const k of Object.keys(orig)) if (!(k in modified)) patch[k] = null;
  for (const [k, m] of Object.entries(modified)) {
    const o = orig[k];
    const c = cur[k];
    if (isObject(m)) {
      const sub = threeWayPatch(isObject(o) ? o : {}, m, isObject(c) ? c : {});
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else if (Array.isArray(m)) {
      if (!deepEqual(m, o) || c === undefined) patch[k] = m.some(isObject) ? [...m, { $patch: "replace" }] : m;
    } else if (!deepEqual(m, c)) {
      patch[k] = m;
    }
  }
  return patch;
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
  const decoded = decodeManifest(doc);
  const kind = kindInfoOf(decoded);
  const raw = structuredClone(doc.value) as Json;
  const meta = (isObject(raw.metadata) ? raw.metadata : (raw.metadata = {})) as Json;
  if (kind.namespaced) meta.namespace = (meta.namespace as string | undefined) || namespace || "default";
  const annotations = (isObject(meta.annotations) ? meta.annotations : {}) as Json;
  delete annotations[LAST_APPLIED];
  meta.annotations = annotations;
  const lastApplied = `${goJson(raw)}\n`;
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
  const patch = threeWayPatch(original, modified, live);
  if (Object.keys(patch).length === 0) return { object: live, action: "unchanged", line: `${resourceRef(live)} unchanged`, warnings: [] };
  const r = api.patch<KubeObject>(kind, ns, name, "strategic", patch, { fieldValidation: "Strict" });
  return { object: r.object, action: r.changed ? "configured" : "unchanged", line: `${resourceRef(r.object)} ${r.changed ? "configured" : "unchanged"}`, warnings: r.warnings };
}
