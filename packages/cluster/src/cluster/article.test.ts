import { describe, expect, it } from "vitest";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { createCluster, type Cluster } from "../index";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY, SAMPLE_SESSION_AFFINITY_AS_PRINTED } from "../test-support/manifests";

const URL = "http://sample-session-affinity.default.svc.cluster.local:8080";

function articleCluster(seed: number): Cluster {
  const c = createCluster({ seed });
  c.apply(SAMPLE_DEPLOYMENT, { file: "sample-deployment.yaml" });
  c.apply(SAMPLE_POD, { file: "sample-pod.yaml" });
  c.apply(SAMPLE_SESSION_AFFINITY, { file: "sample-session-affinity.yaml" });
  c.settle();
  return c;
}

const from = (body: string) => /From=(\S+)/.exec(body)?.[1];

describe("the seed article (session affinity)", () => {
  it("prints kubectl's lines and rejects the YAML as printed", () => {
    const c = createCluster({ seed: 1 });
    expect(c.apply(SAMPLE_DEPLOYMENT).map((r) => r.line)).toEqual(["deployment.apps/sample-deployment created"]);
    expect(c.apply(SAMPLE_POD).map((r) => r.line)).toEqual(["pod/sample-pod created"]);
    const bad = c.apply(SAMPLE_SESSION_AFFINITY_AS_PRINTED, { file: "sample-session-affinity.yaml" });
    expect(bad.map((r) => r.line)).toEqual([
      'Error from server (BadRequest): error when creating "sample-session-affinity.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].portocol"',
    ]);
    expect(c.list("services").map((s) => s.metadata?.name)).toEqual(["kubernetes"]);
    expect(c.apply(SAMPLE_SESSION_AFFINITY).map((r) => r.line)).toEqual(["service/sample-session-affinity created"]);
    expect(c.apply(SAMPLE_SESSION_AFFINITY).map((r) => r.line)).toEqual(["service/sample-session-affinity unchanged"]);
    // Over an existing object the typo comes back through the patch, strictly validated.
    const line = c.apply(SAMPLE_SESSION_AFFINITY_AS_PRINTED, { file: "sample-session-affinity.yaml" })[0]?.line ?? "";
    expect(line.startsWith('The request is invalid: patch: Invalid value: "map[')).toBe(true);
    expect(line.endsWith(']": strict decoding error: unknown field "spec.ports[0].portocol"')).toBe(true);
  });

  it("pins sample-pod to one pod within the timeout and answers in echo-nginx's format", () => {
    const c = articleCluster(7);
    const podIP = c.get<Pod>("pod", "sample-pod").status?.podIP;
    const bodies = [0, 1, 2].map(() => {
      const r = c.curl(URL, { pod: "sample-pod" });
      c.advance(3);
      return r.stdout;
    });
    const pod = from(bodies[0] as string) as string;
    expect(pod).toMatch(/^sample-deployment-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    for (const b of bodies) {
      expect(b).toBe(`Host=sample-session-affinity.default.svc.cluster.local  Path=/  From=${pod}  ClientIP=${podIP}  XFF=\n`);
    }
  });

  it("makes a fresh choice after 11 idle seconds (a different pod about 2/3 of the time)", () => {
    let differs = 0;
    let samples = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const c = articleCluster(seed);
      let previous = from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout);
      for (let round = 0; round < 10; round++) {
        expect(from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout)).toBe(previous);
        c.advance(11);
        const next = from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout);
        if (next !== previous) differs++;
        samples++;
        previous = next;
      }
    }
    expect(differs / samples).toBeGreaterThan(0.5);
    expect(differs / samples).toBeLessThan(0.8);
  });

  it("spreads requests once affinity is patched to None", () => {
    const c = articleCluster(3);
    const r = c.patch("service", "sample-session-affinity", { spec: { sessionAffinity: "None" } });
    expect(r.changed).toBe(true);
    expect(c.patch("service", "sample-session-affinity", { spec: { sessionAffinity: "None" } }).changed).toBe(false);
    const pods = new Set<string | undefined>();
    for (let i = 0; i < 30; i++) pods.add(from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout));
    expect(pods.size).toBe(3);
  });

  it("keeps affinity per node: through the load balancer the same client can reach different pods", () => {
    const c = articleCluster(9);
    const lb = c.get<Service>("service", "sample-session-affinity").status?.loadBalancer?.ingress?.[0]?.ip;
    const byNode = new Map<string, Set<string | undefined>>();
    for (let i = 0; i < 40; i++) {
      const r = c.curl(`http://${lb}:8080/`, {});
      const hop = r.trace.find((h) => h.step === "cloud-lb");
      const node = hop?.step === "cloud-lb" ? hop.node : "";
      if (!byNode.has(node)) byNode.set(node, new Set());
      byNode.get(node)?.add(from(r.stdout));
      expect(r.stdout).toContain("ClientIP=");
    }
    // Every entry node pins the client to one pod, but the nodes do not agree.
    expect(byNode.size).toBe(3);
    for (const pods of byNode.values()) expect(pods.size).toBe(1);
    const all = new Set([...byNode.values()].flatMap((p) => [...p]));
    expect(all.size).toBeGreaterThan(1);
  });

  it("traces the request hop by hop", () => {
    const c = articleCluster(5);
    const r = c.curl(URL, { pod: "sample-pod" });
    const steps = r.trace.map((h) => h.step);
    // The query to kube-dns goes through the socket LB first, then CoreDNS answers.
    expect(steps.slice(0, 2)).toEqual(["datapath", "dns"]);
    expect(steps).toContain("datapath");
    expect(steps).toContain("pod");
    expect(steps.at(-1)).toBe("reply");
    const dns = r.trace[1];
    if (dns?.step !== "dns") throw new Error("no dns hop");
    expect(dns.queries.map((q) => q.rcode)).toEqual(["NXDOMAIN", "NXDOMAIN", "NXDOMAIN", "NOERROR"]);
    expect(dns.server).toBe("10.96.0.10");
    expect(dns.answeredBy).toMatch(/^kube-system\/coredns-/);
    const dp = r.trace.find((h) => h.step === "datapath" && h.frontend.endsWith("/TCP"));
    if (dp?.step !== "datapath") throw new Error("no datapath hop");
    expect(dp.path).toBe("socket");
    expect(dp.accesses.some((a) => a.map === "cilium_lb4_affinity")).toBe(true);
  });
});
