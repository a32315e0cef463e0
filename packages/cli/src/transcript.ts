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

/** `$?`: both helper commands exit with the status they are given, so it survives them. */
const STATUS: Node = { type: "Word", parts: [{ type: "ParameterExpansion", parameter: "?", operation: null }] };

const LOOPS = new Set(["For", "CStyleFor", "While", "Until"]);

/** A loop or if that stands alone (no pipe, redirection or `&&`), whose body can be captured statement by statement. */
function bareCompound(st: Node): Node | undefined {
  const pipelines = st.pipelines as Node[];
  if (pipelines.length !== 1 || st.background === true) return undefined;
  const p = pipelines[0] as Node;
  const commands = p.commands as Node[];
  const c = commands[0] as Node;
  if (commands.length !== 1 || p.negated === true || (c.redirections as unknown[] | undefined)?.length !== 0) return undefined;
  return LOOPS.has(c.type as string) || c.type === "If" ? c : undefined;
}

/**
 * The statement with its output captured and flushed. The body of a bare
 * loop or if is captured statement by statement instead, so a loop's
 * errors show up next to the output of the same iteration.
 */
function captured(st: Node): Node[] {
  const compound = bareCompound(st);
  if (compound === undefined) return [grouped(st), simple(FLUSH, [STATUS])];
  const each = (body: Node[]): Node[] => body.flatMap(captured);
  let inner: Node;
  if (compound.type === "If") {
    const clauses = (compound.clauses as Node[]).map((cl) => ({ ...cl, body: each(cl.body as Node[]) }));
    inner = { ...compound, clauses, elseBody: compound.elseBody === null ? null : each(compound.elseBody as Node[]) };
  } else {
    inner = { ...compound, body: each(compound.body as Node[]) };
  }
  const pipeline = { ...((st.pipelines as Node[])[0] as Node), commands: [inner] };
  return [{ ...st, pipelines: [pipeline] }];
}

/**
 * The 1-based line each statement starts on, found by locating its source
 * text in order (the parser records lines on simple commands only).
 */
function startLines(source: string, statements: readonly Node[]): (number | undefined)[] {
  let cursor = 0;
  return statements.map((st) => {
    const text = typeof st.sourceText === "string" ? st.sourceText : "";
    const at = text === "" ? -1 : source.indexOf(text, cursor);
    if (at < 0) return undefined;
    cursor = at + text.length;
    return source.slice(0, at).split("\n").length;
  });
}

const isComment = (l: string): boolean => /^\s*#/.test(l);
const isBlank = (l: string): boolean => l.trim() === "";

/**
 * What `--echo` shows before each statement: the comment lines just above
 * it, then `$ ` and its source (all of its lines, heredoc bodies included).
 */
export function echoTexts(source: string, statements: readonly Node[]): string[] {
  const lines = source.split("\n");
  const starts = startLines(source, statements);
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
      statements.forEach((st, i) => {
        if (opts.echo) out.push(simple(ECHO, [word(String(i)), STATUS]));
        out.push(...captured(st));
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
