// Edges of the request path: refused ports, services without endpoints,
// unroutable addresses, node clients, and what the server sees of the source.
import { describe, expect, it } from "vitest";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { createCluster, formatTrace } from "../index";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD } from "../test-support/manifests";

const NETEXEC = `apiVersion: v1
kind: Pod
metadata:
  name: netexec
  labels:
    app: netexec
spec:
  containers:
  - name: agnhost
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: ["netexec", "--http-port=8080"]
---
apiVersion: v1
kind: Service
metadata:
  name: netexec
spec:
  selector:
    app: netexec
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: nobody
spec:
  selector:
    app: nobody
  ports:
  - port: 80
`;

function cluster() {
  const c = createCluster({ seed: 61 });
  c.apply(SAMPLE_POD);
  c.apply(SAMPLE_DEPLOYMENT);
  c.apply(NETEXEC);
  c.settle();
  return c;
}

describe("the request path", () => {
  it("shows the client's ephemeral port to agnhost's /clientip", () => {
    const c = cluster();
    const r = c.curl("http://netexec/clientip", { pod: "sample-pod" });
    const connect = r.trace.find((h) => h.step === "connect");
    expect(connect?.step === "connect" && connect.source).toBe(r.stdout);
    expect(r.stdout).toMatch(new RegExp(`^${c.get<Pod>("pod", "sample-pod").status?.podIP?.replace(/\./g, "\\.")}:(3[2-9]|[45]\\d|60)\\d{3}$`));
    expect(formatTrace(r.trace)).toContain("pod default/netexec on kind-worker");
  });

  it("refuses a port nobody listens on and a service without endpoints", () => {
    const c = cluster();
    const podIP = c.get<Pod>("pod", "netexec").status?.podIP;
    const closed = c.curl(`http://${podIP}:9999/`, { pod: "sample-pod" });
    expect(closed.exitCode).toBe(7);
    expect(closed.stderr).toMatch(new RegExp(`^curl: \\(7\\) Failed to connect to ${podIP} port 9999 after \\d+ ms: Couldn't connect to server$`));
    const empty = c.curl("http://nobody/", { pod: "sample-pod" });
    expect(empty.exitCode).toBe(7);
    const dp = empty.trace.find((h) => h.step === "datapath" && h.frontend.endsWith("/TCP"));
    expect(dp?.step === "datapath" && dp.verdict).toBe("drop");
  });

  it("does not resolve cluster names or route cluster IPs from outside", () => {
    const c = cluster();
    expect(c.curl("http://netexec.default.svc.cluster.local/", {}).stderr).toBe("curl: (6) Could not resolve host: netexec.default.svc.cluster.local");
    const ip = c.get<Service>("service", "netexec").spec?.clusterIP;
    const r = c.curl(`http://${ip}/`, {}, { connectTimeoutSeconds: 5 });
    expect(r.exitCode).toBe(28);
    expect(r.elapsedSeconds).toBeGreaterThanOrEqual(5);
  });

  it("lets a node reach a ClusterIP through its socket LB, seen from the node's address", () => {
    const c = cluster();
    const ip = c.get<Service>("service", "netexec").spec?.clusterIP;
    const r = c.curl(`http://${ip}/clientip`, { node: "kind-worker2" });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.startsWith("172.18.0.4:")).toBe(true);
  });

  it("reaches kube-apiserver behind the kubernetes Service (which speaks TLS)", () => {
    const c = cluster();
    const r = c.curl("http://kubernetes.default:443/", { pod: "sample-pod" });
    expect(r.response?.status).toBe(400);
    expect(r.stdout).toBe("Client sent an HTTP request to an HTTPS server.\n");
    expect(c.curl("https://kubernetes/", { pod: "sample-pod" }).exitCode).toBe(1);
  });

  it("cannot resolve names while no CoreDNS pod answers", () => {
    const c = cluster();
    c.scale("deployment", "coredns", 0, { namespace: "kube-system" });
    c.settle();
    const r = c.curl("http://netexec/hostname", { pod: "sample-pod" });
    expect(r.exitCode).toBe(6);
    expect(r.stderr).toBe("curl: (6) Could not resolve host: netexec");
    expect(r.elapsedSeconds).toBeGreaterThanOrEqual(10);
    // Addresses need no DNS.
    expect(c.curl(`http://${c.get<Pod>("pod", "netexec").status?.podIP}:8080/hostname`, { pod: "sample-pod" }).stdout).toBe("netexec");
  });

  it("keeps loopback inside the client: a pod's own port, a node's NodePort via socket LB", () => {
    const c = cluster();
    expect(c.curl("http://127.0.0.1:8080/hostname", { pod: "netexec" }).stdout).toBe("netexec");
    expect(c.curl("http://localhost:9999/", { pod: "netexec" }).exitCode).toBe(7);
  });

  it("takes virtual time for each request", () => {
    const c = cluster();
    const before = c.now();
    const r = c.curl("http://netexec/hostname", { pod: "sample-pod" });
    expect(r.stdout).toBe("netexec");
    expect(r.elapsedSeconds).toBeGreaterThan(0);
    expect(c.now()).toBeCloseTo(before + r.elapsedSeconds, 9);
  });
});
