import { describe, expect, it } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import type { Deployment } from "kubernetes-types/apps/v1";
import { admitCreate } from "../admission";
import { renderKubectlError } from "../status";
import { createThreeWayMergePatch, patchObject } from "./index";

const manifest = (ports: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "s" },
  spec: { type: "NodePort", selector: { app: "a" }, ports, ...extra },
});

describe("kubectl apply three-way patch", () => {
  const applied = manifest([{ name: "http", port: 80 }, { name: "https", port: 443 }]);
  const live = (): Service => {
    const s = admitCreate(applied) as Service;
    s.spec!.ports![0]!.nodePort = 30080;
    s.spec!.ports![1]!.nodePort = 30443;
    return s;
  };

  it("re-applying the same manifest is a no-op", () => {
    expect(createThreeWayMergePatch(applied, applied, live(), "Service")).toEqual({});
  });

  it("drops a port the user removed and keeps allocated node ports", () => {
    const modified = manifest([{ name: "http", port: 80 }]);
    const patch = createThreeWayMergePatch(applied, modified, live(), "Service");
    expect(patch).toEqual({ spec: { ports: [{ port: 443, $patch: "delete" }], "$setElementOrder/ports": [{ port: 80 }] } });
    const { object, changed } = patchObject(live(), patch, "strategic", { fieldValidation: "Strict" });
    expect(changed).toBe(true);
    expect((object as Service).spec!.ports).toEqual([{ name: "http", port: 80, protocol: "TCP", targetPort: 80, nodePort: 30080 }]);
  });

  it("removes fields dropped from the manifest, keeps fields others set", () => {
    const withIPs = manifest([{ name: "http", port: 80 }, { name: "https", port: 443 }], { externalIPs: ["10.0.0.1"] });
    const current = live();
    current.metadata = { ...current.metadata, labels: { team: "x" } };
    const patch = createThreeWayMergePatch(withIPs, applied, current, "Service");
    expect(patch).toEqual({ spec: { externalIPs: null } });
  });

  it("changes a container by name with the element order", () => {
    const dep = (image: string): Record<string, unknown> => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { app: "x" } }, template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "web", image }] } } },
    });
    const current = admitCreate(dep("nginx:1")) as Deployment;
    const patch = createThreeWayMergePatch(dep("nginx:1"), dep("nginx:2"), current, "Deployment");
    expect(patch).toEqual({
      spec: { template: { spec: { containers: [{ name: "web", image: "nginx:2" }], "$setElementOrder/containers": [{ name: "web" }] } } },
    });
    const next = patchObject(current, patch).object as Deployment;
    expect(next.spec!.template.spec!.containers[0]).toMatchObject({ name: "web", image: "nginx:2", imagePullPolicy: "IfNotPresent" });
  });

  it("an unknown field applied over an existing object is a strict decoding error", () => {
    const typo = manifest([{ name: "http", port: 80, portocol: "TCP" }, { name: "https", port: 443 }]);
    const patch = createThreeWayMergePatch(applied, typo, live(), "Service");
    let message = "";
    try {
      patchObject(live(), patch, "strategic", { fieldValidation: "Strict" });
    } catch (e) {
      message = renderKubectlError(e);
    }
    expect(message).toBe(
      'The request is invalid: patch: Invalid value: "map[spec:map[$setElementOrder/ports:[map[port:80] map[port:443]] ports:[map[port:80 portocol:TCP]]]]": strict decoding error: unknown field "spec.ports[0].portocol"',
    );
  });
});
