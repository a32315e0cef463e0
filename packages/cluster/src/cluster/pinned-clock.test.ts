// `advancePinned`: virtual time passes, the wall clock the cluster shows does not.
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { createCluster } from "../index";

const POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n";

describe("advancePinned", () => {
  it("runs timers as advance does and moves every stored instant back by the time that passed", () => {
    const start = "2026-12-03T10:00:00Z";
    const pinned = createCluster({ seed: 3, startTime: start });
    const plain = createCluster({ seed: 3, startTime: start });
    for (const c of [pinned, plain]) c.apply(POD);
    const before = pinned.wallTime().getTime();
    pinned.advancePinned(60);
    plain.advance(60);

    expect(pinned.wallTime().getTime()).toBe(before);
    expect(plain.wallTime().getTime()).toBe(before + 60_000);
    const p = pinned.get<Pod>("pod", "web");
    const q = plain.get<Pod>("pod", "web");
    expect(p.status?.phase).toBe("Running");
    expect(p.metadata?.resourceVersion).toBe(q.metadata?.resourceVersion);
    // Every instant is the unpinned cluster's minus the minute that passed.
    const minus60 = (t: string | undefined) => new Date(Date.parse(t ?? "") - 60_000).toISOString().replace(".000Z", "Z");
    expect(p.metadata?.creationTimestamp).toBe(minus60(q.metadata?.creationTimestamp));
    expect(p.status?.startTime).toBe(minus60(q.status?.startTime));
    expect(p.status?.conditions?.map((c) => c.lastTransitionTime)).toEqual(q.status?.conditions?.map((c) => minus60(c.lastTransitionTime)));
  });

  // `svclab serve --clock manual` steps time in 10 ms slices while a client watches:
  // whole-second instants must move by the sum of the slices, not a second per slice.
  it("moves whole-second instants by the sum of many small advances", () => {
    const c = createCluster({ seed: 3, startTime: "2026-12-03T10:00:00Z" });
    c.apply(POD);
    const created = c.get<Pod>("pod", "web").metadata?.creationTimestamp;
    for (let i = 0; i < 250; i++) c.advancePinned(0.01);
    expect(c.get<Pod>("pod", "web").metadata?.creationTimestamp).toBe(new Date(Date.parse(created ?? "") - 2_000).toISOString().replace(".000Z", "Z"));
  });
});
