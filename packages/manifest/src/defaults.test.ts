import { describe, expect, it } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import { applyDefaults, defaultImagePullPolicy, withNamespace } from "./defaults";
import type { KubeObject } from "./kinds";

const svc = (spec: Service["spec"]): Service => applyDefaults({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec } as KubeObject) as Service;

describe("Service defaulting", () => {
  it("ClusterIP basics", () => {
    expect(svc({ ports: [{ port: 80 }] }).spec).toEqual({
      type: "ClusterIP",
      sessionAffinity: "None",
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      internalTrafficPolicy: "Cluster",
      ipFamilyPolicy: "SingleStack",
      ipFamilies: ["IPv4"],
    });
  });

  it("drops sessionAffinityConfig when affinity is None", () => {
    expect(svc({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } }).spec?.sessionAffinityConfig).toBeUndefined();
  });

  it.each([[undefined], [{}], [{ clientIP: {} }]])("ClientIP with config %j gets 10800", (cfg) => {
    expect(svc({ sessionAffinity: "ClientIP", sessionAffinityConfig: cfg }).spec?.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
  });

  it("externalTrafficPolicy only for externally accessible services", () => {
    expect(svc({ type: "NodePort" }).spec?.externalTrafficPolicy).toBe("Cluster");
    expect(svc({ externalIPs: ["1.2.3.4"] }).spec?.externalTrafficPolicy).toBe("Cluster");
    expect(svc({}).spec?.externalTrafficPolicy).toBeUndefined();
    expect(svc({ type: "ExternalName", externalName: "x.example" }).spec).toEqual({ type: "ExternalName", externalName: "x.example", sessionAffinity: "None" });
  });

  it("headless services without a selector require dual stack", () => {
    expect(svc({ clusterIP: "None" }).spec?.ipFamilyPolicy).toBe("RequireDualStack");
    // pkg/registry/core/service/storage/alloc.go initIPFamilyFields: both families, even on a single-stack cluster.
    expect(svc({ clusterIP: "None" }).spec?.ipFamilies).toEqual(["IPv4", "IPv6"]);
    expect(svc({ clusterIP: "None", ipFamilyPolicy: "SingleStack" }).spec?.ipFamilies).toEqual(["IPv4"]);
    expect(svc({ clusterIP: "None", selector: { app: "a" }, ipFamilyPolicy: "PreferDualStack" }).spec?.ipFamilies).toEqual(["IPv4"]);
    expect(svc({ clusterIP: "None", selector: { app: "a" } }).spec?.ipFamilyPolicy).toBe("SingleStack");
  });

  it("keeps a named targetPort and mirrors clusterIP", () => {
    const s = svc({ clusterIP: "10.96.0.10", ports: [{ port: 80, targetPort: "http" }] });
    expect(s.spec?.ports?.[0]?.targetPort).toBe("http");
    expect(s.spec?.clusterIPs).toEqual(["10.96.0.10"]);
  });

  it("never mutates its input", () => {
    const input = { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: {} } as KubeObject;
    applyDefaults(input);
    withNamespace(input);
    expect(input).toEqual({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: {} });
  });
});

describe("imagePullPolicy", () => {
  it.each([
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.25", "IfNotPresent"],
    ["localhost:5000/nginx", "Always"],
    ["localhost:5000/nginx:1", "IfNotPresent"],
    ["nginx@sha256:abc", "IfNotPresent"],
    ["amsy810/echo-nginx:v2.0", "IfNotPresent"],
  ])("%s -> %s", (image, policy) => {
    expect(defaultImagePullPolicy(image)).toBe(policy);
  });
});
