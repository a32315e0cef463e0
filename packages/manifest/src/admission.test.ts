import { describe, expect, it } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import { admitCreate, admitUpdate, qosClass } from "./admission";
import type { KubeObject } from "./kinds";
import { kindInfoOf } from "./kinds";
import { invalidError, renderKubectlError } from "./status";
import { nodePortAllocatedError } from "./validation/service";

const nodePortService = { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }], sessionAffinity: "Bad" } };

describe("admission pipeline", () => {
  it("fills namespaced objects with the request namespace and clears cluster-scoped ones", () => {
    expect(admitCreate({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80 }] } }, { namespace: "prod" }).metadata?.namespace).toBe("prod");
    expect(admitCreate({ apiVersion: "v1", kind: "Namespace", metadata: { name: "n", namespace: "x" } }).metadata?.namespace).toBeUndefined();
  });

  it("runs the allocation hook after defaulting and before validation; its errors come alone", () => {
    let seen: KubeObject | undefined;
    const allocate = (obj: KubeObject): KubeObject => {
      seen = obj;
      throw invalidError(kindInfoOf(obj), obj.metadata?.name ?? "", [nodePortAllocatedError("spec.ports[0].nodePort", 30080)]);
    };
    let message = "";
    try {
      admitCreate(nodePortService, { allocate });
    } catch (e) {
      message = renderKubectlError(e);
    }
    expect(message).toBe('The Service "s" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    expect((seen as Service).spec?.externalTrafficPolicy).toBe("Cluster");
  });

  it("the hook's result is what gets validated and stored", () => {
    const svc = admitCreate(
      { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80 }] } },
      { allocate: (obj) => ({ ...obj, spec: { ...(obj as Service).spec, clusterIP: "10.96.0.1", clusterIPs: ["10.96.0.1"] } }) as KubeObject },
    ) as Service;
    expect(svc.spec?.clusterIP).toBe("10.96.0.1");
  });

  it("updates keep status, uid and creationTimestamp of the stored object", () => {
    const manifest = (port: number): unknown => ({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "LoadBalancer", ports: [{ port, nodePort: 30082 }] }, status: {} });
    const stored = admitCreate(manifest(80)) as Service;
    const old = { ...stored, metadata: { ...stored.metadata, uid: "u-1", creationTimestamp: "2023-03-01T00:00:00Z" }, status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } } } as Service;
    const next = admitUpdate(manifest(81), old) as Service;
    expect(next.metadata?.uid).toBe("u-1");
    expect(next.metadata?.creationTimestamp).toBe("2023-03-01T00:00:00Z");
    expect(next.status).toEqual({ loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } });
    const asClusterIP = admitUpdate({ ...next, spec: { ...next.spec, type: "ClusterIP" } }, next) as Service;
    expect(asClusterIP.status).toEqual({ loadBalancer: {} });
  });

  it("computes the pod QoS class", () => {
    const pod = (resources: unknown): Parameters<typeof qosClass>[0] => ({ spec: { containers: [{ name: "c", resources }] } }) as Parameters<typeof qosClass>[0];
    expect(qosClass(pod({}))).toBe("BestEffort");
    expect(qosClass(pod({ requests: { cpu: "100m" } }))).toBe("Burstable");
    expect(qosClass(pod({ limits: { cpu: "1", memory: "1Gi" } }))).toBe("Guaranteed");
  });
});
