import { afterEach, describe, expect, it, vi } from "vitest";
import { Lab } from "./lab";
import { articleCluster } from "./test-cluster";

async function printed(run: () => Promise<unknown> | void): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  await run();
  vi.restoreAllMocks();
  return lines.join("\n");
}

describe("Lab", () => {
  afterEach(() => vi.restoreAllMocks());

  it("applies the files it wrote and prints kubectl's answer and refusal", async () => {
    const lab = new Lab(articleCluster());
    const out = await printed(async () => {
      lab.write("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n  sessionAffinity: ClusterIP\n");
      await lab.kubectl("apply -f bad.yaml");
      await lab.kubectl("apply -f missing.yaml");
    });
    expect(out.split("\n").slice(-4)).toEqual([
      "$ kubectl apply -f bad.yaml",
      'The Service "s" is invalid: spec.sessionAffinity: Unsupported value: "ClusterIP": supported values: "ClientIP", "None"',
      "$ kubectl apply -f missing.yaml",
      'error: the path "missing.yaml" does not exist',
    ]);
  });

  it("prints kubectl's errors for a failing patch and an unknown pod, not a stack trace", async () => {
    const lab = new Lab(articleCluster());
    const out = await printed(async () => {
      await lab.kubectl(`patch service nope -p '{"spec": {"sessionAffinity": "None"}}'`);
      await lab.curl("http://sample-session-affinity:8080", { pod: "nobody" });
      await lab.kubectl("patch service sample-session-affinity -p '{");
    });
    expect(out).toBe(
      [
        `$ kubectl patch service nope -p '{"spec": {"sessionAffinity": "None"}}'`,
        'Error from server (NotFound): services "nope" not found',
        "$ kubectl exec -it nobody -- curl http://sample-session-affinity:8080",
        'Error from server (NotFound): pods "nobody" not found',
        "$ kubectl patch service sample-session-affinity -p '{",
        "bash: unexpected EOF while looking for matching `''",
      ].join("\n"),
    );
  });

  it("records the request an exec'd curl sent, with its trace", async () => {
    const cluster = articleCluster();
    const lab = new Lab(cluster);
    cluster.apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: sample-pod\nspec:\n  containers:\n  - name: tools-container\n    image: amsy810/tools:v2.0\n");
    cluster.settle();
    let run: Awaited<ReturnType<Lab["curl"]>> | undefined;
    const out = await printed(async () => {
      run = await lab.curl("http://sample-session-affinity.default.svc.cluster.local:8080", { pod: "sample-pod" });
    });
    expect(out).toMatch(/^\$ kubectl exec -it sample-pod -- curl http:\/\/sample-session-affinity.default.svc.cluster.local:8080\nHost=sample-session-affinity.default.svc.cluster.local {2}Path=\/ {2}From=sample-deployment-\S+ {2}ClientIP=10\.244\.\d+\.\d+ {2}XFF=$/);
    expect(run?.requests).toHaveLength(1);
    expect(run?.requests[0]?.trace.some((h) => h.step === "pod")).toBe(true);
    expect(lab.requests.at(-1)).toBe(run?.requests[0]);
  });

  it("prefixes curl the way each client runs it, and sleeps on the virtual clock", async () => {
    const cluster = articleCluster();
    const lab = new Lab(cluster);
    const node = cluster.node("kind-worker").internalIP;
    const start = cluster.now();
    const out = await printed(async () => {
      await lab.curl(`http://${node}:30084`, { host: "203.0.113.9" });
      await lab.curl(`http://${node}:30084`, { node: "kind-worker2" });
      await lab.curl(`http://${node}:9`, {}, { connectTimeoutSeconds: 3 });
      await lab.curl(`http://${node}:30084`, { host: "not-an-ip" });
      lab.sleep(11);
    });
    const lines = out.split("\n");
    expect(lines.filter((l) => l.includes("curl ") || l.startsWith("$ sleep"))).toEqual([
      `203.0.113.9$ curl http://${node}:30084`,
      `$ docker exec kind-worker2 curl http://${node}:30084`,
      `$ curl --connect-timeout 3 http://${node}:9`,
      `not-an-ip$ curl http://${node}:30084`,
      "$ sleep 11",
    ]);
    expect(lines).toContain("error: invalid host address not-an-ip");
    expect(cluster.now() - start).toBeGreaterThanOrEqual(11);
  });
});
