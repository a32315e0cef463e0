/**
 * The control plane's output for a seed is fixed: a digest of every pod,
 * node, ReplicaSet, Deployment, Service, Endpoints and EndpointSlice (names,
 * uids, IPs, placement, conditions) and of every node's LB maps, after a
 * build of N Deployments x 3 pods + N Services and after a round of
 * scaling, a rollout, deletions and a selector change. The expected digests
 * were recorded from the controllers as they were before they moved to
 * informer caches and indexes (git revision 473dc5e), then recorded again
 * from the list-and-filter controllers once the Cilium map fixes and Linux's
 * ephemeral-port allocation had landed (07014b4, the same digests as the
 * indexed controllers give); a change in the order of reconciles or random
 * draws shows up here.
 *
 * resourceVersion is left out: it counts writes, and skipping a write that
 * changes nothing is not a change of state. So are the nodes' pod capacity
 * and allocatable (kubelet --max-pods), which the Node objects gained after
 * the recording; the placement they govern is in the digest.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Cluster } from "./cluster";
import { createCluster } from "../index";

const KINDS_IN_DIGEST = ["nodes", "pods", "replicasets", "deployments", "services", "endpoints", "endpointslices"];

const NOT_IN_DIGEST = new Set(["resourceVersion", "capacity", "allocatable"]);

function recordedFields(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (NOT_IN_DIGEST.has(k) ? undefined : v)));
}

function digest(c: Cluster): string {
  const h = createHash("sha256");
  for (const kind of KINDS_IN_DIGEST) h.update(JSON.stringify(recordedFields(c.list(kind, { allNamespaces: true }))));
  for (const n of c.nodes()) h.update(n.dataplane.lbMapsDump().join("\n"));
  return h.digest("hex").slice(0, 16);
}

function deployment(i: number, image = "amsy810/echo-nginx:v2.0"): object {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: `app-${i}` },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: `app-${i}` } },
      template: { metadata: { labels: { app: `app-${i}` } }, spec: { containers: [{ name: "web", image }] } },
    },
  };
}

function service(i: number): object {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: `svc-${i}` },
    spec: {
      type: i % 5 === 0 ? "NodePort" : "ClusterIP",
      selector: { app: `app-${i}` },
      ports: [{ name: "http", protocol: "TCP", port: 8080, targetPort: 80 }],
    },
  };
}

/** A build, then a round of changes every controller reacts to; the digest after each. */
function scenario(n: number, workers: number): [built: string, changed: string, answers: string] {
  const c = createCluster({ seed: 7, workers });
  for (let i = 0; i < n; i++) {
    c.create(deployment(i));
    c.create(service(i));
  }
  // A Service without a selector and the Endpoints a user wrote: the mirroring controller's input.
  c.create({ apiVersion: "v1", kind: "Service", metadata: { name: "external" }, spec: { ports: [{ port: 80, protocol: "TCP" }] } });
  c.create({ apiVersion: "v1", kind: "Endpoints", metadata: { name: "external" }, subsets: [{ addresses: [{ ip: "192.168.10.1" }], ports: [{ port: 80, protocol: "TCP" }] }] });
  c.settle();
  const built = digest(c);

  c.scale("deployment", "app-0", 5);
  c.patch("deployment", "app-1", { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } } });
  c.delete("service", "svc-2");
  c.delete("deployment", "app-3");
  const victim = c.list<{ metadata: { name: string } }>("pods", { labelSelector: "app=app-4" })[0];
  if (victim) c.delete("pod", victim.metadata.name);
  c.patch("service", "svc-5", { spec: { selector: { app: "app-6" } } });
  c.scale("deployment", "app-7", 1);
  c.update({ apiVersion: "v1", kind: "Endpoints", metadata: { name: "external" }, subsets: [{ addresses: [{ ip: "192.168.10.2" }, { ip: "192.168.10.3" }], ports: [{ port: 80, protocol: "TCP" }] }] });
  c.settle();
  c.advance(60);
  const changed = digest(c);

  const answers: string[] = [];
  const client = c.list<{ metadata: { name: string } }>("pods", { labelSelector: "app=app-8" })[0]?.metadata.name ?? "";
  for (let i = 0; i < 10; i++) {
    answers.push(c.curl(`http://svc-${(i * 3) % n}.default.svc.cluster.local:8080/`, { pod: client }, { trace: false }).stdout);
    answers.push(c.curl(`http://${c.nodes()[1]?.internalIP}:${(c.get<{ spec: { ports: { nodePort: number }[] } }>("service", "svc-0")).spec.ports[0]?.nodePort}/`, {}, { trace: false }).stdout);
  }
  return [built, changed, createHash("sha256").update(answers.join("\n")).digest("hex").slice(0, 16)];
}

describe("cluster state for a seed", () => {
  it.each([
    { n: 10, workers: 3, expected: ["b36751fee452a7cd", "87b854b5321708cf", "9426e5cc41ad53e3"] },
    { n: 100, workers: 3, expected: ["d70722b5759d7ede", "e3f6470ffee9f049", "5ff344a91a13f479"] },
    { n: 100, workers: 20, expected: ["04fbcea7a5e4800c", "cc43e53ea677afc0", "392e2975074c2763"] },
  ])("N=$n on $workers workers matches the digests recorded before the indexes", ({ n, workers, expected }) => {
    expect(scenario(n, workers)).toEqual(expected);
  }, 60_000);
});
