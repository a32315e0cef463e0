import { describe, expect, it } from "vitest";
import type { KubeObject } from "./kinds";
import { toJson, toYaml } from "./print";

const svc = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "s", labels: { z: "1", a: "true" } },
  spec: { type: "ClusterIP", ports: [{ port: 80, protocol: "TCP", targetPort: 80 }], selector: {} },
} as KubeObject;

describe("kubectl -o yaml", () => {
  it("sorts keys, does not indent sequences, quotes only when needed", () => {
    expect(toYaml(svc)).toBe(`apiVersion: v1
kind: Service
metadata:
  labels:
    a: "true"
    z: "1"
  name: s
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector: {}
  type: ClusterIP
`);
  });

  it.each([
    ["plain", "nginx:1.25", "nginx:1.25"],
    ["empty", "", '""'],
    ["bool-like", "on", '"on"'],
    ["number-like", "0755", '"0755"'],
    ["float-like", "1e3", '"1e3"'],
    ["timestamp", "2023-03-01T00:00:00Z", '"2023-03-01T00:00:00Z"'],
    ["indicator", "*", "'*'"],
    ["colon-space", "a: b", "'a: b'"],
    ["quote inside", "it's", "it's"],
    ["leading dash", "- x", "'- x'"],
    ["multi-line", "a\nb\n", "|\n      a\n      b"],
    ["multi-line without newline", "a\nb", "|-\n      a\n      b"],
    ["only newlines", "\n\n", '"\\n\\n"'],
  ])("%s", (_n, value, printed) => {
    expect(toYaml({ apiVersion: "v1", kind: "Namespace", metadata: { annotations: { k: value } } } as KubeObject)).toContain(`  annotations:\n    k: ${printed}\n`);
  });

  it("breaks long plain scalars at a space past column 80, like go-yaml", () => {
    const words = "the quick brown fox jumps over the lazy dog again and again until the line is long enough to fold";
    const text = toYaml({ apiVersion: "v1", kind: "Namespace", metadata: { annotations: { description: words } } } as KubeObject);
    expect(text).toContain(
      "    description: the quick brown fox jumps over the lazy dog again and again until\n      the line is long enough to fold\n",
    );
  });

  it("prints several objects as a List", () => {
    expect(toYaml([svc])).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n[\s\S]*kind: List\nmetadata:\n  resourceVersion: ""\n$/);
  });
});

describe("kubectl -o json", () => {
  it("indents with 4 spaces, sorts keys and escapes HTML like Go", () => {
    const text = toJson({ apiVersion: "v1", kind: "Namespace", metadata: { name: "n", annotations: { x: "<a&b>" } } } as KubeObject);
    expect(text).toBe(`{
    "apiVersion": "v1",
    "kind": "Namespace",
    "metadata": {
        "annotations": {
            "x": "\\u003ca\\u0026b\\u003e"
        },
        "name": "n"
    }
}
`);
  });
});
