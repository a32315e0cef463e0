import { describe, expect, it } from "vitest";
import { KubectlError, renderKubectlError } from "./status";
import { parseManifests } from "./yaml";

function parseMessage(text: string, file = "bad.yaml"): string {
  try {
    parseManifests(text, file);
    return "";
  } catch (e) {
    expect(e).toBeInstanceOf(KubectlError);
    return renderKubectlError(e);
  }
}

describe("parseManifests", () => {
  it("splits documents, skips empty ones and expands Lists", () => {
    const text = `---
apiVersion: v1
kind: Pod
metadata: {name: a}
---
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Service, metadata: {name: b}}
- {apiVersion: v1, kind: Service, metadata: {name: c}}
`;
    const docs = parseManifests(text, "f.yaml");
    expect(docs.map((d) => (d.value as { metadata: { name: string } }).metadata.name)).toEqual(["a", "b", "c"]);
    expect(docs.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(docs[0]!.line).toBe(2);
    expect(docs[0]!.file).toBe("f.yaml");
  });

  it("reads YAML 1.1 scalars like go-yaml and keeps timestamps as strings", () => {
    const [doc] = parseManifests("a: yes\nb: off\nc: 2023-03-01T00:00:00Z\nd: '80'\n");
    expect(doc!.value).toEqual({ a: true, b: false, c: "2023-03-01T00:00:00Z", d: "80" });
  });

  it("names file, line and column of a syntax error", () => {
    expect(parseMessage("apiVersion: v1\nkind: Service\nmetadata:\n  name: [x\n")).toMatch(
      /^error: error parsing bad\.yaml: error converting YAML to JSON: yaml: line \d+, column \d+: /,
    );
  });

  it("rejects duplicate keys", () => {
    expect(parseMessage("a: 1\na: 2\n")).toBe("error: error parsing bad.yaml: error converting YAML to JSON: yaml: line 2, column 1: Map keys must be unique");
  });

  it("refuses alias bombs", () => {
    const bomb = [
      "a: &a [x,x,x,x,x,x,x,x,x]",
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
    ].join("\n");
    expect(parseMessage(bomb)).toContain("Excessive alias count");
  });
});
