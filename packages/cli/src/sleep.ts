/**
 * `sleep` as GNU coreutils has it, on the cluster's virtual clock: each
 * operand is a floating-point number with an optional suffix (s, m, h, d),
 * and the pause is their sum. just-bash's own sleep stops at 3600 s, which
 * cannot outwait a 10800 s affinity timeout. Virtual time is cheap but not
 * free (every timer on the way fires), so a pause is limited to
 * MAX_SLEEP_SECONDS, and `sleep infinity`, which never returns, is refused.
 */
import { defineCommand, type Command } from "just-bash";

const UNITS: Readonly<Record<string, number>> = { "": 1, s: 1, m: 60, h: 3600, d: 86_400 };
/** 100 years of virtual time. */
export const MAX_SLEEP_SECONDS = 100 * 365 * 86_400;
const TRY = "Try 'sleep --help' for more information.\n";

/** Seconds of one GNU sleep operand, or undefined when it is not one. */
export function sleepSeconds(arg: string): number | undefined {
  // strtod's forms: decimal with exponent, hexadecimal, infinity.
  const m = /^([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[+]?0[xX][0-9a-fA-F]+|[+]?[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)([smhd]?)$/.exec(arg);
  if (m === null) return undefined;
  const text = (m[1] as string).replace(/^\+/, "");
  const n = /^inf/i.test(text) ? Infinity : /^0x/i.test(text) ? parseInt(text.slice(2), 16) : Number(text);
  return n * (UNITS[m[2] as string] ?? 1);
}

/** `advance` may let the time pass in slices and stop early when `signal` (Ctrl-C) fires. */
export function sleepCommand(advance: (seconds: number, signal?: AbortSignal) => void | Promise<void>): Command {
  return defineCommand("sleep", async (args, ctx) => {
    if (args.length === 0) return { stdout: "", stderr: `sleep: missing operand\n${TRY}`, exitCode: 1 };
    let total = 0;
    let stderr = "";
    for (const a of args) {
      const s = sleepSeconds(a);
      if (s === undefined) stderr += `sleep: invalid time interval '${a}'\n`;
      else total += s;
    }
    if (stderr !== "") return { stdout: "", stderr: stderr + TRY, exitCode: 1 };
    if (total === Infinity) return { stdout: "", stderr: "svclab: sleep: an infinite sleep never returns in virtual time; give an interval\n", exitCode: 1 };
    if (total > MAX_SLEEP_SECONDS) {
      return { stdout: "", stderr: `svclab: sleep: ${total} s is more than svclab's limit of ${MAX_SLEEP_SECONDS} s (100 years) of virtual time in one sleep\n`, exitCode: 1 };
    }
    await advance(total, ctx.signal);
    return { stdout: "", stderr: "", exitCode: 0 };
  });
}
