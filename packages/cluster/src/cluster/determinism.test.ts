import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { createCluster } from "../index";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY } from "../test-support/manifests";

function run(seed: number): string[] {
  const c = createCluster({ seed });
  c.apply(SAMPLE_DEPLOYMENT);
  c.apply(SAMPLE_POD);
  c.apply(SAMPLE_SESSION_AFFINITY);
  c.settle();
  const out = c.list<Pod>("pods").map((p) => `${p.metadata?.name} ${p.metadata?.uid} ${p.spec?.nodeName}`);
  for (let i = 0; i < 5; i++) {
    out.push(c.curl("http://sample-session-affinity:8080/", { pod: "sample-pod" }).stdout);
    out.push(c.curl("http://172.18.0.6:8080/", {}).stdout);
    c.advance(7);
  }
  out.push(c.wallTime().toISOString());
  return out;
}

describe("determinism", () => {
  it("replays the same cluster, names and answers from the same seed", () => {
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});
