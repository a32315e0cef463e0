// `kubectl patch --local -f OBJ -p PATCH --type T -o json` for one object:
// kubectl converts a patch not starting with `{` from YAML to JSON, applies
// it with the same libraries the API server uses, and decodes the result as
// unstructured JSON (which must still name its kind). Errors are what
// kubectl prints, `error: ` included.
import { goJsonKind, goJsonMarshal, goQuote } from "../gofmt";
import { lookupKind } from "../kinds";
import { isJsonObject, setOwn, type JsonObject } from "../safe";
import { schemaFor } from "../schema";
import { KubectlError } from "../status";
import { StrategicPatchError } from "./errors";
import { goJsonSyntaxError } from "./gojson";
import { goYamlToJson, GoYamlError } from "./goyaml";
import { jsonPatch, JsonPatchFailure } from "./json";
import { mergePatch, MergePatchError } from "./merge";
import { applyStrategicPatch } from "./strategic";

export type PatchType = "strategic" | "merge" | "json";

const kubectlError = (message: string): KubectlError => new KubectlError([`error: ${message.replace(/\n$/, "")}`]);

/** The patch kubectl hands to the patch library (yaml.ToJSON), parsed; or the raw text when it is not JSON. */
type PatchBody = { readonly value: unknown } | { readonly invalid: string };

function patchBody(text: string): PatchBody {
  if (text.trimStart().startsWith("{")) {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      return { invalid: text };
    }
  }
  try {
    return { value: goMapOrder(goYamlToJson(text)) };
  } catch (e) {
    if (e instanceof GoYamlError) throw kubectlError(`unable to parse ${goQuote(text)}: yaml: ${e.message}`);
    throw e;
  }
}

/**
 * kubectl's YAML-to-JSON step marshals Go maps, so the patch library sees
 * every object's keys in sorted order; where the library's result depends on
 * key order (which error is met first), it then matches.
 */
function goMapOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(goMapOrder);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) setOwn(out, k, goMapOrder(v[k]));
  return out;
}

function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf("/");
  const [group, version] = slash < 0 ? ["", apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  return `${group}/${version}, Kind=${kind}`;
}

function applyLocal(object: Record<string, unknown>, body: PatchBody, type: PatchType): unknown {
  switch (type) {
    case "json":
      if ("invalid" in body) throw kubectlError(goJsonSyntaxError(body.invalid));
      return jsonPatch(object, body.value);
    case "merge":
      if ("invalid" in body) throw kubectlError("Invalid JSON Patch");
      return mergePatch(object, body.value);
    case "strategic": {
      const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
      const kindName = typeof object.kind === "string" ? object.kind : "";
      const kind = lookupKind(apiVersion, kindName);
      if (kind === undefined) throw kubectlError(`strategic merge patch is not supported for ${gvkString(apiVersion, kindName)} locally, try --type merge`);
      if ("invalid" in body) throw kubectlError("invalid JSON document");
      return applyStrategicPatch(object, body.value, schemaFor(kind.kind));
    }
  }
}

/**
 * What `kubectl patch --local -o json` prints for one object read from a
 * file: the patched object, or a KubectlError with kubectl's message. A
 * GoPanic means the real kubectl crashes on this input.
 */
export function localPatch(object: Record<string, unknown>, patch: string, type: PatchType = "strategic"): unknown {
  if (patch === "") throw kubectlError("must specify --patch or --patch-file containing the contents of the patch");
  const body = patchBody(patch);
  let patched: unknown;
  try {
    patched = applyLocal(object, body, type);
  } catch (e) {
    if (e instanceof StrategicPatchError || e instanceof MergePatchError || e instanceof JsonPatchFailure) {
      const m = /^replace operation does not apply: doc is missing key: (.*)$/s.exec(e.message);
      throw kubectlError(m !== null ? `Object to be patched is missing field (${m[1]})` : e.message);
    }
    throw e;
  }
  if (!isJsonObject(patched)) throw kubectlError(`json: cannot unmarshal ${goJsonKind(patched)} into Go value of type unstructured.detector`);
  if (typeof patched.kind !== "string" || patched.kind === "") throw kubectlError(`Object 'Kind' is missing in '${goJsonMarshal(patched)}'`);
  return patched;
}
