/**
 * The `svclab` command: `svclab run FILE.sh` runs a bash script against a
 * fresh simulated cluster and exits with the script's status; `svclab
 * shell` is the same session, interactive (line editing and history from
 * node:readline, `>` continuation for unfinished input). Bad usage and
 * unreadable inputs get one clear line and a non-zero exit, never a trace.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { parse } from "just-bash";
import { KubectlError, parseManifests } from "@svclab/manifest";
import type { TopologyOptions } from "@svclab/cluster";
import { ShellSession } from "./session";
import type { Sink } from "./transcript";

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
  run FILE.sh   Run a bash script against a fresh simulated cluster (- reads stdin)
  shell         Start an interactive shell against a fresh simulated cluster

Options:
  --seed N          Seed every random choice of the cluster (default 1)
  --topology FILE   Cluster shape: a YAML or JSON file of topology options
                    (workers, nodes, podCIDR, serviceCIDR, nodePortRange, dataplane...)
  --echo            Print each command as "$ command" before its output
  -h, --help        Show this help

In the session, kubectl, curl, dig and sleep act on the simulated cluster:
sleep advances its virtual clock, top-level curl runs on your machine.
`;

class CliUsageError extends Error {}

interface CliOptions {
  readonly command: "run" | "shell" | "help";
  readonly file: string | undefined;
  readonly seed: number | undefined;
  readonly topology: string | undefined;
  readonly echo: boolean;
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let command: CliOptions["command"] | undefined;
  let file: string | undefined;
  let seed: number | undefined;
  let topology: string | undefined;
  let echo = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (name: string): string => {
      const eq = a.indexOf("=");
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new CliUsageError(`option ${name} needs a value`);
      return v;
    };
    if (a === "-h" || a === "--help") command = "help";
    else if (a === "--echo") echo = true;
    else if (a === "--seed" || a.startsWith("--seed=")) {
      const v = value("--seed");
      if (!/^-?\d+$/.test(v)) throw new CliUsageError(`--seed must be an integer, got ${JSON.stringify(v)}`);
      seed = Number(v);
    } else if (a === "--topology" || a.startsWith("--topology=")) topology = value("--topology");
    else if (a.startsWith("-") && a !== "-") throw new CliUsageError(`unknown option ${a}`);
    else if (command === undefined) {
      if (a !== "run" && a !== "shell") throw new CliUsageError(`unknown command ${JSON.stringify(a)}`);
      command = a;
    } else if (command === "run" && file === undefined) file = a;
    else throw new CliUsageError(`unexpected argument ${JSON.stringify(a)}`);
  }
  if (command === undefined) throw new CliUsageError("missing command");
  if (command === "run" && file === undefined) throw new CliUsageError("run needs a script file");
  return { command, file, seed, topology, echo };
}

function readTopology(path: string, cwd: string): TopologyOptions {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), "utf8");
  } catch {
    throw new CliUsageError(`${path}: No such file or directory`);
  }
  const docs = parseManifests(text, path);
  const value = docs[0]?.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CliUsageError(`${path}: the topology must be a mapping (e.g. "workers: 3")`);
  return value as TopologyOptions;
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

async function shell(session: ShellSession, io: CliIO): Promise<number> {
  const rl = createInterface({ input: io.stdin, output: io.stdout, prompt: "$ ", historySize: 1000, terminal: (io.stdin as { isTTY?: boolean }).isTTY === true });
  let buffer = "";
  let status = 0;
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
    if (input.trim() !== "") status = await session.run(input);
    rl.setPrompt("$ ");
    rl.prompt();
  }
  return status;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const err = (msg: string): void => void io.stderr.write(`svclab: ${msg}\n`);
  try {
    const opts = parseCliArgs(argv);
    if (opts.command === "help") {
      io.stdout.write(USAGE);
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
      workdir: io.cwd,
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...(opts.topology === undefined ? {} : { topology: readTopology(opts.topology, io.cwd) }),
    });
    return script === undefined ? await shell(session, io) : await session.run(script);
  } catch (e) {
    if (e instanceof CliUsageError) {
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
