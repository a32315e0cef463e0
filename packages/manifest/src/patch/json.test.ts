// JSON patch cases from evanphx/json-patch's patch_test.go (Cases, BadCases,
// TestCases), plus the departures from RFC 6902 kubectl users meet (leading
// zeros, `add` without `value`, `replace` and `copy` of a missing key, a path
// without a leading slash). Each document is wrapped into a Service so the
// whole `kubectl patch --local --type json` front is exercised; the expected
// results and messages are what kubectl 1.32 printed for them.
import { describe, expect, it } from "vitest";
import { KubectlError } from "../status";
import { jsonPatch } from "./json";
import { localPatch } from "./local";

const CASES: [doc: string, patch: string, expected: Record<string, unknown> | string][] = [
  ["{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]", "error: add operation does not apply: doc is missing path: \"/baz/bat\": missing value"],
  ["{\"a\":{\"b\":{\"d\":1}}}", "[{\"op\":\"remove\",\"path\":\"/a/b/c\"}]", "error: error in remove for path: '/a/b/c': Unable to remove nonexistent key: c: missing value"],
  ["{\"a\":{\"b\":{\"d\":1}}}", "[{\"op\":\"move\",\"from\":\"/a/b/c\",\"path\":\"/a/b/e\"}]", "error: error in move for path: 'c': Unable to remove nonexistent key: c: missing value"],
  ["{\"a\":{\"b\":[1]}}", "[{\"op\":\"remove\",\"path\":\"/a/b/1\"}]", "error: error in remove for path: '/a/b/1': Unable to access invalid index: 1: invalid index referenced"],
  ["{\"a\":{\"b\":[1]}}", "[{\"op\":\"move\",\"from\":\"/a/b/1\",\"path\":\"/a/b/2\"}]", "error: error in move for path: '1': Unable to access invalid index: 1: invalid index referenced"],
  ["{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"pathz\":\"/baz\",\"value\":\"qux\"}]", "error: add operation failed to decode path: missing value"],
  ["{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"\",\"value\":\"qux\"}]", "error: add operation does not apply: doc is missing path: \"\": missing value"],
  ["{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"replace\",\"path\":\"/foo/2\",\"value\":\"bum\"}]", "error: Object to be patched is missing field (/foo/2: missing value)"],
  ["{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-4\",\"value\":\"bum\"}]", "error: error in add for path: '/foo/-4': Unable to access invalid index: -4: invalid index referenced"],
  ["{\"name\":{\"foo\":\"bat\",\"qux\":\"bum\"}}", "[{\"op\":\"replace\",\"path\":\"/foo/bar\",\"value\":\"baz\"}]", "error: replace operation does not apply: doc is missing path: /foo/bar: missing value"],
  ["{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/2\",\"value\":\"bum\"}]", "error: error in add for path: '/foo/2': Unable to access invalid index: 2: invalid index referenced"],
  ["{\"foo\":[]}", "[{\"op\":\"remove\",\"path\":\"/foo/-\"}]", "error: error in remove for path: '/foo/-': strconv.Atoi: parsing \"-\": invalid syntax"],
  ["{\"foo\":[]}", "[{\"op\":\"remove\",\"path\":\"/foo/-1\"}]", "error: error in remove for path: '/foo/-1': Unable to access invalid index: -1: invalid index referenced"],
  ["{\"foo\":[\"bar\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/-2\"}]", "error: error in remove for path: '/foo/-2': Unable to access invalid index: -2: invalid index referenced"],
  ["{}", "[{\"op\":null,\"path\":\"\"}]", "error: Unexpected kind: unknown"],
  ["{}", "[{\"op\":\"add\",\"path\":null}]", "error: add operation failed to decode path: missing value"],
  ["{}", "[{\"op\":\"copy\",\"from\":null}]", "error: copy operation failed to decode from: operation, missing from field: missing value"],
  ["{\"foo\":[\"bar\"]}", "[{\"op\":\"copy\",\"path\":\"/foo/6666666666\",\"from\":\"/\"}]", "error: error while adding value during copy: Unable to access invalid index: 6666666666: invalid index referenced"],
  ["{\"foo\":[\"bar\"]}", "[{\"op\":\"copy\",\"path\":\"/foo/2\",\"from\":\"/foo/0\"}]", "error: error while adding value during copy: Unable to access invalid index: 2: invalid index referenced"],
  ["{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}", "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/4\"}]", "error: error in move for path: '/foo/4': Unable to access invalid index: 4: invalid index referenced"],
  ["{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", "error: testing value /baz failed: test failed"],
  ["{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":\"c\"}]", "error: testing value /foo/1 failed: test failed"],
  ["{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/foo\",\"value\":42}]", "error: testing value /foo failed: test failed"],
  ["{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/foo\",\"value\":null}]", {"baz":"qux"}],
  ["{\"foo\":null}", "[{\"op\":\"test\",\"path\":\"/foo\",\"value\":null}]", {"foo":null}],
  ["{\"foo\":{}}", "[{\"op\":\"test\",\"path\":\"/foo\",\"value\":null}]", "error: testing value /foo failed: test failed"],
  ["{\"foo\":[]}", "[{\"op\":\"test\",\"path\":\"/foo\",\"value\":null}]", "error: testing value /foo failed: test failed"],
  ["{\"baz/foo\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz~1foo\",\"value\":\"qux\"}]", {"baz/foo":"qux"}],
  ["{\"foo\":[]}", "[{\"op\":\"test\",\"path\":\"/foo\"}]", "error: testing value /foo failed: test failed"],
  ["{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/-2\"}]", {"foo":["bar","baz"]}],
  ["{\"foo\":[]}", "[{\"op\":\"add\",\"path\":\"/foo/-1\",\"value\":\"qux\"}]", {"foo":["qux"]}],
  ["{\"foo\":[\"bar\"]}", "[{\"op\":\"copy\",\"path\":\"/foo/0\",\"from\":\"/foo\"}]", {"foo":[["bar"],"bar"]}],
  ["{\"foo\":\"bar\",\"qux\":{\"baz\":1,\"bar\":null}}", "[{\"op\":\"remove\",\"path\":\"/qux/bar\"}]", {"foo":"bar","qux":{"baz":1}}],
  ["{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}", "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]", {"foo":["all","cows","eat","grass"]}],
  ["{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/01\",\"value\":\"x\"}]", {"foo":["bar","x"]}],
  ["{\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/nope\",\"value\":1}]", {"foo":"bar","nope":1}],
  ["{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\"}]", {"baz":null,"foo":"bar"}],
  ["{\"foo\":\"bar\"}", "[{\"op\":\"copy\",\"from\":\"/nope\",\"path\":\"/baz\"}]", {"baz":null,"foo":"bar"}],
  ["{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"x/baz\",\"value\":1}]", {"baz":1,"foo":"bar"}],
  ["{\"foo\":[1,2]}", "[{\"op\":\"replace\",\"path\":\"/foo/x\",\"value\":1}]", "error: Object to be patched is missing field (/foo/x: missing value)"],
  ["{\"foo\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/foo/x\",\"value\":1}]", "error: error in add for path: '/foo/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax"],
  ["{\"foo\":[1,2]}", "[{\"op\":\"remove\",\"path\":\"/foo/x\"}]", "error: error in remove for path: '/foo/x': strconv.Atoi: parsing \"x\": invalid syntax"],
  ["{\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/__proto__\"}]", "error: error in remove for path: '/__proto__': Unable to remove nonexistent key: __proto__: missing value"],
  ["{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/__proto__/polluted\",\"value\":1}]", "error: add operation does not apply: doc is missing path: \"/__proto__/polluted\": missing value"],
  ["{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/__proto__\",\"value\":{\"polluted\":1}}]", JSON.parse('{"__proto__":{"polluted":1},"foo":"bar"}') as Record<string, unknown>], // a literal would set the prototype
];

function run(doc: string, patch: string): unknown {
  const object = { apiVersion: "v1", kind: "Service", metadata: { name: "x" }, ...(JSON.parse(doc) as Record<string, unknown>) };
  try {
    const out = { ...(localPatch(object, patch, "json") as Record<string, unknown>) };
    delete out.apiVersion;
    delete out.kind;
    delete out.metadata;
    return out;
  } catch (e) {
    if (e instanceof KubectlError) return e.message;
    throw e;
  }
}

describe("JSON patch as evanphx/json-patch v4.12 (kubectl 1.32)", () => {
  it.each(CASES)("%s with %s", (doc, patch, expected) => {
    expect(run(doc, patch)).toEqual(expected);
  });

  // evanphx Cases on documents that are arrays (kubectl only patches objects;
  // the source compares these results as maps, i.e. not at all, so the
  // expectations here are RFC 6902's).
  it.each([
    ['[{"foo":["bar","qux","baz"]}]', [{ op: "replace", path: "/0/foo/0", value: "bum" }], [{ foo: ["bum", "qux", "baz"] }]],
    ['[{"foo":["bar","qux","baz"],"bar":["qux","baz"]}]', [{ op: "copy", from: "/0/foo/0", path: "/0/bar/0" }], [{ foo: ["bar", "qux", "baz"], bar: ["bar", "qux", "baz"] }]],
    ['[{"foo":["bar","qux","baz"],"bar":["qux","baz"]}]', [{ op: "copy", from: "/0/foo/0", path: "/0/bar" }], [{ foo: ["bar", "qux", "baz"], bar: "bar" }]],
    ['[{"foo":{"bar":["qux","baz"]},"baz":{"qux":"bum"}}]', [{ op: "copy", from: "/0/foo/bar", path: "/0/baz/bar" }], [{ foo: { bar: ["qux", "baz"] }, baz: { qux: "bum", bar: ["qux", "baz"] } }]],
  ])("array document %s", (doc, ops, expected) => {
    expect(jsonPatch(JSON.parse(doc), ops)).toEqual(expected);
  });

  it("keeps __proto__ and constructor as plain keys", () => {
    const out = jsonPatch({}, [
      { op: "add", path: "/__proto__", value: { polluted: 1 } },
      { op: "add", path: "/__proto__/polluted", value: 2 },
      { op: "add", path: "/constructor", value: { prototype: 1 } },
    ]) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});
