/**
 * `uniq` as GNU coreutils has it. just-bash's own pads `-c` counts to four
 * columns where GNU prints `%7d `, so `sort | uniq -c`, the usual way to
 * count which pod answered, printed differently from a real shell.
 * Supported: -c -d -D -u -i, -f N, -s N, -w N (and their long names), INPUT and OUTPUT.
 */
import { posix } from "node:path";
import { decodeBytesToUtf8, defineCommand, type Command } from "just-bash";

export interface UniqOptions {
  readonly count: boolean;
  /** -d: one line of each repeated group; -D: every line of them. */
  readonly repeated: "none" | "one" | "all";
  readonly unique: boolean;
  readonly ignoreCase: boolean;
  readonly skipFields: number;
  readonly skipChars: number;
  readonly checkChars: number | undefined;
}

const TRY = "Try 'uniq --help' for more information.\n";

/** The part of a line uniq compares (after -f fields and -s characters, at most -w characters). */
function key(line: string, o: UniqOptions): string {
  let at = 0;
  for (let f = 0; f < o.skipFields; f++) {
    while (at < line.length && (line[at] === " " || line[at] === "\t")) at++;
    while (at < line.length && line[at] !== " " && line[at] !== "\t") at++;
  }
  let k = line.slice(at + o.skipChars);
  if (o.checkChars !== undefined) k = k.slice(0, o.checkChars);
  return o.ignoreCase ? k.toLowerCase() : k;
}

/** uniq's output for `text`: adjacent lines with equal keys form a group. */
export function uniq(text: string, o: UniqOptions): string {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  let out = "";
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    const k = key(lines[i] as string, o);
    while (j < lines.length && key(lines[j] as string, o) === k) j++;
    const n = j - i;
    const shown = n > 1 ? !o.unique : o.repeated === "none";
    if (shown) {
      const group = o.repeated === "all" ? lines.slice(i, j) : [lines[i] as string];
      for (const line of group) out += `${o.count ? `${String(n).padStart(7)} ` : ""}${line}\n`;
    }
    i = j;
  }
  return out;
}

type Parsed = { options: UniqOptions; files: string[] } | { error: string };

const NUMBER_ERRORS: Record<string, string> = { f: "invalid number of fields to skip", s: "invalid number of bytes to skip", w: "invalid number of bytes to compare" };
const LONG: Record<string, string> = { count: "c", repeated: "d", "all-repeated": "D", unique: "u", "ignore-case": "i", "skip-fields": "f", "skip-chars": "s", "check-chars": "w" };

export function parseUniqArgs(args: readonly string[]): Parsed {
  const o = { count: false, repeated: "none" as UniqOptions["repeated"], unique: false, ignoreCase: false, skipFields: 0, skipChars: 0, checkChars: undefined as number | undefined };
  const files: string[] = [];
  const setNumber = (flag: string, value: string | undefined): string | undefined => {
    if (value === undefined) return `uniq: option requires an argument -- '${flag}'\n${TRY}`;
    if (!/^\d+$/.test(value)) return `uniq: ${value}: ${NUMBER_ERRORS[flag]}\n`;
    const n = Number(value);
    if (flag === "f") o.skipFields = n;
    else if (flag === "s") o.skipChars = n;
    else o.checkChars = n;
    return undefined;
  };
  const setBool = (flag: string): void => {
    if (flag === "c") o.count = true;
    else if (flag === "d") o.repeated = o.repeated === "all" ? "all" : "one";
    else if (flag === "D") o.repeated = "all";
    else if (flag === "u") o.unique = true;
    else o.ignoreCase = true;
  };
  let operandsOnly = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (operandsOnly || a === "-" || !a.startsWith("-")) {
      files.push(a);
    } else if (a === "--") {
      operandsOnly = true;
    } else if (a.startsWith("--")) {
      const [name, value] = a.slice(2).split(/=(.*)/s) as [string, string | undefined];
      const flag = LONG[name];
      if (flag === undefined) return { error: `uniq: unrecognized option '${a}'\n${TRY}` };
      if ("fsw".includes(flag)) {
        const e = setNumber(flag, value ?? args[++i]);
        if (e !== undefined) return { error: e };
      } else setBool(flag);
    } else {
      for (let c = 1; c < a.length; c++) {
        const flag = a[c] as string;
        if ("fsw".includes(flag)) {
          const e = setNumber(flag, c + 1 < a.length ? a.slice(c + 1) : args[++i]);
          if (e !== undefined) return { error: e };
          break;
        }
        if (!"cdDui".includes(flag)) return { error: `uniq: invalid option -- '${flag}'\n${TRY}` };
        setBool(flag);
      }
    }
  }
  if (files.length > 2) return { error: `uniq: extra operand ‘${files[2]}’\n${TRY}` };
  return { options: o, files };
}

export function uniqCommand(): Command {
  return defineCommand("uniq", async (args, ctx) => {
    const parsed = parseUniqArgs(args);
    if ("error" in parsed) return { stdout: "", stderr: parsed.error, exitCode: 1 };
    const [input, output] = parsed.files;
    let text: string;
    if (input === undefined || input === "-") {
      text = decodeBytesToUtf8(ctx.stdin);
    } else {
      const path = posix.resolve(ctx.cwd, input);
      if (!(await ctx.fs.exists(path))) return { stdout: "", stderr: `uniq: ${input}: No such file or directory\n`, exitCode: 1 };
      text = await ctx.fs.readFile(path);
    }
    const result = uniq(text, parsed.options);
    if (output === undefined || output === "-") return { stdout: result, stderr: "", exitCode: 0 };
    await ctx.fs.writeFile(posix.resolve(ctx.cwd, output), result);
    return { stdout: "", stderr: "", exitCode: 0 };
  });
}
