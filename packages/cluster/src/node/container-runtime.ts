/**
 * Processes inside a container, for `kubectl exec` and `kubectl run`: the
 * image decides which network tools exist (the tools image has curl and
 * dig, busybox has nslookup and wget, curlimages/curl only curl), a shell
 * (`sh -c '...'`) is just-bash with those tools as commands, and each
 * container keeps its own filesystem with the resolv.conf and hostname the
 * kubelet writes. Time spent in `sleep` is the cluster's virtual time.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { Command, InMemoryFs } from "just-bash";
import { toolsFor } from "../apps/images";
import { justBash } from "./just-bash";
import { readsStdin } from "./stdin-readers";
import { dnsServer, type ToolContext, type ToolHost, type ToolResult } from "../apps/tools/tool";
import type { SeededRandom } from "@svclab/sim";
import { ShellDeterminism } from "./shell-determinism";

const SHELLS = new Set(["sh", "bash", "ash", "/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/bash"]);

export interface ContainerRef {
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  readonly container: string;
  readonly image: string;
  /** The container's environment (see containerEnv). */
  readonly env: Readonly<Record<string, string>>;
}

export interface ProcessResult extends ToolResult {
  /** The runtime could not start the process (no such executable). */
  readonly startError?: string;
}

/**
 * A process's standard input: all of it, or the client's stream, read to
 * its end only by processes that read stdin (see readsStdin).
 */
export type ProcessInput = string | AsyncIterable<string>;

async function readAll(input: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of input) text += chunk;
  return text;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Runs processes in the cluster's containers, one filesystem per container. */
export class ContainerRuntime {
  private readonly filesystems = new Map<string, InMemoryFs>();
  private execs = 0;

  /** @param rng seeds each process's `$RANDOM`, `mktemp` names, `shuf` and /dev/urandom. */
  constructor(
    private readonly cluster: ToolHost,
    private readonly rng: SeededRandom,
  ) {}

  private fs(ref: ContainerRef): InMemoryFs {
    const key = `${ref.uid}/${ref.container}`;
    let fs = this.filesystems.get(key);
    if (fs === undefined) {
      const d = this.cluster.topology.clusterDomain;
      fs = new (justBash().InMemoryFs)({
        "/etc/hostname": `${ref.pod}\n`,
        "/etc/resolv.conf": `search ${ref.namespace}.svc.${d} svc.${d} ${d}\nnameserver ${dnsServer(this.cluster)}\noptions ndots:5\n`,
      });
      this.filesystems.set(key, fs);
    }
    return fs;
  }

  /** containerd's exec id, as its error messages show it. */
  private execId(ref: ContainerRef): string {
    return createHash("sha256").update(`${ref.uid}/${ref.container}/${this.execs++}`).digest("hex");
  }

  async exec(ref: ContainerRef, argv: readonly string[], input: ProcessInput): Promise<ProcessResult> {
    const stdin = typeof input === "string" ? input : (await readsStdin(argv, (p) => this.fs(ref).exists(posix.resolve("/", p)))) ? await readAll(input) : "";
    const tools = toolsFor(ref.image);
    const program = argv[0] ?? "";
    const name = basename(program);
    const client = { pod: ref.pod, namespace: ref.namespace };
    const context = (fs: InMemoryFs, cwd: string): ToolContext => ({
      cluster: this.cluster,
      client,
      writeFile: (p, content) => fs.writeFile(posix.resolve(cwd, p), content),
    });
    const tool = tools[name];
    if (tool !== undefined) return tool(argv.slice(1), context(this.fs(ref), "/"));
    const jb = justBash();
    const known = SHELLS.has(program) || jb.getCommandNames().includes(name);
    if (!known) {
      return {
        stdout: "",
        stderr: "",
        exitCode: 1,
        startError: `failed to exec in container: failed to start exec ${JSON.stringify(this.execId(ref))}: OCI runtime exec failed: exec failed: unable to start container process: exec: ${JSON.stringify(program)}: executable file not found in $PATH: unknown`,
      };
    }
    const shell = new ShellDeterminism(this.rng, this.cluster);
    const fs = shell.filesystem(this.fs(ref));
    const commands: Command[] = Object.entries(tools).map(([n, t]) => jb.defineCommand(n, async (args, ctx) => t(args, context(fs, ctx.cwd))));
    commands.push(jb.defineCommand("hostname", async () => ({ stdout: `${ref.pod}\n`, stderr: "", exitCode: 0 })), ...shell.commands());
    const bash = new jb.Bash({
      fs,
      cwd: "/",
      env: { ...ref.env },
      customCommands: commands,
      sleep: async (ms) => this.cluster.advance(ms / 1000),
    });
    bash.registerTransformPlugin(shell.plugin);
    if (SHELLS.has(program)) {
      const c = argv.indexOf("-c");
      const script = c >= 0 ? (argv[c + 1] ?? "") : stdin;
      const r = await shell.run(() => bash.exec(script, { stdin: c >= 0 ? stdin : "", rawScript: true }));
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
    }
    const r = await shell.run(() => bash.exec(name, { args: argv.slice(1), stdin, rawScript: true }));
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  }
}
