// JSON merge patch (RFC 7386) as evanphx/json-patch v4's MergePatch applies
// it for kubectl and the API server: null deletes a key; a key the document
// lacks (or holds null) takes the patch value with nulls pruned from its
// objects (nulls directly inside arrays stay); an object replacing a
// non-object is pruned too, while an array or scalar replacing an object is
// taken as written. `__proto__` is plain data.
import { cloneJson, hasOwn, isJsonObject, setOwn, type JsonObject } from "../safe";

/** A merge patch the library refuses: kubectl prints `error: Invalid JSON Patch`. */
export class MergePatchError extends Error {
  override readonly name = "MergePatchError";
}

/** Applies a merge patch to a JSON object; inputs are not modified. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (isJsonObject(patch)) {
    if (!isJsonObject(target)) return pruneNulls(cloneJson(patch));
    const doc = cloneJson(target);
    mergeDocs(doc, cloneJson(patch));
    return doc;
  }
  // A top-level array patch is the result (nulls pruned inside); null and scalars are refused.
  if (Array.isArray(patch)) return pruneNulls(cloneJson(patch));
  throw new MergePatchError("Invalid JSON Patch");
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = hasOwn(doc, k) ? doc[k] : null;
    setOwn(doc, k, cur === null ? pruneNulls(v) : merge(cur, v));
  }
}

function merge(cur: unknown, patch: unknown): unknown {
  if (!isJsonObject(cur)) return pruneNulls(patch);
  if (!isJsonObject(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

/** Drops null members of every object inside (nulls directly in arrays stay); modifies v. */
export function pruneNulls<T>(v: T): T {
  if (isJsonObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else pruneNulls(v[k]);
    }
  } else if (Array.isArray(v)) {
    for (const x of v) if (x !== null) pruneNulls(x);
  }
  return v;
}
