// The "Using Source IP" tutorial and the book's externalTrafficPolicy experiments.
import { describe, expect, it } from "vitest";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { createCluster, type Cluster } from "../index";
import { SAMPLE_DEPLOYMENT, SAMPLE_LB_LOCAL, SAMPLE_NODEPORT_LOCAL } from "../test-support/manifests";

const WORKERS = ["kind-worker", "kind-worker2", "kind-worker3"];
const clientIP = (body: string) => /ClientIP=(\S+)/.exec(body)?.[1];
const from = (body: string) => /From=(\S+)/.exec(body)?.[1];

function withPodsOn(c: Cluster): Map<string, string> {
  const byNode = new Map<string, string>();
  for (const p of c.list<Pod>("pods")) if (p.metadata?.name?.startsWith("sample-deployment")) byNode.set(p.spec?.nodeName ?? "", p.metadata.name);
  return byNode;
}

function scaledTo(seed: number, replicas: number, ...manifests: string[]): Cluster {
  const c = createCluster({ seed });
  c.apply(SAMPLE_DEPLOYMENT);
  for (const m of manifests) c.apply(m);
  c.settle();
  c.scale("deployment", "sample-deployment", replicas);
  c.settle();
  return c;
}

describe("externalTrafficPolicy: Local on NodePort (sample-nodeport-local)", () => {
  it("is answered only by nodes running a pod, which see the real client IP", () => {
    const c = scaledTo(21, 1, SAMPLE_NODEPORT_LOCAL);
    const pods = withPodsOn(c);
    expect(pods.size).toBe(1);
    for (const n of c.nodes()) {
      const r = c.curl(`http://${n.internalIP}:30081`, {}, { trace: false });
      if (pods.has(n.name)) {
        expect(r.exitCode).toBe(0);
        expect(clientIP(r.stdout)).toBe("172.18.0.1");
        expect(from(r.stdout)).toBe(pods.get(n.name));
      } else {
        expect(r.exitCode).toBe(28);
        expect(r.stderr).toMatch(/^curl: \(28\) Failed to connect to 172\.18\.0\.\d port 30081 after 127\d{3} ms: Couldn't connect to server$/);
        const quick = c.curl(`http://${n.internalIP}:30081`, {}, { connectTimeoutSeconds: 2 });
        expect(quick.stderr).toBe("curl: (28) Connection timed out after 2001 milliseconds");
      }
    }
  });
});

describe("externalTrafficPolicy: Cluster", () => {
  it("SNATs to the entry node when the backend is on another node, keeps the client IP for a local one", () => {
    const c = scaledTo(22, 3);
    c.apply(SAMPLE_NODEPORT_LOCAL.replace("externalTrafficPolicy: Local", "externalTrafficPolicy: Cluster"));
    c.settle();
    let remote = 0;
    let local = 0;
    for (let i = 0; i < 30; i++) {
      const r = c.curl("http://172.18.0.3:30081", {});
      const hop = r.trace.find((h) => h.step === "datapath");
      if (hop?.step !== "datapath") throw new Error("no datapath hop");
      if (hop.backendNode === "kind-worker") {
        local++;
        expect(clientIP(r.stdout)).toBe("172.18.0.1");
      } else {
        remote++;
        expect(hop.snat).toBe(true);
        expect(clientIP(r.stdout)).toBe("172.18.0.3");
      }
    }
    expect(remote).toBeGreaterThan(0);
    expect(local).toBeGreaterThan(0);
  });
});

describe("externalTrafficPolicy: Local on LoadBalancer (sample-lb-local)", () => {
  it("serves the health check JSON with 200/503 per node", () => {
    const c = scaledTo(23, 1, SAMPLE_LB_LOCAL);
    const svc = c.get<Service>("service", "sample-lb-local");
    expect(svc.spec?.healthCheckNodePort).toBe(30086);
    const pods = withPodsOn(c);
    for (const n of c.nodes()) {
      const r = c.curl(`http://${n.internalIP}:30086/`, {}, { trace: false });
      const count = pods.has(n.name) ? 1 : 0;
      expect(r.response?.status).toBe(count ? 200 : 503);
      expect(r.response?.headers["X-Load-Balancing-Endpoint-Weight"]).toBe(String(count));
      expect(r.stdout).toBe(
        `{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "sample-lb-local"\n\t},\n\t"localEndpoints": ${count},\n\t"serviceProxyHealthy": true\n}`,
      );
    }
  });

  it("stops sending to nodes without pods, and the pod sees the real client IP", () => {
    const c = scaledTo(24, 1, SAMPLE_LB_LOCAL);
    const ingress = c.get<Service>("service", "sample-lb-local").status?.loadBalancer?.ingress?.[0]?.ip;
    expect(ingress).toBe("172.18.0.6");
    const [node, pod] = [...withPodsOn(c)][0] as [string, string];
    expect(c.loadBalancerHealthyNodes("sample-lb-local")).toEqual([node]);
    for (let i = 0; i < 20; i++) {
      const r = c.curl(`http://${ingress}:8080/`, {});
      expect(r.exitCode).toBe(0);
      expect(from(r.stdout)).toBe(pod);
      expect(clientIP(r.stdout)).toBe("172.18.0.1");
      const lb = r.trace.find((h) => h.step === "cloud-lb");
      expect(lb?.step === "cloud-lb" && lb.node).toBe(node);
    }
  });

  it("sends each new connection to any healthy node once every worker has a pod", () => {
    const c = scaledTo(25, 3, SAMPLE_LB_LOCAL);
    expect(c.loadBalancerHealthyNodes("sample-lb-local")).toEqual(WORKERS);
  });
});

describe("loadBalancerSourceRanges (sample-lb-fw)", () => {
  it("drops clients outside the ranges and serves those inside", () => {
    const c = scaledTo(26, 3);
    c.apply(`apiVersion: v1
kind: Service
metadata:
  name: sample-lb-fw
spec:
  type: LoadBalancer
  ports:
  - name: "http-port"
    protocol: "TCP"
    port: 8080
    targetPort: 80
    nodePort: 30083
  selector:
    app: sample-app
  loadBalancerSourceRanges:
  - 10.0.0.0/8
`);
    c.settle();
    const ip = c.get<Service>("service", "sample-lb-fw").status?.loadBalancer?.ingress?.[0]?.ip;
    const outside = c.curl(`http://${ip}:8080/`, {}, { connectTimeoutSeconds: 3 });
    expect(outside.exitCode).toBe(28);
    const hop = outside.trace.find((h) => h.step === "datapath");
    expect(hop?.step === "datapath" && hop.dropReason).not.toBe("");
    const inside = c.curl(`http://${ip}:8080/`, { host: "10.1.2.3" });
    expect(inside.exitCode).toBe(0);
    expect(clientIP(inside.stdout)).toMatch(/^(10\.1\.2\.3|172\.18\.0\.[345])$/);
  });
});
