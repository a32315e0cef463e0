import { describe, expect, it } from "vitest";
import type { Pod, Service } from "kubernetes-types/core/v1";
import type { Deployment } from "kubernetes-types/apps/v1";
import { admitCreate } from "../admission";
import { renderKubectlError } from "../status";
import { patchObject, strategicMergePatch } from "./index";
import { jsonPatch } from "./json";
import { mergePatch } from "./merge";

const service = (): Service =>
  admitCreate({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "s", finalizers: ["a"] },
    spec: { type: "NodePort", selector: { app: "a" }, ports: [{ name: "http", port: 80, nodePort: 30080 }, { name: "https", port: 443, nodePort: 30443 }] },
  }) as Service;

const deployment = (): Deployment =>
  admitCreate({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d" },
    spec: {
      selector: { matchLabels: { app: "x" } },
      template: {
        metadata: { labels: { app: "x" } },
        spec: { containers: [{ name: "web", image: "nginx:1", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] }, { name: "side", image: "busybox:1" }] },
      },
    },
  }) as Deployment;

function patchMessage(f: () => unknown): string {
  try {
    f();
    return "";
  } catch (e) {
    return renderKubectlError(e);
  }
}

describe("strategic merge patch", () => {
  it("merges ports by port, keeping the others", () => {
    const { object } = patchObject(service(), { spec: { ports: [{ port: 443, nodePort: 30444 }] } });
    expect((object as Service).spec!.ports!.map((p) => [p.port, p.nodePort])).toEqual([
      [80, 30080],
      [443, 30444],
    ]);
  });

  it("merges containers and env by name; $patch delete removes an item", () => {
    const { object } = patchObject(deployment(), {
      spec: { template: { spec: { containers: [{ name: "web", image: "nginx:2", env: [{ name: "B", $patch: "delete" }, { name: "C", value: "3" }] }] } } },
    });
    const containers = (object as Deployment).spec!.template.spec!.containers;
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ["web", "nginx:2"],
      ["side", "busybox:1"],
    ]);
    // As kubectl 1.32 orders it: items only the patch has come first.
    expect(containers[0]!.env).toEqual([
      { name: "C", value: "3" },
      { name: "A", value: "1" },
    ]);
    expect((object as Deployment).metadata?.generation).toBe(2);
  });

  it("$patch: replace replaces a list or a map", () => {
    const { object } = patchObject(service(), { spec: { ports: [{ $patch: "replace" }, { name: "x", port: 8080 }] } });
    expect((object as Service).spec!.ports!.map((p) => p.port)).toEqual([8080]);
    const replaced = strategicMergePatch({ spec: { selector: { a: "1", b: "2" } } }, { spec: { selector: { $patch: "replace", c: "3" } } }, "Service");
    expect(replaced).toEqual({ spec: { selector: { c: "3" } } });
  });

  it("finalizers merge as a set; $deleteFromPrimitiveList removes", () => {
    const added = patchObject(service(), { metadata: { finalizers: ["b", "a"] } }).object;
    // kubectl 1.32 orders a merged set by the patch.
    expect(added.metadata?.finalizers).toEqual(["b", "a"]);
    const removed = patchObject(added, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } }).object;
    expect(removed.metadata?.finalizers).toEqual(["b"]);
  });

  it("non-merge lists are replaced; null deletes a key", () => {
    const s = patchObject(service(), { spec: { selector: { app: null, tier: "web" }, externalIPs: ["10.0.0.1"] } }).object as Service;
    expect(s.spec!.selector).toEqual({ tier: "web" });
    const s2 = patchObject(s, { spec: { externalIPs: ["10.0.0.2"] } }).object as Service;
    expect(s2.spec!.externalIPs).toEqual(["10.0.0.2"]);
  });

  it("reports a missing merge key", () => {
    expect(patchMessage(() => patchObject(service(), { spec: { ports: [{ name: "x" }] } }))).toBe(
      "Error from server (BadRequest): map: map[name:x] does not contain declared merge key: port",
    );
  });
});

describe("patch admission", () => {
  it("reruns validation and changes nothing on failure", () => {
    const s = service();
    const before = JSON.stringify(s);
    expect(patchMessage(() => patchObject(s, { spec: { sessionAffinity: "Sticky" } }))).toBe(
      'The Service "s" is invalid: spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
    );
    expect(JSON.stringify(s)).toBe(before);
  });

  it("reruns defaulting: ClientIP gets the default timeout", () => {
    const s = patchObject(service(), { spec: { sessionAffinity: "ClientIP" } }).object as Service;
    expect(s.spec!.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
  });

  it("unknown fields warn by default (kubectl patch) and fail under Strict (apply)", () => {
    const r = patchObject(service(), '{"spec":{"foo":1}}');
    expect(r.warnings).toEqual(['unknown field "spec.foo"']);
    expect(r.changed).toBe(false);
    expect(patchMessage(() => patchObject(service(), '{"spec":{"foo":1}}', "strategic", { fieldValidation: "Strict" }))).toBe(
      'The request is invalid: patch: Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"',
    );
  });

  it("type errors in a patch are invalid patches", () => {
    expect(patchMessage(() => patchObject(service(), { spec: { ports: [{ port: "x" }] } }, "merge"))).toMatch(
      /^The request is invalid: patch: Invalid value: "\{.*\}": json: cannot unmarshal string into Go struct field ServicePort\.spec\.ports\.port of type int32$/,
    );
  });

  it("merge patch replaces lists", () => {
    const s = patchObject(service(), { spec: { ports: [{ port: 8080 }] } }, "merge").object as Service;
    expect(s.spec!.ports).toEqual([{ port: 8080, protocol: "TCP", targetPort: 8080 }]);
  });

  it("json patch", () => {
    const s = patchObject(service(), '[{"op":"replace","path":"/spec/ports/0/port","value":8080}]', "json").object as Service;
    expect(s.spec!.ports![0]!.port).toBe(8080);
    expect(patchMessage(() => patchObject(service(), [{ op: "replace", path: "/spec/nope/x", value: 1 }], "json"))).toBe(
      'The request is invalid: : replace operation does not apply: doc is missing path: /spec/nope/x: missing value',
    );
  });

  it("name changes are refused", () => {
    expect(patchMessage(() => patchObject(service(), { metadata: { name: "t" } }))).toBe(
      "Error from server (BadRequest): the name of the object (t) does not match the name on the URL (s)",
    );
  });

  it("detects no-op patches", () => {
    const p = admitCreate({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "i:1" }] } }) as Pod;
    expect(patchObject(p, { spec: { containers: [{ name: "c", image: "i:1" }] } }).changed).toBe(false);
    expect(patchObject(p, { spec: { containers: [{ name: "c", image: "i:2" }] } }).changed).toBe(true);
  });
});

describe("prototype pollution", () => {
  it("merge, strategic and json patches keep __proto__ as data", () => {
    const evil = JSON.parse('{"__proto__": {"polluted": 1}, "a": {"__proto__": {"polluted": 2}}}') as unknown;
    const merged = mergePatch({}, evil) as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(["__proto__", "a"]);
    strategicMergePatch({}, evil, "Service");
    expect(() => jsonPatch({}, [{ op: "add", path: "/__proto__/polluted", value: 1 }])).toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a __proto__ key in a patch is an unknown field", () => {
    const r = patchObject(service(), '{"spec":{"__proto__":{"x":1}}}');
    expect(r.warnings).toEqual(['unknown field "spec.__proto__"']);
  });
});

describe("parsePatch", () => {
  it("accepts YAML as kubectl does and names bad input", () => {
    expect(patchObject(service(), "spec:\n  sessionAffinity: ClientIP\n").object.kind).toBe("Service");
    expect(patchMessage(() => patchObject(service(), '{"spec": {'))).toMatch(/^error: unable to parse "\{\\"spec\\": \{": yaml: line 1, column \d+: /);
  });
});
