/**
 * kubectl's client-side apply (staging/src/k8s.io/kubectl/pkg/cmd/apply):
 * the configuration is recorded in the last-applied-configuration
 * annotation; a new object is created with it, an existing one gets the
 * three-way strategic merge patch of that annotation (fields the user
 * removed are deleted), the live object (what others changed stays) and the
 * new configuration, sent with strict field validation. Transport-free: the
 * callers fetch and send.
 */
import type { KindInfo, KubeObject } from "./kinds";
import { createThreeWayMergePatch } from "./patch";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** JSON with object keys sorted, undefined dropped: json.Marshal's key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The object kubectl apply sends for a configuration: the request
 * namespace filled in, and the configuration itself (without a previous
 * annotation, keys sorted, newline-terminated) in the annotation.
 */
export function withLastApplied(config: unknown, kind: KindInfo, namespace: string | undefined): Json {
  const raw = structuredClone(config) as Json;
  const meta = (isObject(raw.metadata) ? raw.metadata : (raw.metadata = {})) as Json;
  if (kind.namespaced) meta.namespace = (meta.namespace as string | undefined) || namespace || "default";
  const annotations = (isObject(meta.annotations) ? meta.annotations : {}) as Json;
  delete annotations[LAST_APPLIED];
  meta.annotations = annotations;
  const lastApplied = `${canonicalJson(raw)}\n`;
  const modified = structuredClone(raw);
  ((modified.metadata as Json).annotations as Json)[LAST_APPLIED] = lastApplied;
  return modified;
}

/** The patch that applies `modified` (from withLastApplied) to the live object; undefined when it is `unchanged`. */
export function applyPatchFor(modified: Json, live: KubeObject, kind: KindInfo): Json | undefined {
  const previous = live.metadata?.annotations?.[LAST_APPLIED];
  const original = previous === undefined ? {} : (JSON.parse(previous) as Json);
  const patch = createThreeWayMergePatch(original, modified, live, kind.kind);
  return Object.keys(patch).length === 0 ? undefined : patch;
}
