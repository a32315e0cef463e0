import { describe, expect, it } from "vitest";
import type { Namespace } from "kubernetes-types/core/v1";
import { renderKubectlError } from "@svclab/manifest";
import { createCluster } from "../index";
import { SAMPLE_DEPLOYMENT } from "../test-support/manifests";

describe("namespace deletion", () => {
  it("terminates the namespace, deletes its content, then goes; refuses the system namespaces", () => {
    const c = createCluster({ seed: 81 });
    c.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: lab\n");
    c.apply(SAMPLE_DEPLOYMENT, { namespace: "lab" });
    c.settle();
    expect(c.list("pods", { namespace: "lab" })).toHaveLength(3);
    c.delete("namespace", "lab");
    expect(c.get<Namespace>("namespace", "lab").status?.phase).toBe("Terminating");
    const refused = c.apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: late\nspec:\n  containers:\n  - name: c\n    image: nginx\n", { namespace: "lab", file: "late.yaml" });
    expect(refused[0]?.line).toBe(
      'Error from server (Forbidden): error when creating "late.yaml": pods "late" is forbidden: unable to create new content in namespace lab because it is being terminated',
    );
    c.settle();
    expect(() => c.get("namespace", "lab")).toThrow('namespaces "lab" not found');
    expect(c.list("pods", { allNamespaces: true }).filter((p) => p.metadata?.namespace === "lab")).toHaveLength(0);
    let err: unknown;
    try {
      c.delete("namespace", "default");
    } catch (e) {
      err = e;
    }
    expect(renderKubectlError(err)).toBe('Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted');
  });
});
