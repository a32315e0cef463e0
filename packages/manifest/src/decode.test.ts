import { describe, expect, it } from "vitest";
import { decodeManifest } from "./decode";
import { renderKubectlError, StatusError, KubectlError } from "./status";
import { parseManifests } from "./yaml";

function decodeMessage(text: string, file = "f.yaml"): string {
  try {
    for (const d of parseManifests(text, file)) decodeManifest(d);
    return "";
  } catch (e) {
    return renderKubectlError(e, { verb: "creating", file });
  }
}

const prefix = 'Error from server (BadRequest): error when creating "f.yaml": ';

describe("strict decoding", () => {
  it("reports every unknown field in document order", () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: s
  lables: {a: b}
spec:
  ports:
  - port: 80
    portocol: TCP
  - port: 81
    Name: x
  sesionAffinity: None
`;
    expect(decodeMessage(text)).toBe(
      `${prefix}Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "metadata.lables", unknown field "spec.ports[0].portocol", unknown field "spec.ports[1].Name", unknown field "spec.sesionAffinity"`,
    );
  });

  it("reports the first type error in Go's words, before unknown fields", () => {
    const text = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  bogus: 1\n  ports:\n  - port: '80'\n  type: 3\n";
    expect(decodeMessage(text)).toBe(
      `${prefix}Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32`,
    );
  });

  it.each([
    ["spec: []", "json: cannot unmarshal array into Go struct field Service.spec of type v1.ServiceSpec"],
    ["spec: {type: 1}", "json: cannot unmarshal number into Go struct field ServiceSpec.spec.type of type v1.ServiceType"],
    ["spec: {ports: {port: 1}}", "json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort"],
    ["spec: {ports: [{port: 1.5}]}", "json: cannot unmarshal number 1.5 into Go struct field ServicePort.spec.ports.port of type int32"],
    ["spec: {ports: [{port: 80, targetPort: true}]}", "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32"],
    ["spec: {selector: {app: 1}}", "json: cannot unmarshal number into Go struct field ServiceSpec.spec.selector of type string"],
    ["spec: {sessionAffinityConfig: {clientIP: {timeoutSeconds: 'x'}}}", "json: cannot unmarshal string into Go struct field ClientIPConfig.spec.sessionAffinityConfig.clientIP.timeoutSeconds of type int32"],
  ])("%s", (spec, message) => {
    expect(decodeMessage(`apiVersion: v1\nkind: Service\nmetadata: {name: s}\n${spec}\n`)).toBe(
      `${prefix}Service in version "v1" cannot be handled as a Service: ${message}`,
    );
  });

  it("uses the group-less version for apps/v1", () => {
    expect(decodeMessage("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replica: 3}\n")).toBe(
      `${prefix}Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"`,
    );
  });

  it("types the pod sub-structs users write (affinity, securityContext, env sources, volumes)", () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - topologyKey: kubernetes.io/hostname
            labelSelectr: {matchLabels: {app: x}}
      securityContext: {runAsUser: 1000, fsgroup: 2000}
      containers:
      - name: c
        image: i
        env:
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP, path: x}}
      volumes:
      - name: v
        emptyDir: {medium: Memory, size: 1Gi}
`;
    expect(decodeMessage(text)).toBe(
      `${prefix}Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelectr", unknown field "spec.template.spec.securityContext.fsgroup", unknown field "spec.template.spec.containers[0].env[0].valueFrom.fieldRef.path", unknown field "spec.template.spec.volumes[0].emptyDir.size"`,
    );
  });

  it("validates quantities", () => {
    const text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    resources: {limits: {cpu: lots}}\n";
    expect(decodeMessage(text)).toContain("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    expect(decodeMessage(text.replace("lots", "500m"))).toBe("");
  });

  it("treats __proto__ and constructor as unknown fields and never pollutes", () => {
    const text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  __proto__: {polluted: true}\nspec:\n  constructor: {x: 1}\n  ports: [{port: 80}]\n";
    expect(decodeMessage(text)).toBe(
      `${prefix}Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "metadata.__proto__", unknown field "spec.constructor"`,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps __proto__ as a plain key inside maps", () => {
    const [doc] = parseManifests("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: {__proto__: x}\n");
    const obj = decodeManifest(doc);
    expect(Object.getPrototypeOf(obj.metadata!.labels)).toBe(Object.prototype);
    expect(Object.keys(obj.metadata!.labels!)).toEqual(["__proto__"]);
  });

  it("drops JSON nulls like Go", () => {
    const [doc] = parseManifests("apiVersion: v1\nkind: Service\nmetadata: {name: s, labels: null}\nspec: {type: null, ports: [{port: 80}]}\n");
    expect(decodeManifest(doc)).toEqual({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80 }] } });
  });
});

describe("kind resolution (kubectl side)", () => {
  it("unknown kind prints kubectl's two lines", () => {
    const text = "apiVersion: v1\nkind: Servise\nmetadata:\n  name: s\n";
    expect(decodeMessage(text, "kind.yaml")).toBe(
      'error: resource mapping not found for name: "s" namespace: "" from "kind.yaml": no matches for kind "Servise" in version "v1"\nensure CRDs are installed first',
    );
  });

  it("a known kind in the wrong group is not found either", () => {
    const text = "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: prod\n";
    expect(decodeMessage(text, "d.yaml")).toBe(
      'error: resource mapping not found for name: "d" namespace: "prod" from "d.yaml": no matches for kind "Deployment" in version "v1"\nensure CRDs are installed first',
    );
  });

  it("missing kind or apiVersion, with the object as sorted JSON", () => {
    expect(decodeMessage("apiVersion: v1\nmetadata: {name: s}\n")).toBe(`error: unable to decode "f.yaml": Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"s"}}'`);
    expect(decodeMessage("kind: Service\nmetadata: {name: s}\n")).toBe(`error: unable to decode "f.yaml": Object 'apiVersion' is missing in '{"kind":"Service","metadata":{"name":"s"}}'`);
    expect(() => decodeManifest({ apiVersion: "v1" })).toThrow(KubectlError);
  });

  it("errors are typed", () => {
    expect(() => decodeManifest({ apiVersion: "v1", kind: "Pod", spec: { x: 1 } })).toThrow(StatusError);
  });
});
