// A compact declarative schema of the Go API structs: JSON field name -> type,
// with the Go type names the decoder quotes in its errors and the
// patchStrategy/patchMergeKey tags strategic merge patch needs.

export type Schema = ScalarSchema | MapSchema | ListSchema | StructSchema | LooseSchema;

export interface ScalarSchema {
  readonly t: "string" | "int32" | "int64" | "bool" | "intOrString" | "quantity" | "float64";
  /** Go type name quoted in unmarshal errors, e.g. `v1.ServiceType`. */
  readonly go: string;
}

export interface MapSchema {
  readonly t: "map";
  readonly value: Schema;
  readonly go: string;
}

export interface ListSchema {
  readonly t: "list";
  readonly item: Schema;
  readonly go: string;
  /** `patchStrategy:"merge"`; lists without it are replaced wholesale by strategic merge patch. */
  readonly merge: boolean;
  /** `patchMergeKey`; lists of scalars that merge have none. */
  readonly mergeKey?: string;
}

export interface StructSchema {
  readonly t: "struct";
  /** Go struct name as the decoder reports it (`ServicePort`). */
  readonly name: string;
  readonly go: string;
  readonly fields: Readonly<Record<string, Schema>>;
}

/** A subtree kept as written (JSON object), typed loosely on purpose. */
export interface LooseSchema {
  readonly t: "loose";
  readonly json: "object" | "array";
  readonly go: string;
}

export const str = (go = "string"): ScalarSchema => ({ t: "string", go });
export const i32: ScalarSchema = { t: "int32", go: "int32" };
export const i64: ScalarSchema = { t: "int64", go: "int64" };
export const bool: ScalarSchema = { t: "bool", go: "bool" };
export const intOrString: ScalarSchema = { t: "intOrString", go: "intstr.IntOrString" };
export const quantity: ScalarSchema = { t: "quantity", go: "resource.Quantity" };

export function map(value: Schema, go = "map[string]string"): MapSchema {
  return { t: "map", value, go };
}

export function list(item: Schema, opts: { merge?: boolean; mergeKey?: string } = {}): ListSchema {
  const base: ListSchema = { t: "list", item, go: `[]${item.go}`, merge: opts.merge ?? opts.mergeKey !== undefined };
  return opts.mergeKey === undefined ? base : { ...base, mergeKey: opts.mergeKey };
}

export function struct(name: string, fields: Record<string, Schema>, pkg = "v1"): StructSchema {
  return { t: "struct", name, go: `${pkg}.${name}`, fields };
}

export function loose(go: string, json: "object" | "array" = "object"): LooseSchema {
  return { t: "loose", json, go };
}

export const strings = list(str());

/** The schema of a struct field or map value; undefined for unknown fields and free-form subtrees. */
export function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (schema?.t === "struct") return Object.prototype.hasOwnProperty.call(schema.fields, key) ? schema.fields[key] : undefined;
  if (schema?.t === "map") return schema.value;
  return undefined;
}
