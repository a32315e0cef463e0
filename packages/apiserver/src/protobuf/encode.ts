/**
 * Answers in `application/vnd.kubernetes.protobuf`, for clients that accept
 * nothing else: the JSON object written as its generated.proto message in
 * the `k8s\0` + runtime.Unknown envelope, the inverse of decode.ts. Zero
 * values and nulls are left out (proto2 readers take absence as zero).
 */
import { PROTOBUF_PREFIX, messageOf, type Json } from "./decode";
import { MESSAGES } from "./schema";

class Writer {
  private readonly parts: Uint8Array[] = [];

  varint(v: bigint): void {
    let n = BigInt.asUintN(64, v);
    const out: number[] = [];
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) b |= 0x80;
      out.push(b);
    } while (n !== 0n);
    this.parts.push(Uint8Array.from(out));
  }

  key(field: number, wire: number): void {
    this.varint(BigInt(field * 8 + wire));
  }

  bytes(field: number, data: Uint8Array): void {
    this.key(field, 2);
    this.varint(BigInt(data.length));
    this.parts.push(data);
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

const utf8 = new TextEncoder();

function wrapped(field: number, data: Uint8Array): Uint8Array {
  const w = new Writer();
  w.bytes(field, data);
  return w.finish();
}

function timestamp(text: string): Uint8Array {
  const ms = Date.parse(text);
  const w = new Writer();
  w.key(1, 0);
  w.varint(BigInt(Math.floor(ms / 1000)));
  const nanos = Number(/\.(\d{1,9})/.exec(text)?.[1]?.padEnd(9, "0") ?? "0");
  if (nanos !== 0) {
    w.key(2, 0);
    w.varint(BigInt(nanos));
  }
  return w.finish();
}

function intOrString(v: unknown): Uint8Array {
  const w = new Writer();
  if (typeof v === "string") {
    w.key(1, 0);
    w.varint(1n);
    w.bytes(3, utf8.encode(v));
  } else {
    w.key(2, 0);
    w.varint(BigInt(Math.trunc(Number(v))));
  }
  return w.finish();
}

function field(w: Writer, no: number, type: string, v: unknown): void {
  if (v === null || v === undefined) return;
  switch (type) {
    case "string":
      if (v !== "") w.bytes(no, utf8.encode(String(v)));
      return;
    case "bool":
      if (v === true) {
        w.key(no, 0);
        w.varint(1n);
      }
      return;
    case "int32":
    case "int64":
    case "uint32":
    case "uint64":
      if (typeof v === "number" && v !== 0) {
        w.key(no, 0);
        w.varint(BigInt(Math.trunc(v)));
      }
      return;
    case "bytes":
      w.bytes(no, Buffer.from(String(v), "base64"));
      return;
    case "time":
    case "microtime":
      w.bytes(no, timestamp(String(v)));
      return;
    case "quantity":
      w.bytes(no, wrapped(1, utf8.encode(String(v))));
      return;
    case "intorstring":
      w.bytes(no, intOrString(v));
      return;
    case "raw":
      w.bytes(no, wrapped(1, utf8.encode(JSON.stringify(v))));
      return;
    default:
      if (typeof v === "object") w.bytes(no, message(v as Json, type));
  }
}

function message(obj: Json, name: string): Uint8Array {
  const schema = MESSAGES[name];
  if (schema === undefined) throw new Error(`no protobuf schema for ${name}`);
  const w = new Writer();
  for (const [no, json, type, flag] of schema) {
    const v = obj[json];
    if (type.startsWith("map:")) {
      for (const [k, val] of Object.entries((v ?? {}) as Json)) {
        const entry = new Writer();
        field(entry, 1, "string", k);
        field(entry, 2, type.slice(4), val);
        w.bytes(no, entry.finish());
      }
    } else if (flag === "repeated") {
      for (const item of Array.isArray(v) ? v : []) field(w, no, type, item);
    } else if (flag === "pointer" && (v === 0 || v === false || v === "")) {
      // A pointer to a zero is a value: written, so it reads back as set.
      w.key(no, type === "string" ? 2 : 0);
      w.varint(0n);
    } else field(w, no, type, v);
  }
  return w.finish();
}

/** The object as a protobuf body, or undefined when its kind has no message here. */
export function encodeProtobufBody(obj: Json): Uint8Array | undefined {
  const apiVersion = String(obj.apiVersion ?? "");
  const kind = String(obj.kind ?? "");
  const name = messageOf(apiVersion, kind);
  if (name === undefined) return undefined;
  const typeMeta = new Writer();
  field(typeMeta, 1, "string", apiVersion);
  field(typeMeta, 2, "string", kind);
  const unknown = new Writer();
  unknown.bytes(1, typeMeta.finish());
  unknown.bytes(2, message(obj, name));
  return Buffer.concat([PROTOBUF_PREFIX, unknown.finish()]);
}
