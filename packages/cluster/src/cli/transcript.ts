/**
 * A terminal transcript from just-bash, which returns a script's stdout and
 * stderr only when the whole script ends. Each top-level statement is
 * rewritten (on the parsed AST) into `{ statement; } >>OUT 2>>ERR` followed
 * by a flush command that hands both files to the terminal and exits with
 * the statement's status, so `$?`, `set -e`, variables and functions behave
 * as before while output appears statement by statement, stdout and stderr
 * in the order a terminal would show them. With `echo`, each statement is
 * first shown as `$ command` (its comments before it), like the article's
 * transcripts.
 */
import { defineCommand, type Command, type TransformPlugin } from "just-bash";

type Node = Record<string, unknown>;

const OUT = "/tmp/.svclab-stdout";
const ERR = "/tmp/.svclab-stderr";
const FLUSH = "__svclab_flush";
const ECHO = "__svclab_echo";

export type Stream = "stdout" | "stderr";
export type Sink = (stream: Stream, text: string) => void;

const word = (value: string): Node => ({ type: "Word", parts: [{ type: "Literal", value }] });

function simple(name: string, args: Node[]): Node {
  return {
    type: "Statement",
    pipelines: [{ type: "Pipeline", commands: [{ type: "SimpleCommand", assignments: [], name: word(name), args, redirections: [] }], negated: false }],
    operators: [],
    background: false,
  };
}

function grouped(statement: Node): Node {
  const group = {
    type: "Group",
    body: [statement],
    redirections: [
      { type: "Redirection", fd: null, operator: ">>", target: word(OUT) },
      { type: "Redirection", fd: 2, operator: ">>", target: word(ERR) },
    ],
  };
  return { type: "Statement", pipelines: [{ type: "Pipeline", commands: [group], negated: false }], operators: [], background: false };
}

/** The first source line of a statement (the smallest `line` in its subtree). */
function firstLine(node: unknown): number | undefined {
  let min: number | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (typeof n === "object" && n !== null) {
      const line = (n as Node).line;
      if (typeof line === "number" && line > 0 && (min === undefined || line < min)) min = line;
      Object.values(n as Node).forEach(walk);
    }
  };
  walk(node);
  return min;
}

const isComment = (l: string): boolean => /^\s*#/.test(l);
const isBlank = (l: string): boolean => l.trim() === "";

/**
 * What `--echo` shows before each statement: the comment lines just above
 * it, then `$ ` and its source (all of its lines, heredoc bodies included).
 */
export function echoTexts(source: string, statements: readonly Node[]): string[] {
  const lines = source.split("\n");
  const starts = statements.map(firstLine);
  return statements.map((st, i) => {
    const start = starts[i];
    if (start === undefined) return `$ ${typeof st.sourceText === "string" ? st.sourceText : ""}\n`;
    const prev = starts.slice(0, i).filter((s): s is number => s !== undefined);
    const prevStart = prev[prev.length - 1] ?? 0;
    // Statements sharing a line (`a; b`) were shown with the first one.
    if (prevStart === start) return "";
    const next = starts.slice(i + 1).find((s) => s !== undefined && s !== start);
    let end = (next ?? lines.length + 1) - 1;
    while (end > start && (isBlank(lines[end - 1] ?? "") || isComment(lines[end - 1] ?? ""))) end--;
    const comments: string[] = [];
    for (let l = start - 1; l > prevStart && isComment(lines[l - 1] ?? ""); l--) comments.unshift(lines[l - 1] as string);
    return `${comments.map((c) => `${c}\n`).join("")}$ ${lines.slice(start - 1, end).join("\n")}\n`;
  });
}

/**
 * The plugin and commands that make a Bash session write to `sink` as it
 * goes. `source()` gives the text being run (for `--echo`).
 */
export function transcript(sink: Sink, opts: { echo: boolean; source: () => string }): { plugin: TransformPlugin; commands: Command[] } {
  let echoes: string[] = [];
  const plugin: TransformPlugin = {
    name: "svclab-transcript",
    transform({ ast }) {
      const statements = ast.statements as unknown as Node[];
      echoes = opts.echo ? echoTexts(opts.source(), statements) : [];
      const out: Node[] = [];
      // Both helpers exit with the status they are given, so `$?` survives them.
      const status = { type: "Word", parts: [{ type: "ParameterExpansion", parameter: "?", operation: null }] };
      statements.forEach((st, i) => {
        if (opts.echo) out.push(simple(ECHO, [word(String(i)), status]));
        out.push(grouped(st), simple(FLUSH, [status]));
      });
      return { ast: { ...ast, statements: out as unknown as typeof ast.statements } };
    },
  };
  const flush = defineCommand(FLUSH, async (args, ctx) => {
    for (const [file, stream] of [[OUT, "stdout"], [ERR, "stderr"]] as const) {
      if (!(await ctx.fs.exists(file))) continue;
      const text = await ctx.fs.readFile(file);
      if (text !== "") sink(stream, text);
      await ctx.fs.writeFile(file, "");
    }
    return { stdout: "", stderr: "", exitCode: Number(args[0] ?? 0) };
  });
  const echo = defineCommand(ECHO, async (args) => {
    sink("stdout", echoes[Number(args[0])] ?? "");
    return { stdout: "", stderr: "", exitCode: Number(args[1] ?? 0) };
  });
  return { plugin, commands: [flush, echo] };
}

/** Output still held in the capture files (a statement that exited the script). */
export const CAPTURE_FILES = { stdout: OUT, stderr: ERR } as const;
