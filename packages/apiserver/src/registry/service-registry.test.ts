// The registry's IP-family checks on this single-stack IPv4 cluster, with
// kube-apiserver's messages (pkg/registry/core/service/storage/alloc.go,
// initIPFamilyFields).
import { describe, expect, it } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import { KINDS } from "../api/kinds";
import { testServer } from "../test-support/server";

const service = (name: string, spec: Service["spec"]) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { ports: [{ port: 80 }], selector: { app: "a" }, ...spec } });

describe("service IP families on a single-stack IPv4 cluster", () => {
  it.each([
    [{ ipFamilyPolicy: "RequireDualStack" }, 'Service "s" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'],
    [{ ipFamilies: ["IPv6"] }, 'Service "s" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'],
    [
      { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] },
      'Service "s" is invalid: [spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services, spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this cluster]',
    ],
  ])("refuses %j", (spec, message) => {
    const { api } = testServer();
    expect(() => api.create(KINDS.service, service("s", spec as Service["spec"]), "default")).toThrow(message);
    expect(api.list(KINDS.service)).toEqual([]);
  });

  it("gives PreferDualStack the one family, and a selectorless headless service both", () => {
    const { api } = testServer();
    const prefer = api.create<Service>(KINDS.service, service("p", { ipFamilyPolicy: "PreferDualStack" }), "default");
    expect(prefer.spec?.ipFamilies).toEqual(["IPv4"]);
    expect(prefer.spec?.clusterIPs).toHaveLength(1);
    const headless = api.create<Service>(KINDS.service, service("h", { clusterIP: "None", selector: undefined }), "default");
    expect([headless.spec?.ipFamilyPolicy, headless.spec?.ipFamilies, headless.spec?.clusterIPs]).toEqual(["RequireDualStack", ["IPv4", "IPv6"], ["None"]]);
  });
});
