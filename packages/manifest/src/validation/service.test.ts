import { describe, expect, it } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import { admitCreate, admitUpdate } from "../admission";
import { renderKubectlError, invalidError } from "../status";
import { lookupKind } from "../kinds";
import { nodePortAllocatedError, nodePortOutOfRangeError } from "./service";

type Spec = Record<string, unknown>;

function svc(spec: Spec, name = "x"): unknown {
  return { apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: "a" }, ports: [{ port: 80 }], ...spec } };
}

function createMessage(raw: unknown): string {
  try {
    admitCreate(raw);
    return "";
  } catch (e) {
    return renderKubectlError(e, { verb: "creating", file: "f.yaml" });
  }
}

const one = (msg: string, name = "x"): string => `The Service "${name}" is invalid: ${msg}`;
const many = (msgs: string[], name = "x"): string => `The Service "${name}" is invalid: \n${msgs.map((m) => `* ${m}`).join("\n")}`;

describe("ValidateService messages (reference table)", () => {
  const cases: Array<[string, unknown, string]> = [
    [
      "bad sessionAffinity (config not checked)",
      svc({ sessionAffinity: "ClusterIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }),
      one('spec.sessionAffinity: Unsupported value: "ClusterIP": supported values: "ClientIP", "None"'),
    ],
    [
      "timeout 0",
      svc({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }),
      one("spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400"),
    ],
    [
      "timeout above 86400",
      svc({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } }),
      one("spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400"),
    ],
    ["timeout 86400 accepted", svc({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } }), ""],
    ["no ports", svc({ ports: [] }), one("spec.ports: Required value")],
    ["unnamed second port", svc({ ports: [{ name: "a", port: 80 }, { port: 81 }] }), one("spec.ports[1].name: Required value")],
    ["duplicate port name", svc({ ports: [{ name: "http", port: 80 }, { name: "http", port: 81 }] }), one('spec.ports[1].name: Duplicate value: "http"')],
    [
      "port 0 (targetPort defaulted from it)",
      svc({ ports: [{ port: 0 }] }),
      many(["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive", "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"]),
    ],
    [
      "port left out",
      svc({ ports: [{ name: "http" }] }),
      many(["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive", "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"]),
    ],
    ["port above 65535", svc({ ports: [{ port: 65536, targetPort: 80 }] }), one("spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive")],
    ["bad protocol", svc({ ports: [{ port: 80, protocol: "HTTP" }] }), one('spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"')],
    ["bad type", svc({ type: "Foo" }), one('spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"')],
    ["nodePort on ClusterIP", svc({ ports: [{ port: 80, nodePort: 30080 }] }), one("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")],
    [
      "duplicate nodePort",
      svc({ type: "NodePort", ports: [{ name: "a", port: 80, nodePort: 30080 }, { name: "b", port: 81, nodePort: 30080 }] }),
      one("spec.ports[1].nodePort: Duplicate value: 30080"),
    ],
    [
      "externalTrafficPolicy on ClusterIP",
      svc({ externalTrafficPolicy: "Local" }),
      one('spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'),
    ],
    [
      "bad externalTrafficPolicy",
      svc({ type: "NodePort", externalTrafficPolicy: "X" }),
      one('spec.externalTrafficPolicy: Unsupported value: "X": supported values: "Cluster", "Local"'),
    ],
    [
      "healthCheckNodePort without LoadBalancer+Local",
      svc({ type: "NodePort", externalTrafficPolicy: "Local", healthCheckNodePort: 30000 }),
      one("spec.healthCheckNodePort: Invalid value: 30000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"),
    ],
    [
      "DNS-1035 name",
      svc({}, "Foo"),
      one(
        "metadata.name: Invalid value: \"Foo\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        "Foo",
      ),
    ],
    [
      "duplicate (protocol, port)",
      svc({ ports: [{ name: "a", port: 80 }, { name: "b", port: 80, targetPort: 81 }] }),
      one(
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
      ),
    ],
    [
      "sessionAffinity and port errors keep Kubernetes' order",
      svc({ ports: [{ port: 0, targetPort: 80 }], sessionAffinity: "Sticky", type: "Foo" }),
      many([
        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
        'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ]),
    ],
    ["numeric string targetPort", svc({ ports: [{ port: 80, targetPort: "8080" }] }), one('spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)')],
    [
      "headless LoadBalancer",
      svc({ type: "LoadBalancer", clusterIP: "None" }),
      one("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"),
    ],
    ["ExternalName without a name", svc({ type: "ExternalName" }), one("spec.externalName: Required value")],
    [
      "source ranges on a ClusterIP service",
      svc({ loadBalancerSourceRanges: ["10.0.0.0/8"] }),
      one("spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"),
    ],
    ["LoadBalancer + Local without allocated healthCheckNodePort", svc({ type: "LoadBalancer", externalTrafficPolicy: "Local" }), one("spec.healthCheckNodePort: Required value")],
  ];

  it.each(cases)("%s", (_name, raw, expected) => {
    expect(createMessage(raw)).toBe(expected);
  });

  it("decoding errors come before validation", () => {
    expect(createMessage(svc({ ports: [{ port: 0, portocol: "TCP" }] }))).toBe(
      'Error from server (BadRequest): error when creating "f.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].portocol"',
    );
  });
});

describe("allocator errors", () => {
  const kind = lookupKind("v1", "Service")!;
  it("out of range", () => {
    const e = invalidError(kind, "sample-nodeport-fail", [nodePortOutOfRangeError("spec.ports[0].nodePort", 8888)]);
    expect(renderKubectlError(e)).toBe(
      'The Service "sample-nodeport-fail" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });
  it("already allocated", () => {
    expect(nodePortAllocatedError("spec.ports[0].nodePort", 30080).toString()).toBe(
      "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated",
    );
  });
});

describe("ValidateServiceUpdate", () => {
  const lbLocal = (hc: number): unknown => svc({ type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: hc, ports: [{ port: 80, nodePort: 30085 }] });

  function updateMessage(raw: unknown, old: Service): string {
    try {
      admitUpdate(raw, old);
      return "";
    } catch (e) {
      return renderKubectlError(e);
    }
  }

  it("healthCheckNodePort is immutable", () => {
    const old = admitCreate(lbLocal(30086)) as Service;
    expect(updateMessage(lbLocal(30087), old)).toBe(one("spec.healthCheckNodePort: Forbidden: field is immutable"));
    expect(updateMessage(lbLocal(30086), old)).toBe("");
  });

  it("keeps allocated values the update leaves out", () => {
    const old = admitCreate(lbLocal(30086)) as Service;
    const updated = admitUpdate(svc({ type: "LoadBalancer", externalTrafficPolicy: "Local", ports: [{ port: 80 }] }), old) as Service;
    expect(updated.spec?.healthCheckNodePort).toBe(30086);
    expect(updated.spec?.ports?.[0]?.nodePort).toBe(30085);
  });

  it("cluster IP may not change once set", () => {
    const old = admitCreate(svc({ clusterIP: "10.96.0.10" })) as Service;
    expect(old.spec?.clusterIPs).toEqual(["10.96.0.10"]);
    expect(updateMessage(svc({ clusterIP: "10.96.0.20" }), old)).toBe(one('spec.clusterIPs[0]: Invalid value: []string{"10.96.0.20"}: may not change once set'));
    expect((admitUpdate(svc({}), old) as Service).spec?.clusterIP).toBe("10.96.0.10");
  });
});

describe("type changes on update (dropTypeDependentFields)", () => {
  it("NodePort -> ClusterIP drops node ports and externalTrafficPolicy the user left alone", () => {
    const old = admitCreate(svc({ type: "NodePort", clusterIP: "10.96.0.7", ports: [{ port: 80, nodePort: 30080 }] })) as Service;
    const next = admitUpdate({ ...old, spec: { ...old.spec, type: "ClusterIP" } }, old) as Service;
    expect(next.spec?.ports).toEqual([{ port: 80, protocol: "TCP", targetPort: 80 }]);
    expect(next.spec?.externalTrafficPolicy).toBeUndefined();
    expect(next.spec?.clusterIP).toBe("10.96.0.7");
  });

  it("LoadBalancer+Local -> NodePort drops the health check port and allocateLoadBalancerNodePorts", () => {
    const old = admitCreate(svc({ type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: 30086, ports: [{ port: 80, nodePort: 30085 }] })) as Service;
    const next = admitUpdate({ ...old, spec: { ...old.spec, type: "NodePort" } }, old) as Service;
    expect(next.spec?.healthCheckNodePort).toBeUndefined();
    expect(next.spec?.allocateLoadBalancerNodePorts).toBeUndefined();
    expect(next.spec?.externalTrafficPolicy).toBe("Local");
    expect(next.spec?.ports?.[0]?.nodePort).toBe(30085);
  });

  it("ClusterIP -> ExternalName drops cluster IPs and families", () => {
    const old = admitCreate(svc({ clusterIP: "10.96.0.8" })) as Service;
    const next = admitUpdate({ ...old, spec: { ...old.spec, type: "ExternalName", externalName: "example.com" } }, old) as Service;
    expect(next.spec?.clusterIP).toBeUndefined();
    expect(next.spec?.ipFamilies).toBeUndefined();
    expect(next.spec?.ipFamilyPolicy).toBeUndefined();
  });
});
