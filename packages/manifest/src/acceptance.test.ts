import { describe, expect, it } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import { admitCreate, parseManifests, patchObject, renderKubectlError, resourceRef } from "./index";
import { SEED_DEPLOYMENT, SEED_POD, SEED_SERVICE } from "./test-support/fixtures";

const FILE = "sample-session-affinity.yaml";

function createError(text: string): string {
  try {
    admitCreate(parseManifests(text, FILE)[0]);
  } catch (e) {
    return renderKubectlError(e, { verb: "creating", file: FILE });
  }
  throw new Error("expected the create to fail");
}

const fixedProtocol = SEED_SERVICE.replace("portocol", "protocol");
const fixed = fixedProtocol.replace("sessionAffinity: ClusterIP", "sessionAffinity: ClientIP");

describe("seed article: sample-session-affinity", () => {
  it("rejects the verbatim YAML for its unknown field", () => {
    expect(createError(SEED_SERVICE)).toBe(
      'Error from server (BadRequest): error when creating "sample-session-affinity.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].portocol"',
    );
  });

  it("rejects sessionAffinity ClusterIP once portocol is fixed", () => {
    expect(createError(fixedProtocol)).toBe(
      'The Service "sample-session-affinity" is invalid: spec.sessionAffinity: Unsupported value: "ClusterIP": supported values: "ClientIP", "None"',
    );
  });

  it("accepts and defaults the intended object", () => {
    const svc = admitCreate(parseManifests(fixed, FILE)[0]) as Service;
    expect(resourceRef(svc)).toBe("service/sample-session-affinity");
    expect(svc.metadata?.namespace).toBe("default");
    const spec = svc.spec!;
    expect(spec.ports).toEqual([{ name: "http-port", protocol: "TCP", port: 8080, targetPort: 80, nodePort: 30084 }]);
    expect(spec.externalTrafficPolicy).toBe("Cluster");
    expect(spec.internalTrafficPolicy).toBe("Cluster");
    expect(spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10 } });
    expect(spec.allocateLoadBalancerNodePorts).toBe(true);
    expect(spec.ipFamilies).toEqual(["IPv4"]);
    expect(spec.ipFamilyPolicy).toBe("SingleStack");
  });

  it("patching sessionAffinity None drops the config", () => {
    const svc = admitCreate(parseManifests(fixed, FILE)[0]) as Service;
    const { object, changed } = patchObject(svc, '{"spec": {"sessionAffinity": "None"}}');
    const spec = (object as Service).spec!;
    expect(changed).toBe(true);
    expect(spec.sessionAffinity).toBe("None");
    expect(spec.sessionAffinityConfig).toBeUndefined();
    expect(svc.spec?.sessionAffinity).toBe("ClientIP");
    const again = patchObject(object, '{"spec": {"sessionAffinity": "None"}}');
    expect(again.changed).toBe(false);
  });

  it("accepts the common Deployment and Pod", () => {
    expect(resourceRef(admitCreate(parseManifests(SEED_DEPLOYMENT)[0]))).toBe("deployment.apps/sample-deployment");
    expect(resourceRef(admitCreate(parseManifests(SEED_POD)[0]))).toBe("pod/sample-pod");
  });
});
