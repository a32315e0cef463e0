// Strict decoding as the API server does it (sigs.k8s.io/json UnmarshalStrict
// into the Go structs): the first JSON type error wins, otherwise every unknown
// field is reported in document order. The result holds only known fields, so
// keys like `__proto__` can never leak into typed objects.
import { lookupKind, type KindInfo, type KubeObject } from "./kinds";
import type { ManifestDocument } from "./yaml";
import { isJsonObject, setOwn, hasOwn, type JsonObject } from "./safe";
import { schemaFor } from "./schema";
import type { Schema, StructSchema } from "./schema";
import { decodingError, KubectlError } from "./status";
import { goJsonKind, goJsonMarshal, goQuote } from "./gofmt";

const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SUFFIX = /^(|[eE][-+]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)$/;

interface Context {
  /** Go struct that owns the current field, for "Go struct field X.path". */
  readonly struct: string;
  /** JSON field names from the root, without indices or map keys (Go's FieldStack). */
  readonly goPath: string;
}

class StrictDecoder {
  readonly unknown: string[] = [];
  fatal: string | undefined;

  private typeError(value: string, ctx: Context, go: string): void {
    this.fatal ??= `json: cannot unmarshal ${value} into Go struct field ${ctx.struct}.${ctx.goPath} of type ${go}`;
  }

  decode(schema: Schema, v: unknown, path: string, ctx: Context): unknown {
    switch (schema.t) {
      case "string":
        if (typeof v === "string") return v;
        this.typeError(goJsonKind(v), ctx, schema.go);
        return "";
      case "bool":
        if (typeof v === "boolean") return v;
        this.typeError(goJsonKind(v), ctx, schema.go);
        return false;
      case "float64":
        if (typeof v === "number") return v;
        this.typeError(goJsonKind(v), ctx, schema.go);
        return 0;
      case "int32":
      case "int64":
        return this.integer(v, schema.t, ctx, schema.go);
      case "intOrString":
        // IntOrString.UnmarshalJSON: quoted -> string, anything else -> int32.
        return typeof v === "string" ? v : this.integer(v, "int32", ctx, "int32");
      case "quantity":
        return this.quantity(v);
      case "loose":
        if (schema.json === "array" ? Array.isArray(v) : isJsonObject(v)) return copyLoose(v);
        this.typeError(goJsonKind(v), ctx, schema.go);
        return schema.json === "array" ? [] : {};
      case "map": {
        if (!isJsonObject(v)) {
          this.typeError(goJsonKind(v), ctx, schema.go);
          return {};
        }
        const out: JsonObject = {};
        for (const k of Object.keys(v)) {
          const item = v[k];
          setOwn(out, k, item === null ? zero(schema.value) : this.decode(schema.value, item, `${path}[${k}]`, ctx));
        }
        return out;
      }
      case "list": {
        if (!Array.isArray(v)) {
          this.typeError(goJsonKind(v), ctx, schema.go);
          return [];
        }
        return v.map((item, i) => (item === null ? zero(schema.item) : this.decode(schema.item, item, `${path}[${i}]`, ctx)));
      }
      case "struct":
        if (!isJsonObject(v)) {
          this.typeError(goJsonKind(v), ctx, schema.go);
          return {};
        }
        return this.struct(schema, v, path, ctx);
    }
  }

  struct(schema: StructSchema, v: JsonObject, path: string, ctx: Context): JsonObject {
    const out: JsonObject = {};
    for (const key of Object.keys(v)) {
      const fieldPath = path === "" ? key : `${path}.${key}`;
      if (!hasOwn(schema.fields, key)) {
        this.unknown.push(fieldPath);
        continue;
      }
      const value = v[key];
      if (value === null || value === undefined) continue; // JSON null leaves the Go zero value.
      const child = { struct: schema.name, goPath: ctx.goPath === "" ? key : `${ctx.goPath}.${key}` };
      out[key] = this.decode(schema.fields[key]!, value, fieldPath, child);
    }
    return out;
  }

  private integer(v: unknown, t: "int32" | "int64", ctx: Context, go: string): number {
    if (typeof v !== "number") {
      this.typeError(goJsonKind(v), ctx, go);
      return 0;
    }
    const limit = t === "int32" ? 2 ** 31 : 2 ** 63;
    if (!Number.isInteger(v) || v < -limit || v >= limit) {
      this.typeError(`number ${String(v)}`, ctx, go);
      return 0;
    }
    return v;
  }

  private quantity(v: unknown): string {
    const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
    const m = QUANTITY_RE.exec(text);
    if (m === null || !QUANTITY_SUFFIX.test(m[2]!) || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1]!)) {
      this.fatal ??= QUANTITY_ERROR;
      return "0";
    }
    return text;
  }
}

function zero(schema: Schema): unknown {
  switch (schema.t) {
    case "string":
      return "";
    case "bool":
      return false;
    case "int32":
    case "int64":
    case "float64":
    case "intOrString":
      return 0;
    case "quantity":
      return "0";
    case "list":
      return [];
    case "loose":
      return schema.json === "array" ? [] : {};
    case "map":
    case "struct":
      return {};
  }
}

function copyLoose(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyLoose);
  if (isJsonObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) if (v[k] !== null) setOwn(out, k, copyLoose(v[k]));
    return out;
  }
  return v;
}

export interface DecodeOptions {
  /** The -f source for kubectl-side errors; defaults to the document's file. */
  readonly file?: string;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** kubectl's RESTMapper failure for an apiVersion/kind this cluster does not serve. */
function noKindMatchError(raw: JsonObject, file: string): KubectlError {
  const meta = isJsonObject(raw.metadata) ? raw.metadata : {};
  const apiVersion = str(raw.apiVersion);
  const slash = apiVersion.lastIndexOf("/");
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return new KubectlError([
    `error: resource mapping not found for name: ${goQuote(str(meta.name))} namespace: ${goQuote(str(meta.namespace))} from ${goQuote(file)}: no matches for kind ${goQuote(str(raw.kind))} in version ${goQuote(apiVersion === "" ? version : apiVersion)}`,
    "ensure CRDs are installed first",
  ]);
}

/** Resolves the kind of a raw object the way kubectl does before sending it. */
function kindOfRaw(raw: unknown, file: string): KindInfo {
  if (!isJsonObject(raw)) {
    throw new KubectlError([
      `error: unable to decode ${goQuote(file)}: json: cannot unmarshal ${goJsonKind(raw)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    ]);
  }
  if (typeof raw.kind !== "string" || raw.kind === "") {
    throw new KubectlError([`error: unable to decode ${goQuote(file)}: Object 'Kind' is missing in '${goJsonMarshal(raw)}'`]);
  }
  if (typeof raw.apiVersion !== "string" || raw.apiVersion === "") {
    throw new KubectlError([`error: unable to decode ${goQuote(file)}: Object 'apiVersion' is missing in '${goJsonMarshal(raw)}'`]);
  }
  const found = lookupKind(str(raw.apiVersion), raw.kind);
  if (found === undefined) throw noKindMatchError(raw, file);
  return found;
}

export interface StrictDecodeResult {
  readonly object: JsonObject;
  /** The first JSON type error (it wins over unknown fields, as in the API server). */
  readonly fatal?: string;
  readonly unknown: readonly string[];
}

/** Runs the strict decoder and reports instead of throwing (patch handlers format the errors their own way). */
export function strictDecode(kind: KindInfo, raw: JsonObject): StrictDecodeResult {
  const dec = new StrictDecoder();
  const schema = schemaFor(kind.kind);
  const object = dec.struct(schema, raw, "", { struct: schema.name, goPath: "" });
  object.apiVersion = kind.apiVersion;
  object.kind = kind.kind;
  return dec.fatal === undefined ? { object, unknown: dec.unknown } : { object, fatal: dec.fatal, unknown: dec.unknown };
}

export function strictDecodingMessage(unknown: readonly string[]): string {
  return `strict decoding error: ${unknown.map((f) => `unknown field ${goQuote(f)}`).join(", ")}`;
}

/**
 * Strictly decodes one raw object of a known kind into its typed form (no
 * defaulting). Throws the API server's BadRequest StatusError.
 */
export function decodeAs(kind: KindInfo, raw: JsonObject): KubeObject {
  const r = strictDecode(kind, raw);
  if (r.fatal !== undefined) throw decodingError(kind.kind, kind.version, r.fatal);
  if (r.unknown.length > 0) throw decodingError(kind.kind, kind.version, strictDecodingMessage(r.unknown));
  return r.object as KubeObject;
}

function isDocument(v: unknown): v is ManifestDocument {
  return isJsonObject(v) && typeof v.file === "string" && typeof v.index === "number" && hasOwn(v, "value");
}

/** kubectl + API server decoding of one manifest object (ManifestDocument or raw JSON value). */
export function decodeManifest(input: ManifestDocument | unknown, opts: DecodeOptions = {}): KubeObject {
  return decodeWithFieldValidation(input, "Strict", opts).object;
}

/**
 * The API server's decoding of a request body under the request's
 * `fieldValidation`: Strict rejects unknown fields (BadRequest), Warn drops
 * them with one `unknown field "x"` warning each, Ignore drops them silently.
 */
export function decodeWithFieldValidation(
  input: ManifestDocument | unknown,
  validation: "Strict" | "Warn" | "Ignore",
  opts: DecodeOptions = {},
): { object: KubeObject; warnings: string[] } {
  const raw = isDocument(input) ? input.value : input;
  const file = opts.file ?? (isDocument(input) ? input.file : "");
  const kind = kindOfRaw(raw, file);
  const r = strictDecode(kind, raw as JsonObject);
  if (r.fatal !== undefined) throw decodingError(kind.kind, kind.version, r.fatal);
  if (r.unknown.length > 0 && validation === "Strict") throw decodingError(kind.kind, kind.version, strictDecodingMessage(r.unknown));
  const warnings = validation === "Warn" ? r.unknown.map((f) => `unknown field ${goQuote(f)}`) : [];
  return { object: r.object as KubeObject, warnings };
}

