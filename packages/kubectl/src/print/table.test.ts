import { describe, expect, it } from "vitest";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { buildTable, formatEndpoints } from "@svclab/apiserver";
import { customColumns, renderTable, tableRows, type TableOptions } from "./table";

const now = new Date("2024-01-01T00:01:00Z");
const created = "2024-01-01T00:00:00Z";

// The server's Table as kubectl prints it.
const print = (kind: string, objects: readonly object[], opts: TableOptions): string[][] => tableRows(buildTable(kind, objects, { now }), opts);

function svc(name: string, spec: Service["spec"], status: Service["status"] = {}): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default", creationTimestamp: created }, spec, status };
}

describe("service rows (printers.go printService)", () => {
  it.each([
    ["ClusterIP", svc("a", { type: "ClusterIP", clusterIP: "10.96.0.5", ports: [{ port: 8080, protocol: "TCP" }] }), ["a", "ClusterIP", "10.96.0.5", "<none>", "8080/TCP", "60s"]],
    [
      "LoadBalancer without ingress",
      svc("b", { type: "LoadBalancer", clusterIP: "10.96.0.6", ports: [{ port: 8080, nodePort: 30084, protocol: "TCP" }] }),
      ["b", "LoadBalancer", "10.96.0.6", "<pending>", "8080:30084/TCP", "60s"],
    ],
    [
      "LoadBalancer with ingress",
      svc("c", { type: "LoadBalancer", clusterIP: "10.96.0.7", ports: [{ port: 80, nodePort: 30001, protocol: "TCP" }] }, { loadBalancer: { ingress: [{ ip: "172.18.0.6" }] } }),
      ["c", "LoadBalancer", "10.96.0.7", "172.18.0.6", "80:30001/TCP", "60s"],
    ],
    [
      "NodePort, two ports",
      svc("d", { type: "NodePort", clusterIP: "10.96.0.8", ports: [{ port: 8080, nodePort: 30080, protocol: "TCP" }, { port: 8443, nodePort: 30443, protocol: "UDP" }] }),
      ["d", "NodePort", "10.96.0.8", "<none>", "8080:30080/TCP,8443:30443/UDP", "60s"],
    ],
    ["ExternalName", svc("e", { type: "ExternalName", externalName: "example.com" }), ["e", "ExternalName", "<none>", "example.com", "<none>", "60s"]],
  ])("%s", (_, obj, want) => {
    expect(print("Service", [obj], { noHeaders: true })).toEqual([want]);
  });

  it("prints the header, -o wide SELECTOR and the tab writer's layout", () => {
    const out = renderTable(
      print("Service", [svc("sample-session-affinity", { type: "LoadBalancer", clusterIP: "10.96.11.159", selector: { app: "sample-app" }, ports: [{ port: 8080, nodePort: 30084, protocol: "TCP" }] })], {
        wide: true,
      }),
    );
    expect(out).toBe(
      "NAME                      TYPE           CLUSTER-IP     EXTERNAL-IP   PORT(S)          AGE   SELECTOR\n" +
        "sample-session-affinity   LoadBalancer   10.96.11.159   <pending>     8080:30084/TCP   60s   app=sample-app\n",
    );
  });
});

describe("pod rows (printPod)", () => {
  const base: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default", creationTimestamp: created, labels: { app: "x" } },
    spec: { containers: [{ name: "c", image: "nginx" }], nodeName: "kind-worker" },
  };
  const running: Pod["status"] = {
    phase: "Running",
    podIP: "10.244.1.2",
    containerStatuses: [{ name: "c", image: "nginx", imageID: "", ready: true, restartCount: 0, state: { running: { startedAt: created } } }],
  };

  it.each([
    ["running", { ...base, status: running }, ["p", "1/1", "Running", "0", "60s"]],
    ["pending", { ...base, status: { phase: "Pending", containerStatuses: [{ name: "c", image: "nginx", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } }] } }, ["p", "0/1", "ContainerCreating", "0", "60s"]],
    ["terminating", { ...base, metadata: { ...base.metadata, deletionTimestamp: created }, status: running }, ["p", "1/1", "Terminating", "0", "60s"]],
    [
      "restarted",
      {
        ...base,
        status: { phase: "Running", containerStatuses: [{ name: "c", image: "nginx", imageID: "", ready: false, restartCount: 2, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 1, finishedAt: "2024-01-01T00:00:30Z" } } }] },
      },
      ["p", "0/1", "CrashLoopBackOff", "2 (30s ago)", "60s"],
    ],
  ])("%s", (_, pod, want) => {
    expect(print("Pod", [pod as Pod], { noHeaders: true })).toEqual([want]);
  });

  it("adds NAMESPACE with -A, the wide columns and LABELS", () => {
    const pod: Pod = { ...base, status: running };
    expect(print("Pod", [pod], { wide: true, withNamespace: true, showLabels: true })).toEqual([
      ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES", "LABELS"],
      ["default", "p", "1/1", "Running", "0", "60s", "10.244.1.2", "kind-worker", "<none>", "<none>", "app=x"],
    ]);
  });
});

describe("endpoints", () => {
  it("lists ip:port, at most three, then + N more...", () => {
    const ep: Endpoints = {
      subsets: [{ addresses: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"].map((ip) => ({ ip })), ports: [{ port: 80 }] }],
    };
    expect(formatEndpoints(ep)).toBe("10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...");
    expect(formatEndpoints({})).toBe("<none>");
  });

  it("prints EndpointSlice ports and addresses, <unset> when empty", () => {
    const es: EndpointSlice = { addressType: "IPv4", metadata: { name: "s-abcde", creationTimestamp: created }, endpoints: [], ports: [{ name: "http", port: 80 }, { name: "alt", port: 81 }] };
    expect(print("EndpointSlice", [es], { noHeaders: true })).toEqual([["s-abcde", "IPv4", "80,81", "<unset>", "60s"]]);
  });
});

describe("custom columns", () => {
  it("prints Go %v values, <none> for missing ones, and pads every column", () => {
    const pods = [
      { metadata: { name: "my-nginx-a" }, status: { podIPs: [{ ip: "10.244.3.4" }] } },
      { metadata: { name: "b" }, status: {} },
    ];
    expect(customColumns("NAME:.metadata.name,POD_IP:.status.podIPs", pods, false)).toBe(
      `NAME         POD_IP${" ".repeat(17)}\nmy-nginx-a   [map[ip:10.244.3.4]]   \nb            <none>${" ".repeat(17)}\n`,
    );
  });
});
