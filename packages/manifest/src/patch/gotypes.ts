// The Go struct types strategic merge patch walks with reflection
// (forkedjson.LookupPatchMetadata), seen through our schema: struct fields by
// JSON name (case-insensitive fallback as encoding/json), map element types,
// and the patchStrategy / patchMergeKey tags of each field.
import type { Schema } from "../schema";
import { goQuote } from "../gofmt";
import { StrategicPatchError } from "./errors";

export type GoType =
  | { readonly k: "struct"; readonly name: string; readonly fields: ReadonlyMap<string, GoField> | "any" }
  | { readonly k: "map"; readonly elem: GoType }
  | { readonly k: "slice"; readonly elem: GoType }
  | { readonly k: "scalar"; readonly kind: string };

export interface GoField {
  readonly type: GoType;
  /** patchStrategy tag with retainKeys removed: "merge", "replace" or "". */
  readonly strategy: string;
  readonly mergeKey: string;
}

const scalar = (kind: string): GoType => ({ k: "scalar", kind });
const plain = (type: GoType): GoField => ({ type, strategy: "", mergeKey: "" });

/** A struct whose fields our schema does not spell out: every key is a field, of any type. */
const LOOSE: GoType = { k: "struct", name: "", fields: "any" };
const ANY_LIST: GoType = { k: "slice", elem: LOOSE };
// metav1.Time embeds time.Time, whose fields are all unexported.
const TIME: GoType = { k: "struct", name: "Time", fields: new Map() };
// IntOrString has no json tags, so encoding/json names its fields after Go's.
const INT_OR_STRING: GoType = {
  k: "struct",
  name: "IntOrString",
  fields: new Map([
    ["Type", plain(scalar("int64"))],
    ["IntVal", plain(scalar("int32"))],
    ["StrVal", plain(scalar("string"))],
  ]),
};
// resource.Quantity: only the embedded Format is exported.
const QUANTITY: GoType = { k: "struct", name: "Quantity", fields: new Map([["Format", plain(scalar("string"))]]) };

const cache = new WeakMap<Schema, GoType>();

export function goTypeOf(schema: Schema): GoType {
  let t = cache.get(schema);
  if (t === undefined) {
    t = build(schema);
    cache.set(schema, t);
  }
  return t;
}

function build(s: Schema): GoType {
  switch (s.t) {
    case "struct": {
      const fields = new Map<string, GoField>();
      const out: GoType = { k: "struct", name: s.name, fields };
      for (const [name, child] of Object.entries(s.fields)) fields.set(name, lazyField(child));
      return out;
    }
    case "map":
      return { k: "map", get elem() { return goTypeOf(s.value); } } as GoType;
    case "list":
      return { k: "slice", get elem() { return goTypeOf(s.item); } } as GoType;
    case "loose":
      return s.json === "array" ? { k: "slice", elem: LOOSE } : LOOSE;
    case "intOrString":
      return INT_OR_STRING;
    case "quantity":
      return QUANTITY;
    case "string":
      return s.go === "v1.Time" || s.go === "v1.MicroTime" ? TIME : scalar("string");
    default:
      return scalar(s.t);
  }
}

function lazyField(child: Schema): GoField {
  const strategy = child.t === "list" && child.merge ? "merge" : "";
  const mergeKey = child.t === "list" ? (child.mergeKey ?? "") : "";
  return { get type() { return goTypeOf(child); }, strategy, mergeKey };
}

const kindName = (t: GoType): string => (t.k === "scalar" ? t.kind : t.k);

/** PatchMetaFromStruct.LookupPatchMetadataForStruct: the field's type and tags, or its error. */
export function lookupForStruct(t: GoType, key: string): GoField {
  if (t.k === "map") return plain(t.elem);
  if (t.k !== "struct") throw new StrategicPatchError(`merging an object in json but data type is not map or struct, instead is: ${kindName(t)}`);
  if (t.fields === "any") return plain(LOOSE);
  const exact = t.fields.get(key);
  if (exact !== undefined) return exact;
  const lower = key.toLowerCase();
  for (const [name, f] of t.fields) if (name.length === key.length && name.toLowerCase() === lower) return f;
  throw new StrategicPatchError(`unable to find api field in struct ${t.name} for the json field ${goQuote(key)}`);
}

/** PatchMetaFromStruct.LookupPatchMetadataForSlice: the list field's element type and tags. */
export function lookupForSlice(t: GoType, key: string): GoField {
  const f = lookupForStruct(t, key);
  const ft = f.type === LOOSE && t.k === "struct" && t.fields === "any" ? ANY_LIST : f.type;
  if (ft.k !== "slice") throw new StrategicPatchError(`expected slice or array type, but got: ${kindName(t)}`);
  if (ft.elem.k === "slice") throw new StrategicPatchError("unexpected slice of slice");
  return { type: ft.elem, strategy: f.strategy, mergeKey: f.mergeKey };
}

/** PatchMetaFromStruct.Name(): the Go kind of the type. */
export const goKindName = kindName;
