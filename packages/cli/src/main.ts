/**
 * The `svclab` command: `svclab run FILE.sh` runs a bash script against a
 * fresh simulated cluster and exits with the script's status; `svclab
 * shell` is the same session, interactive (line editing and history from
 * node:readline, `>` continuation for unfinished input). Bad usage and
 * unreadable inputs get one clear line and a non-zero exit, never a trace.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parse } from "just-bash";
import { KubectlError, parseManifests } from "@svclab/manifest";
import { KUBE_PROXY_MODES, topologyFromConfig, type KubeProxyMode, type TopologyOptions } from "@svclab/cluster";
import { kubeconfigPathForMerge, removeKubeconfigEntries } from "@svclab/apiserver";
import { ShellSession } from "./session";
import { advanceServedClock, serve, servingBanner } from "./serve/serve";
import { extraPortMappings, type PortMapping } from "./serve/host-ports";
import type { Sink } from "./transcript";
import { SweepUsageError } from "./sweep/sweep";
import { DEFAULT_LIMITS, LIMIT_FLAGS, type ScriptLimits } from "./limits";

export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Read by `svclab shell` only. */
  readonly stdin: NodeJS.ReadableStream;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
}

const USAGE = `Usage: svclab <command> [options]

Commands:
  run FILE.sh [ARG...]
                Run a bash script against a fresh simulated cluster (- reads stdin);
                ARGs are its $1, $2...
  shell         Start an interactive shell against a fresh simulated cluster
  serve         Serve a fresh simulated cluster to the real kubectl (HTTPS on
                127.0.0.1, a kubeconfig context svclab-NAME, as kind writes one)
  clock advance DURATION
                Let DURATION (11, 11s, 1.5m, 2h, 1d) of virtual time pass on a
                cluster served with --clock manual
  sweep FILE.sh Run a script over a range of seeds and report its MEASURE lines
                (svclab sweep --help)

Options:
  --seed N          Seed every random choice of the cluster (default 1)
  --topology FILE   Cluster shape: a YAML or JSON file of topology options
                    (workers, nodes, podCIDR, serviceCIDR, nodePortRange, dataplane...)
  --proxy-mode M    The Service proxy: none (Cilium's kube-proxy replacement, the
                    default), iptables, nftables or ipvs (kube-proxy), as kind's
                    networking.kubeProxyMode
  --echo            Print each command as "$ command" before its output

Sandbox of run and shell: the script sees its own directory (shell: the
working directory, unless it is /) and the files and directories named as
ARGs, read-only (writes stay in memory), and nothing else of the host.
  --output-dir DIR  Keep what the script writes under DIR (on the host)
  --max-commands N  Commands one run may execute (default ${DEFAULT_LIMITS.commands})
  --max-loop-iterations N
                    Iterations of one loop (default ${DEFAULT_LIMITS.loopIterations})
  --max-depth N     Nested function calls (default ${DEFAULT_LIMITS.depth})
  --max-output BYTES
                    Output of one run (default ${DEFAULT_LIMITS.outputBytes})
  --timeout SECONDS Wall-clock time of one run (default ${DEFAULT_LIMITS.wallSeconds})

Options of serve and clock:
  --name NAME       Cluster name; the kubeconfig entries are svclab-NAME (default svclab)
  --port N          Port to listen on (default: a free one)
  --address A       Address to listen on (default 127.0.0.1)
  --kubeconfig F    The kubeconfig to write (default: $KUBECONFIG's first file, else ~/.kube/config)
  --clock wall|manual
                    wall (default): virtual time follows the wall clock;
                    manual: it moves only with 'svclab clock advance'
  --keep-kubeconfig Leave the kubeconfig entries in place when serve stops
  --delete          Remove the svclab-NAME kubeconfig entries and exit
  --context CTX     With clock advance: the context to reach (default: current)
  -h, --help        Show this help

In the session, kubectl, curl, dig and sleep act on the simulated cluster:
sleep advances its virtual clock, top-level curl runs on your machine.
`;

class CliUsageError extends Error {}

interface CliOptions {
  readonly command: "run" | "shell" | "serve" | "clock" | "help";
  readonly file: string | undefined;
  readonly seed: number | undefined;
  readonly topology: string | undefined;
  readonly proxyMode: KubeProxyMode | undefined;
  readonly echo: boolean;
  readonly serve: {
    readonly name: string;
    readonly port: number;
    readonly address: string;
    readonly kubeconfig: string | undefined;
    readonly clock: "wall" | "manual";
    readonly keepKubeconfig: boolean;
    readonly delete: boolean;
    readonly context: string | undefined;
  };
  /** `clock advance DURATION`. */
  readonly duration: string | undefined;
  /** `run FILE ARG...`: the script's positional parameters. */
  readonly args: readonly string[];
  readonly outputDir: string | undefined;
  readonly limits: ScriptLimits;
}

const LIMIT_OPTIONS = new Map(Object.entries(LIMIT_FLAGS).map(([k, flag]) => [flag, k as keyof ScriptLimits]));

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let command: CliOptions["command"] | undefined;
  let file: string | undefined;
  let seed: number | undefined;
  let topology: string | undefined;
  let proxyMode: KubeProxyMode | undefined;
  let echo = false;
  let name = "svclab";
  let port = 0;
  let address = "127.0.0.1";
  let kubeconfig: string | undefined;
  let clock: "wall" | "manual" = "wall";
  let keepKubeconfig = false;
  let del = false;
  let context: string | undefined;
  let outputDir: string | undefined;
  const limits: { -readonly [K in keyof ScriptLimits]: number } = { ...DEFAULT_LIMITS };
  const args: string[] = [];
  let afterDashDash = false;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (name: string): string => {
      const eq = a.indexOf("=");
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new CliUsageError(`option ${name} needs a value`);
      return v;
    };
    const limit = LIMIT_OPTIONS.get(a.split("=")[0] as string);
    // After the script, words are its arguments; options are still svclab's until `--`.
    if (command === "run" && file !== undefined && (afterDashDash || !a.startsWith("-") || a === "-")) args.push(a);
    else if (command === "run" && file !== undefined && a === "--") afterDashDash = true;
    else if (limit !== undefined) {
      const flag = a.split("=")[0] as string;
      const v = value(flag);
      if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new CliUsageError(`${flag} must be a positive integer, got ${JSON.stringify(v)}`);
      limits[limit] = Number(v);
    } else if (a === "--output-dir" || a.startsWith("--output-dir=")) outputDir = value("--output-dir");
    else if (a === "-h" || a === "--help") command = "help";
    else if (a === "--echo") echo = true;
    else if (a === "--seed" || a.startsWith("--seed=")) {
      const v = value("--seed");
      if (!/^-?\d+$/.test(v)) throw new CliUsageError(`--seed must be an integer, got ${JSON.stringify(v)}`);
      seed = Number(v);
    } else if (a === "--topology" || a.startsWith("--topology=")) topology = value("--topology");
    else if (a === "--proxy-mode" || a.startsWith("--proxy-mode=")) {
      const v = value("--proxy-mode");
      if (!(KUBE_PROXY_MODES as readonly string[]).includes(v)) throw new CliUsageError(`--proxy-mode must be one of ${KUBE_PROXY_MODES.join(", ")}, got ${JSON.stringify(v)}`);
      proxyMode = v as KubeProxyMode;
    }
    else if (a === "--name" || a.startsWith("--name=")) {
      name = value("--name");
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new CliUsageError(`--name must be a DNS label (lower-case letters, digits and '-'), got ${JSON.stringify(name)}`);
    } else if (a === "--port" || a.startsWith("--port=")) {
      const v = value("--port");
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new CliUsageError(`--port must be a port number (0-65535), got ${JSON.stringify(v)}`);
      port = Number(v);
    } else if (a === "--address" || a.startsWith("--address=")) address = value("--address");
    else if (a === "--kubeconfig" || a.startsWith("--kubeconfig=")) kubeconfig = value("--kubeconfig");
    else if (a === "--context" || a.startsWith("--context=")) context = value("--context");
    else if (a === "--clock" || a.startsWith("--clock=")) {
      const v = value("--clock");
      if (v !== "wall" && v !== "manual") throw new CliUsageError(`--clock must be wall or manual, got ${JSON.stringify(v)}`);
      clock = v;
    } else if (a === "--keep-kubeconfig") keepKubeconfig = true;
    else if (a === "--delete") del = true;
    else if (a.startsWith("-") && a !== "-") throw new CliUsageError(`unknown option ${a}`);
    else if (command === undefined) {
      if (a !== "run" && a !== "shell" && a !== "serve" && a !== "clock") throw new CliUsageError(`unknown command ${JSON.stringify(a)}`);
      command = a;
    } else if (command === "run" && file === undefined) file = a;
    else if (command === "clock" && words.length < 2) words.push(a);
    else throw new CliUsageError(`unexpected argument ${JSON.stringify(a)}`);
  }
  if (command === undefined) throw new CliUsageError("missing command");
  if (command === "run" && file === undefined) throw new CliUsageError("run needs a script file");
  if (command === "clock" && (words[0] !== "advance" || words[1] === undefined)) throw new CliUsageError("usage: svclab clock advance DURATION");
  return {
    command,
    file,
    seed,
    topology,
    proxyMode,
    echo,
    serve: { name, port, address, kubeconfig, clock, keepKubeconfig, delete: del, context },
    duration: words[1],
    args,
    outputDir,
    limits,
  };
}

/** The topology file, with --proxy-mode over its kubeProxyMode. */
function topologyOption(opts: CliOptions, cwd: string): { topology?: TopologyOptions } {
  if (opts.topology === undefined && opts.proxyMode === undefined) return {};
  const file = opts.topology === undefined ? {} : readTopology(opts.topology, cwd);
  return { topology: opts.proxyMode === undefined ? file : { ...file, kubeProxyMode: opts.proxyMode } };
}

function readTopologyDocument(path: string, cwd: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), "utf8");
  } catch {
    throw new CliUsageError(`${path}: No such file or directory`);
  }
  const docs = parseManifests(text, path);
  const value = docs[0]?.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CliUsageError(`${path}: the topology must be a mapping (e.g. "workers: 3")`);
  return value as Record<string, unknown>;
}

/** TopologyOptions, or kind's cluster config (`kind: Cluster`) read as kind reads it. */
function readTopology(path: string, cwd: string): TopologyOptions {
  try {
    return topologyFromConfig(readTopologyDocument(path, cwd));
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    throw new CliUsageError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readHostPorts(path: string, cwd: string): PortMapping[] {
  try {
    return extraPortMappings(readTopologyDocument(path, cwd));
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    throw new CliUsageError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Whether `source` is unfinished shell input (open quote, block or heredoc). */
export function needsMoreInput(source: string): boolean {
  try {
    const ast = parse(source);
    return JSON.stringify(ast).includes('"terminated":false');
  } catch (e) {
    return /end of (file|input)|EOF|unterminated|unclosed|expected/i.test(e instanceof Error ? e.message : String(e));
  }
}

/**
 * The interactive loop. Ctrl-C stops the running command or loop (like
 * bash: `^C`, status 130, a new prompt) or drops the line being typed;
 * Ctrl-D on an empty line exits.
 */
async function shell(session: ShellSession, io: CliIO): Promise<number> {
  const terminal = (io.stdin as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input: io.stdin, output: io.stdout, prompt: "$ ", historySize: 1000, terminal });
  let buffer = "";
  let status = 0;
  let running: AbortController | undefined;
  const interrupt = (): void => {
    if (running !== undefined) {
      running.abort();
      io.stdout.write("^C\n");
      return;
    }
    buffer = "";
    io.stdout.write("^C\n");
    rl.setPrompt("$ ");
    rl.prompt();
  };
  rl.on("SIGINT", interrupt);
  // Without a terminal (a pipe) ^C reaches the process as a signal.
  if (!terminal) process.on("SIGINT", interrupt);
  try {
    rl.prompt();
    for await (const line of rl) {
      buffer = buffer === "" ? line : `${buffer}\n${line}`;
      if (needsMoreInput(buffer)) {
        rl.setPrompt("> ");
        rl.prompt();
        continue;
      }
      const input = buffer;
      buffer = "";
      const exit = /^\s*exit(?:\s+(\d+))?\s*$/.exec(input);
      if (exit !== null) {
        status = exit[1] === undefined ? status : Number(exit[1]);
        rl.close();
        break;
      }
      if (input.trim() !== "") {
        running = new AbortController();
        status = await session.run(input, running.signal);
        running = undefined;
      }
      rl.setPrompt("$ ");
      rl.prompt();
    }
    // Ctrl-D: bash says "exit" on its way out.
    if (terminal) io.stdout.write("exit\n");
  } finally {
    if (!terminal) process.off("SIGINT", interrupt);
  }
  return status;
}

/** `svclab serve`: serves until SIGINT/SIGTERM (or `--delete`: removes the kubeconfig entries). */
async function serveCommand(opts: CliOptions, io: CliIO): Promise<number> {
  const s = opts.serve;
  const location = s.kubeconfig === undefined ? {} : { explicitPath: s.kubeconfig };
  if (s.delete) {
    const files = await removeKubeconfigEntries(s.name, location);
    io.stdout.write(files.length === 0 ? `No svclab-${s.name} entries found in the kubeconfig\n` : `Deleted svclab-${s.name} from ${files.join(", ")}\n`);
    return 0;
  }
  const served = await serve(
    {
      name: s.name,
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...topologyOption(opts, io.cwd),
      ...(opts.topology === undefined ? {} : { hostPorts: readHostPorts(opts.topology, io.cwd) }),
      address: s.address,
      port: s.port,
      ...(s.kubeconfig === undefined ? {} : { kubeconfig: s.kubeconfig }),
      clock: s.clock,
      keepKubeconfig: s.keepKubeconfig,
    },
    (line) => void io.stderr.write(`${line}\n`),
  );
  io.stdout.write(servingBanner({ ...s, ...(opts.seed === undefined ? {} : { seed: opts.seed }) }, served));
  await new Promise<void>((resolveStop) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolveStop();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await served.stop();
  io.stdout.write(s.keepKubeconfig ? "Stopped.\n" : `Stopped; removed svclab-${s.name} from ${served.kubeconfigPath}\n`);
  return 0;
}

/** `svclab sweep`, loaded only when asked for. */
async function sweep(argv: readonly string[], io: CliIO): Promise<number> {
  const { sweepMain, SWEEP_USAGE } = await import("./sweep/command");
  if (argv.includes("-h") || argv.includes("--help")) {
    io.stdout.write(SWEEP_USAGE);
    return 0;
  }
  return sweepMain(argv, { stdout: io.stdout, cwd: io.cwd, readTopology: (path) => readTopology(path, io.cwd) });
}

/**
 * What of the host a script may read: its own directory (or, for `shell`
 * and `run -`, the working directory unless that is `/`, the whole host)
 * and the paths named as its arguments; the working directory is the
 * user's, empty if it is not among them.
 */
function sandbox(opts: CliOptions, io: CliIO): { readable: string[]; cwd: string; outputDir?: string; files: Record<string, string>; positional: readonly string[] } {
  const readable: string[] = [];
  const files: Record<string, string> = {};
  if (opts.command === "run" && opts.file !== "-") readable.push(dirname(resolve(io.cwd, opts.file as string)));
  else if (resolve(io.cwd) !== "/") readable.push(resolve(io.cwd));
  for (const a of opts.args) {
    const p = resolve(io.cwd, a);
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) readable.push(p);
    else files[p] = readFileSync(p, "latin1");
  }
  let outputDir: string | undefined;
  if (opts.outputDir !== undefined) {
    outputDir = resolve(io.cwd, opts.outputDir);
    if (!existsSync(outputDir) || !statSync(outputDir).isDirectory()) throw new CliUsageError(`--output-dir ${opts.outputDir}: No such directory`);
  }
  return { readable, cwd: resolve(io.cwd), ...(outputDir === undefined ? {} : { outputDir }), files, positional: opts.command === "run" ? [opts.file as string, ...opts.args] : [] };
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const err = (msg: string): void => void io.stderr.write(`svclab: ${msg}\n`);
  try {
    if (argv[0] === "sweep") return await sweep(argv.slice(1), io);
    const opts = parseCliArgs(argv);
    if (opts.command === "help") {
      io.stdout.write(USAGE);
      return 0;
    }
    if (opts.command === "serve") return await serveCommand(opts, io);
    if (opts.command === "clock") {
      const path = await kubeconfigPathForMerge(opts.serve.kubeconfig === undefined ? {} : { explicitPath: opts.serve.kubeconfig });
      io.stdout.write(`${await advanceServedClock(opts.duration as string, path, opts.serve.context)}\n`);
      return 0;
    }
    let script: string | undefined;
    if (opts.command === "run" && opts.file === "-") {
      script = "";
      for await (const chunk of io.stdin) script += String(chunk);
    } else if (opts.command === "run") {
      try {
        script = readFileSync(resolve(io.cwd, opts.file as string), "utf8");
      } catch {
        err(`${opts.file}: No such file or directory`);
        return 127;
      }
    }
    const sink: Sink = (stream, text) => void (stream === "stdout" ? io.stdout : io.stderr).write(text);
    const session = new ShellSession({
      sink,
      echo: opts.echo,
      ...sandbox(opts, io),
      limits: opts.limits,
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...topologyOption(opts, io.cwd),
    });
    return script === undefined ? await shell(session, io) : await session.run(script);
  } catch (e) {
    if (e instanceof CliUsageError || e instanceof SweepUsageError) {
      err(e.message);
      io.stderr.write(`Try 'svclab --help' for more information.\n`);
      return 2;
    }
    if (e instanceof KubectlError) {
      err(e.message.replace(/^error: /, ""));
      return 1;
    }
    // Topology errors and the like are plain Errors with a readable message.
    err(e instanceof Error ? e.message : String(e));
    return 1;
  }
}
