// kubectl apply's patch (strategicpatch.CreateThreeWayMergePatch with
// overwrite): changes and additions are taken from current -> modified,
// deletions from original (the last-applied configuration) -> modified, so
// fields other writers set survive while fields the user dropped go away.
import { childSchema, type Schema } from "../schema";
import { hasOwn, isJsonObject, jsonEqual, setOwn, type JsonObject } from "../safe";

function keyOf(item: unknown, key: string): string {
  return isJsonObject(item) ? JSON.stringify(item[key]) : "";
}

function diffKeyedList(original: unknown[] | undefined, modified: unknown[], current: unknown[], key: string, item: Schema | undefined, field: string, patch: JsonObject): void {
  const entries: unknown[] = [];
  for (const m of modified) {
    if (!isJsonObject(m)) continue;
    const k = keyOf(m, key);
    const c = current.find((x) => keyOf(x, key) === k);
    if (c === undefined) {
      entries.push(m);
      continue;
    }
    const o = original?.find((x) => keyOf(x, key) === k);
    const sub = threeWay(isJsonObject(o) ? o : undefined, m, isJsonObject(c) ? c : {}, item);
    if (Object.keys(sub).length > 0) {
      const withKey: JsonObject = {};
      setOwn(withKey, key, m[key]);
      for (const f of Object.keys(sub)) setOwn(withKey, f, sub[f]);
      entries.push(withKey);
    }
  }
  const modifiedKeys = new Set(modified.map((m) => keyOf(m, key)));
  const deletions = (original ?? []).filter((o) => isJsonObject(o) && !modifiedKeys.has(keyOf(o, key))).map((o) => ({ [key]: (o as JsonObject)[key], $patch: "delete" }));
  const currentOrder = current.map((c) => keyOf(c, key)).filter((k) => modifiedKeys.has(k));
  const orderSame = jsonEqual(currentOrder, modified.map((m) => keyOf(m, key)));
  if (entries.length + deletions.length > 0) setOwn(patch, field, [...entries, ...deletions]);
  if (entries.length + deletions.length > 0 || !orderSame) {
    setOwn(patch, `$setElementOrder/${field}`, modified.map((m) => ({ [key]: isJsonObject(m) ? m[key] : undefined })));
  }
}

function diffScalarSet(original: unknown[] | undefined, modified: unknown[], current: unknown[], field: string, patch: JsonObject): void {
  const has = (xs: unknown[], v: unknown): boolean => xs.some((x) => jsonEqual(x, v));
  const additions = modified.filter((m) => !has(current, m));
  const deletions = (original ?? []).filter((o) => !has(modified, o));
  if (additions.length > 0) setOwn(patch, field, additions);
  if (deletions.length > 0) setOwn(patch, `$deleteFromPrimitiveList/${field}`, deletions);
  if (deletions.length > 0 || !jsonEqual(current, modified)) setOwn(patch, `$setElementOrder/${field}`, modified);
}

function threeWay(original: JsonObject | undefined, modified: JsonObject, current: JsonObject, schema: Schema | undefined): JsonObject {
  const patch: JsonObject = {};
  for (const k of Object.keys(modified)) {
    const m = modified[k];
    const c = hasOwn(current, k) ? current[k] : undefined;
    const o = original !== undefined && hasOwn(original, k) ? original[k] : undefined;
    const sub = childSchema(schema, k);
    if (m === null) {
      if (c !== undefined) setOwn(patch, k, null);
    } else if (c === undefined || c === null || Array.isArray(c) !== Array.isArray(m) || typeof c !== typeof m) {
      setOwn(patch, k, m);
    } else if (isJsonObject(m) && isJsonObject(c)) {
      const child = sub?.t === "loose" ? threeWay(isJsonObject(o) ? o : undefined, m, c, undefined) : threeWay(isJsonObject(o) ? o : undefined, m, c, sub);
      if (Object.keys(child).length > 0) setOwn(patch, k, child);
    } else if (Array.isArray(m) && Array.isArray(c)) {
      const origList = Array.isArray(o) ? o : undefined;
      if (sub?.t === "list" && sub.merge && sub.mergeKey !== undefined) diffKeyedList(origList, m, c, sub.mergeKey, sub.item, k, patch);
      else if (sub?.t === "list" && sub.merge) diffScalarSet(origList, m, c, k, patch);
      else if (!jsonEqual(m, c)) setOwn(patch, k, m);
    } else if (!jsonEqual(m, c)) {
      setOwn(patch, k, m);
    }
  }
  if (original !== undefined) for (const k of Object.keys(original)) if (!hasOwn(modified, k)) setOwn(patch, k, null);
  return patch;
}

/**
 * The strategic merge patch `kubectl apply` sends for an existing object:
 * `original` is the last-applied configuration (or {}), `modified` the new
 * manifest (with its own last-applied annotation), `current` the live object.
 * An empty result means `unchanged`.
 */
export function threeWayMergePatch(original: unknown, modified: unknown, current: unknown, schema: Schema | undefined): JsonObject {
  return threeWay(isJsonObject(original) ? original : {}, isJsonObject(modified) ? modified : {}, isJsonObject(current) ? current : {}, schema);
}
