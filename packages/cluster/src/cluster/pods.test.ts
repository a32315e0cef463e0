// Pod lifecycles that change what Services route to.
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { createCluster } from "../index";

const podWith = (name: string, container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: web
spec:
  containers:
${container}`;

const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === "Ready")?.status;

describe("pod lifecycles", () => {
  it("gates endpoints on the readiness probe's answer", () => {
    const c = createCluster({ seed: 71 });
    c.apply(podWith("good", `  - name: web
    image: nginx:1.27
    readinessProbe:
      httpGet:
        path: /
        port: 80
      periodSeconds: 5
`));
    c.apply(podWith("bad", `  - name: web
    image: nginx:1.27
    readinessProbe:
      httpGet:
        path: /healthz
        port: 80
      periodSeconds: 5
`));
    c.apply("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n");
    c.settle();
    expect(ready(c.get<Pod>("pod", "good"))).toBe("True");
    expect(ready(c.get<Pod>("pod", "bad"))).toBe("False");
    const eps = c.list<EndpointSlice>("endpointslices", { labelSelector: "kubernetes.io/service-name=web" }).flatMap((s) => s.endpoints ?? []);
    expect(eps.map((e) => [e.targetRef?.name, e.conditions?.ready])).toEqual([
      ["bad", false],
      ["good", true],
    ]);
  });

  it("puts a container that exits at once into CrashLoopBackOff with growing restarts", () => {
    const c = createCluster({ seed: 72 });
    c.apply(podWith("shell", "  - name: sh\n    image: busybox:1.36\n"));
    c.advance(2);
    const first = c.get<Pod>("pod", "shell").status?.containerStatuses?.[0];
    expect(first?.state?.waiting?.reason).toBe("CrashLoopBackOff");
    expect(first?.lastState?.terminated?.reason).toBe("Completed");
    c.advance(60);
    expect(c.get<Pod>("pod", "shell").status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(first?.restartCount ?? 0);
    expect(c.get<Pod>("pod", "shell").status?.phase).toBe("Running");
  });

  it("completes a pod whose container exits when it must not restart", () => {
    const c = createCluster({ seed: 75 });
    c.apply(podWith("once", "  - name: sh\n    image: busybox:1.36\n").replace("spec:\n", "spec:\n  restartPolicy: Never\n"));
    c.settle();
    const p = c.get<Pod>("pod", "once");
    expect(p.status?.phase).toBe("Succeeded");
    expect(p.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
  });

  it("reports a frontend two Services claim on every node, without failing the API write", () => {
    const c = createCluster({ seed: 74 });
    const svc = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  externalIPs:
  - 172.18.0.3
  ports:
  - port: 8080
  selector:
    app: web
`;
    expect(c.apply(svc("first")).map((r) => r.line)).toEqual(["service/first created"]);
    expect(c.apply(svc("second")).map((r) => r.line)).toEqual(["service/second created"]);
    for (const n of c.nodes()) {
      const errs = n.reconcileErrors();
      expect(errs.length).toBeGreaterThan(0);
      expect(errs[0]?.service).toBe("default/second");
    }
  });

  it("reaches a Service on its externalIPs (the node addresses) from outside", () => {
    const c = createCluster({ seed: 73 });
    c.apply(podWith("web", "  - name: web\n    image: amsy810/echo-nginx:v2.0\n"));
    c.apply(`apiVersion: v1
kind: Service
metadata:
  name: sample-externalip
spec:
  type: ClusterIP
  externalIPs:
  - 172.18.0.3
  - 172.18.0.4
  ports:
  - name: http-port
    protocol: TCP
    port: 8080
    targetPort: 80
  selector:
    app: web
`);
    c.settle();
    for (const ip of ["172.18.0.3", "172.18.0.4"]) {
      const r = c.curl(`http://${ip}:8080/`, {});
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(`Host=${ip}  Path=/  From=web`);
    }
  });
});
