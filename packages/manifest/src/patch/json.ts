// JSON patch (RFC 6902) as evanphx/json-patch v4.12 applies it for kubectl and
// the API server, including its departures from the RFC: negative array
// indices count from the end, indices may carry leading zeros or a sign,
// `add` without `value` adds null, `replace` of a missing object key adds
// it, `copy` from a missing object key copies null, and the first path
// segment of a path without a leading `/` is ignored. Errors carry the
// library's text. `__proto__` and `constructor` are plain keys.
import { goJsonKind } from "../gofmt";
import { cloneJson, hasOwn, isJsonObject, jsonEqual, setOwn, type JsonObject } from "../safe";
import { GoPanic } from "./gov";

export class JsonPatchFailure extends Error {
  override readonly name = "JsonPatchFailure";
  /** malformed: the patch itself does not decode (the API server answers 400, not 422). */
  constructor(message: string, readonly malformed: boolean) {
    super(message);
  }
}

const MISSING = "missing value";
const NIL_DEREFERENCE = "runtime error: invalid memory address or nil pointer dereference";
const INVALID_INDEX = "invalid index referenced";

type Container = JsonObject | unknown[];

const failure = (message: string): never => {
  throw new JsonPatchFailure(message, false);
};

/** strconv.Atoi: optional sign, decimal digits, int64 range. */
function atoi(s: string): number | string {
  if (!/^[+-]?\d+$/.test(s)) return `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
  const n = Number(s);
  if (!Number.isSafeInteger(n) && Math.abs(n) >= 2 ** 63) return `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`;
  return n;
}

class OpError extends Error {}

function arrayIndex(key: string): number {
  const n = atoi(key);
  if (typeof n === "string") throw new OpError(n);
  return n;
}

const invalidIndex = (idx: number): OpError => new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);

function get(c: Container, key: string): unknown {
  if (!Array.isArray(c)) return hasOwn(c, key) ? c[key] : undefined;
  let idx = arrayIndex(key);
  if (idx < 0) {
    if (idx < -c.length) throw invalidIndex(idx);
    idx += c.length;
  }
  if (idx >= c.length) throw invalidIndex(idx);
  return c[idx];
}

function set(c: Container, key: string, v: unknown): void {
  if (!Array.isArray(c)) return setOwn(c, key, v);
  let idx = arrayIndex(key);
  if (idx < 0) {
    if (idx < -c.length) throw invalidIndex(idx);
    idx += c.length;
  }
  c[idx] = v;
}

function add(c: Container, key: string, v: unknown): void {
  if (!Array.isArray(c)) return setOwn(c, key, v);
  if (key === "-") {
    c.push(v);
    return;
  }
  const n = atoi(key);
  if (typeof n === "string") throw new OpError(`value was not a proper array index: '${key}': ${n}`);
  let idx = n;
  const size = c.length + 1;
  if (idx >= size) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx);
    idx += size;
  }
  c.splice(idx, 0, v);
}

function remove(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!hasOwn(c, key)) throw new OpError(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete c[key];
    return;
  }
  let idx = arrayIndex(key);
  if (idx >= c.length) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -c.length) throw invalidIndex(idx);
    idx += c.length;
  }
  c.splice(idx, 1);
}

/** RFC 6901 unescaping in one pass, so `~01` is `~1`. */
const decodeKey = (k: string): string => k.replace(/~[01]/g, (m) => (m === "~1" ? "/" : "~"));

/** The container holding the path's last segment, or undefined where the library finds none. */
function findObject(doc: Container, path: string): { c: Container; key: string } | undefined {
  const split = path.split("/");
  if (split.length < 2) return undefined;
  let c: Container = doc;
  for (const part of split.slice(1, -1)) {
    let next: unknown;
    try {
      next = get(c, decodeKey(part));
    } catch (e) {
      if (e instanceof OpError) return undefined;
      throw e;
    }
    if (!isJsonObject(next) && !Array.isArray(next)) return undefined;
    c = next;
  }
  return { c, key: decodeKey(split[split.length - 1]!) };
}

/** An operation's string member: the value, or the error text of Operation.Path()/From(). */
function member(op: JsonObject, name: "path" | "from"): string | { error: string } {
  const v = hasOwn(op, name) ? op[name] : null;
  if (v === null) return { error: name === "path" ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}` };
  if (typeof v !== "string") return { error: `json: cannot unmarshal ${goJsonKind(v)} into Go value of type string` };
  return v;
}

/** JSON-patch's notion of the `value` member: absent (a nil node) or a JSON value (null included). */
type Value = { present: false } | { present: true; v: unknown };

function valueOf(op: JsonObject): Value {
  return hasOwn(op, "value") ? { present: true, v: op.value } : { present: false };
}

const valueOrNull = (v: Value): unknown => (v.present ? cloneJson(v.v) : null);

function wrap(prefix: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof OpError) failure(`${prefix}${e.message}`);
    throw e;
  }
}

function applyOp(doc: { root: Container }, op: JsonObject): void {
  const kind = typeof op.op === "string" ? op.op : "unknown";
  switch (kind) {
    case "add": {
      const path = member(op, "path");
      if (typeof path !== "string") return failure(`add operation failed to decode path: ${MISSING}`);
      const at = findObject(doc.root, path);
      if (at === undefined) return failure(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      return wrap(`error in add for path: '${path}': `, () => add(at.c, at.key, valueOrNull(valueOf(op))));
    }
    case "remove": {
      const path = member(op, "path");
      if (typeof path !== "string") return failure(`remove operation failed to decode path: ${MISSING}`);
      const at = findObject(doc.root, path);
      if (at === undefined) return failure(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      return wrap(`error in remove for path: '${path}': `, () => remove(at.c, at.key));
    }
    case "replace": {
      const path = member(op, "path");
      if (typeof path !== "string") return failure(`replace operation failed to decode path: ${path.error}`);
      const value = valueOf(op);
      if (path === "") {
        if (!value.present) throw new GoPanic(NIL_DEREFERENCE);
        // The library wraps a nil error here (pkg/errors), so a scalar or null replaces nothing.
        if (isJsonObject(value.v) || Array.isArray(value.v)) doc.root = cloneJson(value.v) as Container;
        return;
      }
      const at = findObject(doc.root, path);
      if (at === undefined) return failure(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
      try {
        get(at.c, at.key);
      } catch (e) {
        if (e instanceof OpError) return failure(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
        throw e;
      }
      return wrap(`error in remove for path: '${path}': `, () => set(at.c, at.key, valueOrNull(value)));
    }
    case "move": {
      const from = member(op, "from");
      if (typeof from !== "string") return failure(`move operation failed to decode from: ${from.error}`);
      const src = findObject(doc.root, from);
      if (src === undefined) return failure(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      let moved: unknown;
      wrap(`error in move for path: '${src.key}': `, () => {
        moved = get(src.c, src.key);
        remove(src.c, src.key);
      });
      const path = member(op, "path");
      if (typeof path !== "string") return failure(`move operation failed to decode path: ${path.error}`);
      const dst = findObject(doc.root, path);
      if (dst === undefined) return failure(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      return wrap(`error in move for path: '${path}': `, () => add(dst.c, dst.key, moved));
    }
    case "test":
      return test(doc.root, op);
    case "copy": {
      const from = member(op, "from");
      if (typeof from !== "string") return failure(`copy operation failed to decode from: ${from.error}`);
      const src = findObject(doc.root, from);
      if (src === undefined) return failure(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      let copied: unknown;
      wrap(`error in copy for from: '${from}': `, () => {
        copied = get(src.c, src.key);
      });
      const path = member(op, "path");
      if (typeof path !== "string") return failure(`copy operation failed to decode path: ${MISSING}`);
      const dst = findObject(doc.root, path);
      if (dst === undefined) return failure(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      return wrap("error while adding value during copy: ", () => add(dst.c, dst.key, copied === undefined ? null : cloneJson(copied)));
    }
    default:
      return failure(`Unexpected kind: ${kind}`);
  }
}

function test(root: Container, op: JsonObject): void {
  const path = member(op, "path");
  if (typeof path !== "string") return failure(`test operation failed to decode path: ${path.error}`);
  const value = valueOf(op);
  if (path === "") {
    if (!value.present) throw new GoPanic(NIL_DEREFERENCE);
    if (!lazyEqual(root, value.v)) failure(`testing value ${path} failed: test failed`);
    return;
  }
  const at = findObject(root, path);
  if (at === undefined) return failure(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
  let current: unknown;
  wrap(`error in test for path: '${path}': `, () => {
    current = get(at.c, at.key);
  });
  if (current === undefined || current === null) {
    if (!value.present) throw new GoPanic(NIL_DEREFERENCE);
    if (value.v === null) return;
    return failure(`testing value ${path} failed: test failed`);
  }
  if (!value.present || !lazyEqual(current, value.v)) failure(`testing value ${path} failed: test failed`);
}

/** lazyNode.equal: structural; a null inside an array being compared crashes the library. */
function lazyEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    return a.every((x, i) => {
      if (x === null) throw new GoPanic(NIL_DEREFERENCE);
      return lazyEqual(x, b[i]);
    });
  }
  return jsonEqual(a, b);
}

/** Decodes a patch as DecodePatch does: a JSON array of objects (null is an empty patch). */
function decodePatch(ops: unknown): JsonObject[] {
  if (ops === null) return [];
  if (!Array.isArray(ops)) throw new JsonPatchFailure(`json: cannot unmarshal ${goJsonKind(ops)} into Go value of type jsonpatch.Patch`, true);
  const bad = ops.find((op) => op !== null && !isJsonObject(op));
  if (bad !== undefined) throw new JsonPatchFailure(`json: cannot unmarshal ${goJsonKind(bad)} into Go value of type jsonpatch.Operation`, true);
  return ops.map((op) => (op === null ? {} : (op as JsonObject)));
}

/**
 * Applies RFC 6902 operations to a copy of the document. Throws
 * JsonPatchFailure with the library's message, or GoPanic where the library
 * crashes.
 */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  const decoded = decodePatch(ops);
  const state = { root: cloneJson(doc) as Container };
  for (const op of decoded) applyOp(state, op);
  return state.root;
}
