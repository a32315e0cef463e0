// `kubectl patch` as the API server handles it: apply the patch to the stored
// object's JSON, decode strictly (fieldValidation Strict/Warn/Ignore), then
// default and validate as an update. The input object is never modified.
import { admitDecodedUpdate, type AdmitOptions } from "../admission";
import { strictDecode, strictDecodingMessage } from "../decode";
import { goJsonKind, goJsonMarshal, goPlusV, goQuote } from "../gofmt";
import { kindInfoOf, type KindName, type KubeObject } from "../kinds";
import { isJsonObject, jsonEqual, type JsonObject } from "../safe";
import { schemaFor } from "../schema";
import { badRequestError, invalidError, KubectlError, StatusError } from "../status";
import { fieldInvalid } from "../validation/field";
import { parseYamlValue, YamlSyntaxError } from "../yaml";
import { StrategicPatchError } from "./errors";
import { GoPanic } from "./gov";
import { jsonPatch, JsonPatchFailure } from "./json";
import type { PatchType } from "./local";
import { mergePatch, MergePatchError } from "./merge";
import { applyStrategicPatch } from "./strategic";
import { threeWayMergePatch } from "./threeway";

export type { PatchType } from "./local";
export { localPatch } from "./local";
export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface PatchOptions extends AdmitOptions {
  /**
   * The request's fieldValidation. `kubectl patch` sends none, so the server
   * default Warn applies (unknown fields dropped with a warning); `kubectl
   * apply` on an existing object sends Strict.
   */
  readonly fieldValidation?: FieldValidation;
}

export interface PatchResult {
  readonly object: KubeObject;
  /** false is kubectl's `patched (no change)`. */
  readonly changed: boolean;
  /** Warnings kubectl prints as `Warning: <text>`. */
  readonly warnings: readonly string[];
}

/** kubectl converts -p from YAML or JSON to JSON before sending it. */
export function parsePatch(patch: string): unknown {
  try {
    return parseYamlValue(patch);
  } catch (e) {
    if (e instanceof YamlSyntaxError) throw new KubectlError([`error: unable to parse ${goQuote(patch)}: yaml: ${e.message}`]);
    throw e;
  }
}

function patchInvalid(value: string, message: string): StatusError {
  return invalidError(undefined, "", [fieldInvalid("patch", value, message)]);
}

function applyRaw(current: KubeObject, patch: unknown, type: PatchType): unknown {
  switch (type) {
    case "json":
      try {
        return jsonPatch(current, patch);
      } catch (e) {
        if (!(e instanceof JsonPatchFailure)) throw e;
        if (e.malformed) throw badRequestError(e.message);
        throw new StatusError({
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: "the server rejected our request due to an error in our request",
          reason: "Invalid",
          code: 422,
          details: { causes: [{ reason: "UnexpectedServerResponse", message: e.message }] },
        });
      }
    case "merge":
      try {
        return mergePatch(current, patch);
      } catch (e) {
        if (e instanceof MergePatchError) throw badRequestError(e.message);
        throw e;
      }
    case "strategic":
      if (!isJsonObject(patch)) throw badRequestError(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
      try {
        return applyStrategicPatch(current, patch, schemaFor(kindInfoOf(current).kind));
      } catch (e) {
        if (e instanceof StrategicPatchError) throw badRequestError(e.message);
        throw e;
      }
  }
}

/** The API server recovers from a panic in a handler and answers 500. */
function withPanicRecovery<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GoPanic) {
      throw new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Internal error occurred: the server could not handle the request", reason: "InternalError", code: 500 });
    }
    throw e;
  }
}

/** Applies a patch to a stored object and runs update admission. */
export function patchObject(current: KubeObject, patch: string | unknown, type: PatchType = "strategic", opts: PatchOptions = {}): PatchResult {
  const kind = kindInfoOf(current);
  const patchValue = typeof patch === "string" ? parsePatch(patch) : patch;
  const patched = withPanicRecovery(() => applyRaw(current, patchValue, type));
  const shown = type === "strategic" ? goPlusV(patchValue) : goJsonMarshal(patched);
  if (!isJsonObject(patched)) throw patchInvalid(shown, `json: cannot unmarshal ${goJsonKind(patched)} into Go value of type map[string]interface {}`);
  const name = typeof patched.metadata === "object" && patched.metadata !== null ? (patched.metadata as JsonObject).name : undefined;
  if (name !== current.metadata?.name) {
    throw badRequestError(`the name of the object (${String(name ?? "")}) does not match the name on the URL (${current.metadata?.name ?? ""})`);
  }
  const decoded = strictDecode(kind, patched);
  if (decoded.fatal !== undefined) throw patchInvalid(shown, decoded.fatal);
  const validation = opts.fieldValidation ?? "Warn";
  const warnings: string[] = [];
  if (decoded.unknown.length > 0) {
    if (validation === "Strict") throw patchInvalid(shown, strictDecodingMessage(decoded.unknown));
    if (validation === "Warn") warnings.push(...decoded.unknown.map((f) => `unknown field ${goQuote(f)}`));
  }
  const object = admitDecodedUpdate(decoded.object as KubeObject, current, opts);
  return { object, changed: !jsonEqual(object, current), warnings };
}

/** A strategic merge patch on plain JSON of the given kind (no decoding or admission). */
export function strategicMergePatch(doc: unknown, patch: unknown, kind: KindName): unknown {
  return applyStrategicPatch(doc, patch, schemaFor(kind));
}

/**
 * kubectl apply's three-way strategic merge patch for an existing object of
 * the given kind: send it with `patchObject(current, patch, "strategic", {
 * fieldValidation: "Strict" })`; an empty patch means `unchanged`.
 */
export function createThreeWayMergePatch(original: unknown, modified: unknown, current: unknown, kind: KindName): Record<string, unknown> {
  return threeWayMergePatch(original, modified, current, schemaFor(kind));
}
