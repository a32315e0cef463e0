// JSON patch (RFC 6902) through fast-json-patch, with prototype-modifying
// paths banned and errors reworded as the API server's json-patch library
// reports them.
import { applyPatch, type Operation, JsonPatchError } from "fast-json-patch";
import { cloneJson } from "../safe";

export class JsonPatchFailure extends Error {
  override readonly name = "JsonPatchFailure";
  constructor(message: string, readonly malformed: boolean) {
    super(message);
  }
}

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** Applies RFC 6902 operations to a copy of the document. */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new JsonPatchFailure("json: cannot unmarshal object into Go value of type jsonpatch.Patch", true);
  for (const op of ops) {
    const kind = typeof op === "object" && op !== null ? (op as { op?: unknown }).op : undefined;
    if (typeof kind !== "string" || !OPS.has(kind)) throw new JsonPatchFailure(`Unexpected kind: ${String(kind)}`, true);
  }
  try {
    return applyPatch(cloneJson(doc), ops as Operation[], true, true, true).newDocument;
  } catch (e) {
    if (e instanceof JsonPatchError) {
      const path = (e.operation as { path?: string } | undefined)?.path ?? "";
      if (e.name === "TEST_OPERATION_FAILED") throw new JsonPatchFailure(`testing value ${path} failed: test failed`, false);
      if (e.name === "OPERATION_PATH_UNRESOLVABLE" || e.name === "OPERATION_FROM_UNRESOLVABLE") {
        const op = (e.operation as { op?: string } | undefined)?.op ?? "";
        throw new JsonPatchFailure(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`, false);
      }
      throw new JsonPatchFailure(e.message.split("\n")[0] ?? e.message, e.name.startsWith("OPERATION_") && e.name !== "OPERATION_VALUE_OUT_OF_BOUNDS");
    }
    throw new JsonPatchFailure(e instanceof Error ? e.message : String(e), true);
  }
}
