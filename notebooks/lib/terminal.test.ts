import { afterEach, describe, expect, it, vi } from "vitest";
import { createCluster } from "@svclab/cluster";
import { Terminal } from "./terminal";
import { articleCluster } from "./test-cluster";

function printed(run: () => void): string {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  run();
  vi.restoreAllMocks();
  return lines.join("\n");
}

describe("Terminal", () => {
  afterEach(() => vi.restoreAllMocks());

  it("shows the heredoc and kubectl's answer per object, including the API server's refusal", () => {
    const $ = new Terminal(createCluster({ seed: 1 }));
    const out = printed(() => {
      $.write("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n  sessionAffinity: ClusterIP\n");
      $.apply("bad.yaml");
    });
    expect(out).toBe(
      [
        "$ cat <<EOF > bad.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n  sessionAffinity: ClusterIP\nEOF",
        "$ kubectl apply -f bad.yaml",
        'The Service "s" is invalid: spec.sessionAffinity: Unsupported value: "ClusterIP": supported values: "ClientIP", "None"',
      ].join("\n"),
    );
    expect(() => $.apply("missing.yaml")).toThrow('the path "missing.yaml" does not exist');
  });

  it("prefixes curl the way each client runs it", () => {
    const cluster = articleCluster();
    const $ = new Terminal(cluster);
    const node = cluster.node("kind-worker").internalIP;
    const out = printed(() => {
      $.curl(`http://${node}:30084`);
      $.curl(`http://${node}:30084`, { host: "203.0.113.9" });
      $.curl(`http://${node}:30084`, { node: "kind-worker2" });
      $.curl(`http://${node}:9`, {}, { connectTimeoutSeconds: 3 });
    });
    const commands = out.split("\n").filter((l) => l.includes("curl "));
    expect(commands).toEqual([
      `$ curl http://${node}:30084`,
      `203.0.113.9$ curl http://${node}:30084`,
      `$ docker exec kind-worker2 curl http://${node}:30084`,
      `$ curl --connect-timeout 3 http://${node}:9`,
    ]);
    expect(out).toMatch(/curl: \(7\) Failed to connect/);
  });

  it("patches, scales and sleeps on the virtual clock", () => {
    const cluster = articleCluster();
    const $ = new Terminal(cluster);
    const before = cluster.now();
    const out = printed(() => {
      $.patch("service", "sample-session-affinity", '{"spec": {"sessionAffinity": "None"}}');
      $.patch("service", "sample-session-affinity", '{"spec": {"sessionAffinity": "None"}}');
      $.scale("deployment", "sample-deployment", 2);
      $.sleep(11);
    });
    expect(out).toBe(
      [
        `$ kubectl patch service sample-session-affinity -p '{"spec": {"sessionAffinity": "None"}}'`,
        "service/sample-session-affinity patched",
        `$ kubectl patch service sample-session-affinity -p '{"spec": {"sessionAffinity": "None"}}'`,
        "service/sample-session-affinity patched (no change)",
        "$ kubectl scale deployment sample-deployment --replicas=2",
        "deployment.apps/sample-deployment scaled",
        "$ sleep 11",
      ].join("\n"),
    );
    expect(cluster.now() - before).toBeGreaterThanOrEqual(11);
  });
});
