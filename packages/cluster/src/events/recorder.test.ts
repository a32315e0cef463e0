// The recorders against a bare API server on a hand-moved clock. Cases
// after client-go's tools/record events_cache_test.go (dedup counts, the
// aggregator's 10 similar events, the spam filter's burst of 25 and its
// refill) and the event registry's TTL.
import { describe, expect, it } from "vitest";
import type { Event } from "kubernetes-types/core/v1";
import { ApiServer, KINDS, eventHooks } from "@svclab/apiserver";
import { SeededRandom } from "@svclab/sim";
import { EventSink, LegacyEventRecorder, SchedulerEventRecorder } from "./recorder";

const START = Date.parse("2026-12-03T16:00:00Z");
const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web-1", namespace: "default", uid: "u-1", resourceVersion: "7" } };

function setup() {
  let now = START;
  const api = new ApiServer(new SeededRandom(1), () => new Date(now));
  api.setHooks(KINDS.event, eventHooks());
  api.create(KINDS.namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } });
  const sink = new EventSink(api, () => new Date(now));
  return {
    api,
    kubelet: new LegacyEventRecorder(sink, { component: "kubelet", host: "kind-worker" }),
    scheduler: new SchedulerEventRecorder(sink, "default-scheduler", "default-scheduler-kind-control-plane"),
    at: (seconds: number) => void (now = START + seconds * 1000),
    events: () => api.list<Event>(KINDS.event, "default"),
  };
}

/** [seconds, reason, message] as the kubelet reports them about one pod. */
type Step = readonly [number, string, string];

describe("LegacyEventRecorder", () => {
  it.each<{ name: string; steps: readonly Step[]; want: readonly { reason: string; message: string; count: number; first: number; last: number }[] }>([
    { name: "one event", steps: [[0, "Pulled", "m"]], want: [{ reason: "Pulled", message: "m", count: 1, first: 0, last: 0 }] },
    {
      name: "a repeat is a count on the first event",
      steps: [[0, "Unhealthy", "probe failed"], [5, "Unhealthy", "probe failed"], [10, "Unhealthy", "probe failed"]],
      want: [{ reason: "Unhealthy", message: "probe failed", count: 3, first: 0, last: 10 }],
    },
    {
      name: "another message is another event",
      steps: [[0, "Failed", "a"], [1, "Failed", "b"]],
      want: [{ reason: "Failed", message: "a", count: 1, first: 0, last: 0 }, { reason: "Failed", message: "b", count: 1, first: 1, last: 1 }],
    },
    {
      name: "the tenth similar message on is combined",
      steps: Array.from({ length: 12 }, (_, i): Step => [i, "SuccessfulCreate", `Created pod: p${i}`]),
      want: [
        ...Array.from({ length: 9 }, (_, i) => ({ reason: "SuccessfulCreate", message: `Created pod: p${i}`, count: 1, first: i, last: i })),
        { reason: "SuccessfulCreate", message: "(combined from similar events): Created pod: p11", count: 3, first: 9, last: 11 },
      ],
    },
    {
      name: "a similar message more than ten minutes after the last starts the count again",
      steps: [...Array.from({ length: 9 }, (_, i): Step => [i, "SuccessfulCreate", `Created pod: p${i}`]), [609, "SuccessfulCreate", "Created pod: p9"]],
      want: Array.from({ length: 10 }, (_, i) => ({ reason: "SuccessfulCreate", message: `Created pod: p${i}`, count: 1, first: i === 9 ? 609 : i, last: i === 9 ? 609 : i })),
    },
  ])("$name", ({ steps, want }) => {
    const s = setup();
    for (const [t, reason, message] of steps) {
      s.at(t);
      s.kubelet.event(pod, "Normal", reason, message, { fieldPath: "spec.containers{web}" });
    }
    const got = s.events()
      .sort((a, b) => Date.parse(a.firstTimestamp ?? "") - Date.parse(b.firstTimestamp ?? ""))
      .map((e) => ({ reason: e.reason, message: e.message, count: e.count, first: (Date.parse(e.firstTimestamp ?? "") - START) / 1000, last: (Date.parse(e.lastTimestamp ?? "") - START) / 1000 }));
    expect(got).toEqual(want);
  });

  it("names, sources and references events as the kubelet's recorder does", () => {
    const s = setup();
    s.kubelet.event(pod, "Normal", "Pulled", 'Container image "nginx" already present on machine', { fieldPath: "spec.containers{web}" });
    s.kubelet.event(pod, "Normal", "Created", "Created container: web", { fieldPath: "spec.containers{web}" });
    const [first, second] = s.events();
    // UnixNano in hex; a second event in the same (virtual) millisecond one nanosecond on.
    expect(first?.metadata?.name).toBe(`web-1.${(BigInt(START) * 1_000_000n).toString(16)}`);
    expect(second?.metadata?.name).toBe(`web-1.${(BigInt(START) * 1_000_000n + 1n).toString(16)}`);
    expect(first).toMatchObject({
      involvedObject: { kind: "Pod", namespace: "default", name: "web-1", uid: "u-1", apiVersion: "v1", resourceVersion: "7", fieldPath: "spec.containers{web}" },
      source: { component: "kubelet", host: "kind-worker" },
      reportingComponent: "kubelet",
      reportingInstance: "kind-worker",
      type: "Normal",
      firstTimestamp: "2026-12-03T16:00:00Z",
    });
  });

  it("lets 25 events about one object through, then one every five minutes", () => {
    const s = setup();
    for (let i = 0; i < 30; i++) s.kubelet.event(pod, "Warning", `R${i}`, "m");
    expect(s.events()).toHaveLength(25);
    s.at(299);
    s.kubelet.event(pod, "Warning", "Late", "m");
    expect(s.events()).toHaveLength(25);
    s.at(300);
    s.kubelet.event(pod, "Warning", "Later", "m");
    expect(s.events().map((e) => e.reason)).toContain("Later");
  });

  it("keeps an event an hour after its last write, then the API server forgets it", () => {
    const s = setup();
    s.kubelet.event(pod, "Warning", "Unhealthy", "probe failed");
    s.at(1800);
    s.kubelet.event(pod, "Warning", "Unhealthy", "probe failed");
    s.at(1800 + 3599);
    expect(s.events()).toHaveLength(1);
    s.at(1800 + 3600);
    expect(s.events()).toHaveLength(0);
    // The repeat after expiry starts over as a new object, its count carried on.
    s.kubelet.event(pod, "Warning", "Unhealthy", "probe failed");
    expect(s.events().map((e) => e.count)).toEqual([3]);
  });
});

describe("SchedulerEventRecorder", () => {
  it("writes events.k8s.io's fields: eventTime, action and the reporting controller, no count", () => {
    const s = setup();
    s.scheduler.event(pod, "Normal", "Scheduled", "Binding", "Successfully assigned default/web-1 to kind-worker");
    const [e] = s.events();
    expect(e).toMatchObject({ reason: "Scheduled", action: "Binding", eventTime: "2026-12-03T16:00:00.000000Z", reportingComponent: "default-scheduler", reportingInstance: "default-scheduler-kind-control-plane" });
    expect(e?.count).toBeUndefined();
    expect(e?.firstTimestamp).toBeUndefined();
  });
});
