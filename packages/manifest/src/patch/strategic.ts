// Strategic merge patch (apimachinery strategicpatch) driven by the schema's
// patchStrategy/patchMergeKey tags: keyed lists merge item by item, other
// lists are replaced; `$patch: replace|delete|merge`, `$retainKeys`,
// `$deleteFromPrimitiveList/<f>` and `$setElementOrder/<f>` are honoured.
import { childSchema, type Schema } from "../schema";
import { hasOwn, isJsonObject, jsonEqual, setOwn, type JsonObject } from "../safe";
import { goPlusV } from "../gofmt";
import { mergePatch } from "./merge";

export class StrategicPatchError extends Error {
  override readonly name = "StrategicPatchError";
}

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";
const SET_ORDER = "$setElementOrder/";

/** Applies a strategic merge patch to a JSON object; inputs are not modified. */
export function applyStrategicPatch(original: unknown, patch: unknown, schema: Schema | undefined): unknown {
  if (!isJsonObject(patch)) return patch;
  if (schema !== undefined && schema.t !== "struct" && schema.t !== "map") return mergePatch(original, patch);
  return mergeMap(isJsonObject(original) ? original : {}, patch, schema);
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject | undefined {
  const directive = patch[DIRECTIVE];
  if (directive === "delete") return undefined;
  if (directive === "replace") {
    const out: JsonObject = {};
    for (const k of Object.keys(patch)) if (k !== DIRECTIVE) setOwn(out, k, patch[k]);
    return out;
  }
  if (directive !== undefined && directive !== "merge") throw new StrategicPatchError(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);

  const out: JsonObject = {};
  for (const k of Object.keys(original)) setOwn(out, k, original[k]);
  for (const k of Object.keys(patch)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER)) continue;
    const pv = patch[k];
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      const drop = Array.isArray(pv) ? pv : [];
      if (Array.isArray(out[field])) setOwn(out, field, (out[field] as unknown[]).filter((x) => !drop.includes(x)));
      continue;
    }
    if (pv === null) {
      delete out[k];
      continue;
    }
    const sub = childSchema(schema, k);
    const ov = hasOwn(out, k) ? out[k] : undefined;
    if (ov === undefined || typeof ov !== typeof pv || Array.isArray(ov) !== Array.isArray(pv)) {
      setOwn(out, k, stripDirectives(pv));
    } else if (isJsonObject(pv) && isJsonObject(ov)) {
      const merged = sub === undefined || sub.t === "struct" || sub.t === "map" ? mergeMap(ov, pv, sub) : mergePatch(ov, pv);
      if (merged === undefined) delete out[k];
      else setOwn(out, k, merged);
    } else if (Array.isArray(pv) && Array.isArray(ov)) {
      setOwn(out, k, mergeList(ov, pv, sub));
    } else {
      setOwn(out, k, pv);
    }
  }
  for (const k of Object.keys(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    const order = patch[k];
    const list = out[field];
    if (Array.isArray(order) && Array.isArray(list)) setOwn(out, field, applyElementOrder(list, order, childSchema(schema, field)));
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

/**
 * `$setElementOrder/<field>`: the listed elements come first in the listed
 * order; elements only the server has keep their relative order after them.
 */
function applyElementOrder(list: unknown[], order: unknown[], schema: Schema | undefined): unknown[] {
  const key = schema?.t === "list" ? schema.mergeKey : undefined;
  const id = (x: unknown): string => JSON.stringify(key !== undefined && isJsonObject(x) ? x[key] : x);
  const rank = new Map(order.map((x, i) => [id(x), i]));
  const ordered = list.filter((x) => rank.has(id(x))).sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  return [...ordered, ...list.filter((x) => !rank.has(id(x)))];
}

/** A value that enters the result without merging keeps no patch directives. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isJsonObject(x) && x[DIRECTIVE] !== undefined && Object.keys(x).length === 1)).map(stripDirectives);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE) || v[k] === null) continue;
    setOwn(out, k, stripDirectives(v[k]));
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], schema: Schema | undefined): unknown[] {
  if (schema?.t !== "list" || !schema.merge) {
    return patch.filter((x) => !(isJsonObject(x) && x[DIRECTIVE] !== undefined && Object.keys(x).length === 1)).map(stripDirectives);
  }
  const key = schema.mergeKey;
  if (key === undefined) {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => jsonEqual(o, v))) out.push(v);
    return out;
  }
  if (patch.some((x) => isJsonObject(x) && x[DIRECTIVE] === "replace")) {
    return patch.filter((x) => !(isJsonObject(x) && x[DIRECTIVE] === "replace")).map(stripDirectives);
  }
  const out = [...original];
  for (const item of patch) {
    if (!isJsonObject(item)) throw new StrategicPatchError(`patch item is not a map: ${JSON.stringify(item)}`);
    if (!hasOwn(item, key)) throw new StrategicPatchError(`map: ${goPlusV(item)} does not contain declared merge key: ${key}`);
    const idx = out.findIndex((o) => isJsonObject(o) && jsonEqual(o[key], item[key]));
    if (item[DIRECTIVE] === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx] as JsonObject, item, schema.item);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}
