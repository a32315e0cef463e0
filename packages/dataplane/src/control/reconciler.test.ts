import { describe, expect, it } from "vitest";
import { isBpfMapError } from "../maps";
import { clusterIPService, endpoint, node, slice } from "./test-support/fixtures";
import type { LBMaps } from "./lbmaps";
import type { K8sService } from "./reflector";

function nodePortService(name: string, opts: { etp?: string; itp?: string; lbIP?: string; sourceRanges?: string[] } = {}): K8sService {
  return {
    metadata: { name, namespace: "default" },
    spec: {
      type: opts.lbIP !== undefined ? "LoadBalancer" : "NodePort",
      clusterIP: "10.96.0.20",
      ports: [{ name: "http", port: 80, nodePort: 30080, protocol: "TCP" }],
      externalTrafficPolicy: opts.etp ?? "Cluster",
      internalTrafficPolicy: opts.itp ?? "Cluster",
      ...(opts.sourceRanges !== undefined ? { loadBalancerSourceRanges: opts.sourceRanges } : {}),
    },
    ...(opts.lbIP !== undefined ? { status: { loadBalancer: { ingress: [{ ip: opts.lbIP }] } } } : {}),
  };
}

describe("Reconciler", () => {
  it("programs a ClusterIP service like Cilium's ClusterIP_2_backends case", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", "10.96.50.104"));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.2", "node-a")], 80));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.2", "node-a"), endpoint("10.244.1.1", "node-b")], 80));
    expect(dp.lbMapsDump()).toEqual([
      "BE: ID=1 ADDR=10.244.1.2:80/TCP STATE=active",
      "BE: ID=2 ADDR=10.244.1.1:80/TCP STATE=active",
      "REV: ID=1 ADDR=10.96.50.104:80",
      "SVC: ID=0 ADDR=10.96.50.104:0/ANY SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=2 QCOUNT=0 FLAGS=ClusterIP+non-routable",
      // Slots are ordered by address, not by backend id.
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=1 BEID=2 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=2 BEID=1 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    ]);
  });

  it("writes affinity match entries for active backends only and the timeout into the master", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", "10.96.50.104", { affinity: 42 }));
    dp.applyEndpointSlice(
      slice("echo", [endpoint("10.244.1.1", "node-a"), endpoint("10.244.1.2", "node-a", { ready: false, terminating: true })], 80),
    );
    const dump = dp.lbMapsDump();
    expect(dump).toContain(
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=0 LBALG=undef AFFTimeout=42 COUNT=1 QCOUNT=1 FLAGS=ClusterIP+sessionAffinity+non-routable",
    );
    expect(dump.filter((l) => l.startsWith("AFF:"))).toEqual(["AFF: ID=1 BEID=1"]);
    expect(dump).toContain("BE: ID=2 ADDR=10.244.1.2:80/TCP STATE=terminating");
  });

  it("uses terminating backends only when no backend is active", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", "10.96.50.104"));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a", { ready: false, terminating: true })], 80));
    expect(dp.lbMapsDump()).toContain(
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=1 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    );
    // Not serving while terminating: never a fallback.
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a", { ready: false, serving: false, terminating: true })], 80));
    expect(dp.lbMapsDump()).toContain(
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=1 FLAGS=ClusterIP+non-routable",
    );
  });

  it("keeps a quarantined backend's slot after the active ones, out of the count (no flag: Cilium writes Quarantined=false)", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", "10.96.50.104"));
    dp.writer.setBackends("default/echo", [
      { address: "10.244.1.1", port: 80, protocol: "TCP", portNames: ["http"], unhealthy: true },
      { address: "10.244.1.2", port: 80, protocol: "TCP", portNames: ["http"] },
    ]);
    dp.reconcile();
    expect(dp.lbMapsDump().filter((l) => l.startsWith("SVC: ID=1"))).toEqual([
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=1 QCOUNT=1 FLAGS=ClusterIP+non-routable",
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=1 BEID=1 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=2 BEID=2 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    ]);
  });

  it("cleans up stale slots and unreferenced backends when endpoints go away", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("echo", "10.96.50.104"));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "a"), endpoint("10.244.1.2", "a"), endpoint("10.244.1.3", "a")], 80));
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.2", "a")], 80));
    expect(dp.lbMapsDump()).toEqual([
      "BE: ID=2 ADDR=10.244.1.2:80/TCP STATE=active",
      "REV: ID=1 ADDR=10.96.50.104:80",
      "SVC: ID=0 ADDR=10.96.50.104:0/ANY SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=1 QCOUNT=0 FLAGS=ClusterIP+non-routable",
      "SVC: ID=1 ADDR=10.96.50.104:80/TCP SLOT=1 BEID=2 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    ]);
    dp.deleteService("default", "echo");
    expect(dp.lbMapsDump()).toEqual([]);
  });

  it("keeps a backend shared by two services until neither references it", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("a", "10.96.0.1"));
    dp.applyService(clusterIPService("b", "10.96.0.2"));
    dp.applyEndpointSlice(slice("a", [endpoint("10.244.1.1", "n")], 80));
    dp.applyEndpointSlice(slice("b", [endpoint("10.244.1.1", "n")], 80));
    dp.deleteService("default", "a");
    expect(dp.lbMapsDump()).toContain("BE: ID=1 ADDR=10.244.1.1:80/TCP STATE=active");
    dp.deleteService("default", "b");
    expect(dp.lbMapsDump()).toEqual([]);
  });

  it("expands a NodePort to the 0.0.0.0 surrogate and every node address, each with its own id", () => {
    const { dp } = node({ nodeIPs: ["172.18.0.2", "192.168.1.2"] });
    dp.applyService(nodePortService("np"));
    const masters = dp.lbMapsDump().filter((l) => l.includes("SLOT=0"));
    expect(masters).toEqual([
      "SVC: ID=0 ADDR=10.96.0.20:0/ANY SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
      "SVC: ID=1 ADDR=0.0.0.0:30080/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=NodePort+non-routable",
      "SVC: ID=2 ADDR=172.18.0.2:30080/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=NodePort",
      "SVC: ID=3 ADDR=192.168.1.2:30080/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=NodePort",
      "SVC: ID=4 ADDR=10.96.0.20:80/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    ]);
  });

  it("gives eTP=Local services two scopes: local backends outside, all backends inside", () => {
    const { dp } = node();
    dp.applyService(nodePortService("np", { etp: "Local" }));
    dp.applyEndpointSlice(slice("np", [endpoint("10.244.1.1", "node-a"), endpoint("10.244.2.1", "node-b")], 80));
    const masters = dp.lbMapsDump().filter((l) => l.includes("172.18.0.2:30080") && l.includes("SLOT=0"));
    expect(masters).toEqual([
      "SVC: ID=2 ADDR=172.18.0.2:30080/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=1 QCOUNT=0 FLAGS=NodePort+Local+two-scopes",
      "SVC: ID=4 ADDR=172.18.0.2:30080/TCP/i SLOT=0 LBALG=undef AFFTimeout=0 COUNT=2 QCOUNT=0 FLAGS=NodePort+Local+two-scopes",
    ]);
  });

  it("programs LoadBalancer wildcard entries, source ranges, and DSR flags per protocol in hybrid mode", () => {
    const { dp } = node({ lbMode: "hybrid" });
    dp.applyService(nodePortService("lb", { lbIP: "198.51.100.10", sourceRanges: ["203.0.113.0/24"] }));
    const dump = dp.lbMapsDump();
    expect(dump).toContain(
      "SVC: ID=0 ADDR=198.51.100.10:0/ANY SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=LoadBalancer+non-routable",
    );
    expect(dump).toContain(
      "SVC: ID=4 ADDR=198.51.100.10:80/TCP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=LoadBalancer+check source-range+dsr",
    );
    expect(dump).toContain("SRCRANGE: ID=4 CIDR=203.0.113.0/24");
  });

  it("changing one service touches only that service's entries", () => {
    const { dp } = node();
    const ops: string[] = [];
    const spy = node({
      wrapLBMaps: (m) =>
        new Proxy(m, {
          get(target, prop: keyof LBMaps) {
            const fn = target[prop] as (...a: number[]) => void;
            return (...args: number[]) => {
              ops.push(`${String(prop)}(${args.slice(0, 2).join(",")})`);
              fn.apply(target, args);
            };
          },
        }),
    }).dp;
    for (const d of [dp, spy]) {
      for (let i = 1; i <= 20; i++) {
        d.applyService(clusterIPService(`s${i}`, `10.96.1.${i}`));
        d.applyEndpointSlice(slice(`s${i}`, [endpoint(`10.244.${i}.1`, "n"), endpoint(`10.244.${i}.2`, "n")], 80));
      }
    }
    ops.length = 0;
    spy.applyEndpointSlice(slice("s7", [endpoint("10.244.7.1", "n"), endpoint("10.244.7.3", "n")], 80));
    // Every service-map write is for 10.96.1.7 (0x0a600107); other services are untouched.
    const svcOps = ops.filter((o) => o.startsWith("updateService") || o.startsWith("deleteService"));
    expect(svcOps.length).toBeGreaterThan(0);
    expect(svcOps.every((o) => o.includes(`(${0x0a600107},`))).toBe(true);
    expect(ops.filter((o) => o.startsWith("updateBackend"))).toHaveLength(1);
    expect(ops.filter((o) => o.startsWith("deleteBackend"))).toHaveLength(1);
  });

  it("surfaces a full service map as an error and keeps the previously programmed service working", () => {
    const { dp } = node({ mapSizes: { lb: 4 } });
    dp.applyService(clusterIPService("echo", "10.96.50.104"));
    expect(dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a")], 80)).errors).toEqual([]);
    const before = dp.lbMapsDump();
    const res = dp.applyEndpointSlice(
      slice("echo", [1, 2, 3, 4, 5].map((i) => endpoint(`10.244.1.${i}`, "node-a")), 80),
    );
    expect(res.errors).toHaveLength(1);
    const err = res.errors[0]?.error as Error;
    expect(err.message).toMatch(/^Unable to update service entry 10\.96\.50\.104:80\/TCP \(\d\) => .*You can resize it with the flag "--bpf-lb-map-max"/);
    expect(isBpfMapError(err.cause, "E2BIG")).toBe(true);
    // The master entry was not rewritten: lookups still reach the old backend set.
    expect(dp.lbMapsDump().filter((l) => l.includes("SLOT=0"))).toEqual(before.filter((l) => l.includes("SLOT=0")));
    const r = dp.connect({ path: "east-west", client: "10.244.9.9", clientPort: 1234, address: "10.96.50.104", port: 80 });
    expect(r.verdict).toBe("forward");
    expect(dp.tables.frontends.get("10.96.50.104:80/TCP")?.status.kind).toBe("error");
    // Retried on the next reconcile once there is room.
    dp.applyEndpointSlice(slice("echo", [endpoint("10.244.1.1", "node-a")], 80));
    expect(dp.tables.frontends.get("10.96.50.104:80/TCP")?.status.kind).toBe("done");
  });

  it("rejects a frontend owned by another service and changes nothing", () => {
    const { dp } = node();
    dp.applyService(clusterIPService("a", "10.96.0.1"));
    const before = dp.lbMapsDump();
    const res = dp.applyService(clusterIPService("b", "10.96.0.1"));
    expect(res.errors.map((e) => [e.frontend, e.service, e.error.message])).toEqual([
      ["", "default/b", "frontend 10.96.0.1:80/TCP is already owned by service default/a"],
    ]);
    expect(dp.lbMapsDump()).toEqual(before);
    expect(dp.tables.services.has("default/b")).toBe(false);
  });

  it("builds identical Maglev tables on every node for the same backends", () => {
    const a = node({ nodeName: "a", nodeIPs: ["172.18.0.2"], lbAlgorithm: "maglev", maglevTableSize: 251 }).dp;
    const b = node({ nodeName: "b", nodeIPs: ["172.18.0.3"], lbAlgorithm: "maglev", maglevTableSize: 251 }).dp;
    // Different histories give different backend ids on the two nodes.
    b.applyService(clusterIPService("other", "10.96.9.9"));
    b.applyEndpointSlice(slice("other", [endpoint("10.244.9.9", "x")], 80));
    const eps = [endpoint("10.244.1.1", "a"), endpoint("10.244.1.2", "b"), endpoint("10.244.1.3", "b")];
    for (const d of [a, b]) {
      d.applyService(nodePortService("np"));
      d.applyEndpointSlice(slice("np", eps, 80));
    }
    const tableOf = (d: typeof a, nodeIP: string) => {
      const id = d.reconciler.serviceId(`${nodeIP}:30080/TCP`) as number;
      const table = d.maps.maglev.lookup(id) as Uint32Array;
      return Array.from(table, (beId) => {
        const idx = d.maps.backends.lookupIndex(beId);
        return d.maps.backends.address(idx);
      });
    };
    expect(tableOf(a, "172.18.0.2")).toEqual(tableOf(b, "172.18.0.3"));
  });
});
