// Invariants over random input: printing round-trips, and nothing but a
// Kubernetes-shaped error ever escapes the pipeline.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admitCreate } from "./admission";
import { decodeManifest } from "./decode";
import { applyDefaults } from "./defaults";
import type { KubeObject } from "./kinds";
import { createThreeWayMergePatch, patchObject } from "./patch";
import { toJson, toYaml } from "./print";
import { KubectlError, StatusError } from "./status";
import { parseManifests } from "./yaml";

const text = fc.string({ maxLength: 12, unit: fc.constantFrom("a", "B", "0", "-", ".", " ", ":", "#", "'", '"', "\n", "*", "&", "y", "1", "_", "/", "é") });

const servicePort = fc.record(
  {
    name: text,
    port: fc.integer({ min: -5, max: 70000 }),
    targetPort: fc.oneof(fc.integer({ min: 0, max: 70000 }), text),
    protocol: fc.constantFrom("TCP", "UDP", "SCTP", "HTTP"),
    nodePort: fc.integer({ min: 0, max: 33000 }),
  },
  { requiredKeys: ["port"] },
);

const service = fc.record({
  apiVersion: fc.constant("v1"),
  kind: fc.constant("Service"),
  metadata: fc.record({ name: text, labels: fc.dictionary(text, text, { maxKeys: 3 }), annotations: fc.dictionary(text, text, { maxKeys: 3 }) }, { requiredKeys: ["name"] }),
  spec: fc.record(
    {
      type: fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "Foo"),
      ports: fc.array(servicePort, { maxLength: 3 }),
      selector: fc.dictionary(text, text, { maxKeys: 3 }),
      sessionAffinity: fc.constantFrom("None", "ClientIP", "ClusterIP"),
      sessionAffinityConfig: fc.record({ clientIP: fc.record({ timeoutSeconds: fc.integer({ min: -1, max: 90000 }) }) }),
      externalTrafficPolicy: fc.constantFrom("Cluster", "Local", "X"),
      externalIPs: fc.array(fc.ipV4(), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
});

/** Services the API server accepts: the re-apply property needs admitted objects. */
const validService = fc.record({
  apiVersion: fc.constant("v1"),
  kind: fc.constant("Service"),
  metadata: fc.record({ name: fc.constantFrom("s", "web-1"), labels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("a", "b-2")) }),
  spec: fc.record(
    {
      type: fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer"),
      ports: fc.uniqueArray(fc.record({ port: fc.integer({ min: 1, max: 65535 }), targetPort: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom("http", "metrics")), protocol: fc.constantFrom("TCP", "UDP") }), {
        minLength: 1,
        maxLength: 1,
      }),
      selector: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("a", "b")),
      sessionAffinity: fc.constantFrom("None", "ClientIP"),
    },
    { requiredKeys: ["ports"] },
  ),
});

function isKubernetesError(e: unknown): boolean {
  return e instanceof StatusError || e instanceof KubectlError;
}

describe("properties", () => {
  it("parse -> print -> parse is stable for YAML and JSON", () => {
    fc.assert(
      fc.property(service, (raw) => {
        const obj = applyDefaults(decodeManifest(raw));
        const viaYaml = decodeManifest(parseManifests(toYaml(obj))[0]);
        expect(viaYaml).toEqual(obj);
        expect(toYaml(viaYaml)).toBe(toYaml(obj));
        expect(decodeManifest(JSON.parse(toJson(obj)))).toEqual(obj);
      }),
      { numRuns: 150 },
    );
  });

  it("long folded scalars read back unchanged", () => {
    const sentence = fc.array(fc.constantFrom("alpha", "b", "  ", " ", "x'y", "#tag", "a:b", "-", "é", "verylongwordwithoutanyspaces"), { maxLength: 60 }).map((ws) => ws.join(" "));
    fc.assert(
      fc.property(sentence, text, (value, key) => {
        const obj = decodeManifest({ apiVersion: "v1", kind: "Namespace", metadata: { name: "n", annotations: { [key]: value } } });
        expect(decodeManifest(parseManifests(toYaml(obj))[0])).toEqual(obj);
      }),
      { numRuns: 200 },
    );
  });

  it("random objects only ever fail with decoding or validation errors", () => {
    const kinds = fc.constantFrom(["v1", "Service"], ["v1", "Pod"], ["apps/v1", "Deployment"], ["v1", "Namespace"], ["discovery.k8s.io/v1", "EndpointSlice"], ["v1", "Endpoints"], ["v1", "Servise"]);
    fc.assert(
      fc.property(kinds, fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), ([apiVersion, kind], spec, metadata) => {
        try {
          admitCreate({ apiVersion, kind, metadata, spec });
        } catch (e) {
          expect(isKubernetesError(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("random services are either admitted or rejected with a Status", () => {
    fc.assert(
      fc.property(service, (raw) => {
        try {
          const obj = admitCreate(raw);
          expect(obj.metadata?.namespace).toBe("default");
        } catch (e) {
          expect(isKubernetesError(e)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("random patches never throw anything else and never mutate the stored object", () => {
    const stored = [
      admitCreate({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { selector: { a: "b" }, ports: [{ port: 80 }] } }),
      admitCreate({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "d" },
        spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i:1", env: [{ name: "A" }] }] } } },
      }),
    ];
    const snapshot = JSON.stringify(stored);
    const containerPatch = fc.record({ name: fc.constantFrom("c", "d"), image: fc.string(), env: fc.array(fc.record({ name: fc.constantFrom("A", "B"), $patch: fc.constantFrom("delete", "replace", "merge") }, { requiredKeys: ["name"] })) }, { requiredKeys: ["name"] });
    const specPatch = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ template: fc.record({ spec: fc.record({ containers: fc.array(containerPatch, { maxLength: 3 }) }) }) }));
    fc.assert(
      fc.property(fc.constantFrom(...stored), fc.constantFrom("strategic", "merge", "json") as fc.Arbitrary<"strategic" | "merge" | "json">, specPatch, (obj: KubeObject, type, patch) => {
        try {
          patchObject(obj, type === "json" ? patch : { spec: patch }, type);
        } catch (e) {
          expect(isKubernetesError(e)).toBe(true);
        }
        expect(JSON.stringify(stored)).toBe(snapshot);
      }),
      { numRuns: 300 },
    );
  });

  it("re-applying the manifest an object was created from changes nothing", () => {
    fc.assert(
      fc.property(validService, (raw) => {
        const created = admitCreate(raw);
        const patch = createThreeWayMergePatch(raw, raw, created, "Service");
        expect(patchObject(created, patch, "strategic", { fieldValidation: "Strict" }).changed).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("random text fed to the parser fails only with a kubectl error", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: fc.constantFrom("a", ":", " ", "\n", "-", "[", "{", "}", "]", "&", "*", "!", "'", '"', "#", "|", ">", "\t", "1") }), (s) => {
        try {
          for (const d of parseManifests(s, "r.yaml")) decodeManifest(d);
        } catch (e) {
          expect(isKubernetesError(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
