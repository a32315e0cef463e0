import { describe, expect, it } from "vitest";
import { threeWayPatch } from "./apply";

describe("threeWayPatch", () => {
  it("deletes what the user removed, keeps what others set, replaces changed lists", () => {
    const original = { spec: { replicas: 3, paused: false, ports: [{ port: 80 }] } };
    const modified = { spec: { replicas: 3, ports: [{ port: 8080 }] } };
    const current = { spec: { replicas: 5, paused: false, ports: [{ port: 80, protocol: "TCP" }], extra: 1 } };
    expect(threeWayPatch(original, modified, current)).toEqual({
      spec: { paused: null, replicas: 3, ports: [{ port: 8080 }, { $patch: "replace" }] },
    });
  });

  it("is empty when nothing changed", () => {
    const m = { spec: { type: "ClusterIP", ports: [{ port: 80 }] } };
    expect(threeWayPatch(m, structuredClone(m), { spec: { type: "ClusterIP", ports: [{ port: 80, protocol: "TCP" }], clusterIP: "10.96.1.1" } })).toEqual({});
  });
});
