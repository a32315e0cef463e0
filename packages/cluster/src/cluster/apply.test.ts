import { describe, expect, it } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import type { Deployment } from "kubernetes-types/apps/v1";
import { createCluster } from "../index";
import { SAMPLE_DEPLOYMENT, SAMPLE_SESSION_AFFINITY } from "../test-support/manifests";

describe("apply", () => {
  it("records the last-applied configuration as kubectl does", () => {
    const c = createCluster({ seed: 95 });
    c.apply(SAMPLE_SESSION_AFFINITY);
    const svc = c.get<Service>("service", "sample-session-affinity");
    const last = svc.metadata?.annotations?.["kubectl.kubernetes.io/last-applied-configuration"] ?? "";
    expect(last.endsWith("}\n")).toBe(true);
    expect(JSON.parse(last)).toMatchObject({ apiVersion: "v1", kind: "Service", metadata: { annotations: {}, name: "sample-session-affinity", namespace: "default" } });
  });

  it("configures what changed, removes what the user dropped, keeps what others set", () => {
    const c = createCluster({ seed: 96 });
    const labelled = SAMPLE_DEPLOYMENT.replace("  name: sample-deployment\n", "  name: sample-deployment\n  labels:\n    tier: web\n");
    c.apply(labelled);
    c.settle();
    // The manifest owns replicas: applying it again undoes a `kubectl scale`.
    c.scale("deployment", "sample-deployment", 5);
    expect(c.apply(labelled).map((r) => r.line)).toEqual(["deployment.apps/sample-deployment configured"]);
    expect(c.get<Deployment>("deployment", "sample-deployment").spec?.replicas).toBe(3);
    expect(c.apply(labelled).map((r) => r.line)).toEqual(["deployment.apps/sample-deployment unchanged"]);
    // A field the manifest never set survives.
    c.patch("deployment", "sample-deployment", { spec: { minReadySeconds: 1 } });
    expect(c.apply(labelled).map((r) => r.line)).toEqual(["deployment.apps/sample-deployment unchanged"]);
    const changed = SAMPLE_DEPLOYMENT.replace("replicas: 3", "replicas: 2");
    expect(c.apply(changed).map((r) => r.line)).toEqual(["deployment.apps/sample-deployment configured"]);
    const d = c.get<Deployment>("deployment", "sample-deployment");
    expect(d.spec?.replicas).toBe(2);
    expect(d.metadata?.labels?.tier).toBeUndefined();
    expect(d.spec?.minReadySeconds).toBe(1);
  });
});
