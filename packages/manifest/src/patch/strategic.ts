// Strategic merge patch as apimachinery's strategicpatch.StrategicMergePatch
// applies it (server side and `kubectl patch --local` alike): maps merge key
// by key, lists merge only where the Go field is tagged patchStrategy:merge
// (by patchMergeKey for lists of maps, as a set for scalars), everything else
// is replaced. Directives: `$patch: replace|delete` on maps and list items,
// `$retainKeys`, `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>`.
//
// The result order of merged lists follows the library step by step (patch
// items first, server-only items interleaved by their old positions, Go's
// stable sort, Go's in-place slice edits); a value the original lacks is
// taken from the patch without its null members and `$patch` maps. Only
// maps and lists the original and the patch both hold consult the Go type, so
// an unknown field fails only there (`unable to find api field in struct ...`).
import type { Schema } from "../schema";
import { cloneJson, hasOwn, isJsonObject, setOwn, type JsonObject } from "../safe";
import { StrategicPatchError } from "./errors";
import { goSliceStable } from "./gosort";
import { pruneNulls } from "./merge";
import { goKindName, goTypeOf, lookupForSlice, lookupForStruct, type GoType } from "./gotypes";
import { GoPanic, goEqual, goHashKey, goS, goTypeForS, goTypeName, goV } from "./gov";

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER = "$setElementOrder";

const fail = (message: string): never => {
  throw new StrategicPatchError(message);
};
const badArgType = (expected: string, actual: unknown): never => fail(`expected a ${expected}, but received a ${goTypeForS(actual)}`);
const noMergeKey = (m: JsonObject, key: string): never => fail(`map: ${goV(m)} does not contain declared merge key: ${key}`);
const badPatchType = (t: unknown, m: JsonObject): never => fail(`unknown patch type: ${goS(t)} in map: ${goV(m)}`);
const MAP = "map[string]interface {}";
const SLICE = "[]interface {}";

/**
 * Applies a strategic merge patch to a JSON object of the given Go type
 * (from the kind's schema). Inputs are not modified. Throws
 * StrategicPatchError with the library's message, or GoPanic where the real
 * library crashes.
 */
export function applyStrategicPatch(original: unknown, patch: unknown, schema: Schema): JsonObject {
  if (!isJsonObject(original)) fail("invalid JSON document");
  // json.Unmarshal of `null` into a map leaves it empty.
  if (patch === null) return cloneJson(original as JsonObject);
  if (!isJsonObject(patch)) fail("invalid JSON document");
  return mergeMap(cloneJson(original as JsonObject), cloneJson(patch as JsonObject), goTypeOf(schema));
}

function mergeMap(original: JsonObject, patch: JsonObject, t: GoType): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === "replace") {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (directive === "delete") return {};
    badPatchType(directive, patch);
  }
  applyRetainKeys(original, patch);
  mergePatchIntoOriginal(original, patch, t);

  for (const patchKey of Object.keys(patch)) {
    const patchV = patch[patchKey];
    let k = patchKey;
    let isDeleteList = false;
    if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      k = extractKey(k, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete original[k];
      continue;
    }
    const originalV = hasOwn(original, k) ? original[k] : undefined;
    const type = goTypeName(originalV);
    if (originalV === undefined || type !== goTypeName(patchV)) {
      // A value the original lacks (or holds with another type) is taken
      // without its nulls (discardNullValuesFromPatch, the same pruning as
      // merge patch's) and directives; a deletion list deletes nothing.
      if (!isDeleteList) keepWithoutDirectives(original, k, pruneNulls(patchV));
      continue;
    }
    if (type === MAP) {
      const field = lookupForStruct(t, k);
      setOwn(original, k, field.strategy === "replace" ? patchV : mergeMap(originalV as JsonObject, patchV as JsonObject, field.type));
    } else if (type === SLICE) {
      const field = lookupForSlice(t, k);
      setOwn(original, k, mergeSliceHandler(originalV as unknown[], patchV as unknown[], field.type, field.strategy, field.mergeKey, isDeleteList));
    } else {
      keepWithoutDirectives(original, k, patchV);
    }
  }
  return original;
}

/** Sets the value with every `$patch` map inside dropped; a `$patch` map itself removes the key. */
function keepWithoutDirectives(m: JsonObject, k: string, v: unknown): void {
  const kept = removeDirectives(v);
  if (kept.keep) setOwn(m, k, kept.value);
  else delete m[k];
}

function removeDirectives(v: unknown): { keep: boolean; value?: unknown } {
  if (isJsonObject(v)) {
    if (hasOwn(v, DIRECTIVE)) return { keep: false };
    for (const k of Object.keys(v)) keepWithoutDirectives(v, k, v[k]);
    return { keep: true, value: v };
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const kept = removeDirectives(x);
      if (kept.keep) out.push(kept.value);
    }
    return { keep: true, value: out };
  }
  return { keep: true, value: v };
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf("/");
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    fail(prefix === DELETE_FROM_PRIMITIVE_LIST ? "invalid patch format of primitive list" : "invalid patch format of setElementOrder list");
  }
  return s.slice(slash + 1);
}

/** `$retainKeys`: keys of the original not listed are cleared; every key the patch sets must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) fail("invalid patch format of retainKeys");
  const keep = new Set((retain as unknown[]).map(goHashKey));
  for (const k of Object.keys(patch)) {
    if (patch[k] === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(goHashKey(k))) fail("invalid patch format of retainKeys");
  }
  for (const k of Object.keys(original)) if (!keep.has(goHashKey(k))) delete original[k];
}

/**
 * `$setElementOrder/<f>`: merges the patch list `<f>` (if any) into the
 * original now, then orders the result: listed items in the listed order,
 * server-only items interleaved by their old positions.
 */
function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, t: GoType): void {
  for (const key of Object.keys(patch)) {
    if (!hasOwn(patch, key) || !key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) badArgType(SLICE, order);
    const setOrder = order as unknown[];
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = hasOwn(original, field);
    const foundPatch = hasOwn(patch, field);
    const originalList = original[field];
    const patchList = patch[field];
    if (foundOriginal && !Array.isArray(originalList)) badArgType(SLICE, originalList);
    if (foundPatch && !Array.isArray(patchList)) badArgType(SLICE, patchList);
    const meta = lookupForSlice(t, field);
    const originalItems = foundOriginal ? (originalList as unknown[]) : [];
    const patchItems = foundPatch ? (patchList as unknown[]) : [];
    validatePatchWithSetOrderList(patchItems, setOrder, meta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalItems;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchItems).value as unknown[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalItems, patchItems, meta.type, meta.strategy, meta.mergeKey, false);
    else continue;

    const [inOrder, serverOnly] = meta.mergeKey === "" ? partitionPrimitives(merged, setOrder) : partitionMaps(merged, setOrder, meta.mergeKey);
    const kind = sliceElementKind(originalItems, patchItems);
    // originalItems is read after the merge on purpose: Go's in-place slice
    // edits during the merge show through it (see GoSliceView).
    setOwn(original, field, normalizeElementOrder(inOrder, serverOnly, setOrder, originalItems, meta.mergeKey, kind));
    delete patch[field];
  }
}

function validatePatchWithSetOrderList(patchList: unknown[], setOrder: unknown[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== "" ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrder.length) {
    const item = nonDelete[p];
    if (isJsonObject(item) && hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, setOrder[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= setOrder.length) {
    fail(`The order in patch list:\n${goV(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goV(setOrder)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === "") return goEqual(left, right);
  if (!isJsonObject(left)) badArgType(MAP, left);
  if (!isJsonObject(right)) badArgType(MAP, right);
  const l = left as JsonObject;
  const r = right as JsonObject;
  if (!hasOwn(l, mergeKey)) noMergeKey(l, mergeKey);
  if (!hasOwn(r, mergeKey)) noMergeKey(r, mergeKey);
  return goEqual(l[mergeKey], r[mergeKey]);
}

function mergeSliceHandler(original: unknown[], patch: unknown[], elemType: GoType, strategy: string, mergeKey: string, isDeleteList: boolean): unknown[] {
  // A deletion list deletes whatever the field's strategy.
  if (strategy !== "merge" && !isDeleteList) return patch;
  return mergeSlice(original, patch, elemType, mergeKey, isDeleteList);
}

/** The Go kind shared by every element of the lists: "map", "string", "int64", ... */
function sliceElementKind(...lists: unknown[][]): string {
  let prev: string | undefined | null = null;
  for (const list of lists) {
    for (const v of list) {
      const t = goTypeName(v);
      if (prev === null) {
        if (t === undefined) throw new GoPanic("runtime error: invalid memory address or nil pointer dereference");
        if (t === SLICE) fail("lists of lists are not supported");
        prev = t;
      } else if (prev !== t) {
        fail(`list element types are not identical: ${goV(lists)}`);
      }
    }
  }
  if (prev === null || prev === undefined) return fail("no elements in any of the given slices");
  return prev === MAP ? "map" : prev;
}

/**
 * A Go slice header over a shared backing array: deleting an item shifts the
 * backing array in place and appending reuses the freed slot, which another
 * header over the same array (the caller's view of the original list) sees.
 */
class GoSliceView {
  private length: number;
  private items: unknown[];
  constructor(backing: unknown[]) {
    this.items = backing;
    this.length = backing.length;
  }
  get len(): number {
    return this.length;
  }
  at(i: number): unknown {
    return this.items[i];
  }
  set(i: number, v: unknown): void {
    this.items[i] = v;
  }
  removeAt(i: number): void {
    for (let j = i; j < this.length - 1; j++) this.items[j] = this.items[j + 1];
    this.length--;
  }
  append(v: unknown): void {
    // Past the shared prefix Go either still has capacity (invisible to the
    // other header, which is shorter) or reallocates: either way, private.
    if (this.length >= this.items.length) this.items = this.items.slice(0, this.length);
    this.items[this.length++] = v;
  }
  toArray(): unknown[] {
    return this.items.slice(0, this.length);
  }
}

function mergeSlice(original: unknown[], patch: unknown[], elemType: GoType, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: unknown[];
  let serverOrder = original;
  let patchOrder = patch;
  if (kind !== "map") {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === "") fail(`cannot merge lists without merge key for ${goKindName(elemType)}`);
    const view = new GoSliceView(original);
    const plain = mergeSliceWithSpecialElements(view, patch, mergeKey);
    serverOrder = plain.original.toArray();
    patchOrder = plain.patch;
    merged = mergeSliceWithoutSpecialElements(plain.original, plain.patch, mergeKey, elemType);
  }
  const [inPatch, serverOnly] = mergeKey === "" ? partitionPrimitives(merged, patchOrder) : partitionMaps(merged, patchOrder, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, patchOrder, serverOrder, mergeKey, kind);
}

/** Applies `$patch: delete|replace` items; returns the original left and the plain patch items. */
function mergeSliceWithSpecialElements(original: GoSliceView, patch: unknown[], mergeKey: string): { original: GoSliceView; patch: unknown[] } {
  const plain: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!hasOwn(item, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === "delete") {
      if (!hasOwn(item, mergeKey)) noMergeKey(item, mergeKey);
      deleteMatchingEntries(original, mergeKey, item[mergeKey]);
    } else if (directive === "replace") {
      replace = true;
    } else if (directive === "merge") {
      fail("merging lists cannot yet be specified in the patch");
    } else {
      badPatchType(directive, item);
    }
  }
  if (replace) return { original: new GoSliceView(plain), patch: [] };
  return { original, patch: plain };
}

function findMapIndex(list: { len: number; at(i: number): unknown }, key: string, value: unknown): number {
  for (let i = 0; i < list.len; i++) {
    const v = list.at(i);
    if (!isJsonObject(v)) fail(`value for key ${i} is not a map.`);
    const m = v as JsonObject;
    if (hasOwn(m, key) && goEqual(m[key], value)) return i;
  }
  return -1;
}

const arrayView = (xs: unknown[]): { len: number; at(i: number): unknown } => ({ len: xs.length, at: (i) => xs[i] });

function deleteMatchingEntries(original: GoSliceView, key: string, value: unknown): void {
  for (let i = findMapIndex(original, key, value); i >= 0; i = findMapIndex(original, key, value)) original.removeAt(i);
}

function mergeSliceWithoutSpecialElements(original: GoSliceView, patch: unknown[], mergeKey: string, elemType: GoType): unknown[] {
  for (const v of patch) {
    const item = v as JsonObject;
    if (!hasOwn(item, mergeKey)) noMergeKey(item, mergeKey);
    const i = findMapIndex(original, mergeKey, item[mergeKey]);
    if (i >= 0) original.set(i, mergeMap(original.at(i) as JsonObject, item, elemType));
    else original.append(v);
  }
  return original.toArray();
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const drop = new Set(toDelete.map(goHashKey));
  return current.filter((v) => !drop.has(goHashKey(v)));
}

/** The library's in-place deduplication, which moves the last item into each duplicate's slot. */
function deduplicateScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (goEqual(s[i], s[j])) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function partitionPrimitives(items: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const present = new Set(by.map(goHashKey));
  const inList: unknown[] = [];
  const rest: unknown[] = [];
  for (const v of items) (present.has(goHashKey(v)) ? inList : rest).push(v);
  return [inList, rest];
}

function partitionMaps(items: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inList: unknown[] = [];
  const rest: unknown[] = [];
  for (const v of items) {
    if (!isJsonObject(v)) badArgType(MAP, v);
    const m = v as JsonObject;
    if (!hasOwn(m, mergeKey)) noMergeKey(m, mergeKey);
    (findMapIndex(arrayView(by), mergeKey, m[mergeKey]) >= 0 ? inList : rest).push(v);
  }
  return [inList, rest];
}

function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const drop: unknown[] = [];
  for (const v of list) {
    if (!isJsonObject(v)) badArgType(MAP, v);
    (hasOwn(v as JsonObject, DIRECTIVE) && (v as JsonObject)[DIRECTIVE] === "delete" ? drop : keep).push(v);
  }
  return [keep, drop];
}

/** The position of an item in a list: by merge key for maps, by value otherwise. */
function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: string): number {
  const keyOf = kind === "map" ? (x: unknown): unknown => (isJsonObject(x) && hasOwn(x, mergeKey) ? x[mergeKey] : null) : (x: unknown): unknown => x;
  const want = keyOf(item);
  for (let i = 0; i < list.length; i++) if (goEqual(want, keyOf(list[i]))) return i;
  return -1;
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: string): unknown[] {
  let items = toSort;
  let deleted: unknown[] = [];
  if (kind === "map") {
    for (const list of [toSort, order]) {
      for (const v of list) {
        if (!isJsonObject(v)) badArgType(MAP, v);
        if (!hasOwn(v as JsonObject, mergeKey)) noMergeKey(v as JsonObject, mergeKey);
      }
    }
    [items, deleted] = extractToDeleteItems(toSort);
  }
  goSliceStable(items, (a, b) => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return [...items, ...deleted];
}

function normalizeElementOrder(patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: string): unknown[] {
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  // Each server-only item goes before the first patch item it preceded in
  // the original list; items the original lacks cannot be compared.
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
