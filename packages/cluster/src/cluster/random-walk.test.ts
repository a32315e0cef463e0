// A seeded random walk over what users do to a cluster and what happens to
// it: apply, patch, scale, delete, relabel, rollout, node failure and return,
// Cilium agent restart, sleeps of up to days, and curl by ClusterIP, DNS name,
// NodePort and LoadBalancer address. After every step: the EndpointSlices
// hold exactly the ready pods the selector matches; every answer comes from
// one of them; ClientIP affinity holds within its timeout while the backend
// stays Ready; every error is one a real tool prints (never a JavaScript
// error); timers and pods stay bounded.
import { describe, expect, it } from "vitest";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { KubectlError, StatusError, renderKubectlError } from "@svclab/manifest";
import { SeededRandom } from "@svclab/sim";
import { createCluster, type Cluster } from "../index";
import { isPodReady } from "../controllers/endpoints-model";

const STEPS = 150;
const AFFINITY_TIMEOUT = 60;
const JS_ERROR_TEXT = /TypeError|RangeError|ReferenceError|SyntaxError|at Object\.|node_modules|undefined/;
const CURL_ERROR = /^curl: \((6|7|28|56)\) /;
/** The nodes the walk may stop; the exec pod lives on kind-worker, which stays up. */
const FAILING_NODES = ["kind-worker2", "kind-worker3"];

const web = (replicas: number, version: number, app = "web") => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}, version: "v${version}"}}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["serve-hostname"]
        ports: [{containerPort: 9376}]
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 9376}]
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: ${AFFINITY_TIMEOUT}}}
---
apiVersion: v1
kind: Pod
metadata: {name: execpod}
spec:
  nodeName: kind-worker
  containers:
  - name: agnhost
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: ["pause"]
`;

/** Pods the Service selects that are Ready and not terminating: what its EndpointSlices must list as ready. */
function readyBackends(c: Cluster): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of c.list<Pod>("pods")) {
    if (p.metadata?.labels?.app !== "web" || p.metadata.deletionTimestamp !== undefined || !isPodReady(p) || !p.status?.podIP) continue;
    out.set(p.status.podIP, p.metadata.name ?? "");
  }
  return out;
}

function sliceEndpoints(c: Cluster): { ready: string[]; serving: Set<string> } {
  const ready: string[] = [];
  const serving = new Set<string>();
  for (const s of c.list<EndpointSlice>("endpointslices")) {
    if (s.metadata?.labels?.["kubernetes.io/service-name"] !== "web") continue;
    for (const e of s.endpoints ?? []) {
      if (e.conditions?.ready) ready.push(...e.addresses);
      if (e.conditions?.ready || e.conditions?.serving) for (const a of e.addresses) serving.add(a);
    }
  }
  return { ready: ready.sort(), serving };
}

interface Walk {
  readonly c: Cluster;
  readonly rng: SeededRandom;
  readonly log: string[];
  version: number;
  replicas: number;
  /** Per client (pod, or external client through one node's NodePort): last backend and when. */
  readonly affinity: Map<string, { backend: string; at: number }>;
  /** Pod names that answered or could answer: ready or serving endpoints at the time of the request. */
  requests: number;
}

function curl(w: Walk, client: string, url: string, from: { pod: string } | Record<string, never>, checkAffinity: boolean): void {
  const { c } = w;
  const eligible = new Set(sliceEndpoints(c).serving);
  const names = new Map([...c.list<Pod>("pods")].map((p) => [p.status?.podIP ?? "", p.metadata?.name ?? ""]));
  const r = c.curl(url, from, { trace: false, connectTimeoutSeconds: 2 });
  w.requests++;
  if (r.exitCode !== 0) {
    expect(r.stderr, w.log.join("\n")).toMatch(CURL_ERROR);
    w.affinity.delete(client);
    return;
  }
  const backendIP = [...names].find(([, n]) => n === r.stdout)?.[0];
  expect(backendIP !== undefined && eligible.has(backendIP), `answer from ${r.stdout}, not an endpoint\n${w.log.join("\n")}`).toBe(true);
  const prev = w.affinity.get(client);
  const ready = new Set(readyBackends(c).values());
  if (checkAffinity && prev !== undefined && ready.has(prev.backend) && c.now() - prev.at < AFFINITY_TIMEOUT - 1) {
    expect(r.stdout, `affinity of ${client} broke\n${w.log.join("\n")}`).toBe(prev.backend);
  }
  w.affinity.set(client, { backend: r.stdout, at: c.now() });
}

/** Runs a user action; an error must be one kubectl would print. */
function userAction(w: Walk, run: () => unknown): void {
  try {
    const r = run();
    if (Array.isArray(r)) for (const x of r as { ok: boolean; line: string }[]) if (!x.ok) expect(x.line).not.toMatch(JS_ERROR_TEXT);
  } catch (e) {
    if (!(e instanceof KubectlError) && !(e instanceof StatusError)) throw e;
    expect(renderKubectlError(e)).not.toMatch(JS_ERROR_TEXT);
  }
}

function step(w: Walk): void {
  const { c, rng } = w;
  const svc = c.get<Service>("service", "web");
  const nodeIP = c.get<Node>("node", "kind-worker").status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  const lb = svc.status?.loadBalancer?.ingress?.[0]?.ip;
  const choice = rng.intBelow(100);
  const down = FAILING_NODES.filter((n) => !c.nodeRunning(n));
  if (choice < 35) {
    const target = rng.pick(["clusterip", "dns", "nodeport", "lb"] as const);
    w.log.push(`curl ${target}`);
    if (target === "clusterip") curl(w, "execpod", `http://${svc.spec?.clusterIP}/`, { pod: "execpod" }, true);
    else if (target === "dns") curl(w, "execpod", "http://web.default.svc.cluster.local/", { pod: "execpod" }, true);
    else if (target === "nodeport") curl(w, "external@kind-worker", `http://${nodeIP}:${svc.spec?.ports?.[0]?.nodePort}/`, {}, true);
    // The cloud load balancer may pick another node each time, and affinity lives in each node's datapath.
    else if (lb !== undefined) curl(w, "external@lb", `http://${lb}/`, {}, false);
  } else if (choice < 45) {
    w.replicas = rng.intBetween(1, 5);
    w.log.push(`scale ${w.replicas}`);
    userAction(w, () => c.scale("deployment", "web", w.replicas));
  } else if (choice < 52) {
    w.version++;
    w.log.push(`rollout v${w.version}`);
    userAction(w, () => c.apply(web(w.replicas, w.version)));
  } else if (choice < 58) {
    const pods = [...readyBackends(c).values()];
    if (pods.length > 0) {
      const p = rng.pick(pods);
      w.log.push(`delete pod ${p}`);
      userAction(w, () => c.delete("pod", p));
    }
  } else if (choice < 63) {
    const pods = [...readyBackends(c).values()];
    if (pods.length > 0) {
      const p = rng.pick(pods);
      w.log.push(`relabel ${p}`);
      // The pod leaves the Service and its ReplicaSet (which replaces it).
      userAction(w, () => c.patch("pod", p, { metadata: { labels: { app: "debug" } } }));
    }
  } else if (choice < 67) {
    w.log.push("patch service timeout");
    userAction(w, () => c.patch("service", "web", { spec: { ports: [{ port: 80, targetPort: 9376 }] } }));
  } else if (choice < 70) {
    w.log.push("bad input");
    userAction(w, () => c.apply(rng.pick([web(Number.NaN, 1).replace("NaN", ".nan"), web(1, 1).replace("replicas: 1", "replicas: 1e400"), "a: [", "kind: Nope\napiVersion: v9\nmetadata: {name: x}\n"]), { file: "bad.yaml" }));
  } else if (choice < 75) {
    const node = rng.pick(FAILING_NODES);
    if (c.nodeRunning(node) && down.length === 0) {
      w.log.push(`docker stop ${node}`);
      c.stopNode(node);
    } else if (!c.nodeRunning(node)) {
      w.log.push(`docker start ${node}`);
      c.startNode(node);
    }
  } else if (choice < 79) {
    const node = rng.pick(["kind-worker", ...FAILING_NODES.filter((n) => c.nodeRunning(n))]);
    w.log.push(`restart cilium on ${node}`);
    c.restartAgent(node, { downSeconds: rng.intBetween(1, 30) });
  } else if (choice < 82) {
    const s = rng.intBelow(3 * 86_400);
    w.log.push(`sleep ${s}`);
    c.advance(s);
  } else {
    const s = rng.nextFloat() * 2 * AFFINITY_TIMEOUT;
    w.log.push(`sleep ${s.toFixed(3)}`);
    c.advance(s);
  }
}

function checkInvariants(w: Walk): void {
  const { c } = w;
  const want = [...readyBackends(c).keys()].sort();
  expect(sliceEndpoints(c).ready, `EndpointSlices vs ready pods\n${w.log.join("\n")}`).toEqual(want);
  const pods = c.list<Pod>("pods", { allNamespaces: true }).length;
  expect(pods, "pods pile up").toBeLessThan(60);
  expect(c.pendingTimers(), "timers pile up").toBeLessThan(40 + 10 * pods);
}

describe("random walk", () => {
  it.each([1, 2])("seed %i: every invariant holds after every step", (seed) => {
    const c = createCluster({ seed });
    const w: Walk = { c, rng: new SeededRandom(`walk/${seed}`), log: [], version: 1, replicas: 3, affinity: new Map(), requests: 0 };
    c.apply(web(3, 1));
    c.apply(SERVICE);
    c.settle();
    for (let i = 0; i < STEPS; i++) {
      step(w);
      checkInvariants(w);
    }
    expect(w.requests).toBeGreaterThan(20);
    // The walk did reach the faults it is about.
    for (const kind of ["docker stop", "restart cilium", "rollout", "relabel", "bad input"]) expect(w.log.some((l) => l.startsWith(kind)), kind).toBe(true);
  }, 60_000);
});
