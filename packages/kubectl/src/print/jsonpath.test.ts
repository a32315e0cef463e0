import { describe, expect, it } from "vitest";
import { JsonPathError, JsonPathExecutionError, jsonpath } from "./jsonpath";

const list = {
  kind: "List",
  items: [
    { metadata: { name: "a", labels: { "app.kubernetes.io/name": "x" } }, status: { podIP: "10.0.0.1", phase: "Running" }, spec: { ports: [{ port: 80 }] } },
    { metadata: { name: "b" }, status: { podIP: "10.0.0.2", phase: "Pending" }, spec: { ports: [{ port: 81 }, { port: 82 }] } },
  ],
};
const node = { status: { addresses: [{ type: "InternalIP", address: "172.18.0.3" }, { type: "Hostname", address: "kind-worker" }] } };

describe("jsonpath (kubectl -o jsonpath)", () => {
  it.each([
    ["{.items[*].metadata.name}", list, "a b"],
    ["{.items[0].status.podIP}", list, "10.0.0.1"],
    ["{.items[-1:].metadata.name}", list, "b"],
    ['{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', list, "a\tRunning\nb\tPending\n"],
    ['{.items[?(@.status.phase=="Pending")].metadata.name}', list, "b"],
    ["{.items[*].spec.ports[*].port}", list, "80 81 82"],
    ["{..podIP}", list, "10.0.0.1 10.0.0.2"],
    ["{.items[0].metadata.labels.app\\.kubernetes\\.io/name}", list, "x"],
    ['{.status.addresses[?(@.type=="InternalIP")].address}', node, "172.18.0.3"],
    ["{.items[0].spec}", list, '{"ports":[{"port":80}]}'],
    ["name: {.items[1].metadata.name}", list, "name: b"],
    ["{.nothing.here}", list, ""],
  ])("%s", (template, data, want) => {
    expect(jsonpath(template, data)).toBe(want);
  });

  it("rejects malformed templates", () => {
    expect(() => jsonpath("{.items[0]", list)).toThrow(JsonPathError);
    expect(() => jsonpath("{range .items[*]}{.x}", list)).toThrow(JsonPathError);
    expect(() => jsonpath("{.items[5].x}", list)).toThrow(JsonPathExecutionError);
  });
});
