// Strategic merge patch cases from apimachinery's strategicpatch patch_test.go
// (customStrategicMergePatchTestCaseData, customStrategicMergePatchRawTestCases,
// createStrategicMergePatchTestCaseData, strategicMergePatchRawTestCases),
// moved onto our kinds: the test type's `mergingList` (merge key name) is a
// Pod's containers (`value` -> image, `other` -> workingDir), `mergingIntList`
// the finalizers, `simpleMap` the labels, `nonMergingList` the tolerations,
// `retainKeysMergingList` the volumes. Every expectation was checked against
// kubectl 1.32 (`kubectl patch --local`), which also fixes the list orders the
// source leaves to sorting.
import { describe, expect, it } from "vitest";
import { KubectlError } from "../status";
import { localPatch } from "./local";

type Obj = Record<string, unknown>;
const c = (name: string, image?: string, workingDir?: string): Obj => ({ name, ...(image ? { image } : {}), ...(workingDir ? { workingDir } : {}) });
const pod = (spec: Obj, metadata: Obj = {}): Obj => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", ...metadata }, spec });
const withFinalizers = (finalizers: unknown[]): Obj => pod({}, { finalizers });

interface Case {
  readonly name: string;
  readonly original: Obj;
  readonly patch: Obj | string;
  /** The patched object, or kubectl's error line. */
  readonly expected: Obj | string;
}

const CASES: Case[] = [
  { name: "unique scalars when merging lists", original: withFinalizers(["1", "2"]), patch: { metadata: { finalizers: ["2", "3"] } }, expected: withFinalizers(["1", "2", "3"]) },
  { name: "delete map from nested map", original: pod({}, { labels: { key1: "1", key2: "1" } }), patch: { metadata: { labels: { $patch: "delete" } } }, expected: pod({}, { labels: {} }) },
  {
    name: "delete all items from merging list",
    original: pod({ containers: [c("1"), c("2")] }),
    patch: { spec: { containers: [{ $patch: "replace" }] } },
    expected: pod({ containers: [] }),
  },
  { name: "merge empty merging lists", original: pod({ containers: [] }), patch: { spec: { containers: [] } }, expected: pod({ containers: [] }) },
  { name: "delete all keys from map", original: pod({ restartPolicy: "Always", hostname: "h" }), patch: { spec: { $patch: "replace" } }, expected: pod({}) },
  { name: "add key and delete all keys from map", original: pod({ restartPolicy: "Always", hostname: "h" }), patch: { spec: { subdomain: "a", $patch: "replace" } }, expected: pod({ subdomain: "a" }) },
  {
    name: "de-duplicate entries in a merging list",
    original: pod({ containers: [c("1"), c("1"), c("2", "a"), c("3"), c("3")] }),
    patch: { spec: { containers: [{ name: "1", $patch: "delete" }, { name: "3", $patch: "delete" }] } },
    // kubectl 1.32 deletes every item with the key (the source expects one of each to stay).
    expected: pod({ containers: [c("2", "a")] }),
  },
  {
    name: "retainKeys list can add, change and delete a field without a retainKeys directive",
    original: pod({ volumes: [{ name: "bar" }, { name: "foo", hostPath: { path: "/a" } }] }),
    patch: { spec: { volumes: [{ name: "foo", hostPath: null, emptyDir: {} }] } },
    expected: pod({ volumes: [{ name: "bar" }, { name: "foo", emptyDir: {} }] }),
  },
  {
    name: "preserve the order from the patch in a merging list",
    original: pod({ containers: [c("1"), c("2", "b"), c("3")] }),
    patch: { spec: { containers: [c("3", "c"), c("1", "a"), c("2", undefined, "x")] } },
    expected: pod({ containers: [c("3", "c"), c("1", "a"), c("2", "b", "x")] }),
  },
  {
    name: "preserve the order from the patch in a merging list 2",
    original: pod({ containers: [c("1"), c("2", "b"), c("3")] }),
    patch: { spec: { containers: [c("3", "c"), c("1", "a")] } },
    expected: pod({ containers: [c("2", "b"), c("3", "c"), c("1", "a")] }),
  },
  { name: "preserve the order from the patch in a merging int list", original: withFinalizers(["1", "2", "3"]), patch: { metadata: { finalizers: ["3", "1", "2"] } }, expected: withFinalizers(["3", "1", "2"]) },
  { name: "preserve the order from the patch in a merging int list 2", original: withFinalizers(["1", "2", "3"]), patch: { metadata: { finalizers: ["3", "1"] } }, expected: withFinalizers(["2", "3", "1"]) },
  {
    name: "$setElementOrder contains an item not in the list to be merged",
    original: pod({ containers: [c("1"), c("3")] }),
    patch: { spec: { "$setElementOrder/containers": [{ name: "3" }, { name: "2" }, { name: "1" }], containers: [c("3", "3"), c("1", "1")] } },
    expected: pod({ containers: [c("3", "3"), c("1", "1")] }),
  },
  {
    name: "$setElementOrder contains an item not in the int list to be merged",
    original: withFinalizers(["1", "3"]),
    patch: { metadata: { "$setElementOrder/finalizers": ["3", "2", "1"] } },
    expected: withFinalizers(["3", "1"]),
  },
  {
    name: "the order in $setElementOrder and in the patch list must match",
    original: pod({ containers: [c("1"), c("3"), c("2")] }),
    patch: { spec: { "$setElementOrder/containers": [{ name: "1" }, { name: "2" }, { name: "3" }], containers: [c("3", "3"), c("1", "1")] } },
    expected: "error: The order in patch list:\n[map[image:3 name:3] map[image:1 name:1]]\n doesn't match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]",
  },
  {
    name: "the order in $setElementOrder and in the int patch list must match",
    original: withFinalizers(["1", "3", "2"]),
    patch: { metadata: { "$setElementOrder/finalizers": ["1", "2", "3"], finalizers: ["3", "1"] } },
    expected: "error: The order in patch list:\n[3 1]\n doesn't match $setElementOrder list:\n[1 2 3]",
  },
  {
    name: "a missing merge key is an error",
    original: pod({ containers: [c("1", "a")] }),
    patch: { spec: { containers: [{ image: "b" }] } },
    expected: "error: map: map[image:b] does not contain declared merge key: name",
  },
  {
    name: "delete field from nested map",
    original: pod({}, { labels: { key1: "1", key2: "1", other: "a" } }),
    patch: { metadata: { labels: { key2: null } } },
    expected: pod({}, { labels: { key1: "1", other: "a" } }),
  },
  {
    name: "defined null values remove fields and are not added",
    original: pod({ hostname: "a", subdomain: "a" }),
    patch: { spec: { hostname: "1", restartPolicy: "Never", subdomain: null, nodeName: null } },
    expected: pod({ hostname: "1", restartPolicy: "Never" }),
  },
  {
    name: "replace list of scalars / non-merging list",
    original: pod({ tolerations: [{ key: "1" }, { key: "2" }] }),
    patch: { spec: { tolerations: [{ key: "2" }, { key: "3" }] } },
    expected: pod({ tolerations: [{ key: "2" }, { key: "3" }] }),
  },
  {
    name: "delete all maps from merging list",
    original: pod({ containers: [c("1", undefined, "a"), c("2", undefined, "b")] }),
    patch: { spec: { containers: [{ name: "1", $patch: "delete" }, { name: "2", $patch: "delete" }] } },
    expected: pod({ containers: [] }),
  },
  {
    name: "delete all maps from an empty merging list",
    original: pod({ containers: [] }),
    patch: { spec: { containers: [{ name: "1", $patch: "delete" }, { name: "2", $patch: "delete" }] } },
    expected: pod({ containers: [] }),
  },
  {
    name: "delete items in lists of scalars",
    original: withFinalizers(["1", "2", "3", "4"]),
    patch: { metadata: { "$setElementOrder/finalizers": ["1", "2"], "$deleteFromPrimitiveList/finalizers": ["3"] } },
    expected: withFinalizers(["1", "2", "4"]),
  },
  {
    name: "delete all duplicate items in lists of scalars",
    original: withFinalizers(["1", "2", "3", "3", "4"]),
    patch: { metadata: { "$setElementOrder/finalizers": ["1", "2"], "$deleteFromPrimitiveList/finalizers": ["3"] } },
    expected: withFinalizers(["1", "2", "4"]),
  },
  {
    name: "add and delete items in lists of scalars",
    original: withFinalizers(["1", "2", "3", "4"]),
    patch: { metadata: { "$setElementOrder/finalizers": ["1", "2", "4"], "$deleteFromPrimitiveList/finalizers": ["3"] } },
    expected: withFinalizers(["1", "2", "4"]),
  },
  {
    name: "merge lists of maps with $setElementOrder",
    original: pod({ containers: [c("1", undefined, "a"), c("2", "2", "b")] }),
    patch: { spec: { "$setElementOrder/containers": [{ name: "4" }, { name: "1" }, { name: "2" }, { name: "3" }], containers: [c("4", "4"), c("3", "3")] } },
    expected: pod({ containers: [c("4", "4"), c("1", undefined, "a"), c("2", "2", "b"), c("3", "3")] }),
  },
  {
    name: "add field to map in merging list",
    original: pod({ containers: [c("1", undefined, "a"), c("2", "2", "b")] }),
    patch: { spec: { "$setElementOrder/containers": [{ name: "1" }, { name: "2" }], containers: [c("1", "1")] } },
    expected: pod({ containers: [c("1", "1", "a"), c("2", "2", "b")] }),
  },
  // Directives kubectl refuses, and a port on TCP and UDP (the merge key is the port alone).
  { name: "$patch: merge in a map", original: pod({}), patch: { spec: { nodeSelector: { $patch: "merge" } } }, expected: pod({}) },
  { name: "$patch: merge on a present map", original: pod({ nodeSelector: { a: "b" } }), patch: { spec: { nodeSelector: { $patch: "merge" } } }, expected: "error: unknown patch type: merge in map: map[$patch:merge]" },
  { name: "$patch: merge in a list", original: pod({ containers: [c("1")] }), patch: { spec: { containers: [{ $patch: "merge" }] } }, expected: "error: merging lists cannot yet be specified in the patch" },
  { name: "$retainKeys must be a list", original: pod({ containers: [c("1")] }), patch: { spec: { $retainKeys: "containers" } }, expected: "error: invalid patch format of retainKeys" },
  { name: "$retainKeys must name every key the patch sets", original: pod({ hostname: "h" }), patch: { spec: { $retainKeys: ["hostname"], subdomain: "s" } }, expected: "error: invalid patch format of retainKeys" },
  { name: "$retainKeys clears the keys it does not list", original: pod({ hostname: "h", subdomain: "s" }), patch: { spec: { $retainKeys: ["hostname"] } }, expected: pod({ hostname: "h" }) },
  {
    name: "ports on TCP and UDP share the merge key",
    original: { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 53, protocol: "TCP" }, { port: 53, protocol: "UDP" }] } },
    patch: { spec: { ports: [{ port: 53, protocol: "UDP", name: "dns" }, { port: 80 }] } },
    expected: { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 53, protocol: "UDP", name: "dns" }, { port: 53, protocol: "UDP" }, { port: 80 }] } },
  },
  {
    name: "deleting a port deletes it on every protocol",
    original: { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 53, protocol: "TCP" }, { port: 53, protocol: "UDP" }, { port: 80 }] } },
    patch: { spec: { ports: [{ port: 53, $patch: "delete" }] } },
    expected: { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80 }] } },
  },
  { name: "an invalid patch body", original: pod({}), patch: '{"spec": {', expected: "error: invalid JSON document" },
  { name: "a YAML patch body", original: pod({}), patch: "spec:\n  hostname: h\n", expected: pod({ hostname: "h" }) },
];

function run(original: Obj, patch: Obj | string): unknown {
  try {
    return localPatch(original, typeof patch === "string" ? patch : JSON.stringify(patch), "strategic");
  } catch (e) {
    if (e instanceof KubectlError) return e.message;
    throw e;
  }
}

describe("strategic merge patch as apimachinery strategicpatch (kubectl 1.32)", () => {
  it.each(CASES)("$name", ({ original, patch, expected }) => {
    expect(run(original, patch)).toEqual(expected);
  });

  it("a YAML syntax error names the patch and the line (go-yaml's wording differs)", () => {
    expect(run(pod({}), "spec: [")).toMatch(/^error: unable to parse "spec: \[": yaml: line 1[,:] /);
  });
});
