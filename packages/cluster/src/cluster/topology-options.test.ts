// The dataplane settings a topology changes, seen from clients.
import { describe, expect, it } from "vitest";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { createCluster, readTopologyFile } from "../index";
import { SAMPLE_DEPLOYMENT, SAMPLE_LB_LOCAL, SAMPLE_NODEPORT_LOCAL, SAMPLE_POD, SAMPLE_SESSION_AFFINITY } from "../test-support/manifests";

const clientIP = (body: string) => /ClientIP=(\S+)/.exec(body)?.[1];

describe("topology options", () => {
  it("DSR keeps the client address even for a remote backend", () => {
    const c = createCluster({ seed: 51, dataplane: { mode: "dsr" } });
    c.apply(SAMPLE_DEPLOYMENT);
    c.apply(SAMPLE_NODEPORT_LOCAL.replace("externalTrafficPolicy: Local", "externalTrafficPolicy: Cluster"));
    c.settle();
    for (let i = 0; i < 10; i++) {
      const r = c.curl("http://172.18.0.3:30081", {});
      expect(clientIP(r.stdout)).toBe("172.18.0.1");
    }
  });

  it("Maglev sends a flow to the same backend whatever node it enters", () => {
    const c = createCluster({ seed: 52, dataplane: { algorithm: "maglev" } });
    c.apply(SAMPLE_DEPLOYMENT);
    c.apply(SAMPLE_LB_LOCAL.replace("externalTrafficPolicy: Local", "externalTrafficPolicy: Cluster").replace("  healthCheckNodePort: 30086\n", ""));
    c.settle();
    const lb = c.get<Service>("service", "sample-lb-local").status?.loadBalancer?.ingress?.[0]?.ip ?? "";
    for (let sport = 40000; sport < 40020; sport++) {
      const picks = c.nodes().map((n) => n.dataplane.connect({ path: "north-south", client: "172.18.0.1", clientPort: sport, address: lb, port: 8080 }).backend);
      expect(new Set(picks).size).toBe(1);
      expect(picks[0]).toMatch(/^10\.244\.\d\.\d+:80$/);
    }
  });

  it("without socket LB, translates pod traffic per packet and keys affinity on the pod IP", () => {
    const c = createCluster({ seed: 54, dataplane: { socketLB: false } });
    c.apply(SAMPLE_DEPLOYMENT);
    c.apply(SAMPLE_POD);
    c.apply(SAMPLE_SESSION_AFFINITY);
    c.settle();
    const r = c.curl("http://sample-session-affinity:8080/", { pod: "sample-pod" });
    const hop = r.trace.find((h) => h.step === "datapath" && h.frontend.endsWith("/TCP"));
    expect(hop?.step === "datapath" && hop.path).toBe("east-west");
    const reply = r.trace.at(-1);
    expect(reply?.step === "reply" && reply.from).toBe(`${c.get<Service>("service", "sample-session-affinity").spec?.clusterIP}:8080`);
    const pinned = /From=(\S+)/.exec(r.stdout)?.[1];
    for (let i = 0; i < 5; i++) expect(/From=(\S+)/.exec(c.curl("http://sample-session-affinity:8080/", { pod: "sample-pod" }).stdout)?.[1]).toBe(pinned);
    expect(c.node("kind-worker").dataplane.affinityDump().join("\n") + c.node("kind-worker2").dataplane.affinityDump().join("\n") + c.node("kind-worker3").dataplane.affinityDump().join("\n")).toContain(c.get<Pod>("pod", "sample-pod").status?.podIP ?? "?");
  });

  it("builds the cluster a kind config file describes", () => {
    const dir = mkdtempSync(join(tmpdir(), "svclab-"));
    const file = join(dir, "kind.yaml");
    writeFileSync(file, "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n- role: worker\n");
    const c = createCluster({ ...readTopologyFile(file), seed: 53 });
    expect(c.nodes().map((n) => n.name)).toEqual(["kind-control-plane", "kind-worker", "kind-worker2"]);
    c.apply(SAMPLE_DEPLOYMENT);
    c.settle();
    expect(new Set(c.list<Pod>("pods").map((p) => p.spec?.nodeName))).toEqual(new Set(["kind-worker", "kind-worker2"]));
  });

  it("a node at its --max-pods leaves the rest Pending as Unschedulable", () => {
    const c = createCluster({ seed: 53, workers: 1, maxPods: 4 });
    c.apply(SAMPLE_DEPLOYMENT.replace("replicas: 3", "replicas: 6"));
    c.settle();
    const pods = c.list<Pod>("pods");
    expect(pods.filter((p) => p.spec?.nodeName === "kind-worker")).toHaveLength(4);
    const pending = pods.filter((p) => p.spec?.nodeName === undefined);
    expect(pending).toHaveLength(2);
    expect(pending[0]?.status?.conditions?.[0]?.message).toBe(
      "0/2 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    expect(c.get<{ status: { allocatable: { pods: string } } }>("node", "kind-worker").status.allocatable.pods).toBe("4");
  });
});
