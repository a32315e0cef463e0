// Patch bodies that are not JSON, as `kubectl patch --local --type merge -p`
// (kubectl 1.32, sigs.k8s.io/yaml over go-yaml v2) reads them: the error line
// it prints, or the value it patches with.
import { describe, expect, it } from "vitest";
import { KubectlError } from "../status";
import { localPatch } from "./local";

const service = { apiVersion: "v1", kind: "Service", metadata: { name: "s" } };

const CASES: [body: string, expected: Record<string, unknown> | string][] = [
  ["spec: [", 'error: unable to parse "spec: [": yaml: line 1: did not find expected node content'],
  ["[1,2", "error: unable to parse \"[1,2\": yaml: line 1: did not find expected ',' or ']'"],
  ["[1,", 'error: unable to parse "[1,": yaml: line 1: did not find expected node content'],
  ["a: b: c", 'error: unable to parse "a: b: c": yaml: mapping values are not allowed in this context'],
  ["a:\n  - b\n c: d", 'error: unable to parse "a:\\n  - b\\n c: d": yaml: line 2: did not find expected key'],
  ["\tspec: 1", 'error: unable to parse "\\tspec: 1": yaml: found character that cannot start any token'],
  ["x: 1\n\tspec: 1", 'error: unable to parse "x: 1\\n\\tspec: 1": yaml: line 2: found a tab character that violates indentation'],
  ["a: 'x", 'error: unable to parse "a: \'x": yaml: found unexpected end of stream'],
  ["x: 1\ny: 'z", 'error: unable to parse "x: 1\\ny: \'z": yaml: line 2: found unexpected end of stream'],
  ["*x", "error: unable to parse \"*x\": yaml: unknown anchor 'x' referenced"],
  ["a: {b: 1", "error: unable to parse \"a: {b: 1\": yaml: line 1: did not find expected ',' or '}'"],
  ["a: @x", 'error: unable to parse "a: @x": yaml: found character that cannot start any token'],
  ["- a\nb: 1", "error: unable to parse \"- a\\nb: 1\": yaml: line 1: did not find expected '-' indicator"],
  ["x: 1\na: b: c", 'error: unable to parse "x: 1\\na: b: c": yaml: line 2: mapping values are not allowed in this context'],
  ["- op: add", "error: json: cannot unmarshal array into Go value of type unstructured.detector"],
  ["foo", "error: Invalid JSON Patch"],
  ["{a: 1}", "error: Invalid JSON Patch"],
  // The last of duplicate keys wins; YAML 1.1 scalars.
  ["a: 1\na: 2", { ...service, a: 2 }],
  ["a: 0777", { ...service, a: 511 }],
  ["a: yes", { ...service, a: true }],
  ["a: 1e3", { ...service, a: 1000 }],
  ["a:\n- b\n-c: d", { ...service, a: ["b"], "-c": "d" }],
];

describe("YAML patch bodies as go-yaml v2 reads them", () => {
  it.each(CASES)("%j", (body, expected) => {
    let got: unknown;
    try {
      got = localPatch(service, body, "merge");
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      got = e.message;
    }
    expect(got).toEqual(expected);
  });
});
