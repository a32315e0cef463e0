import { beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "@svclab/cluster";
import { SAMPLE_DEPLOYMENT, SAMPLE_LB_LOCAL, SAMPLE_POD, SAMPLE_SESSION_AFFINITY, SAMPLE_SESSION_AFFINITY_AS_PRINTED } from "./test-support/manifests";
import type { KubectlResult } from "./io";
import { Kubectl } from "./kubectl";
import { inProcessClient } from "./client/cluster-client";

/** kubectl over a fresh cluster with an in-memory working directory. */
function session(files: Record<string, string> = {}): { cluster: Cluster; k: (cmd: string, stdin?: string) => Promise<KubectlResult> } {
  const cluster = createCluster({ seed: 7 });
  const kubectl = new Kubectl(inProcessClient(cluster.restHandler(), cluster.clientClock()));
  const access = {
    readFile: async (p: string) => files[p],
    readDir: async (p: string) => {
      const prefix = `${p.replace(/\/$/, "")}/`;
      const names = Object.keys(files).filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
      return names.length > 0 ? names : undefined;
    },
  };
  // Arguments split on spaces, with '...' kept whole, as a shell would.
  const argv = (cmd: string): string[] => (cmd.match(/'[^']*'|\S+/g) ?? []).map((a) => a.replace(/^'(.*)'$/s, "$1"));
  return { cluster, k: (cmd, stdin = "") => kubectl.run(argv(cmd), { files: access, stdin }) };
}

const err = (stderr: string, exitCode = 1): KubectlResult => ({ stdout: "", stderr, exitCode });
const out = (stdout: string): KubectlResult => ({ stdout, stderr: "", exitCode: 0 });

describe("kubectl apply / create / delete", () => {
  it("rejects the article's Service as printed, one error at a time, and creates nothing", async () => {
    const { k } = session({
      "as-printed.yaml": SAMPLE_SESSION_AFFINITY_AS_PRINTED,
      "fixed-field.yaml": SAMPLE_SESSION_AFFINITY_AS_PRINTED.replace("portocol", "protocol"),
    });
    expect(await k("apply -f as-printed.yaml")).toEqual(
      err(
        'Error from server (BadRequest): error when creating "as-printed.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].portocol"\n',
      ),
    );
    expect(await k("apply -f fixed-field.yaml")).toEqual(
      err('The Service "sample-session-affinity" is invalid: spec.sessionAffinity: Unsupported value: "ClusterIP": supported values: "ClientIP", "None"\n'),
    );
    expect(await k("get svc sample-session-affinity")).toEqual(err('Error from server (NotFound): services "sample-session-affinity" not found\n'));
  });

  it("creates, leaves unchanged and configures", async () => {
    const { k } = session({ "svc.yaml": SAMPLE_SESSION_AFFINITY, "svc2.yaml": SAMPLE_SESSION_AFFINITY.replace("timeoutSeconds: 10", "timeoutSeconds: 20") });
    expect(await k("apply -f svc.yaml")).toEqual(out("service/sample-session-affinity created\n"));
    expect(await k("apply -f svc.yaml")).toEqual(out("service/sample-session-affinity unchanged\n"));
    expect(await k("apply -f svc2.yaml")).toEqual(out("service/sample-session-affinity configured\n"));
    expect(await k("get svc sample-session-affinity -o jsonpath={.spec.sessionAffinityConfig.clientIP.timeoutSeconds}")).toEqual(out("20"));
  });

  it("reads directories and stdin, and reports each failure after the successes", async () => {
    const { k } = session({ "dir/a.yaml": SAMPLE_POD, "dir/b.yml": SAMPLE_DEPLOYMENT, "dir/notes.txt": "not yaml: [" });
    expect(await k("create -f dir")).toEqual(out("pod/sample-pod created\ndeployment.apps/sample-deployment created\n"));
    expect(await k("create -f -", SAMPLE_POD)).toEqual(err('Error from server (AlreadyExists): error when creating "STDIN": pods "sample-pod" already exists\n'));
    expect(await k("apply -f dir/a.yaml")).toEqual({
      stdout: "pod/sample-pod configured\n",
      stderr:
        "Warning: resource pods/sample-pod is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n",
      exitCode: 0,
    });
    expect(await k("delete -f dir")).toEqual(out('pod "sample-pod" deleted\ndeployment.apps "sample-deployment" deleted\n'));
    expect(await k("delete pod sample-pod")).toEqual(err('Error from server (NotFound): pods "sample-pod" not found\n'));
  });

  it.each([
    ["missing file", "apply -f nope.yaml", {}, 'error: the path "nope.yaml" does not exist\n'],
    ["no -f", "apply", {}, "error: must specify one of -f and -k\n"],
    [
      "unknown kind",
      "apply -f kind.yaml",
      { "kind.yaml": "apiVersion: v1\nkind: Servise\nmetadata:\n  name: s\n" },
      'error: resource mapping not found for name: "s" namespace: "" from "kind.yaml": no matches for kind "Servise" in version "v1"\nensure CRDs are installed first\n',
    ],
    ["invalid YAML", "apply -f bad.yaml", { "bad.yaml": "kind: [\n" }, undefined],
  ])("%s", async (_, cmd, files, stderr) => {
    const r = await (session(files as Record<string, string>).k)(cmd);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    if (stderr !== undefined) expect(r.stderr).toBe(stderr);
    else expect(r.stderr).toMatch(/^error: error parsing bad\.yaml: error converting YAML to JSON: yaml: line \d+/);
  });

  it("reports node port conflicts as the allocator does", async () => {
    const nodePort = (name: string, port: number): string =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: NodePort\n  selector:\n    app: sample-app\n  ports:\n  - port: 8080\n    targetPort: 80\n    nodePort: ${port}\n`;
    const { k } = session({ "np.yaml": nodePort("sample-nodeport", 30080), "fail.yaml": nodePort("sample-nodeport-fail", 8888), "fail2.yaml": nodePort("sample-nodeport-fail2", 30080) });
    expect(await k("apply -f np.yaml")).toEqual(out("service/sample-nodeport created\n"));
    expect(await k("apply -f fail.yaml")).toEqual(
      err('The Service "sample-nodeport-fail" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767\n'),
    );
    expect(await k("apply -f fail2.yaml")).toEqual(err('The Service "sample-nodeport-fail2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n'));
  });
});

describe("kubectl against a running workload", () => {
  let k: (cmd: string, stdin?: string) => Promise<KubectlResult>;
  beforeAll(async () => {
    ({ k } = session({ "d.yaml": SAMPLE_DEPLOYMENT, "p.yaml": SAMPLE_POD, "s.yaml": SAMPLE_SESSION_AFFINITY, "lb.yaml": SAMPLE_LB_LOCAL }));
    for (const f of ["d", "p", "s", "lb"]) expect((await k(`apply -f ${f}.yaml`)).exitCode).toBe(0);
    expect(await k("rollout status deployment/sample-deployment")).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/deployment "sample-deployment" successfully rolled out\n$/) });
    expect(await k("wait --for=condition=Ready pod/sample-pod")).toEqual(out("pod/sample-pod condition met\n"));
  });

  it("gets tables, names and the No resources notice", async () => {
    const pods = await k("get po");
    expect(pods.stdout.split("\n")[0]).toBe("NAME                                 READY   STATUS    RESTARTS   AGE");
    expect(pods.stdout.match(/Running/g)).toHaveLength(4);
    expect((await k("get deploy -o name")).stdout).toBe("deployment.apps/sample-deployment\n");
    expect(await k("get pods -n kube-public")).toEqual(err("No resources found in kube-public namespace.\n", 0));
    expect(await k("get foos")).toEqual(err('error: the server doesn\'t have a resource type "foos"\n'));
    expect(await k("get")).toMatchObject({ exitCode: 1, stderr: expect.stringContaining("error: Required resource not specified.") });
    expect(await k("get pods -o foo")).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/^error: unable to match a printer suitable for the output format "foo"/) });
    expect((await k("get svc sample-session-affinity")).stdout).toMatch(/^sample-session-affinity\s+LoadBalancer\s+10\.\S+\s+172\.18\.0\.\d+\s+8080:30084\/TCP\s+\d+s\n$/m);
  });

  it("describes a LoadBalancer service with Local traffic policy", async () => {
    const r = await k("describe svc sample-lb-local");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Session Affinity:\s+None$/m);
    expect(r.stdout).toMatch(/^External Traffic Policy:\s+Local$/m);
    expect(r.stdout).toMatch(/^HealthCheck NodePort:\s+30086$/m);
    expect(r.stdout).toMatch(/^Endpoints:\s+(10\.244\.\d+\.\d+:80,?){3}$/m);
    // The cloud's service controller reports the balancer it set up.
    expect(r.stdout).toMatch(/\nEvents:\n  Type {4}Reason {16}Age {3}From {16}Message\n  ----.*\n  Normal  EnsuringLoadBalancer  \d+s +service-controller  Ensuring load balancer\n  Normal  EnsuredLoadBalancer   \d+s +service-controller  Ensured load balancer\n$/);
  });

  it("patches and reports no-op patches and invalid ones", async () => {
    expect(await k(`patch service sample-session-affinity -p '{"spec": {"sessionAffinity": "None"}}'`)).toEqual(out("service/sample-session-affinity patched\n"));
    expect(await k(`patch svc sample-session-affinity -p '{"spec": {"sessionAffinity": "None"}}'`)).toEqual(out("service/sample-session-affinity patched (no change)\n"));
    expect(await k(`patch svc sample-session-affinity --type merge -p '{"spec": {"sessionAffinity": "Sticky"}}'`)).toEqual(
      err('The Service "sample-session-affinity" is invalid: spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"\n'),
    );
    expect(await k("patch svc sample-session-affinity -p {} --type foo")).toEqual(err('error: --type must be one of [json merge strategic], not "foo"\n'));
    expect(await k("patch svc sample-session-affinity")).toEqual(err("error: must specify --patch or --patch-file containing the contents of the patch\n"));
  });

  it("execs curl, dig and nslookup as the image provides them", async () => {
    const body = await k("exec -it sample-pod -- curl http://sample-session-affinity.default.svc.cluster.local:8080");
    expect(body.stdout).toMatch(/^Host=sample-session-affinity\.default\.svc\.cluster\.local {2}Path=\/ {2}From=sample-deployment-\w+-\w+ {2}ClientIP=10\.244\.\d+\.\d+ {2}XFF=\n$/);
    expect(await k("exec sample-pod -- curl -s http://nosuch/")).toEqual(err("command terminated with exit code 6\n", 6));
    expect(await k("exec sample-pod -- curl -sS http://nosuch/")).toEqual(err("curl: (6) Could not resolve host: nosuch\ncommand terminated with exit code 6\n", 6));
    expect((await k("exec sample-pod -- dig +short sample-session-affinity.default.svc.cluster.local")).stdout).toMatch(/^10\.96\.\d+\.\d+\n$/);
    expect((await k("exec sample-pod -- nslookup sample-session-affinity")).stdout).toMatch(/^Server:\t\t10\.96\.0\.10\nAddress:\t10\.96\.0\.10#53\n\nName:\tsample-session-affinity\.default\.svc\.cluster\.local\nAddress: 10\.96\./);
    expect(await k("exec sample-pod curl x")).toEqual(
      err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n"),
    );
    expect(await k("exec nosuch -- true")).toEqual(err('Error from server (NotFound): pods "nosuch" not found\n'));
    expect((await k("exec deploy/sample-deployment -- hostname")).stdout).toMatch(/^sample-deployment-\w+-\w{5}\n$/);
  });

  it("runs the e2e affinity loop inside the exec pod", async () => {
    expect((await k("apply -f s.yaml")).exitCode).toBe(0);
    const r = await k(`exec sample-pod -- sh -c 'for i in $(seq 0 15); do echo; curl -q -s --connect-timeout 2 http://sample-session-affinity:8080/; done'`);
    const hosts = r.stdout.split("\n").filter((l) => l.startsWith("Host="));
    expect(hosts).toHaveLength(16);
    expect(new Set(hosts).size).toBe(1);
  });

  it("runs a throw-away client pod with kubectl run --rm -i", async () => {
    const r = await k("run tmp --rm -i --restart=Never --image=curlimages/curl -- curl -s http://sample-session-affinity:8080");
    expect(r.stdout).toMatch(/^Host=sample-session-affinity {2}Path=\/ {2}From=sample-deployment-\S+ {2}ClientIP=10\.244\.\d+\.\d+ {2}XFF=\npod "tmp" deleted\n$/);
    expect(r.exitCode).toBe(0);
    expect((await k("run bb --rm -i --restart=Never --image=busybox:1.28 -- nslookup kubernetes.default")).stdout).toBe(
      "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\npod \"bb\" deleted\n",
    );
    const noDig = await k("run tmp2 --rm -i --restart=Never --image=curlimages/curl -- dig x");
    expect(noDig.stderr).toMatch(/exec: "dig": executable file not found in \$PATH/);
  });

  it("scales, labels and restarts", async () => {
    expect(await k("scale deploy sample-deployment --replicas=2")).toEqual(out("deployment.apps/sample-deployment scaled\n"));
    expect(await k("label pod sample-pod tier=client")).toEqual(out("pod/sample-pod labeled\n"));
    expect(await k("label pod sample-pod tier=other")).toEqual(err("error: 'tier' already has a value (client), and --overwrite is false\n"));
    expect((await k("get pods -l tier=client -o name")).stdout).toBe("pod/sample-pod\n");
    expect(await k("rollout restart deployment sample-deployment")).toEqual(out("deployment.apps/sample-deployment restarted\n"));
    expect((await k("rollout status deployment sample-deployment")).stdout).toMatch(/successfully rolled out\n$/);
  });

  it("lists namespaces and deletes at once with --grace-period=0 --force", async () => {
    expect(await k("create namespace demo")).toEqual(out("namespace/demo created\n"));
    expect((await k("get ns demo")).stdout).toMatch(/^NAME   STATUS   AGE\ndemo   Active   0s\n$/);
    expect(await k("run victim --image=nginx")).toEqual(out("pod/victim created\n"));
    expect(await k("delete pod victim --grace-period=0 --force")).toEqual({
      stdout: 'pod "victim" force deleted\n',
      stderr: "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n",
      exitCode: 0,
    });
    expect(await k("get pod victim")).toEqual(err('Error from server (NotFound): pods "victim" not found\n'));
  });

  it("generates a deployment and exposes it", async () => {
    expect(await k("create deployment web --image=registry.k8s.io/echoserver:1.10 --replicas=2")).toEqual(out("deployment.apps/web created\n"));
    expect(await k("expose deployment web --port=80 --target-port=8080 --type=NodePort")).toEqual(out("service/web exposed\n"));
    expect((await k("get svc web -o jsonpath={.spec.selector.app}/{.spec.ports[0].targetPort}/{.spec.type}")).stdout).toBe("web/8080/NodePort");
    expect((await k("get deploy web -o jsonpath={.spec.template.spec.containers[0].name}")).stdout).toBe("echoserver");
    expect(await k("create deployment web2")).toEqual(err('error: required flag(s) "image" not set\n'));
    expect(await k("create foo")).toEqual(err("error: Unexpected args: [foo]\nSee 'kubectl create -h' for help and examples\n"));
  });

  it("speaks cobra's language for bad usage", async () => {
    expect(await k("get pods --foo")).toEqual(err("Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"));
    expect(await k("get pods -n")).toEqual(err("Error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n"));
    expect(await k("gett pods")).toEqual(err('Error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tset\n\tget\n\n'));
    expect(await k("wait pod/sample-pod")).toEqual(err('error: unrecognized condition: ""\n'));
  });
});
