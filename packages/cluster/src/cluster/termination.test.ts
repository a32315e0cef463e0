// Pod deletion as clients see it: affinity moves off a deleted pod, and a
// terminating pod keeps the connections it has but gets no new ones.
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { Connection, createCluster } from "../index";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY } from "../test-support/manifests";

const URL = "http://sample-session-affinity:8080/";
const from = (body: string) => /From=(\S+)/.exec(body)?.[1] ?? "";

function cluster(seed: number) {
  const c = createCluster({ seed });
  c.apply(SAMPLE_DEPLOYMENT);
  c.apply(SAMPLE_POD);
  c.apply(SAMPLE_SESSION_AFFINITY.replace("timeoutSeconds: 10", "timeoutSeconds: 3600"));
  c.settle();
  return c;
}

describe("pod deletion", () => {
  it("moves a pinned client to another pod on its next request", () => {
    const c = cluster(31);
    const pinned = from(c.curl(URL, { pod: "sample-pod" }).stdout);
    expect(from(c.curl(URL, { pod: "sample-pod" }).stdout)).toBe(pinned);
    c.delete("pod", pinned);
    const after = from(c.curl(URL, { pod: "sample-pod" }).stdout);
    expect(after).not.toBe(pinned);
    expect(after).toMatch(/^sample-deployment-/);
    // The new choice is sticky again.
    expect(from(c.curl(URL, { pod: "sample-pod" }).stdout)).toBe(after);
  });

  it("keeps a terminating pod's open connections but sends it no new ones", () => {
    const c = cluster(32);
    const conn = c.connect(URL, { pod: "sample-pod" });
    if (!(conn instanceof Connection)) throw new Error(conn.stderr);
    const victim = from(conn.send().stdout);
    c.delete("pod", victim);
    const terminating = c.get<Pod>("pod", victim);
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    const slices = c.list<EndpointSlice>("endpointslices", { labelSelector: "kubernetes.io/service-name=sample-session-affinity" });
    const ep = slices.flatMap((s) => s.endpoints ?? []).find((e) => e.targetRef?.name === victim);
    expect(ep?.conditions).toEqual({ ready: false, serving: true, terminating: true });
    for (let i = 0; i < 10; i++) expect(from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout)).not.toBe(victim);
    c.advance(5);
    // nginx drains: the held connection still gets answers.
    expect(from(conn.send().stdout)).toBe(victim);
    conn.close();
    c.advance(1);
    expect(() => c.get("pod", victim)).toThrow(`pods "${victim}" not found`);
  });

  it("removes a pod whose app ignores SIGTERM after its grace period", () => {
    const c = cluster(33);
    c.delete("pod", "sample-pod");
    c.advance(29);
    expect(c.get<Pod>("pod", "sample-pod").metadata?.deletionGracePeriodSeconds).toBe(30);
    c.advance(2);
    expect(() => c.get("pod", "sample-pod")).toThrow('pods "sample-pod" not found');
  });
});
