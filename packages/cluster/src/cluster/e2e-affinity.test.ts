// Kubernetes' e2e session-affinity checks (test/e2e/network/service.go):
// 16 requests from an exec pod, affinity holds when the last 15 name one host.
import { describe, expect, it } from "vitest";
import type { Node, Service } from "kubernetes-types/core/v1";
import { createCluster, type Cluster } from "../index";
import { e2eBackend } from "../test-support/manifests";

const AFFINITY_CONFIRM_COUNT = 15;

function hosts(c: Cluster, url: string, n = AFFINITY_CONFIRM_COUNT + 1): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = c.curl(url, { pod: "execpod" }, { trace: false, connectTimeoutSeconds: 2 });
    out.push(r.stdout);
    c.advance(0.1);
  }
  return out;
}

function affinityHolds(answers: string[]): boolean {
  const last = answers.slice(-AFFINITY_CONFIRM_COUNT);
  return last.every((h) => h === last[0] && h !== "");
}

function target(c: Cluster, type: "ClusterIP" | "NodePort", name: string): string {
  const svc = c.get<Service>("service", name);
  if (type === "ClusterIP") return `http://${svc.spec?.clusterIP}:80/`;
  const node = c.list<Node>("nodes")[0];
  const ip = node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  return `http://${ip}:${svc.spec?.ports?.[0]?.nodePort}/`;
}

describe.each(["ClusterIP", "NodePort"] as const)("e2e session affinity (%s)", (type) => {
  it("should have session affinity work", () => {
    const c = createCluster({ seed: 11 });
    c.apply(e2eBackend("affinity", type, "ClientIP"));
    c.settle();
    const answers = hosts(c, target(c, type, "affinity"));
    expect(answers[0]).toMatch(/^affinity-/);
    expect(affinityHolds(answers)).toBe(true);
  });

  it("should have session affinity timeout work", () => {
    const c = createCluster({ seed: 12 });
    c.apply(e2eBackend("affinity-timeout", type, "ClientIP", 125));
    c.settle();
    const url = target(c, type, "affinity-timeout");
    expect(affinityHolds(hosts(c, url))).toBe(true);
    const seen = new Set<string>();
    let broke = false;
    for (let i = 0; i < 10 && !broke; i++) {
      seen.add(c.curl(url, { pod: "execpod" }, { trace: false }).stdout);
      if (seen.size >= 2) broke = true;
      else c.advance(130);
    }
    expect(broke, "Session is sticky after reaching the timeout").toBe(true);
  });

  it("should be able to switch session affinity", () => {
    const c = createCluster({ seed: 13 });
    c.apply(e2eBackend("affinity-switch", type, "None"));
    c.settle();
    const url = target(c, type, "affinity-switch");
    expect(affinityHolds(hosts(c, url))).toBe(false);
    c.patch("service", "affinity-switch", { spec: { sessionAffinity: "ClientIP" } });
    expect(affinityHolds(hosts(c, url))).toBe(true);
    c.patch("service", "affinity-switch", { spec: { sessionAffinity: "None" } });
    expect(affinityHolds(hosts(c, url))).toBe(false);
  });
});
