/**
 * The limits a script runs under, set explicitly (not left to just-bash's
 * defaults) and each raised by a flag of `svclab run` / `shell`. When one is
 * hit, the message names the limit and the flag instead of just-bash's
 * option names, which a user cannot set.
 */
import type { BashOptions } from "just-bash";

type ExecutionLimits = NonNullable<BashOptions["executionLimits"]>;

export interface ScriptLimits {
  /** Commands one script (or one shell input) may run: --max-commands. */
  readonly commands: number;
  /** Iterations of one loop: --max-loop-iterations. */
  readonly loopIterations: number;
  /** Nested function calls: --max-depth. */
  readonly depth: number;
  /** Bytes of output: --max-output. */
  readonly outputBytes: number;
  /** Wall-clock seconds: --timeout. */
  readonly wallSeconds: number;
}

export const DEFAULT_LIMITS: ScriptLimits = { commands: 1_000_000, loopIterations: 100_000, depth: 100, outputBytes: 64 * 1024 * 1024, wallSeconds: 3600 };

/** The flag that raises each limit, as `--help` lists it. */
export const LIMIT_FLAGS: Readonly<Record<keyof ScriptLimits, string>> = {
  commands: "--max-commands",
  loopIterations: "--max-loop-iterations",
  depth: "--max-depth",
  outputBytes: "--max-output",
  wallSeconds: "--timeout",
};

export function executionLimits(l: ScriptLimits): ExecutionLimits {
  return {
    maxCommandCount: l.commands,
    maxLoopIterations: l.loopIterations,
    maxCallDepth: l.depth,
    maxOutputSize: l.outputBytes,
    maxExecutionTimeMs: l.wallSeconds * 1000,
  };
}

/** just-bash's limit errors, by the option they name. */
const MESSAGES: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^(?:bash: )?too many commands executed \(>(\d+)\), increase executionLimits\.maxCommandCount$/m, (m) => `svclab: the script ran more than ${m[1]} commands (the limit; ${LIMIT_FLAGS.commands} N raises it)`],
  [/^(?:bash: )?(for|while|until) loop: too many iterations \((\d+)\), increase executionLimits\.maxLoopIterations$/m, (m) => `svclab: a ${m[1]} loop ran more than ${m[2]} iterations (the limit; ${LIMIT_FLAGS.loopIterations} N raises it)`],
  [/^(?:bash: )?(\S+): maximum recursion depth \((\d+)\) exceeded, increase executionLimits\.maxCallDepth$/m, (m) => `svclab: ${m[1]}: function calls nested deeper than ${m[2]} (the limit; ${LIMIT_FLAGS.depth} N raises it)`],
  [/^(?:bash: )?(?:\S+: )?(?:total output size exceeded \(>|output size limit exceeded \()(\d+) bytes\).*$/m, (m) => `svclab: the script printed more than ${m[1]} bytes (the limit; ${LIMIT_FLAGS.outputBytes} BYTES raises it)`],
];

/** `text` with just-bash's limit errors put in svclab's words. */
export function explainLimits(text: string, limits: ScriptLimits): string {
  let out = text;
  for (const [re, say] of MESSAGES) {
    const m = re.exec(out);
    if (m !== null) out = out.replace(m[0], say(m));
  }
  if (/^bash: execution exceeded execution deadline/m.test(out)) {
    out = out.replace(/^bash: execution exceeded execution deadline.*$/m, `svclab: the script ran longer than ${limits.wallSeconds} s of wall time (the limit; ${LIMIT_FLAGS.wallSeconds} SECONDS raises it)`);
  }
  return out;
}
