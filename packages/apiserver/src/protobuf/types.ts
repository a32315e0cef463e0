/** A field of a generated.proto message: [number, JSON name, type, flag?] (see schema.ts). */
export type FieldSchema = readonly [number, string, string] | readonly [number, string, string, "repeated" | "pointer"];
export type MessageSchema = readonly FieldSchema[];
