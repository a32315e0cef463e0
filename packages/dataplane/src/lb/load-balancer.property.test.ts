import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clusterIPService, endpoint, node, slice } from "../control/test-support/fixtures";
import type { K8sService } from "../control/reflector";
import { SeededRandom } from "@svclab/sim";

const VIP = "10.96.50.104";
const BACKENDS = ["10.244.1.1", "10.244.1.2", "10.244.1.3", "10.244.1.4"];

function connect(dp: ReturnType<typeof node>["dp"], client: string, port: number) {
  return dp.connect({ path: "east-west", client, clientPort: port, address: VIP, port: 80 });
}

describe("session affinity properties", () => {
  it("within the timeout a client always gets the same backend (the timer slides)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 60 }),
        fc.integer(),
        (timeout, steps, seed) => {
          const { dp, clock } = node({ rng: new SeededRandom(seed) });
          dp.applyService(clusterIPService("echo", VIP, { affinity: timeout }));
          dp.applyEndpointSlice(slice("echo", BACKENDS.map((ip) => endpoint(ip, "node-a")), 80));
          const last = new Map<number, { at: number; backend: string }>();
          let port = 1024;
          for (const [client, gap] of steps) {
            clock.advance(gap);
            const now = clock.nowSeconds();
            const r = connect(dp, `10.0.0.${client + 1}`, port++);
            const prev = last.get(client);
            if (prev !== undefined && now - prev.at < timeout) expect(r.backend).toBe(prev.backend);
            last.set(client, { at: now, backend: r.backend });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("never forwards to a backend outside the service's current endpoints", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant("connect" as const), client: fc.integer({ min: 1, max: 5 }), gap: fc.integer({ min: 0, max: 50 }) }),
            fc.record({
              kind: fc.constant("endpoints" as const),
              ready: fc.subarray(BACKENDS, { minLength: 1 }),
              terminating: fc.subarray(BACKENDS),
            }),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        (ops) => {
          const { dp, clock } = node();
          dp.applyService(clusterIPService("echo", VIP, { affinity: 30 }));
          let ready = BACKENDS;
          dp.applyEndpointSlice(slice("echo", ready.map((ip) => endpoint(ip, "node-a")), 80));
          let port = 1024;
          for (const op of ops) {
            if (op.kind === "endpoints") {
              ready = op.ready;
              const terminating = op.terminating.filter((ip) => !ready.includes(ip));
              dp.applyEndpointSlice(
                slice("echo", [
                  ...ready.map((ip) => endpoint(ip, "node-a")),
                  ...terminating.map((ip) => endpoint(ip, "node-a", { ready: false, terminating: true })),
                ], 80),
              );
            } else {
              clock.advance(op.gap);
              const r = connect(dp, `10.0.0.${op.client}`, port++);
              expect(r.verdict).toBe("forward");
              expect(ready.map((ip) => `${ip}:80`)).toContain(r.backend);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("after expiry the choice is uniform over the active backends (chi-square, alpha = 0.001)", () => {
    // df = 3: critical value of the chi-square distribution at alpha = 0.001.
    const CRITICAL = 16.266;
    const SAMPLES = 2000;
    for (const seed of [1, 2, 3, 4, 5]) {
      const { dp, clock } = node({ rng: new SeededRandom(seed) });
      dp.applyService(clusterIPService("echo", VIP, { affinity: 10 }));
      dp.applyEndpointSlice(slice("echo", BACKENDS.map((ip) => endpoint(ip, "node-a")), 80));
      const counts = new Map<string, number>();
      for (let i = 0; i < SAMPLES; i++) {
        clock.advance(10); // exactly the timeout: last_used + timeout <= now
        const r = connect(dp, "10.0.0.1", 1024 + (i % 60000));
        expect(r.affinityHit).toBe(false);
        counts.set(r.backend, (counts.get(r.backend) ?? 0) + 1);
      }
      const expected = SAMPLES / BACKENDS.length;
      const chi2 = BACKENDS.reduce((s, ip) => s + ((counts.get(`${ip}:80`) ?? 0) - expected) ** 2 / expected, 0);
      expect(chi2, `seed ${seed}: ${JSON.stringify([...counts])}`).toBeLessThan(CRITICAL);
    }
  });
});

describe("Maglev properties", () => {
  const np = (name: string): K8sService => ({
    metadata: { name, namespace: "default" },
    spec: { type: "NodePort", clusterIP: "10.96.0.20", ports: [{ name: "http", port: 80, nodePort: 30080 }] },
  });

  it("every node builds the same table (by backend address) for the same backend set", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 250 }), { minLength: 1, maxLength: 12 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 250 }), { maxLength: 6 }),
        (hosts, noise) => {
          const tables = ["172.18.0.2", "172.18.0.3"].map((ip, n) => {
            const { dp } = node({ nodeName: `n${n}`, nodeIPs: [ip], lbAlgorithm: "maglev", maglevTableSize: 251 });
            if (n === 1) {
              // Another service first, so backend ids differ between the nodes.
              dp.applyService(clusterIPService("other", "10.96.9.9"));
              dp.applyEndpointSlice(slice("other", noise.map((h) => endpoint(`10.245.0.${h}`, "x")), 80));
            }
            dp.applyService(np("np"));
            const order = n === 0 ? hosts : [...hosts].reverse();
            dp.applyEndpointSlice(slice("np", order.map((h) => endpoint(`10.244.0.${h}`, "x")), 80));
            const id = dp.reconciler.serviceId(`${ip}:30080/TCP`) as number;
            const table = dp.maps.maglev.lookup(id) as Uint32Array;
            return Array.from(table, (beId) => dp.maps.backends.address(dp.maps.backends.lookupIndex(beId)));
          });
          expect(tables[0]).toEqual(tables[1]);
        },
      ),
      { numRuns: 25 },
    );
  });
});
