/**
 * Ctrl-C in `svclab shell`. just-bash checks an abort signal between
 * commands, but a loop of in-process commands never returns to Node's event
 * loop, so the terminal's ^C would wait for the loop to end. Every loop body
 * (and function body) therefore starts with a command that lets pending I/O
 * run at most every few milliseconds, and a long `sleep` lets virtual time
 * pass in slices, so the interrupt lands within one iteration.
 */
import { defineCommand, type Command, type TransformPlugin } from "just-bash";

type Node = Record<string, unknown>;

const TICK = "__svclab_tick";
const LOOPS = new Set(["While", "Until", "For", "CStyleFor", "FunctionDef"]);
/** How long a script may hold the event loop before letting a keypress in. */
const SLICE_MS = 20;

/** `$?`, passed through so a loop body still sees its condition's status. */
const STATUS: Node = { type: "Word", parts: [{ type: "ParameterExpansion", parameter: "?", operation: null }] };

const tick: Node = {
  type: "Statement",
  pipelines: [{ type: "Pipeline", commands: [{ type: "SimpleCommand", name: { type: "Word", parts: [{ type: "Literal", value: TICK }] }, args: [STATUS], assignments: [], redirections: [] }], negated: false }],
  operators: [],
  background: false,
};

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (typeof node !== "object" || node === null) return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node as Node)) out[k] = rewrite(v);
  if (LOOPS.has(out.type as string)) {
    const body = out.body as Node | Node[];
    // A function's body is one compound command (a group); a loop's is a list of statements.
    if (Array.isArray(body)) out.body = [tick, ...body];
    else if (Array.isArray(body.body)) out.body = { ...body, body: [tick, ...(body.body as Node[])] };
  }
  return out;
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export function interruptible(): { plugin: TransformPlugin; command: Command; yieldNow: () => Promise<void> } {
  let last = Date.now();
  const yieldNow = async (): Promise<void> => {
    if (Date.now() - last < SLICE_MS) return;
    await yieldToEventLoop();
    last = Date.now();
  };
  return {
    plugin: { name: "svclab-interrupt", transform: ({ ast }) => ({ ast: rewrite(ast) as typeof ast }) },
    command: defineCommand(TICK, async (args) => {
      await yieldNow();
      return { stdout: "", stderr: "", exitCode: Number(args[0] ?? 0) };
    }),
    yieldNow,
  };
}
