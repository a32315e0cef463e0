// The book's sample-none-selector: a Service without a selector and
// hand-written Endpoints, mirrored into an EndpointSlice the proxies use.
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { createCluster } from "../index";
import { SAMPLE_POD } from "../test-support/manifests";

describe("a Service without a selector", () => {
  it("routes to the addresses of its hand-written Endpoints", () => {
    const c = createCluster({ seed: 91 });
    c.apply(SAMPLE_POD);
    c.apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: amsy810/echo-nginx:v2.0\n");
    c.settle();
    const ip = c.get<Pod>("pod", "web").status?.podIP ?? "";
    const results = c.apply(`apiVersion: v1
kind: Service
metadata:
  name: sample-none-selector
spec:
  type: ClusterIP
  ports:
  - protocol: TCP
    port: 8080
    targetPort: 80
---
apiVersion: v1
kind: Endpoints
metadata:
  name: sample-none-selector
subsets:
- addresses:
  - ip: ${ip}
  ports:
  - protocol: TCP
    port: 80
`);
    expect(results.map((r) => r.line)).toEqual(["service/sample-none-selector created", "endpoints/sample-none-selector created"]);
    const [slice] = c.list<EndpointSlice>("endpointslices", { labelSelector: "kubernetes.io/service-name=sample-none-selector" });
    expect(slice?.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"]).toBe("endpointslicemirroring-controller.k8s.io");
    expect(slice?.endpoints?.map((e) => e.addresses[0])).toEqual([ip]);
    const r = c.curl("http://sample-none-selector:8080/", { pod: "sample-pod" });
    expect(r.stdout).toContain("From=web");
    c.delete("endpoints", "sample-none-selector");
    expect(c.list("endpointslices", { labelSelector: "kubernetes.io/service-name=sample-none-selector" })).toHaveLength(0);
  });
});
