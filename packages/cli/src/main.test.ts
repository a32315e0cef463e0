import { describe, expect, it } from "vitest";
import { tmpdir } from "node:os";
import { PassThrough } from "node:stream";
import { main, needsMoreInput, parseCliArgs } from "./main";
import { svclabIn, tempDir, type CliRun } from "./test-support/cli";

/** Runs `svclab <argv>` in a temporary directory holding `files`. */
const svclab = (argv: string[], files: Record<string, string> = {}): Promise<CliRun> => svclabIn(argv, tempDir(files));

describe("svclab run", () => {
  it("runs a script against a fresh cluster and exits with its status", async () => {
    const r = await svclab(["run", "s.sh"], { "s.sh": "kubectl get pods\necho done\nexit 3\n" });
    expect(r).toEqual({ stdout: "done\n", stderr: "No resources found in default namespace.\n", code: 3 });
  });

  it("interleaves stdout and stderr as a terminal shows them, and echoes with --echo", async () => {
    const script = "# list\nkubectl get pods\necho after\nkubectl get svc nosuch || echo failed\n";
    const r = await svclab(["run", "--echo", "s.sh"], { "s.sh": script });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("# list\n$ kubectl get pods\n$ echo after\nafter\n$ kubectl get svc nosuch || echo failed\nfailed\n");
    expect(r.stderr).toBe('No resources found in default namespace.\nError from server (NotFound): services "nosuch" not found\n');
  });

  it("reads manifests next to the script without writing them", async () => {
    const r = await svclab(["run", "s.sh"], {
      "s.sh": "kubectl apply -f pod.yaml\necho changed > pod.yaml\ncat pod.yaml\n",
      "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n",
    });
    expect(r.stdout).toBe("pod/p created\nchanged\n");
  });

  it.each([
    ["a missing script", ["run", "nope.sh"], {}, 127, "svclab: nope.sh: No such file or directory\n"],
    ["an unknown option", ["run", "--fast", "s.sh"], { "s.sh": "" }, 2, "svclab: unknown option --fast\nTry 'svclab --help' for more information.\n"],
    ["a bad seed", ["run", "--seed", "x", "s.sh"], { "s.sh": "" }, 2, 'svclab: --seed must be an integer, got "x"\nTry \'svclab --help\' for more information.\n'],
    ["no command", [], {}, 2, "svclab: missing command\nTry 'svclab --help' for more information.\n"],
    ["a missing topology", ["run", "--topology", "t.yaml", "s.sh"], { "s.sh": "" }, 2, "svclab: t.yaml: No such file or directory\nTry 'svclab --help' for more information.\n"],
    ["an impossible topology", ["run", "--topology", "t.yaml", "s.sh"], { "s.sh": "", "t.yaml": "workers: -1\n" }, 1, "svclab: invalid workers -1: must be an integer from 0 to 65536\n"],
  ])("reports %s in one line", async (_, argv, files, code, stderr) => {
    expect(await svclab(argv, files)).toEqual({ stdout: "", stderr, code });
  });

  it.each([
    ["a syntax error", "if then fi\n", 2, /syntax error/],
    ["an unknown command", "frobnicate --now\n", 127, /^bash: frobnicate: command not found\n$/],
    ["invalid YAML", "echo 'kind: [' > x.yaml\nkubectl apply -f x.yaml\n", 1, /^error: error parsing x\.yaml: error converting YAML to JSON: yaml: line \d+/],
    ["an unknown kubectl flag", "kubectl get pods --watch-only\n", 1, /^Error: unknown flag: --watch-only\nSee 'kubectl get --help' for usage\.\n$/],
  ])("fails cleanly on %s", async (_, script, code, stderr) => {
    const r = await svclab(["run", "s.sh"], { "s.sh": script });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reads the script from stdin with -", async () => {
    const stdin = new PassThrough();
    stdin.end("echo from stdin\n");
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (d: Buffer) => (out += d.toString()));
    expect(await main(["run", "-"], { stdout, stderr: new PassThrough(), stdin, cwd: tmpdir() })).toBe(0);
    expect(out).toBe("from stdin\n");
  });

  it("takes the cluster shape from --topology", async () => {
    const r = await svclab(["run", "--topology", "t.yaml", "s.sh"], { "s.sh": "kubectl get nodes -o name\n", "t.yaml": "workers: 1\n" });
    expect(r.stdout).toBe("node/kind-control-plane\nnode/kind-worker\n");
  });

  it("prints usage with --help", async () => {
    const r = await svclab(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: svclab <command> \[options\]/);
  });
});

describe("svclab shell", () => {
  it("keeps variables between lines, continues unfinished input and exits with exit's status", async () => {
    const stdin = new PassThrough();
    stdin.end("X=4\nfor i in 1 2; do\necho $X$i\ndone\nexit 5\n");
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (d: Buffer) => (out += d.toString()));
    const code = await main(["shell"], { stdout, stderr: new PassThrough(), stdin, cwd: tmpdir() });
    expect(code).toBe(5);
    expect(out).toContain("41\n42\n");
  });
});

describe("parseCliArgs", () => {
  it("accepts options before and after the script", () => {
    expect(parseCliArgs(["--seed=4", "run", "x.sh", "--echo", "--topology", "t.yaml"])).toMatchObject({ command: "run", file: "x.sh", seed: 4, topology: "t.yaml", echo: true });
  });

  it("reads serve's and clock's options, with kind-like defaults", () => {
    expect(parseCliArgs(["serve", "--seed", "4", "--clock=manual", "--port", "6443"])).toMatchObject({
      command: "serve",
      seed: 4,
      serve: { name: "svclab", port: 6443, address: "127.0.0.1", clock: "manual", keepKubeconfig: false, delete: false },
    });
    expect(parseCliArgs(["clock", "advance", "11s", "--context", "svclab-x"])).toMatchObject({ command: "clock", duration: "11s", serve: { context: "svclab-x" } });
    expect(() => parseCliArgs(["serve", "--clock", "fast"])).toThrow('--clock must be wall or manual, got "fast"');
    expect(() => parseCliArgs(["serve", "--name", "My_Cluster"])).toThrow("--name must be a DNS label");
    expect(() => parseCliArgs(["serve", "--port", "70000"])).toThrow("--port must be a port number");
    expect(() => parseCliArgs(["clock", "stop"])).toThrow("usage: svclab clock advance DURATION");
  });
});

describe("needsMoreInput (svclab shell continuation)", () => {
  it.each([
    ["kubectl get pods", false],
    ["for i in 1 2; do", true],
    ["echo 'open", true],
    ["cat <<EOF > x.yaml\nkind: Pod", true],
    ["cat <<EOF > x.yaml\nkind: Pod\nEOF", false],
  ])("%j -> %s", (input, more) => {
    expect(needsMoreInput(input)).toBe(more);
  });
});
