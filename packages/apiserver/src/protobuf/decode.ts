/**
 * Request bodies in `application/vnd.kubernetes.protobuf`, the media type
 * client-go's typed clients write (kubectl create deployment|service|
 * namespace, kubectl auth can-i): the `k8s\0` prefix, a runtime.Unknown
 * envelope carrying the type and the raw message, and the message itself,
 * turned into the JSON form the rest of the server handles. Fields are
 * read the way Go's generated Unmarshal fills the typed struct and
 * encoding/json then writes it: unset non-pointer scalars are Go's zero
 * and `omitempty` leaves them out, pointers keep a zero that was sent,
 * structs stay (as `{}`), a zero metav1.Time is `null`.
 */
import { MESSAGES } from "./schema";
import type { FieldSchema } from "./types";
import { Reader, WireError, WireType } from "./wire";

/** runtime/serializer/protobuf's prefix: "k8s" and a zero byte. */
export const PROTOBUF_PREFIX = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

/** The message of each apiVersion/kind this server decodes. */
const MESSAGE_OF: Readonly<Record<string, string>> = {
  "v1/Pod": "core.v1.Pod",
  "v1/Service": "core.v1.Service",
  "v1/Namespace": "core.v1.Namespace",
  "v1/Node": "core.v1.Node",
  "v1/Endpoints": "core.v1.Endpoints",
  "v1/Event": "core.v1.Event",
  "v1/Binding": "core.v1.Binding",
  "v1/DeleteOptions": "meta.v1.DeleteOptions",
  "apps/v1/Deployment": "apps.v1.Deployment",
  "apps/v1/ReplicaSet": "apps.v1.ReplicaSet",
  "discovery.k8s.io/v1/EndpointSlice": "discovery.v1.EndpointSlice",
  "autoscaling/v1/Scale": "autoscaling.v1.Scale",
  "authorization.k8s.io/v1/SelfSubjectAccessReview": "authorization.v1.SelfSubjectAccessReview",
  "authorization.k8s.io/v1/SelfSubjectRulesReview": "authorization.v1.SelfSubjectRulesReview",
  "v1/PodList": "core.v1.PodList",
  "v1/ServiceList": "core.v1.ServiceList",
  "v1/NamespaceList": "core.v1.NamespaceList",
  "v1/NodeList": "core.v1.NodeList",
  "v1/EndpointsList": "core.v1.EndpointsList",
  "v1/EventList": "core.v1.EventList",
  "v1/Status": "meta.v1.Status",
  "apps/v1/DeploymentList": "apps.v1.DeploymentList",
  "apps/v1/ReplicaSetList": "apps.v1.ReplicaSetList",
  "discovery.k8s.io/v1/EndpointSliceList": "discovery.v1.EndpointSliceList",
};

/** The generated.proto message of an apiVersion/kind, if this server speaks it in protobuf. */
export function messageOf(apiVersion: string, kind: string): string | undefined {
  return MESSAGE_OF[`${apiVersion}/${kind}`];
}

export type Json = Record<string, unknown>;

/** Why a body could not be decoded, in the serializer's words; `kind` when the envelope named one. */
export class ProtobufDecodeError extends Error {
  constructor(
    message: string,
    readonly apiVersion?: string,
    readonly kind?: string,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder("utf-8");

function hasPrefix(body: Uint8Array): boolean {
  return body.length >= PROTOBUF_PREFIX.length && PROTOBUF_PREFIX.every((b, i) => body[i] === b);
}

/** runtime.Unknown: TypeMeta (1), raw (2), contentEncoding (3), contentType (4). */
function envelope(body: Uint8Array): { apiVersion: string; kind: string; raw: Uint8Array } {
  const r = new Reader(body.subarray(PROTOBUF_PREFIX.length));
  let apiVersion = "";
  let kind = "";
  let raw: Uint8Array = new Uint8Array();
  while (!r.done) {
    const { field, wire } = r.key();
    if (field === 1 && wire === WireType.Bytes) {
      const t = new Reader(r.bytes());
      while (!t.done) {
        const k = t.key();
        if (k.wire === WireType.Bytes && (k.field === 1 || k.field === 2)) {
          const s = utf8.decode(t.bytes());
          if (k.field === 1) apiVersion = s;
          else kind = s;
        } else t.skip(k.wire);
      }
    } else if (field === 2 && wire === WireType.Bytes) raw = r.bytes();
    else r.skip(wire);
  }
  return { apiVersion, kind, raw };
}

/**
 * Decodes a protobuf request body into the object's JSON form (apiVersion
 * and kind from the envelope). Throws ProtobufDecodeError.
 */
export function decodeProtobufBody(body: Uint8Array): Json {
  if (body.length === 0) throw new ProtobufDecodeError("empty data");
  if (!hasPrefix(body)) throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${[...PROTOBUF_PREFIX].join(" ")}]`);
  let env: ReturnType<typeof envelope>;
  try {
    env = envelope(body);
  } catch (e) {
    throw new ProtobufDecodeError(e instanceof WireError ? e.message : String(e));
  }
  const { apiVersion, kind } = env;
  const message = messageOf(apiVersion, kind);
  if (message === undefined) {
    if (kind === "") throw new ProtobufDecodeError("Object 'Kind' is missing in '{}'", apiVersion, kind);
    throw new ProtobufDecodeError(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`, apiVersion, kind);
  }
  try {
    return { apiVersion, kind, ...decodeMessage(env.raw, message) };
  } catch (e) {
    if (e instanceof WireError) throw new ProtobufDecodeError(e.message, apiVersion, kind);
    throw e;
  }
}

function isZero(v: unknown): boolean {
  return v === "" || v === 0 || v === false;
}

function decodeMessage(buf: Uint8Array, name: string): Json {
  const schema = MESSAGES[name];
  if (schema === undefined) throw new Error(`no protobuf schema for ${name}`);
  const byNumber = new Map<number, FieldSchema>(schema.map((f) => [f[0], f]));
  const out: Json = {};
  const r = new Reader(buf);
  while (!r.done) {
    const { field, wire } = r.key();
    const f = byNumber.get(field);
    if (f === undefined) {
      r.skip(wire);
      continue;
    }
    const [, json, type, flag] = f;
    if (type.startsWith("map:")) {
      if (wire !== WireType.Bytes) throw new WireError(`proto: wrong wireType = ${wire} for field ${json}`);
      const [k, v] = mapEntry(r.bytes(), type.slice(4));
      const map = (out[json] ??= {}) as Json;
      map[k] = v;
    } else if (flag === "repeated") {
      const list = (out[json] ??= []) as unknown[];
      // A packed list of numbers arrives as one length-delimited run.
      if (wire === WireType.Bytes && isNumeric(type)) {
        const run = new Reader(r.bytes());
        while (!run.done) list.push(scalar(run, WireType.Varint, type, json));
      } else list.push(value(r, wire, type, json));
    } else {
      out[json] = value(r, wire, type, json);
    }
  }
  // What Go's encoding/json leaves out of the typed struct.
  for (const [, json, type, flag] of schema) {
    if (!(json in out)) continue;
    const v = out[json];
    if (flag === undefined && isScalar(type) && isZero(v)) delete out[json];
    else if (type === "intorstring" && v === 0 && flag === undefined) delete out[json];
  }
  return out;
}

const NUMERIC = new Set(["int32", "int64", "uint32", "uint64", "bool", "sint32", "sint64", "double", "float"]);
const isNumeric = (type: string): boolean => NUMERIC.has(type);
const isScalar = (type: string): boolean => NUMERIC.has(type) || type === "string" || type === "bytes";

function mapEntry(buf: Uint8Array, valueType: string): [string, unknown] {
  const r = new Reader(buf);
  let key = "";
  let v: unknown = valueType === "string" ? "" : undefined;
  while (!r.done) {
    const { field, wire } = r.key();
    if (field === 1) key = String(value(r, wire, "string", "key"));
    else if (field === 2) v = value(r, wire, valueType, "value");
    else r.skip(wire);
  }
  return [key, v];
}

function scalar(r: Reader, wire: number, type: string, json: string): unknown {
  switch (type) {
    case "double":
      if (wire !== WireType.Fixed64) break;
      return r.fixed(8).getFloat64(0, true);
    case "float":
      if (wire !== WireType.Fixed32) break;
      return r.fixed(4).getFloat32(0, true);
    case "bool":
      if (wire !== WireType.Varint) break;
      return r.varint() !== 0n;
    case "int32":
      if (wire !== WireType.Varint) break;
      return Number(BigInt.asIntN(32, r.varint()));
    case "uint32":
      if (wire !== WireType.Varint) break;
      return Number(BigInt.asUintN(32, r.varint()));
    case "int64":
    case "uint64":
      if (wire !== WireType.Varint) break;
      return Number(r.varint());
    case "sint32":
    case "sint64": {
      if (wire !== WireType.Varint) break;
      const n = BigInt.asUintN(64, r.varint());
      return Number((n >> 1n) ^ -(n & 1n));
    }
  }
  throw new WireError(`proto: wrong wireType = ${wire} for field ${json}`);
}

function value(r: Reader, wire: number, type: string, json: string): unknown {
  if (isNumeric(type)) return scalar(r, wire, type, json);
  if (wire !== WireType.Bytes) throw new WireError(`proto: wrong wireType = ${wire} for field ${json}`);
  const bytes = r.bytes();
  switch (type) {
    case "string":
      return utf8.decode(bytes);
    case "bytes":
      return Buffer.from(bytes).toString("base64");
    case "time":
    case "microtime":
      return timestamp(bytes, type === "microtime");
    case "quantity":
      return utf8.decode(bytesField(bytes));
    case "intorstring":
      return intOrString(bytes);
    case "raw":
      return rawJson(bytes);
    default:
      return decodeMessage(bytes, type);
  }
}

/** metav1.Time {seconds, nanos}: RFC 3339 in UTC (MicroTime with six fractional digits); the zero time is null. */
function timestamp(bytes: Uint8Array, micro: boolean): string | null {
  const r = new Reader(bytes);
  let seconds = 0;
  let nanos = 0;
  while (!r.done) {
    const { field, wire } = r.key();
    if (field === 1 && wire === WireType.Varint) seconds = Number(r.varint());
    else if (field === 2 && wire === WireType.Varint) nanos = Number(r.varint());
    else r.skip(wire);
  }
  if (seconds === 0 && nanos === 0) return null;
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` : `${iso}Z`;
}

/** intstr.IntOrString {type, intVal, strVal}. */
function intOrString(bytes: Uint8Array): number | string {
  const r = new Reader(bytes);
  let type = 0;
  let intVal = 0;
  let strVal = "";
  while (!r.done) {
    const { field, wire } = r.key();
    if (field === 1 && wire === WireType.Varint) type = Number(r.varint());
    else if (field === 2 && wire === WireType.Varint) intVal = Number(BigInt.asIntN(32, r.varint()));
    else if (field === 3 && wire === WireType.Bytes) strVal = utf8.decode(r.bytes());
    else r.skip(wire);
  }
  return type === 1 ? strVal : intVal;
}

/** Field 1 of a one-field wrapper: resource.Quantity {string}, RawExtension and FieldsV1 {raw}. */
function bytesField(bytes: Uint8Array): Uint8Array {
  const r = new Reader(bytes);
  let out: Uint8Array = new Uint8Array();
  while (!r.done) {
    const { field, wire } = r.key();
    if (field === 1 && wire === WireType.Bytes) out = r.bytes();
    else r.skip(wire);
  }
  return out;
}

/** RawExtension and FieldsV1: embedded JSON. */
function rawJson(bytes: Uint8Array): unknown {
  const raw = bytesField(bytes);
  if (raw.length === 0) return null;
  try {
    return JSON.parse(utf8.decode(raw)) as unknown;
  } catch {
    throw new WireError("invalid character in embedded JSON");
  }
}
