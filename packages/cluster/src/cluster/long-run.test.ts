// Virtual time past what a float64 nanosecond count holds (2^53 ns, 104 days).
import { describe, expect, it } from "vitest";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { createCluster } from "../index";
import { e2eBackend } from "../test-support/manifests";
import { isPodReady } from "../controllers/endpoints-model";

const DAY = 86_400;

describe("a cluster running for months", () => {
  it("starts pods, answers requests and keeps an exact wall clock after 110 days; a 3000 h wait works", () => {
    const c = createCluster({ seed: 4 });
    const booted = c.wallTime().getTime();
    const start = c.now();
    c.advance(110 * DAY);
    expect(c.wallTime().getTime() - booted).toBe(110 * DAY * 1000);
    c.apply(e2eBackend("late", "ClusterIP", "ClientIP"));
    c.waitFor(() => c.list<Pod>("pods").filter((p) => p.metadata?.name?.startsWith("late-") && isPodReady(p)).length === 3, { timeoutSeconds: 3000 * 3600 });
    expect(c.now() - start - 110 * DAY).toBeLessThan(10);
    const url = `http://${c.get<Service>("service", "late").spec?.clusterIP}/`;
    const first = c.curl(url, { pod: "execpod" }, { trace: false });
    expect(first.stdout).toMatch(/^late-/);
    c.advance(0.001);
    expect(c.curl(url, { pod: "execpod" }, { trace: false }).stdout).toBe(first.stdout);
    expect(c.wallTime().getTime() % 1000).toBeGreaterThan(0);
  }, 60_000);
});
