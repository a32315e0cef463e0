// The generators (`create deployment`, `create service ...`, `create
// namespace`, `run`, `expose`) against the real kubectl 1.32: a seeded
// fast-check sample of flag combinations, each command line run by both
// against the same served cluster (client dry runs build objects locally;
// server dry runs change nothing), compared on stdout, stderr and exit code.
// The only masking: the random 5-character suffix kubectl appends to
// container names it had to sanitise (utilrand.String).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster } from "@svclab/cluster";
import { Kubectl } from "./kubectl";
import { inProcessClient } from "./client/cluster-client";
import { HAVE_KUBECTL, kubeconfigFor, realKubectl, type RealResult } from "./test-support/real-kubectl";
import { serveOnLoopback } from "./test-support/serve";

const FIXTURES = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web, tier: frontend}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: a, image: nginx, ports: [{containerPort: 80}, {containerPort: 443, protocol: UDP}]}
      - {name: b, image: nginx, ports: [{containerPort: 9000}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dns}
spec:
  selector: {matchLabels: {app: dns}}
  template:
    metadata: {labels: {app: dns, extra: e}}
    spec:
      containers:
      - {name: a, image: coredns, ports: [{containerPort: 53, protocol: UDP}, {containerPort: 53, protocol: TCP}]}
---
apiVersion: v1
kind: Service
metadata: {name: front, labels: {team: "a"}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, name: http}, {port: 81, name: other, protocol: UDP}]
---
apiVersion: v1
kind: Pod
metadata: {name: single, labels: {run: single}}
spec:
  containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  containers: [{name: c, image: nginx}]
`;

const SEED = Number(process.env.SVCLAB_SEED ?? 15);
const CASES = Number(process.env.SVCLAB_CASES ?? 200);
const PARALLEL = 4;

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });
const flags = (...parts: (string | readonly string[] | undefined)[]): string[] => parts.flatMap((p) => (p === undefined ? [] : typeof p === "string" ? [p] : [...p]));

const output = fc.constantFrom(undefined, "-o=json", "-o=yaml", "-o=name", "-o=wide");
const dryRun = fc.constantFrom("--dry-run=client", "--dry-run=client", "--dry-run=client", "--dry-run=server", "--dry-run=bogus");
const namespace = opt(fc.constantFrom("-n=dev", "--namespace=default"));
const name = fc.constantFrom("web2", "my-app", "x", "db");
const image = fc.constantFrom("nginx", "nginx:1.25", "registry.k8s.io/pause:3.9", "busybox@sha256:0000", "my_repo/my.app:1", "ghcr.io/org/tool_x", "Upper/Case:1", "localhost:5000/a__b:v1.2");
const port = fc.constantFrom("80", "8080", "0", "65535", "http");
const labels = fc.constantFrom("a=b", "app=x,tier=y", "bad", "k=", "team=a,team=b", "a=b=c", "example.com/role=db", "-x=y");

// Not sampled: `create deployment` without --image. kubectl 1.32 reports cobra's required-flag error as a
// klog line (`E1203 16:49:55.652853 21497 run.go:72] "command failed" err=...`) carrying a timestamp and
// its pid, which no emulation can reproduce; ours prints `error: required flag(s) "image" not set`.
const createDeployment = fc
  .record({ name, images: fc.array(image, { minLength: 1, maxLength: 3 }), port: opt(fc.constantFrom("80", "8080", "-1", "0")), replicas: opt(fc.constantFrom("0", "3", "-2")), cmd: opt(fc.constantFrom(["sleep", "10"], ["sh", "-c", "echo hi"])) })
  .map((r) => flags("create", "deployment", r.name, r.images.map((i) => `--image=${i}`), r.port && `--port=${r.port}`, r.replicas && `--replicas=${r.replicas}`, r.cmd && ["--", ...r.cmd]));

const tcp = fc.constantFrom("80", "80:8080", "443:https", "53:dns", "8080:70000", "abc", "81,82:90", "0", "65536", "80:0", "80:a-very-long-port-name");
const createService = fc
  .record({
    type: fc.constantFrom("clusterip", "nodeport", "loadbalancer", "externalname"),
    name,
    tcp: fc.array(tcp, { maxLength: 3 }),
    clusterIP: opt(fc.constantFrom("None", "10.96.0.50")),
    nodePort: opt(fc.constantFrom("30080", "31000")),
    external: opt(fc.constantFrom("example.com", "Bad_Name")),
  })
  .map((r) =>
    flags(
      "create",
      "service",
      r.type,
      r.name,
      r.tcp.map((t) => `--tcp=${t}`),
      r.type === "clusterip" && r.clusterIP !== undefined ? `--clusterip=${r.clusterIP}` : undefined,
      r.type === "nodeport" && r.nodePort !== undefined ? `--node-port=${r.nodePort}` : undefined,
      r.type === "externalname" ? `--external-name=${r.external ?? "example.com"}` : undefined,
    ),
  );

const createNamespace = name.map((n) => ["create", "namespace", n]);

const run = fc
  .record({
    name,
    image,
    labels: fc.array(labels, { maxLength: 2 }),
    annotations: fc.array(fc.constantFrom("note=a,b", "k=v", "x=", "bad"), { maxLength: 2 }),
    env: fc.array(fc.constantFrom("A=1", "B=two words", "1X=3", "C"), { maxLength: 2 }),
    port: opt(fc.constantFrom("80", "8080", "x")),
    expose: fc.boolean(),
    command: fc.boolean(),
    restart: opt(fc.constantFrom("Never", "OnFailure", "Always", "Sometimes")),
    pullPolicy: opt(fc.constantFrom("IfNotPresent", "Always")),
    argv: opt(fc.constantFrom(["sleep", "3600"], ["--", "-x"])),
  })
  .map((r) =>
    flags(
      "run",
      r.name,
      `--image=${r.image}`,
      r.labels.map((l, i) => (i === 0 ? `--labels=${l}` : `-l=${l}`)),
      r.annotations.map((a) => `--annotations=${a}`),
      r.env.map((e) => `--env=${e}`),
      r.port && `--port=${r.port}`,
      r.expose ? "--expose" : undefined,
      r.command ? "--command" : undefined,
      r.restart && `--restart=${r.restart}`,
      r.pullPolicy && `--image-pull-policy=${r.pullPolicy}`,
      r.argv && ["--", ...r.argv],
    ),
  );

const exposeTarget = fc.constantFrom(["deployment", "web"], ["deploy/dns"], ["svc", "front"], ["pod", "single"], ["pod/bare"], ["-f", "FIXTURES"], ["deploy", "missing"]);
const expose = fc
  .record({
    target: exposeTarget,
    port: opt(fc.constantFrom("80", "8080", "53", "80,81")),
    protocol: opt(fc.constantFrom("UDP", "TCP")),
    targetPort: opt(port),
    type: opt(fc.constantFrom("NodePort", "LoadBalancer", "ClusterIP", "Weird")),
    name: opt(fc.constantFrom("exposed", "other-name")),
    selector: opt(labels),
    labels: opt(labels),
    affinity: opt(fc.constantFrom("ClientIP", "None")),
    externalIP: opt(fc.constantFrom("192.0.2.10")),
    clusterIP: opt(fc.constantFrom("None")),
  })
  .map((r) =>
    flags(
      "expose",
      r.target,
      r.port && `--port=${r.port}`,
      r.protocol && `--protocol=${r.protocol}`,
      r.targetPort && `--target-port=${r.targetPort}`,
      r.type && `--type=${r.type}`,
      r.name && `--name=${r.name}`,
      r.selector && `--selector=${r.selector}`,
      r.labels && `--labels=${r.labels}`,
      r.affinity && `--session-affinity=${r.affinity}`,
      r.externalIP && `--external-ip=${r.externalIP}`,
      r.clusterIP && `--cluster-ip=${r.clusterIP}`,
    ),
  );

const commandLine = fc
  .record({ base: fc.oneof({ weight: 3, arbitrary: createDeployment }, { weight: 3, arbitrary: createService }, { weight: 1, arbitrary: createNamespace }, { weight: 4, arbitrary: run }, { weight: 4, arbitrary: expose }), output, dryRun, namespace })
  // Cannot agree yet, so left out: (1) `create ...` with a server dry run: kubectl's typed clients send
  // protobuf bodies, which the API server decodes only once #10's protobuf support lands; (2) a server dry
  // run's -o json/yaml prints the server's defaulted object, whose field order is Go's (typed) for create
  // and whose defaults differ in server-chosen values (clusterIP, uid, timestamps).
  .filter((r) => r.dryRun !== "--dry-run=server" || (r.base[0] !== "create" && r.output !== "-o=json" && r.output !== "-o=yaml"))
  .map((r) => {
    // Before any `--`: what follows it is the container's command.
    const dash = r.base.indexOf("--");
    const at = dash < 0 ? r.base.length : dash;
    return flags(r.base.slice(0, at), r.namespace, r.output, r.dryRun, r.base.slice(at));
  });

/** utilrand.String(5) after a sanitised container name: random on both sides. */
const maskSuffix = (r: RealResult): RealResult => ({ ...r, stdout: r.stdout.replace(/(name["]?: "?[a-z0-9-]+-)[bcdfghjklmnpqrstvwxz2456789]{5}\b/g, "$1XXXXX") });

describe.skipIf(!HAVE_KUBECTL)("generators agree with the real kubectl", () => {
  const cluster = createCluster({ seed: 3 });
  const dir = mkdtempSync(join(tmpdir(), "svclab-generators-"));
  const fixtures = join(dir, "fixtures.yaml");
  writeFileSync(fixtures, FIXTURES);
  const ours = new Kubectl(inProcessClient(cluster.restHandler(), cluster.clientClock()));
  const io = { files: { readFile: async (p: string) => (p === fixtures ? FIXTURES : undefined), readDir: async () => undefined }, stdin: "" };
  let close: () => Promise<void>;
  let kubeconfig: string;

  beforeAll(async () => {
    cluster.apply(FIXTURES);
    cluster.settle();
    const served = await serveOnLoopback(cluster.restHandler());
    close = served.close;
    kubeconfig = kubeconfigFor(served.url);
  });
  afterAll(() => close());

  it(`${CASES} seeded command lines`, async () => {
    const lines = fc.sample(commandLine, { seed: SEED, numRuns: CASES }).map((argv) => argv.map((a) => (a === "FIXTURES" ? fixtures : a)));
    const differing: { argv: string[]; theirs: RealResult; mine: RealResult }[] = [];
    for (let i = 0; i < lines.length; i += PARALLEL) {
      const batch = lines.slice(i, i + PARALLEL);
      const theirs = await Promise.all(batch.map((argv) => realKubectl(kubeconfig, argv)));
      for (const [j, argv] of batch.entries()) {
        const mine = maskSuffix(await ours.run(argv, io));
        const real = maskSuffix(theirs[j] as RealResult);
        if (JSON.stringify(real) !== JSON.stringify(mine)) differing.push({ argv, theirs: real, mine });
      }
    }
    const agree = lines.length - differing.length;
    console.log(`generators vs kubectl 1.32: ${agree}/${lines.length} agree (${((100 * agree) / lines.length).toFixed(1)}%)`);
    if (process.env.SVCLAB_DIFF_FILE !== undefined) writeFileSync(process.env.SVCLAB_DIFF_FILE, JSON.stringify(differing, null, 1));
    for (const d of differing.slice(0, 5)) console.log(`kubectl ${d.argv.join(" ")}\n--- kubectl\n${JSON.stringify(d.theirs)}\n--- ours\n${JSON.stringify(d.mine)}`);
    expect(differing.map((d) => d.argv.join(" "))).toEqual([]);
  }, 240_000);
});
