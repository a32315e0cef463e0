// JSON merge patch (RFC 7396). Written here rather than taken from
// json-merge-patch because that package silently stops at a `__proto__` key;
// the API server keeps such keys so strict decoding can reject them.
import { isJsonObject, setOwn, type JsonObject } from "../safe";

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const out: JsonObject = {};
  if (isJsonObject(target)) for (const k of Object.keys(target)) setOwn(out, k, target[k]);
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) delete out[k];
    else setOwn(out, k, mergePatch(Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined, v));
  }
  return out;
}
