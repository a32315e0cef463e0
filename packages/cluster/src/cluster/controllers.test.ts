// Deployments, ReplicaSets, scheduling, kubelet states and endpoints as a
// kind cluster shows them.
import { describe, expect, it } from "vitest";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { computeHash, createCluster } from "../index";
import { SAMPLE_DEPLOYMENT, SAMPLE_SESSION_AFFINITY } from "../test-support/manifests";

const SAFE = "[bcdfghjklmnpqrstvwxz2456789]";

describe("Deployment -> ReplicaSet -> Pods", () => {
  it("names objects like Kubernetes and spreads pods over the workers only", () => {
    const c = createCluster({ seed: 41 });
    c.apply(SAMPLE_DEPLOYMENT);
    c.settle();
    const d = c.get<Deployment>("deployment", "sample-deployment");
    const [rs] = c.list<ReplicaSet>("replicasets");
    const hash = computeHash(d.spec?.template);
    expect(rs?.metadata?.name).toBe(`sample-deployment-${hash}`);
    expect(rs?.metadata?.labels?.["pod-template-hash"]).toBe(hash);
    expect(rs?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Deployment", name: "sample-deployment", controller: true });
    const pods = c.list<Pod>("pods");
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata?.name).toMatch(new RegExp(`^sample-deployment-${hash}-${SAFE}{5}$`));
      expect(p.status?.phase).toBe("Running");
      expect(p.status?.podIP).toMatch(/^10\.244\.[123]\.\d+$/);
      expect(p.status?.podIP?.startsWith(`10.244.${p.spec?.nodeName === "kind-worker" ? 1 : p.spec?.nodeName === "kind-worker2" ? 2 : 3}.`)).toBe(true);
    }
    expect(new Set(pods.map((p) => p.spec?.nodeName))).toEqual(new Set(["kind-worker", "kind-worker2", "kind-worker3"]));
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
  });

  it("goes Pending -> ContainerCreating -> Running and Ready in virtual seconds", () => {
    const c = createCluster({ seed: 42 });
    c.apply(SAMPLE_DEPLOYMENT);
    const pod = () => c.list<Pod>("pods")[0] as Pod;
    expect(pod().status?.phase).toBe("Pending");
    expect(pod().status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("ContainerCreating");
    c.advance(1);
    expect(pod().status?.phase).toBe("Running");
    expect(pod().status?.conditions?.find((x) => x.type === "Ready")?.status).toBe("True");
  });

  it("rolls out a new template with surge and keeps the old ReplicaSet at zero", () => {
    const c = createCluster({ seed: 43 });
    c.apply(SAMPLE_DEPLOYMENT);
    c.settle();
    c.apply(SAMPLE_DEPLOYMENT.replace("echo-nginx:v2.0", "echo-nginx:v2.1"));
    let maxPods = 0;
    c.waitFor(() => {
      maxPods = Math.max(maxPods, c.list<Pod>("pods").filter((p) => p.metadata?.deletionTimestamp === undefined).length);
      const d = c.get<Deployment>("deployment", "sample-deployment");
      return d.status?.updatedReplicas === 3 && d.status.availableReplicas === 3 && c.list<Pod>("pods").length === 3;
    });
    expect(maxPods).toBe(4); // maxSurge 25% of 3 rounds up to 1
    const rss = c.list<ReplicaSet>("replicasets");
    expect(rss.map((r) => r.spec?.replicas).sort()).toEqual([0, 3]);
    expect(c.get<Deployment>("deployment", "sample-deployment").metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    for (const p of c.list<Pod>("pods")) expect(p.spec?.containers[0]?.image).toBe("amsy810/echo-nginx:v2.1");
  });

  it("scales down the youngest pods and deletes dependents with their owner", () => {
    const c = createCluster({ seed: 44 });
    c.apply(SAMPLE_DEPLOYMENT);
    c.settle();
    c.scale("deployment", "sample-deployment", 1);
    c.settle();
    expect(c.list<Pod>("pods")).toHaveLength(1);
    c.delete("deployment", "sample-deployment");
    c.settle();
    expect(c.list("replicasets")).toHaveLength(0);
    expect(c.list("pods")).toHaveLength(0);
  });

  it("leaves an unknown image in ImagePullBackOff, never Ready", () => {
    const c = createCluster({ seed: 45 });
    c.apply(SAMPLE_DEPLOYMENT.replace("amsy810/echo-nginx:v2.0", "amsy810/echo-ngnix:v2.0").replace("replicas: 3", "replicas: 1"));
    c.settle();
    const p = c.list<Pod>("pods")[0];
    expect(p?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("ImagePullBackOff");
    expect(p?.status?.conditions?.find((x) => x.type === "Ready")?.status).toBe("False");
  });
});

describe("EndpointSlice and Endpoints", () => {
  it("carries the node's zone and emits watch events", () => {
    const c = createCluster({ seed: 52, nodes: [{ role: "control-plane" }, { role: "worker", zone: "zone-a" }] });
    const events: string[] = [];
    const stop = c.watch<EndpointSlice>("endpointslices", (e) => {
      if (e.object.metadata?.labels?.["kubernetes.io/service-name"] === "sample-session-affinity") events.push(e.type);
    });
    c.apply(SAMPLE_DEPLOYMENT.replace("replicas: 3", "replicas: 1"));
    c.apply(SAMPLE_SESSION_AFFINITY);
    c.settle();
    stop();
    expect(events[0]).toBe("ADDED");
    expect(events).toContain("MODIFIED");
    const [slice] = c.list<EndpointSlice>("endpointslices", { labelSelector: "kubernetes.io/service-name=sample-session-affinity" });
    expect(slice?.endpoints?.[0]).toMatchObject({ nodeName: "kind-worker", zone: "zone-a" });
  });

  it("publishes ready endpoints with node names in a slice named <svc>-<5 random>", () => {
    const c = createCluster({ seed: 46 });
    c.apply(SAMPLE_DEPLOYMENT);
    c.apply(SAMPLE_SESSION_AFFINITY);
    c.settle();
    const [slice] = c.list<EndpointSlice>("endpointslices", { labelSelector: "kubernetes.io/service-name=sample-session-affinity" });
    expect(slice?.metadata?.name).toMatch(new RegExp(`^sample-session-affinity-${SAFE}{5}$`));
    expect(slice?.ports).toEqual([{ name: "http-port", port: 80, protocol: "TCP" }]);
    expect(slice?.endpoints).toHaveLength(3);
    for (const ep of slice?.endpoints ?? []) {
      expect(ep.conditions).toEqual({ ready: true, serving: true, terminating: false });
      expect(ep.nodeName).toMatch(/^kind-worker/);
      expect(ep.targetRef?.kind).toBe("Pod");
    }
    const eps = c.get<Endpoints>("endpoints", "sample-session-affinity");
    expect(eps.subsets?.[0]?.addresses).toHaveLength(3);
    expect(eps.subsets?.[0]?.ports).toEqual([{ name: "http-port", port: 80, protocol: "TCP" }]);
  });

  it("resolves a named targetPort per pod (the book's named-port sample)", () => {
    const c = createCluster({ seed: 47 });
    const pod = (name: string, port: number) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: sample-app
spec:
  containers:
  - name: nginx-container
    image: amsy810/echo-nginx:v2.0
    env:
    - name: NGINX_PORT
      value: "${port}"
    ports:
    - name: http
      containerPort: ${port}
`;
    c.apply(pod("sample-named-port-pod-80", 80));
    c.apply(pod("sample-named-port-pod-81", 81));
    c.apply(`apiVersion: v1
kind: Service
metadata:
  name: sample-named-port-service
spec:
  type: ClusterIP
  ports:
  - name: http-port
    protocol: TCP
    port: 8080
    targetPort: http
  selector:
    app: sample-app
`);
    c.apply(`apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: c
    image: curlimages/curl
    command: ["sleep", "infinity"]
`);
    c.settle();
    const slices = c.list<EndpointSlice>("endpointslices", { labelSelector: "kubernetes.io/service-name=sample-named-port-service" });
    expect(slices.map((s) => s.ports?.[0]?.port).sort()).toEqual([80, 81]);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(/From=(\S+)/.exec(c.curl("http://sample-named-port-service:8080", { pod: "client" }, { trace: false }).stdout)?.[1] ?? "");
    expect(seen).toEqual(new Set(["sample-named-port-pod-80", "sample-named-port-pod-81"]));
  });
});

describe("Service allocation errors", () => {
  const nodePort = (name: string, port: number) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: NodePort
  ports:
  - name: http-port
    protocol: TCP
    port: 8080
    targetPort: 80
    nodePort: ${port}
  selector:
    app: sample-app
`;

  it.each([
    [nodePort("sample-nodeport-fail", 8888), 'The Service "sample-nodeport-fail" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767'],
  ])("rejects %#", (yaml, line) => {
    const c = createCluster({ seed: 48 });
    expect(c.apply(yaml).map((r) => r.line)).toEqual([line]);
    expect(c.list("services").map((s) => s.metadata?.name)).toEqual(["kubernetes"]);
  });

  it("reports an allocation error alone, before validation", () => {
    const c = createCluster({ seed: 50 });
    c.apply(nodePort("sample-nodeport", 30080));
    const both = nodePort("sample-nodeport-fail2", 30080).replace("  selector:", "  sessionAffinity: ClusterIP\n  selector:");
    expect(c.apply(both).map((r) => r.line)).toEqual([
      'The Service "sample-nodeport-fail2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    ]);
    expect(c.apply(both.replace("nodePort: 30080", "nodePort: 30090")).map((r) => r.line)).toEqual([
      'The Service "sample-nodeport-fail2" is invalid: spec.sessionAffinity: Unsupported value: "ClusterIP": supported values: "ClientIP", "None"',
    ]);
    // The failed create gave 30090 back.
    expect(c.apply(nodePort("sample-nodeport-30090", 30090)).map((r) => r.line)).toEqual(["service/sample-nodeport-30090 created"]);
  });

  it("refuses a node port or cluster IP already allocated and leaves nothing behind", () => {
    const c = createCluster({ seed: 49 });
    expect(c.apply(nodePort("sample-nodeport", 30080)).map((r) => r.line)).toEqual(["service/sample-nodeport created"]);
    expect(c.apply(nodePort("sample-nodeport-fail2", 30080)).map((r) => r.line)).toEqual([
      'The Service "sample-nodeport-fail2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    ]);
    const vip = `apiVersion: v1
kind: Service
metadata:
  name: sample-clusterip-vip
spec:
  type: ClusterIP
  clusterIP: 10.96.0.1
  ports:
  - port: 8080
  selector:
    app: sample-app
`;
    expect(c.apply(vip).map((r) => r.line)).toEqual([
      'The Service "sample-clusterip-vip" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    ]);
    // A rejected write changed nothing: the address is still free for a valid service.
    expect(c.apply(vip.replace("10.96.0.1", "10.96.0.100")).map((r) => r.line)).toEqual(["service/sample-clusterip-vip created"]);
    c.delete("service", "sample-nodeport");
    expect(c.apply(nodePort("sample-nodeport-fail2", 30080)).map((r) => r.line)).toEqual(["service/sample-nodeport-fail2 created"]);
    expect(c.get<Service>("service", "sample-clusterip-vip").spec?.clusterIP).toBe("10.96.0.100");
  });
});
