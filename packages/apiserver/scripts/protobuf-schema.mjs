#!/usr/bin/env node
// Writes src/protobuf/schema.ts: the protobuf field numbers and types of the
// messages the API server decodes, read from the file descriptors that
// k8s.io/api and k8s.io/apimachinery register in a kubectl binary (gogo
// protobuf embeds each generated.proto as a gzipped FileDescriptorProto).
// The installed kubectl 1.32 matches the release svclab serves.
//
//   node scripts/protobuf-schema.mjs [/usr/lib/google-cloud-sdk/bin/kubectl.1.32]
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";

const BINARY = process.argv[2] ?? "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";
const OUT = resolve(import.meta.dirname, "../src/protobuf/schema.ts");

/** The top-level messages decoded from request bodies; everything they reach comes along. */
const ROOTS = [
  "k8s.io.api.core.v1.Pod",
  "k8s.io.api.core.v1.Service",
  "k8s.io.api.core.v1.Namespace",
  "k8s.io.api.core.v1.Node",
  "k8s.io.api.core.v1.Endpoints",
  "k8s.io.api.core.v1.Event",
  "k8s.io.api.core.v1.Binding",
  "k8s.io.api.apps.v1.Deployment",
  "k8s.io.api.apps.v1.ReplicaSet",
  "k8s.io.api.discovery.v1.EndpointSlice",
  "k8s.io.api.autoscaling.v1.Scale",
  "k8s.io.api.authorization.v1.SelfSubjectAccessReview",
  "k8s.io.api.authorization.v1.SelfSubjectRulesReview",
  "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions",
  // What answers carry, for clients that accept protobuf only.
  "k8s.io.api.core.v1.PodList",
  "k8s.io.api.core.v1.ServiceList",
  "k8s.io.api.core.v1.NamespaceList",
  "k8s.io.api.core.v1.NodeList",
  "k8s.io.api.core.v1.EndpointsList",
  "k8s.io.api.core.v1.EventList",
  "k8s.io.api.apps.v1.DeploymentList",
  "k8s.io.api.apps.v1.ReplicaSetList",
  "k8s.io.api.discovery.v1.EndpointSliceList",
  "k8s.io.apimachinery.pkg.apis.meta.v1.Status",
];

/** Messages whose JSON form is not an object (apimachinery's custom marshalers). */
const SPECIAL = {
  "k8s.io.apimachinery.pkg.apis.meta.v1.Time": "time",
  "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime": "microtime",
  "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1": "raw",
  "k8s.io.apimachinery.pkg.runtime.RawExtension": "raw",
  "k8s.io.apimachinery.pkg.api.resource.Quantity": "quantity",
  "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "intorstring",
};

/**
 * Scalar fields that are pointers in the Go types (`*int32`, `*bool`,
 * `*string`): the marshaler writes them only when set, so a zero there is a
 * value (`replicas: 0`), where a non-pointer zero is Go's "unset" and its
 * `omitempty` JSON leaves it out. From the k8s.io/api types.go files.
 */
const POINTERS = {
  "apps.v1.DeploymentSpec": ["replicas", "revisionHistoryLimit", "progressDeadlineSeconds"],
  "apps.v1.ReplicaSetSpec": ["replicas"],
  "core.v1.PodSpec": ["terminationGracePeriodSeconds", "activeDeadlineSeconds", "automountServiceAccountToken", "shareProcessNamespace", "priority", "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "setHostnameAsFQDN", "hostUsers"],
  "core.v1.Container": ["restartPolicy"],
  "core.v1.Probe": ["terminationGracePeriodSeconds"],
  "core.v1.SecurityContext": ["privileged", "runAsUser", "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem", "allowPrivilegeEscalation", "procMount"],
  "core.v1.PodSecurityContext": ["runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "fsGroupChangePolicy", "supplementalGroupsPolicy"],
  "core.v1.ServiceSpec": ["allocateLoadBalancerNodePorts", "loadBalancerClass", "ipFamilyPolicy", "internalTrafficPolicy", "trafficDistribution"],
  "core.v1.ServicePort": ["appProtocol"],
  "core.v1.ClientIPConfig": ["timeoutSeconds"],
  "core.v1.EndpointAddress": ["nodeName"],
  "core.v1.EndpointPort": ["appProtocol"],
  "core.v1.ConfigMapVolumeSource": ["defaultMode", "optional"],
  "core.v1.SecretVolumeSource": ["defaultMode", "optional"],
  "core.v1.ProjectedVolumeSource": ["defaultMode"],
  "core.v1.DownwardAPIVolumeSource": ["defaultMode"],
  "core.v1.KeyToPath": ["mode"],
  "core.v1.ConfigMapKeySelector": ["optional"],
  "core.v1.SecretKeySelector": ["optional"],
  "core.v1.ConfigMapEnvSource": ["optional"],
  "core.v1.SecretEnvSource": ["optional"],
  "core.v1.ServiceAccountTokenProjection": ["expirationSeconds"],
  "core.v1.EmptyDirVolumeSource": [],
  "core.v1.HostPathVolumeSource": ["type"],
  "core.v1.PersistentVolumeClaimSpec": ["storageClassName", "volumeMode", "volumeAttributesClassName"],
  "discovery.v1.Endpoint": ["hostname", "nodeName", "zone"],
  "discovery.v1.EndpointConditions": ["ready", "serving", "terminating"],
  "discovery.v1.EndpointPort": ["name", "protocol", "port", "appProtocol"],
  "core.v1.Event": ["series"],
  "meta.v1.ObjectMeta": ["deletionGracePeriodSeconds"],
  "meta.v1.OwnerReference": ["controller", "blockOwnerDeletion"],
  "meta.v1.DeleteOptions": ["gracePeriodSeconds", "orphanDependents", "propagationPolicy", "ignoreStoreReadErrorWithClusterBreakingPotential"],
};

// ---- a protobuf reader just big enough for descriptor.proto ----
function* fields(buf) {
  let i = 0;
  const varint = () => {
    let v = 0n, shift = 0n;
    for (;;) {
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3, wire = key & 7;
    if (wire === 0) yield [no, Number(varint())];
    else if (wire === 2) { const n = Number(varint()); yield [no, buf.subarray(i, i + n)]; i += n; }
    else if (wire === 1) { i += 8; }
    else if (wire === 5) { i += 4; }
    else throw new Error(`wire type ${wire}`);
  }
}

const messages = new Map(); // full name (no leading dot) -> DescriptorProto fields
function addMessage(prefix, desc) {
  let name = "";
  const fieldList = [];
  const nested = [];
  let mapEntry = false;
  for (const [no, v] of fields(desc)) {
    if (no === 1) name = v.toString();
    else if (no === 2) fieldList.push(v);
    else if (no === 3) nested.push(v);
    else if (no === 7) for (const [o, ov] of fields(v)) if (o === 7 && ov === 1) mapEntry = true;
  }
  const full = `${prefix}.${name}`;
  messages.set(full, { fields: fieldList.map(parseField), mapEntry });
  for (const n of nested) addMessage(full, n);
}
function parseField(buf) {
  const f = { name: "", number: 0, label: 1, type: 0, typeName: "" };
  for (const [no, v] of fields(buf)) {
    if (no === 1) f.name = v.toString();
    else if (no === 3) f.number = v;
    else if (no === 4) f.label = v;
    else if (no === 5) f.type = v;
    else if (no === 6) f.typeName = v.toString().replace(/^\./, "");
  }
  return f;
}

const binary = readFileSync(BINARY);
const magic = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
for (let i = binary.indexOf(magic); i >= 0; i = binary.indexOf(magic, i + 1)) {
  let out;
  try {
    out = gunzipSync(binary.subarray(i, i + (1 << 20)), { finishFlush: 2 });
  } catch {
    continue;
  }
  let name = "", pkg = "";
  const descs = [];
  try {
    for (const [no, v] of fields(out)) {
      if (no === 1) name = v.toString();
      else if (no === 2) pkg = v.toString();
      else if (no === 4) descs.push(v);
    }
  } catch {
    continue;
  }
  if (!name.startsWith("k8s.io/") || !name.endsWith("generated.proto")) continue;
  for (const d of descs) addMessage(pkg, d);
}

const short = (full) => full.replace(/^k8s\.io\.api\./, "").replace(/^k8s\.io\.apimachinery\.pkg\.apis\./, "");
const SCALARS = { 1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 8: "bool", 9: "string", 12: "bytes", 13: "uint32", 17: "sint32", 18: "sint64" };

const out = new Map();
function typeOf(f) {
  if (f.type !== 11) {
    const t = SCALARS[f.type];
    if (t === undefined) throw new Error(`unsupported field type ${f.type} (${f.name})`);
    return t;
  }
  if (SPECIAL[f.typeName]) return SPECIAL[f.typeName];
  const m = messages.get(f.typeName);
  if (m === undefined) throw new Error(`message ${f.typeName} not found`);
  if (m.mapEntry) {
    const value = m.fields.find((x) => x.number === 2);
    return `map:${typeOf(value)}`;
  }
  visit(f.typeName);
  return short(f.typeName);
}
function visit(full) {
  const key = short(full);
  if (out.has(key)) return;
  const m = messages.get(full);
  if (m === undefined) throw new Error(`message ${full} not found in ${BINARY}`);
  const rows = [];
  out.set(key, rows);
  const pointers = new Set(POINTERS[key] ?? []);
  for (const f of m.fields) {
    const type = typeOf(f);
    const flags = f.label === 3 && !type.startsWith("map:") ? "repeated" : pointers.has(f.name) ? "pointer" : "";
    rows.push(flags === "" ? [f.number, f.name, type] : [f.number, f.name, type, flags]);
  }
}
for (const r of ROOTS) visit(r);
for (const [msg, names] of Object.entries(POINTERS)) {
  if (!out.has(msg)) continue;
  for (const n of names) if (!out.get(msg).some((r) => r[1] === n)) throw new Error(`${msg}.${n}: no such field`);
}

const lines = [...out].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, rows]) => `  ${JSON.stringify(k)}: [${rows.map((r) => JSON.stringify(r)).join(", ")}],`);
writeFileSync(
  OUT,
  `// Generated by scripts/protobuf-schema.mjs from the descriptors in kubectl 1.32 (k8s.io/api and
// k8s.io/apimachinery v0.32 generated.proto); do not edit. Each field: [number, JSON name, type, flag?].
// Types: scalars, "map:<value type>", a message name, or one of apimachinery's custom JSON forms
// (time, microtime, duration, quantity, intorstring, raw). Flags: "repeated", or "pointer" for scalars
// that are pointers in the Go types (present on the wire only when set).
import type { MessageSchema } from "./types";

export const MESSAGES: Readonly<Record<string, MessageSchema>> = {
${lines.join("\n")}
};
`,
);
console.log(`${out.size} messages -> ${OUT}`);
