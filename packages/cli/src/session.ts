/**
 * A shell session against a fresh simulated cluster: just-bash (heredocs,
 * pipes, loops, `$(...)`, grep, sort, uniq...) with kubectl, curl, dig and
 * `docker stop|start` of the kind nodes as commands and `sleep` on the cluster's virtual clock. Top-level curl
 * and dig run on the user's machine (the topology's external host). Files
 * live in memory over a copy-on-write view of a real directory, so scripts
 * can read manifests next to them without writing anywhere.
 */
import { posix } from "node:path";
import { Bash, InMemoryFs, MountableFs, OverlayFs, ReadWriteFs, decodeBytesToUtf8, defineCommand, type Command, type IFileSystem } from "just-bash";
import { SeededRandom } from "@svclab/sim";
import { ShellDeterminism, createCluster, curl, dig, type Cluster, type Tool, type TopologyOptions } from "@svclab/cluster";
import { Kubectl, inProcessClient, type FileAccess } from "@svclab/kubectl";
import { CAPTURE_FILES, transcript, type Sink } from "./transcript";
import { dockerCommand } from "./docker";
import { sleepCommand } from "./sleep";
import { uniqCommand } from "./uniq";
import { interruptible } from "./interrupt";
import { DEFAULT_LIMITS, executionLimits, explainLimits, type ScriptLimits } from "./limits";

/** Virtual seconds a `sleep` lets pass between two looks at the terminal (Ctrl-C). */
const SLEEP_SLICE_SECONDS = 600;

export interface SessionOptions {
  /** Seeds every random choice of the cluster (default 1). */
  readonly seed?: number;
  readonly topology?: TopologyOptions;
  /** Show each statement as `$ command` before its output. */
  readonly echo?: boolean;
  /** A real directory the session sees (copy-on-write) as its working directory, mounted at /home/user/project. */
  readonly workdir?: string;
  /**
   * The sandbox (instead of `workdir`): these real directories, and nothing
   * else of the host, are readable at their own paths; writes to them stay in
   * memory. The first is the working directory unless `cwd` is given.
   */
  readonly readable?: readonly string[];
  /** The working directory inside the sandbox (created in memory if it is not readable). */
  readonly cwd?: string;
  /** Host files the user named, by real path: readable, copied in at the start. */
  readonly files?: Readonly<Record<string, string>>;
  /** `$0`, `$1`...: the script's name and arguments. */
  readonly positional?: readonly string[];
  /** A real directory where the script's writes are kept (`--output-dir`). */
  readonly outputDir?: string;
  /** Limits on commands, loops, depth, output and wall time (default DEFAULT_LIMITS). */
  readonly limits?: ScriptLimits;
  /** Where output goes, as it is produced. */
  readonly sink: Sink;
}

const HOME = "/home/user/project";

function fileAccess(fs: IFileSystem, cwd: string): FileAccess {
  const stat = async (p: string): Promise<{ path: string; dir: boolean } | undefined> => {
    const path = posix.resolve(cwd, p);
    if (!(await fs.exists(path))) return undefined;
    return { path, dir: (await fs.stat(path)).isDirectory };
  };
  return {
    async readFile(p) {
      const s = await stat(p);
      return s === undefined || s.dir ? undefined : fs.readFile(s.path);
    },
    async readDir(p) {
      const s = await stat(p);
      return s?.dir ? fs.readdir(s.path) : undefined;
    },
  };
}

/** `$0` and the positional parameters, as just-bash keeps them. */
function positional(argv: readonly string[]): Record<string, string> {
  if (argv.length === 0) return {};
  const env: Record<string, string> = { "#": String(argv.length - 1) };
  argv.forEach((a, i) => (env[String(i)] = a));
  return env;
}

/**
 * What the script sees of the host: the readable directories (copy-on-write,
 * at their real paths), the output directory read-write, memory elsewhere.
 */
function sandboxFs(opts: SessionOptions): IFileSystem {
  if (opts.readable === undefined) return opts.workdir === undefined ? new InMemoryFs() : new OverlayFs({ root: opts.workdir, mountPoint: HOME });
  const mounts: { mountPoint: string; filesystem: IFileSystem }[] = opts.readable.map((dir) => ({ mountPoint: dir, filesystem: new OverlayFs({ root: dir, mountPoint: "/" }) }));
  if (opts.outputDir !== undefined) mounts.push({ mountPoint: opts.outputDir, filesystem: new ReadWriteFs({ root: opts.outputDir }) });
  return new MountableFs({ base: new InMemoryFs(opts.files ?? {}), mounts });
}

export class ShellSession {
  readonly cluster: Cluster;
  private readonly bash: Bash;
  private readonly shell: ShellDeterminism;
  private readonly limits: ScriptLimits;
  private readonly cwd: string;
  private cwdMade = false;
  private source = "";
  /** Shell variables and cwd carried from one `run` to the next (interactive use). */
  private env: Record<string, string> | undefined;

  constructor(private readonly opts: SessionOptions) {
    this.cwd = opts.cwd ?? (opts.readable?.[0] ?? HOME);
    this.cluster = createCluster({ ...opts.topology, seed: opts.seed ?? 1 });
    const kubectl = new Kubectl(inProcessClient(this.cluster.restHandler(), this.cluster.clientClock()));
    const hostTool = (name: string, tool: Tool): Command =>
      defineCommand(name, async (args, ctx) =>
        tool(args, { cluster: this.cluster, client: {}, writeFile: (p, content) => ctx.fs.writeFile(posix.resolve(ctx.cwd, p), content) }),
      );
    const interrupt = interruptible();
    const t = transcript(opts.sink, { echo: opts.echo ?? false, source: () => this.source });
    // Its own stream, so a script's $RANDOM draws do not move the cluster's choices.
    const shell = (this.shell = new ShellDeterminism(new SeededRandom(`${opts.seed ?? 1}/shell`), this.cluster));
    const fs = shell.filesystem(sandboxFs(opts));
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.bash = new Bash({
      fs,
      cwd: this.cwd,
      executionLimits: executionLimits(this.limits),
      env: { HOME, USER: "user", HOSTNAME: "localhost", ...positional(opts.positional ?? []) },
      customCommands: [
        defineCommand("kubectl", async (args, ctx) => kubectl.run(args, { files: fileAccess(ctx.fs, ctx.cwd), stdin: decodeBytesToUtf8(ctx.stdin) })),
        hostTool("curl", curl),
        hostTool("dig", dig),
        dockerCommand(() => this.cluster),
        sleepCommand(async (seconds, signal) => {
          for (let left = seconds; left > 0 && signal?.aborted !== true; left -= SLEEP_SLICE_SECONDS) {
            this.cluster.advance(Math.min(left, SLEEP_SLICE_SECONDS));
            await interrupt.yieldNow();
          }
        }),
        interrupt.command,
        uniqCommand(),
        ...t.commands,
        ...shell.commands(),
      ],
      sleep: async (ms) => this.cluster.advance(ms / 1000),
    });
    // Dynamic variables first, so the transcript wraps the rewritten statements.
    this.bash.registerTransformPlugin(shell.plugin);
    this.bash.registerTransformPlugin(interrupt.plugin);
    this.bash.registerTransformPlugin(t.plugin);
  }

  /**
   * Runs shell source; output goes to the sink as each statement ends.
   * Returns the exit status; `signal` stops it between two commands (Ctrl-C), status 130 as bash's SIGINT.
   */
  async run(source: string, signal?: AbortSignal): Promise<number> {
    this.source = source;
    if (!this.cwdMade) {
      // A working directory outside what the sandbox may read exists, empty.
      if (!(await this.bash.fs.exists(this.cwd))) await this.bash.fs.mkdir(this.cwd, { recursive: true });
      this.cwdMade = true;
    }
    const r = await this.shell.run(() => this.bash.exec(source, { rawScript: true, ...(signal === undefined ? {} : { signal }), ...(this.env === undefined ? {} : { env: this.env, cwd: this.env.PWD ?? this.cwd }) }));
    const interrupted = signal?.aborted === true;
    // An interrupted run keeps the variables it had set, as bash does after ^C.
    if (!interrupted || Object.keys(r.env).length > 0) this.env = r.env;
    // A statement that ended the script (exit, set -e) leaves its output behind.
    for (const stream of ["stdout", "stderr"] as const) {
      const file = CAPTURE_FILES[stream];
      if (await this.bash.fs.exists(file)) {
        const text = await this.bash.fs.readFile(file);
        if (text !== "") this.opts.sink(stream, explainLimits(text, this.limits));
        await this.bash.fs.writeFile(file, "");
      }
      // bash says nothing on ^C (the terminal shows it); just-bash reports the abort.
      const text = explainLimits(interrupted ? r[stream].replace(/^bash: execution aborted\n/m, "") : r[stream], this.limits);
      if (text !== "") this.opts.sink(stream, text);
    }
    return interrupted ? 130 : r.exitCode;
  }
}
