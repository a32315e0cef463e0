import { describe, expect, it } from "vitest";
import { ResourceStore, type WatchEvent } from "./storage";

describe("ResourceStore", () => {
  it("stamps increasing resourceVersions and emits ADDED, MODIFIED, DELETED", () => {
    let v = 0;
    const store = new ResourceStore(() => String(++v));
    const events: WatchEvent[] = [];
    store.watch((e) => events.push(e));
    const a = store.insert({ metadata: { name: "a", namespace: "default" } });
    const b = store.replace({ ...a, spec: 1 }, a);
    store.remove(b);
    expect(events.map((e) => [e.type, e.object.metadata?.resourceVersion])).toEqual([
      ["ADDED", "1"],
      ["MODIFIED", "2"],
      ["DELETED", "3"],
    ]);
    expect(events[1]?.old).toBe(a);
    expect(store.get("default", "a")).toBeUndefined();
  });

  it("lists by namespace, sorted by name", () => {
    const store = new ResourceStore(() => "1");
    for (const [ns, name] of [["b", "y"], ["a-b", "w"], ["a", "z"], ["a", "x"]] as const) store.insert({ metadata: { name, namespace: ns } });
    expect(store.list("a").map((o) => o.metadata?.name)).toEqual(["x", "z"]);
    expect(store.list().map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`)).toEqual(["a/x", "a/z", "a-b/w", "b/y"]);
  });
});
