// ClientIP session affinity as a property: within the timeout, a client's
// new connections always reach the backend it reached last, as long as that
// pod stays Ready, whatever else the Deployment does (scale, pods deleted).
// Before source ports were allocated as Linux does, a random reused port
// could land on a conntrack entry in its close window (10 s, longer than
// this test's affinity timeout) that still pointed at the previous backend,
// and break this: bursts of requests around an expiry find such entries.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import { createCluster, type Cluster } from "../index";
import { e2eBackend } from "../test-support/manifests";
import { isPodReady } from "../controllers/endpoints-model";

const TIMEOUT = 5;

type Op =
  | { readonly kind: "curl"; readonly client: 0 | 1; readonly burst: number }
  | { readonly kind: "sleep"; readonly seconds: number }
  | { readonly kind: "scale"; readonly replicas: number }
  | { readonly kind: "delete-other"; readonly pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("curl" as const), client: fc.constantFrom(0 as const, 1 as const), burst: fc.integer({ min: 1, max: 150 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("sleep" as const), seconds: fc.double({ min: 0, max: 3 * TIMEOUT, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("scale" as const), replicas: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete-other" as const), pick: fc.nat() }) },
);

function readyPods(c: Cluster): Set<string> {
  return new Set(c.list<Pod>("pods").filter((p) => p.metadata?.name?.startsWith("aff-") && isPodReady(p) && !p.metadata.deletionTimestamp).map((p) => p.metadata?.name ?? ""));
}

describe("ClientIP affinity", () => {
  it("within the timeout a client always lands on the same backend while it is Ready", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(op, { minLength: 10, maxLength: 60 }), (seed, ops) => {
        const c = createCluster({ seed });
        c.apply(e2eBackend("aff", "NodePort", "ClientIP", TIMEOUT));
        c.settle();
        const svc = c.get<Service>("service", "aff");
        const nodeIP = c.list<Node>("nodes")[1]?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
        const urls = [`http://${svc.spec?.clusterIP}:80/`, `http://${nodeIP}:${svc.spec?.ports?.[0]?.nodePort}/`];
        const last: ({ backend: string; at: number } | undefined)[] = [undefined, undefined];
        for (const o of ops) {
          if (o.kind === "curl") {
            for (let i = 0; i < o.burst; i++) {
              const r = c.curl(urls[o.client] as string, o.client === 0 ? { pod: "execpod" } : {}, { trace: false, connectTimeoutSeconds: 2 });
              const prev = last[o.client];
              if (prev !== undefined && c.now() - prev.at < TIMEOUT - 1) expect(r.stdout, `client ${o.client} at ${c.now()}`).toBe(prev.backend);
              last[o.client] = r.exitCode === 0 ? { backend: r.stdout, at: c.now() } : undefined;
              c.advance(0.05);
            }
          } else if (o.kind === "sleep") {
            c.advance(o.seconds);
          } else if (o.kind === "scale") {
            c.scale("deployment", "aff", o.replicas);
            c.settle();
          } else {
            const keep = new Set(last.map((l) => l?.backend));
            const others = [...readyPods(c)].filter((p) => !keep.has(p));
            if (others.length > 0) {
              c.delete("pod", others[o.pick % others.length] as string);
              c.settle();
            }
          }
          const ready = readyPods(c);
          for (let i = 0; i < last.length; i++) if (last[i] !== undefined && !ready.has(last[i]?.backend ?? "")) last[i] = undefined;
        }
      }),
      { numRuns: 8 },
    );
  }, 60_000);
});
