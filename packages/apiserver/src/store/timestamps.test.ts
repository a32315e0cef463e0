import { describe, expect, it } from "vitest";
import { shiftTimestamps } from "./timestamps";

describe("shiftTimestamps", () => {
  it("moves every instant field at any depth, whole seconds staying whole, and nothing else", () => {
    const pod = {
      metadata: { creationTimestamp: "2026-12-03T10:00:20Z", annotations: { note: "2026-12-03T10:00:20Z" }, managedFields: [{ time: "2026-12-03T10:00:20Z" }] },
      status: {
        startTime: "2026-12-03T10:00:21Z",
        conditions: [{ type: "Ready", lastTransitionTime: "2026-12-03T10:00:25Z", lastProbeTime: null }],
        containerStatuses: [{ state: { running: { startedAt: "2026-12-03T10:00:22Z" } } }],
      },
      eventTime: "2026-12-03T10:00:20.123456Z",
    };
    shiftTimestamps(pod, -11_000);
    expect(pod.metadata.creationTimestamp).toBe("2026-12-03T10:00:09Z");
    expect(pod.metadata.annotations.note).toBe("2026-12-03T10:00:20Z");
    expect(pod.metadata.managedFields[0]?.time).toBe("2026-12-03T10:00:09Z");
    expect(pod.status.startTime).toBe("2026-12-03T10:00:10Z");
    expect(pod.status.conditions[0]?.lastTransitionTime).toBe("2026-12-03T10:00:14Z");
    expect(pod.status.conditions[0]?.lastProbeTime).toBeNull();
    expect(pod.status.containerStatuses[0]?.state.running.startedAt).toBe("2026-12-03T10:00:11Z");
    expect(pod.eventTime).toBe("2026-12-03T10:00:09.123Z");
  });
});
