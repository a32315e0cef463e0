import { describe, expect, it } from "vitest";
import type { KubeObject } from "./kinds";
import { lookupKind, resolveResource, resourceRef } from "./kinds";

describe("kinds", () => {
  it.each([
    ["svc", "Service"],
    ["services", "Service"],
    ["service", "Service"],
    ["deploy", "Deployment"],
    ["deployments.apps", "Deployment"],
    ["deployment.apps/v1", "Deployment"],
    ["po", "Pod"],
    ["ep", "Endpoints"],
    ["endpointslices.discovery.k8s.io", "EndpointSlice"],
    ["rs", "ReplicaSet"],
    ["ns", "Namespace"],
    ["nodes", "Node"],
  ])("%s resolves to %s", (arg, kind) => {
    expect(resolveResource(arg)?.kind).toBe(kind);
  });

  it("rejects a resource in the wrong group", () => {
    expect(resolveResource("services.apps")).toBeUndefined();
    expect(lookupKind("v1", "Deployment")).toBeUndefined();
  });

  it("names objects like kubectl's success lines", () => {
    expect(resourceRef({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "sample-deployment" } } as KubeObject)).toBe("deployment.apps/sample-deployment");
    expect(resourceRef({ apiVersion: "v1", kind: "Pod", metadata: { name: "sample-pod" } } as KubeObject)).toBe("pod/sample-pod");
    expect(resourceRef({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "x-abc" } } as KubeObject)).toBe(
      "endpointslice.discovery.k8s.io/x-abc",
    );
  });
});
