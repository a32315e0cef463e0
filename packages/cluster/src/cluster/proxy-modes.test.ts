// The article's experiment, the e2e affinity behaviour and the source-IP
// examples on every Service proxy a kind cluster can run
// (`networking.kubeProxyMode`): the same Kubernetes guarantees, reached by
// Cilium's maps or by kube-proxy's rules, with the documented source-IP
// differences (kube-proxy masquerades external traffic under
// externalTrafficPolicy=Cluster; Cilium SNATs only towards remote backends).
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { createCluster, formatTrace, type Cluster } from "../index";
import type { KubeProxyMode } from "../proxy/service-proxy";
import { SAMPLE_DEPLOYMENT, SAMPLE_NODEPORT_LOCAL, SAMPLE_POD, SAMPLE_SESSION_AFFINITY } from "../test-support/manifests";

const URL = "http://sample-session-affinity.default.svc.cluster.local:8080";
const MODES: readonly KubeProxyMode[] = ["none", "iptables", "nftables", "ipvs"];
const from = (body: string) => /From=(\S+)/.exec(body)?.[1];
const clientIP = (body: string) => /ClientIP=(\S+)/.exec(body)?.[1];

function articleCluster(mode: KubeProxyMode, seed: number): Cluster {
  const c = createCluster({ seed, kubeProxyMode: mode });
  c.apply(SAMPLE_DEPLOYMENT);
  c.apply(SAMPLE_POD);
  c.apply(SAMPLE_SESSION_AFFINITY);
  c.settle();
  return c;
}

describe.each(MODES)("kubeProxyMode %s", (mode) => {
  it("keeps sample-pod on one pod within the timeout and chooses again after it (the article)", { timeout: 60_000 }, () => {
    let differs = 0;
    let samples = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const c = articleCluster(mode, seed);
      const podIP = c.get<Pod>("pod", "sample-pod").status?.podIP;
      let previous = from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout);
      expect(previous).toMatch(/^sample-deployment-/);
      for (let round = 0; round < 8; round++) {
        for (let i = 0; i < 3; i++) {
          const r = c.curl(URL, { pod: "sample-pod" }, { trace: false });
          expect(from(r.stdout)).toBe(previous);
          // Pod to ClusterIP: no mode rewrites the pod's source address.
          expect(clientIP(r.stdout)).toBe(podIP);
          c.advance(3);
        }
        c.advance(11);
        if (mode === "ipvs") {
          // IPVS keeps a persistence template while connections it made linger (TIME_WAIT, 120 s): 11 s idle is not enough.
          expect(from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout)).toBe(previous);
          c.advance(131);
        }
        const next = from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout);
        if (next !== previous) differs++;
        samples++;
        previous = next;
      }
    }
    if (mode === "ipvs") {
      // IPVS's default scheduler is round robin: a new template goes to the next real server.
      expect(differs).toBe(samples);
    } else {
      // Three ready pods: a fresh uniform choice lands elsewhere about 2/3 of the time.
      expect(differs / samples).toBeGreaterThan(0.4);
      expect(differs / samples).toBeLessThan(0.9);
    }
  });

  it("spreads requests over every pod once affinity is patched to None", { timeout: 30_000 }, () => {
    const c = articleCluster(mode, 3);
    c.patch("service", "sample-session-affinity", { spec: { sessionAffinity: "None" } });
    c.settle();
    const pods = new Set<string | undefined>();
    for (let i = 0; i < 40; i++) pods.add(from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout));
    expect(pods.size).toBe(3);
  });

  it("moves a client whose pod is deleted to a ready pod, then stays there (e2e affinity)", { timeout: 30_000 }, () => {
    const c = articleCluster(mode, 5);
    const first = from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout) as string;
    c.delete("pod", first);
    c.settle();
    const next = from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout);
    expect(next).not.toBe(first);
    for (let i = 0; i < 5; i++) expect(from(c.curl(URL, { pod: "sample-pod" }, { trace: false }).stdout)).toBe(next);
  });

  it("externalTrafficPolicy: Local answers only on nodes with a pod, with the client's own address", { timeout: 30_000 }, () => {
    const c = createCluster({ seed: 21, kubeProxyMode: mode });
    c.apply(SAMPLE_DEPLOYMENT);
    c.apply(SAMPLE_NODEPORT_LOCAL);
    c.settle();
    c.scale("deployment", "sample-deployment", 1);
    c.settle();
    const podNode = c.list<Pod>("pods").find((p) => p.metadata?.name?.startsWith("sample-deployment"))?.spec?.nodeName;
    for (const n of c.nodes().filter((x) => x.name !== "kind-control-plane")) {
      const r = c.curl(`http://${n.internalIP}:30081`, {}, { trace: false, connectTimeoutSeconds: 2 });
      if (n.name === podNode) {
        expect(r.exitCode).toBe(0);
        expect(clientIP(r.stdout)).toBe("172.18.0.1");
      } else {
        // No local endpoint: Cilium and kube-proxy both drop (KUBE-EXT's "has no local endpoints" DROP).
        expect(r.exitCode).toBe(28);
      }
    }
  });

  it("externalTrafficPolicy: Cluster hides the client behind a node address as this mode does", { timeout: 30_000 }, () => {
    const c = createCluster({ seed: 22, kubeProxyMode: mode });
    c.apply(SAMPLE_DEPLOYMENT);
    c.apply(SAMPLE_NODEPORT_LOCAL.replace("externalTrafficPolicy: Local", "externalTrafficPolicy: Cluster"));
    c.settle();
    const entry = c.node("kind-worker");
    const seen = new Map<string, Set<string>>();
    for (let i = 0; i < 40; i++) {
      const r = c.curl(`http://${entry.internalIP}:30081`, {}, { trace: false });
      expect(r.exitCode).toBe(0);
      const pod = c.get<Pod>("pod", from(r.stdout) as string);
      const key = pod.spec?.nodeName === entry.name ? "local" : "remote";
      if (!seen.has(key)) seen.set(key, new Set());
      seen.get(key)?.add(clientIP(r.stdout) as string);
    }
    expect([...seen.keys()].sort()).toEqual(["local", "remote"]);
    // Remote backends see the entry node on every mode.
    expect([...(seen.get("remote") ?? [])]).toEqual([entry.internalIP]);
    const local = [...(seen.get("local") ?? [])];
    if (mode === "none") expect(local).toEqual(["172.18.0.1"]);
    // kube-proxy masquerades every external packet under eTP=Cluster; towards a local pod the source is the pod network's gateway.
    else expect(local).toEqual([entry.podCIDR.replace(/\.0\/\d+$/, ".1")]);
  });

  it("traces the decision with what made it", { timeout: 30_000 }, () => {
    const c = articleCluster(mode, 2);
    const text = formatTrace(c.curl(URL, { pod: "sample-pod" }).trace);
    if (mode === "none") expect(text).toMatch(/datapath kind-worker\d? \[/);
    else expect(text).toMatch(new RegExp(`${mode} kind-worker\\d?: 10\\.96\\.\\d+\\.\\d+:8080 -> 10\\.244\\.\\d+\\.\\d+:80`));
  });
});
