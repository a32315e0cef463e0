import { describe, expect, it } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { describeService, formatEndpointSlices } from "./service";

const svc: Service = {
  metadata: { name: "sample-lb-local", namespace: "default", labels: { app: "x", tier: "web" } },
  spec: {
    type: "LoadBalancer",
    selector: { app: "sample-app" },
    ipFamilyPolicy: "SingleStack",
    ipFamilies: ["IPv4"],
    clusterIP: "10.96.0.20",
    clusterIPs: ["10.96.0.20"],
    ports: [{ name: "http-port", protocol: "TCP", port: 8080, targetPort: 80, nodePort: 30085 }],
    sessionAffinity: "None",
    externalTrafficPolicy: "Local",
    internalTrafficPolicy: "Cluster",
    healthCheckNodePort: 30086,
  },
  status: { loadBalancer: { ingress: [{ ip: "172.18.0.6", ipMode: "VIP" }] } },
};

const slice = (ready: boolean[]): EndpointSlice => ({
  addressType: "IPv4",
  ports: [{ name: "http-port", port: 80, protocol: "TCP" }],
  endpoints: ready.map((r, i) => ({ addresses: [`10.244.${i + 1}.2`], conditions: { ready: r } })),
});

describe("describeService (kubectl describe.go)", () => {
  it("prints the fields in kubectl's order, aligned by a padding-2 tab writer", () => {
    expect(describeService(svc, [slice([true, false, true])])).toBe(
      [
        "Name:                     sample-lb-local",
        "Namespace:                default",
        "Labels:                   app=x",
        "                          tier=web",
        "Annotations:              <none>",
        "Selector:                 app=sample-app",
        "Type:                     LoadBalancer",
        "IP Family Policy:         SingleStack",
        "IP Families:              IPv4",
        "IP:                       10.96.0.20",
        "IPs:                      10.96.0.20",
        "LoadBalancer Ingress:     172.18.0.6 (VIP)",
        "Port:                     http-port  8080/TCP",
        "TargetPort:               80/TCP",
        "NodePort:                 http-port  30085/TCP",
        "Endpoints:                10.244.1.2:80,10.244.3.2:80",
        "Session Affinity:         None",
        "External Traffic Policy:  Local",
        "Internal Traffic Policy:  Cluster",
        "HealthCheck NodePort:     30086",
        "Events:                   <none>",
        "",
      ].join("\n"),
    );
  });
});

describe("formatEndpointSlices", () => {
  it("lists ready endpoints of the named port, three at most", () => {
    expect(formatEndpointSlices([slice([true, true, true, true, true])], "http-port")).toBe("10.244.1.2:80,10.244.2.2:80,10.244.3.2:80 + 2 more...");
    expect(formatEndpointSlices([slice([true])], "other")).toBe("");
    expect(formatEndpointSlices([], "http-port")).toBe("<none>");
  });
});
