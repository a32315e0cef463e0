/**
 * Every source of randomness and time a shell script can reach, taken from
 * the cluster's seed and virtual clock so that the same script with the
 * same `--seed` prints the same thing: `$RANDOM` (bash's generator, `RANDOM=n`
 * reseeds), `$SRANDOM`, `$SECONDS`, `$EPOCHSECONDS`, `$EPOCHREALTIME`,
 * `date`, `mktemp`, `shuf`, reads of `/dev/urandom` and awk's `rand()`
 * (through `Math.random` while the shell runs, see {@link ShellDeterminism.run}).
 *
 * just-bash computes the dynamic variables from `Math.random` and the host
 * clock, so a transform rewrites each read of them (in words and in
 * arithmetic) into a command substitution of a command that answers from
 * this state, and each assignment into a call that reseeds it.
 */
import type { Command, IFileSystem, TransformPlugin } from "just-bash";
import type { SeededRandom } from "@svclab/sim";
import { justBash } from "./just-bash";
import { BashRandom } from "./bash-random";
import { gnuDate, type DateTime } from "./gnu-date";
import type { ToolResult } from "../apps/tools/tool";

type Node = Record<string, unknown>;

const VAR = "__svclab_var";
/** Variables bash computes on each read. */
const DYNAMIC = new Set(["RANDOM", "SRANDOM", "SECONDS", "EPOCHSECONDS", "EPOCHREALTIME"]);
/** Of those, the ones an assignment changes (bash ignores assignments to the others). */
const ASSIGNABLE = new Set(["RANDOM", "SECONDS"]);
const DEVICES = new Set(["/dev/urandom", "/dev/random"]);
/** Bytes one read of /dev/urandom returns: enough for `head -c`, `od -N`, `tr -dc ... | head -c`. */
const DEVICE_READ = 64 * 1024;

export interface ShellClock {
  /** The virtual wall clock. */
  wallTime(): Date;
}

const literal = (value: string): Node => ({ type: "Word", parts: [{ type: "Literal", value }] });

function command(name: string, args: Node[]): Node {
  return { type: "SimpleCommand", name: literal(name), args, assignments: [], redirections: [] };
}

function statement(c: Node): Node {
  return { type: "Statement", pipelines: [{ type: "Pipeline", commands: [c], negated: false }], operators: [], background: false };
}

function substitution(name: string): Node {
  return { type: "CommandSubstitution", body: { type: "Script", statements: [statement(command(VAR, [literal(name)]))] }, legacy: false };
}

/** The AST with dynamic-variable reads and assignments routed through {@link VAR}. */
function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (typeof node !== "object" || node === null) return node;
  const n = node as Node;
  if (n.type === "ParameterExpansion" && n.operation === null && DYNAMIC.has(n.parameter as string)) return substitution(n.parameter as string);
  if (n.type === "ArithVariable" && DYNAMIC.has(n.name as string)) return { type: "ArithCommandSubst", command: `${VAR} ${n.name as string}` };
  const out: Node = {};
  for (const [k, v] of Object.entries(n)) out[k] = rewrite(v);
  if (out.type === "SimpleCommand" && out.name === null) {
    const assignments = out.assignments as Node[];
    const special = assignments.filter((a) => ASSIGNABLE.has(a.name as string) && a.array === null);
    if (special.length > 0) {
      const rest = assignments.filter((a) => !special.includes(a));
      const body = [
        ...(rest.length > 0 ? [statement({ ...out, assignments: rest })] : []),
        ...special.map((a) => statement(command(VAR, [literal("--assign"), literal(a.name as string), a.value as Node]))),
      ];
      return { type: "Group", body, redirections: out.redirections };
    }
  }
  return out;
}

const ok = (stdout: string): ToolResult => ({ stdout, stderr: "", exitCode: 0 });
const fail = (stderr: string, exitCode = 1): ToolResult => ({ stdout: "", stderr, exitCode });

const TEMP_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The seeded and clocked side of one shell (a `svclab run`/`shell` session
 * or one process in a container). `rng` is its own stream; `clock` the
 * cluster's virtual wall clock.
 */
export class ShellDeterminism {
  private readonly random: BashRandom;
  private readonly startSeconds: number;
  private secondsOffset = 0;
  /** What `Math.random` reads while the shell runs: apart, since just-bash also draws from it internally. */
  private readonly math: SeededRandom;

  constructor(
    private readonly rng: SeededRandom,
    private readonly clock: ShellClock,
  ) {
    this.random = new BashRandom(rng.nextU32());
    this.math = rng.fork("math");
    this.startSeconds = this.now().seconds;
  }

  private now(): DateTime {
    const ms = this.clock.wallTime().getTime();
    const seconds = Math.floor(ms / 1000);
    return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
  }

  /** The transform to register on the Bash instance. */
  readonly plugin: TransformPlugin = {
    name: "svclab-determinism",
    transform: ({ ast }) => ({ ast: rewrite(ast) as typeof ast }),
  };

  private variable(name: string): string {
    const now = this.now();
    switch (name) {
      case "RANDOM":
        return String(this.random.next());
      case "SRANDOM":
        return String(this.rng.nextU32());
      case "SECONDS":
        return String(now.seconds - this.startSeconds + this.secondsOffset);
      case "EPOCHSECONDS":
        return String(now.seconds);
      default:
        return `${now.seconds}.${String(Math.floor(now.nanos / 1000)).padStart(6, "0")}`;
    }
  }

  private assign(name: string, value: string): void {
    if (name === "RANDOM") this.random.assign(value);
    // bash: SECONDS=n makes later reads count from n.
    else if (/^\s*-?\d+\s*$/.test(value)) this.secondsOffset = Number(value) - (this.now().seconds - this.startSeconds);
  }

  /** `mktemp [-d] [-u] [-q] [-p DIR | --tmpdir[=DIR]] [-t] [--suffix=S] [TEMPLATE]`, coreutils' rules. */
  private async mktemp(args: readonly string[], fs: IFileSystem, cwd: string, env: Map<string, string>): Promise<ToolResult> {
    let dir = false;
    let dryRun = false;
    let quiet = false;
    let tmpdir: string | undefined;
    let suffix = "";
    let template: string | undefined;
    let underTmp = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === "-d" || a === "--directory") dir = true;
      else if (a === "-u" || a === "--dry-run") dryRun = true;
      else if (a === "-q" || a === "--quiet") quiet = true;
      else if (a === "-t") underTmp = true;
      else if (a === "-p" || a === "--tmpdir") {
        const v = args[i + 1];
        if (a === "-p" && v === undefined) return fail("mktemp: option requires an argument -- 'p'\nTry 'mktemp --help' for more information.\n");
        if (a === "-p") i++;
        tmpdir = a === "-p" ? v : "";
        underTmp = true;
      } else if (a.startsWith("--tmpdir=")) {
        tmpdir = a.slice(9);
        underTmp = true;
      } else if (a.startsWith("--suffix=")) suffix = a.slice(9);
      else if (a.startsWith("-") && a !== "-") return fail(`mktemp: invalid option -- '${a.replace(/^-+/, "")}'\nTry 'mktemp --help' for more information.\n`);
      else if (template === undefined) template = a;
      else return fail(`mktemp: too many templates\nTry 'mktemp --help' for more information.\n`);
    }
    if (template === undefined) {
      template = "tmp.XXXXXXXXXX";
      underTmp = true;
    }
    const xs = /X*$/.exec(template)?.[0].length ?? 0;
    if (xs < 3) return fail(`mktemp: too few X's in template '${template}${suffix}'\n`);
    if (underTmp && template.includes("/")) return fail(`mktemp: invalid template, '${template}', contains directory separator\n`);
    const base = underTmp ? (tmpdir !== undefined && tmpdir !== "" ? tmpdir : env.get("TMPDIR") || "/tmp") : ".";
    const stem = template.slice(0, template.length - xs);
    for (let attempt = 0; attempt < 100; attempt++) {
      let name = stem;
      for (let i = 0; i < xs; i++) name += TEMP_CHARS[this.rng.intBelow(TEMP_CHARS.length)];
      const shown = underTmp ? `${base.replace(/\/$/, "")}/${name}${suffix}` : `${name}${suffix}`;
      const path = shown.startsWith("/") ? shown : `${cwd.replace(/\/$/, "")}/${shown}`;
      if (await fs.exists(path)) continue;
      if (!dryRun) {
        const parent = path.slice(0, path.lastIndexOf("/")) || "/";
        if (!(await fs.exists(parent))) {
          if (underTmp && base === "/tmp") await fs.mkdir(parent, { recursive: true });
          else return fail(quiet ? "" : `mktemp: failed to create ${dir ? "directory" : "file"} via template '${shown.slice(0, shown.length - suffix.length - xs)}${"X".repeat(xs)}${suffix}': No such file or directory\n`);
        }
        if (dir) await fs.mkdir(path);
        else await fs.writeFile(path, "");
      }
      return ok(`${shown}\n`);
    }
    return fail(`mktemp: failed to create file via template '${template}': File exists\n`);
  }

  /** `shuf [-e ARG... | -i LO-HI | FILE] [-n COUNT] [-r] [-z]`. */
  private async shuf(args: readonly string[], stdin: string, fs: IFileSystem, cwd: string): Promise<ToolResult> {
    let count: number | undefined;
    let repeat = false;
    let echo = false;
    let range: [number, number] | undefined;
    let sep = "\n";
    const operands: string[] = [];
    const usage = "Try 'shuf --help' for more information.\n";
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      const value = (): string | undefined => (a.includes("=") ? a.slice(a.indexOf("=") + 1) : a.length > 2 && !a.startsWith("--") ? a.slice(2) : args[++i]);
      if (a === "-e" || a === "--echo") echo = true;
      else if (a === "-r" || a === "--repeat") repeat = true;
      else if (a === "-z" || a === "--zero-terminated") sep = "\0";
      else if (a.startsWith("-n") || a.startsWith("--head-count")) {
        const v = value();
        if (v === undefined || !/^\d+$/.test(v)) return fail(`shuf: invalid line count: '${v ?? ""}'\n`);
        count = Math.min(count ?? Infinity, Number(v));
      } else if (a.startsWith("-i") || a.startsWith("--input-range")) {
        const v = value() ?? "";
        const m = /^(\d+)-(\d+)$/.exec(v);
        if (m === null || Number(m[2]) + 1 < Number(m[1])) return fail(`shuf: invalid input range: '${v}'\n`);
        range = [Number(m[1]), Number(m[2])];
      } else if (a.startsWith("-") && a !== "-" && !echo) return fail(`shuf: invalid option -- '${a.replace(/^-+/, "")}'\n${usage}`);
      else operands.push(a);
    }
    let lines: string[];
    if (range !== undefined) {
      if (echo || operands.length > 0) return fail(`shuf: extra operand '${operands[0] ?? "-e"}'\n${usage}`);
      lines = [];
      for (let v = range[0]; v <= range[1] && lines.length < 1e6; v++) lines.push(String(v));
    } else if (echo) lines = operands;
    else {
      if (operands.length > 1) return fail(`shuf: extra operand '${operands[1]}'\n${usage}`);
      const file = operands[0];
      let text = stdin;
      if (file !== undefined && file !== "-") {
        const path = file.startsWith("/") ? file : `${cwd.replace(/\/$/, "")}/${file}`;
        if (!(await fs.exists(path))) return fail(`shuf: ${file}: No such file or directory\n`);
        text = await fs.readFile(path);
      }
      lines = text.split(sep);
      if (lines[lines.length - 1] === "") lines.pop();
    }
    const n = Math.min(count ?? (repeat ? Infinity : lines.length), repeat ? 1e6 : lines.length);
    if (lines.length === 0) return repeat && n > 0 ? fail("shuf: no lines to repeat\n") : ok("");
    const picked = repeat ? Array.from({ length: n }, () => lines[this.rng.intBelow(lines.length)] as string) : this.rng.shuffle([...lines]).slice(0, n);
    return ok(picked.map((l) => `${l}${sep}`).join(""));
  }

  /** Seeded bytes, as a fresh read of /dev/urandom returns. */
  private deviceBytes(): Uint8Array {
    const bytes = new Uint8Array(DEVICE_READ);
    for (let i = 0; i < bytes.length; i += 4) {
      const v = this.rng.nextU32();
      bytes[i] = v & 0xff;
      bytes[i + 1] = (v >>> 8) & 0xff;
      bytes[i + 2] = (v >>> 16) & 0xff;
      bytes[i + 3] = v >>> 24;
    }
    return bytes;
  }

  /** `fs` with /dev/urandom and /dev/random readable as seeded character devices. */
  filesystem<F extends IFileSystem>(fs: F): F {
    const self = this;
    const isDevice = (p: unknown): boolean => typeof p === "string" && DEVICES.has(p);
    return new Proxy(fs, {
      get(target, prop, receiver) {
        const orig = Reflect.get(target, prop, receiver) as unknown;
        if (typeof orig !== "function") return orig;
        const f = orig as (...a: unknown[]) => unknown;
        switch (prop) {
          case "exists":
            return (p: string) => (isDevice(p) ? Promise.resolve(true) : f.call(target, p));
          case "stat":
          case "lstat":
            return (p: string) =>
              isDevice(p) ? Promise.resolve({ isFile: false, isDirectory: false, isSymbolicLink: false, mode: 0o20666, size: 0, mtime: self.clock.wallTime() }) : f.call(target, p);
          case "readFileBuffer":
            return (p: string) => (isDevice(p) ? Promise.resolve(self.deviceBytes()) : f.call(target, p));
          case "readFileBytes":
            return (p: string) => (isDevice(p) ? Promise.resolve(Buffer.from(self.deviceBytes()).toString("latin1")) : f.call(target, p));
          case "readFile":
            return (p: string, o?: unknown) => (isDevice(p) ? Promise.resolve(Buffer.from(self.deviceBytes()).toString("latin1")) : f.call(target, p, o));
          default:
            return f.bind(target);
        }
      },
    });
  }

  /**
   * Runs `fn` (a Bash `exec`) with `Math.random` drawing from this shell's
   * stream: just-bash's awk `rand()` (and anything else in it that wants
   * randomness) reads `Math.random`. `srand(n)` returns the previous seed
   * but does not reseed, a limit of just-bash's awk. Inside another shell's
   * run (a `kubectl exec` from a script) `Math` is sealed by just-bash's
   * defence in depth, and the outer shell's stream stays in place.
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const saved = Math.random;
    let replaced = false;
    try {
      Math.random = () => this.math.nextFloat();
      replaced = true;
    } catch {
      // sealed: keep the enclosing shell's generator
    }
    try {
      return await fn();
    } finally {
      if (replaced) {
        try {
          Math.random = saved;
        } catch {
          // sealed again by a shell still running (interleaved async runs): its own run restores later
        }
      }
    }
  }

  /** The commands to register with the plugin (they override just-bash's `date`). */
  commands(): Command[] {
    const jb = justBash();
    return [
      jb.defineCommand(VAR, async (args) => {
        if (args[0] === "--assign") {
          this.assign(args[1] ?? "", args[2] ?? "");
          return ok("");
        }
        return ok(`${this.variable(args[0] ?? "")}\n`);
      }),
      jb.defineCommand("date", async (args) => gnuDate(args, this.now())),
      jb.defineCommand("mktemp", async (args, ctx) => this.mktemp(args, ctx.fs, ctx.cwd, ctx.env)),
      jb.defineCommand("shuf", async (args, ctx) => this.shuf(args, jb.decodeBytesToUtf8(ctx.stdin), ctx.fs, ctx.cwd)),
    ];
  }
}
