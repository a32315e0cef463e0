import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { admitCreate, admitUpdate } from "../admission";
import { renderKubectlError } from "../status";

function pod(spec: Record<string, unknown>, name = "p"): unknown {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: "nginx" }], ...spec } };
}

function message(f: () => unknown): string {
  try {
    f();
    return "";
  } catch (e) {
    return renderKubectlError(e);
  }
}

describe("ValidatePod", () => {
  it.each<[string, unknown, string]>([
    ["no containers", pod({ containers: [] }), 'The Pod "p" is invalid: spec.containers: Required value'],
    [
      "missing image and bad name",
      pod({ containers: [{ name: "C_1" }] }),
      "The Pod \"p\" is invalid: \n* spec.containers[0].name: Invalid value: \"C_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n* spec.containers[0].image: Required value",
    ],
    [
      "duplicate container name",
      pod({ containers: [{ name: "c", image: "i" }, { name: "c", image: "i" }] }),
      'The Pod "p" is invalid: spec.containers[1].name: Duplicate value: "c"',
    ],
    [
      "container port out of range",
      pod({ containers: [{ name: "c", image: "i", ports: [{ containerPort: 70000 }] }] }),
      'The Pod "p" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ],
    [
      "bad restartPolicy",
      pod({ restartPolicy: "Sometimes" }),
      'The Pod "p" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ],
    [
      "bad pod name",
      pod({}, "Bad_Name"),
      "The Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    [
      "probe without handler",
      pod({ containers: [{ name: "c", image: "i", readinessProbe: { periodSeconds: 5 } }] }),
      'The Pod "p" is invalid: spec.containers[0].readinessProbe: Required value: must specify a handler type',
    ],
    [
      "invalid label value",
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { app: "-x" } }, spec: { containers: [{ name: "c", image: "i" }] } },
      "The Pod \"p\" is invalid: metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
  ])("%s", (_n, raw, expected) => {
    expect(message(() => admitCreate(raw))).toBe(expected);
  });

  it("defaults pods and containers", () => {
    const p = admitCreate(pod({ containers: [{ name: "c", image: "nginx", ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } }] })) as Pod;
    const c = p.spec!.containers[0]!;
    expect(c.imagePullPolicy).toBe("Always");
    expect(c.ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    expect(c.readinessProbe).toEqual({ httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(p.spec!.restartPolicy).toBe("Always");
    expect(p.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
    expect(p.spec!.serviceAccountName).toBe("default");
    expect(p.spec!.tolerations).toEqual([
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]);
  });

  it("only images may change on update", () => {
    const old = admitCreate(pod({ containers: [{ name: "c", image: "nginx:1" }] })) as Pod;
    const edited = structuredClone(old);
    edited.spec!.containers[0]!.image = "nginx:2";
    expect(message(() => admitUpdate(edited, old))).toBe("");
    expect(message(() => admitUpdate(pod({ containers: [{ name: "c", image: "nginx:2" }] }), old))).toMatch(/spec: Forbidden: pod updates may not change fields/);
    expect(message(() => admitUpdate({ ...edited, spec: { ...edited.spec, restartPolicy: "Never" } }, old))).toMatch(/^The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than/);
  });
});
