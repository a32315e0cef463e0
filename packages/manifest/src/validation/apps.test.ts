import { describe, expect, it } from "vitest";
import type { Deployment } from "kubernetes-types/apps/v1";
import { admitCreate, admitUpdate } from "../admission";
import { renderKubectlError } from "../status";

function deployment(spec: Record<string, unknown>, labels: Record<string, string> = { app: "x" }): unknown {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d" },
    spec: {
      selector: { matchLabels: { app: "x" } },
      template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } },
      ...spec,
    },
  };
}

function message(f: () => unknown): string {
  try {
    f();
    return "";
  } catch (e) {
    return renderKubectlError(e);
  }
}

const one = (m: string): string => `The Deployment "d" is invalid: ${m}`;

describe("ValidateDeployment", () => {
  it.each<[string, unknown, string]>([
    ["valid", deployment({}), ""],
    [
      "selector does not match template labels",
      deployment({ selector: { matchLabels: { app: "y" } } }),
      one('spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`'),
    ],
    ["missing selector", deployment({ selector: undefined }), one("spec.selector: Required value")],
    [
      "empty selector",
      deployment({ selector: {} }),
      one("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"),
    ],
    ["negative replicas", deployment({ replicas: -1 }), one("spec.replicas: Invalid value: -1: must be greater than or equal to 0")],
    [
      "restartPolicy Never",
      deployment({ template: { metadata: { labels: { app: "x" } }, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "i" }] } } }),
      one('spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'),
    ],
    [
      "Recreate with rollingUpdate",
      deployment({ strategy: { type: "Recreate", rollingUpdate: { maxSurge: 1 } } }),
      one("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"),
    ],
    [
      "both maxSurge and maxUnavailable 0",
      deployment({ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }),
      one('spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'),
    ],
    [
      "matchExpressions In without values",
      deployment({ selector: { matchLabels: { app: "x" }, matchExpressions: [{ key: "tier", operator: "In" }] } }),
      'The Deployment "d" is invalid: \n' +
        "* spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'\n" +
        '* spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
    ],
  ])("%s", (_n, raw, expected) => {
    expect(message(() => admitCreate(raw))).toBe(expected);
  });

  it("defaults like the apps/v1 API", () => {
    const d = admitCreate(deployment({})) as Deployment;
    expect(d.spec?.replicas).toBe(1);
    expect(d.spec?.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
    expect(d.spec?.revisionHistoryLimit).toBe(10);
    expect(d.spec?.progressDeadlineSeconds).toBe(600);
    expect(d.metadata?.generation).toBe(1);
    const pod = d.spec!.template.spec!;
    expect(pod.restartPolicy).toBe("Always");
    expect(pod.dnsPolicy).toBe("ClusterFirst");
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.containers[0]!.imagePullPolicy).toBe("IfNotPresent");
  });

  it("selector is immutable and spec changes bump generation", () => {
    const old = admitCreate(deployment({})) as Deployment;
    expect(message(() => admitUpdate(deployment({ selector: { matchLabels: { app: "x", v: "2" } } }, { app: "x", v: "2" }), old))).toBe(
      one('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'),
    );
    expect((admitUpdate(deployment({ replicas: 3 }), old) as Deployment).metadata?.generation).toBe(2);
    expect((admitUpdate(deployment({}), old) as Deployment).metadata?.generation).toBe(1);
  });
});
