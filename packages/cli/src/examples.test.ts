// The repository's example scripts, run as `svclab run` runs them, with
// their transcripts checked against what the article, the book and the
// Kubernetes e2e tests observe.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ShellSession } from "./session";

const EXAMPLES = resolve(__dirname, "../../../examples");

interface Transcript {
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams, in the order a terminal shows them. */
  readonly all: string;
  readonly code: number;
}

async function run(name: string, seed = 1): Promise<Transcript> {
  let stdout = "";
  let stderr = "";
  let all = "";
  const session = new ShellSession({
    seed,
    sink: (stream, text) => {
      if (stream === "stdout") stdout += text;
      else stderr += text;
      all += text;
    },
  });
  const code = await session.run(readFileSync(resolve(EXAMPLES, name), "utf8"));
  return { stdout, stderr, all, code };
}

const froms = (text: string): string[] => [...text.matchAll(/From=(\S+)/g)].map((m) => m[1] as string);

describe("examples/session-affinity.sh (the seed article)", () => {
  it("keeps the client on one pod within 10 s, re-chooses after, spreads without affinity", async () => {
    const seeds = [1, 2, 3, 4];
    const runs = await Promise.all(seeds.map((s) => run("session-affinity.sh", s)));
    for (const r of runs) {
      expect(r.code).toBe(0);
      // Each of the five `exec -it` runs without a terminal, and kubectl says so.
      expect(r.stderr).toBe("Unable to use a TTY - input is not a terminal or the right kind of file\n".repeat(5));
      expect(r.stdout).toContain("service/sample-session-affinity patched\n");
      const f = froms(r.stdout);
      expect(f).toHaveLength(5);
      expect(f[1]).toBe(f[0]);
      expect(r.stdout).toMatch(/^Host=sample-session-affinity\.default\.svc\.cluster\.local {2}Path=\/ {2}From=sample-deployment-[a-z0-9]+-[a-z0-9]{5} {2}ClientIP=10\.244\.\d+\.\d+ {2}XFF=$/m);
    }
    // After `sleep 11` the entry has expired and the backend is chosen afresh
    // (a fresh choice may land on the same pod, so look across seeds).
    expect(runs.some((r) => froms(r.stdout)[2] !== froms(r.stdout)[0])).toBe(true);
    expect(runs.some((r) => froms(r.stdout)[3] !== froms(r.stdout)[4])).toBe(true);
  });
});

describe("examples/session-affinity-as-printed.sh", () => {
  it("prints the BadRequest and then the Invalid error, then creates the fixed Service", async () => {
    const r = await run("session-affinity-as-printed.sh");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'Error from server (BadRequest): error when creating "sample-session-affinity.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].portocol"\n' +
        'The Service "sample-session-affinity" is invalid: spec.sessionAffinity: Unsupported value: "ClusterIP": supported values: "ClientIP", "None"\n',
    );
    expect(r.stdout).toBe("service/sample-session-affinity created\nClientIP 10\n");
  });
});

describe("the book's other Service experiments", () => {
  it("load-balancing.sh spreads twelve requests over the three pods", async () => {
    const r = await run("load-balancing.sh");
    expect(r.code).toBe(0);
    const counts = [...r.stdout.matchAll(/^\s+(\d+) From=(\S+)$/gm)];
    expect(counts).toHaveLength(3);
    expect(counts.reduce((n, m) => n + Number(m[1]), 0)).toBe(12);
    expect(r.stdout).toMatch(/^sample-clusterip {3}(10\.244\.\d+\.\d+:80,?){3} {3}\d+s$/m);
  });

  it("named-port.sh reaches pods on 80 and 81 through targetPort http", async () => {
    const r = await run("named-port.sh");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TargetPort: +http\/TCP$/m);
    expect(r.stdout).toMatch(/^Endpoints: +10\.244\.\d+\.\d+:8[01],10\.244\.\d+\.\d+:8[01]$/m);
    expect(r.stdout).toMatch(/^\s+\d+ From=sample-named-port-pod-80$/m);
    expect(r.stdout).toMatch(/^\s+\d+ From=sample-named-port-pod-81$/m);
  });

  it("nodeport.sh answers on every node and rejects the two bad node ports", async () => {
    const r = await run("nodeport.sh");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sample-nodeport {3}NodePort {3}10\.96\.\d+\.\d+ +<none> {8}8080:30080\/TCP/m);
    expect(r.stdout.match(/^Host=172\.18\.0\.\d+ {2}Path=\/ {2}From=sample-deployment-/gm)).toHaveLength(4);
    expect(r.stderr).toBe(
      'The Service "sample-nodeport-fail" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767\n' +
        'The Service "sample-nodeport-fail2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n',
    );
    expect(r.stdout).toMatch(/service\/kubernetes\nservice\/sample-nodeport\n$/);
  });

  it("external-traffic-policy.sh keeps the client address and answers only where pods run", async () => {
    const r = await run("external-traffic-policy.sh");
    expect(r.code).toBe(0);
    const sections = r.all.split(/^== /m).slice(1);
    const nodePortAnswers = sections.slice(0, 3);
    for (const s of nodePortAnswers) {
      expect(s).toMatch(/ClientIP=172\.18\.0\.1 {2}XFF=\n|curl: \(28\) Connection timed out after 2001 milliseconds\n/);
    }
    expect(nodePortAnswers.some((s) => s.includes("curl: (28)"))).toBe(true);
    for (const s of sections.slice(3, 6)) {
      expect(s).toMatch(/"localEndpoints": 0,[\s\S]*\(HTTP 503\)|"localEndpoints": [1-9],[\s\S]*\(HTTP 200\)/);
    }
    const viaLoadBalancer = r.stdout.split("\n").filter((l) => l.startsWith("Host=172.18.0.6"));
    expect(viaLoadBalancer).toHaveLength(4);
    for (const l of viaLoadBalancer) expect(l).toMatch(/ClientIP=172\.18\.0\.1 {2}XFF=$/);
  });
});

describe("examples/source-ip.sh (kubernetes.io: Using Source IP)", () => {
  it("shows the pod address behind ClusterIP, node addresses behind NodePort, ours with Local", async () => {
    const r = await run("source-ip.sh");
    expect(r.code).toBe(0);
    const seen = [...r.stdout.matchAll(/client_address=(\S+)/g)].map((m) => m[1] as string);
    const podIP = /^source-ip-app-\S+ +1\/1 +Running +0 +\S+ +(\S+)/m.exec(r.stdout)?.[1];
    expect(seen[0]).toBe("10.244.1.2"); // the busybox client pod
    expect(podIP).toMatch(/^10\.244\./);
    // Four nodes: three masquerade to their own address, the pod's node keeps ours (no second hop).
    expect(seen.slice(1, 5).filter((a) => a === "172.18.0.1")).toHaveLength(1);
    expect(seen.slice(5)).toEqual(["172.18.0.1"]);
  });
});

describe("examples/e2e-session-affinity.sh (test/e2e/network/service.go)", () => {
  it("passes every affinity check for ClusterIP and NodePort", async () => {
    const r = await run("e2e-session-affinity.sh");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^PASS: /gm)).toHaveLength(8);
  });
});
