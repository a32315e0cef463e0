/**
 * Command-line parsing as kubectl's cobra/pflag does it: flags interspersed
 * with arguments until `--`, `--name=value` / `--name value`, shorthands
 * with attached values (`-nkube-system`, `-owide`) or grouped booleans
 * (`-it`), and pflag's own error texts for unknown or incomplete flags.
 */

export type FlagType = "bool" | "string" | "int" | "strings" | "duration";

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: FlagType;
}

export type FlagValue = string | number | boolean | string[];

export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, FlagValue>;
  /** Positional arguments before `--`. */
  readonly args: readonly string[];
  /** Everything after `--` (undefined when there is no `--`). */
  readonly rest: readonly string[] | undefined;
}

/** A usage error as cobra reports it: `Error: ...` then a pointer to --help. */
export class UsageError extends Error {}

function setValue(flags: Map<string, FlagValue>, spec: FlagSpec, raw: string, display: string): void {
  switch (spec.type) {
    case "bool": {
      if (raw !== "true" && raw !== "false" && raw !== "1" && raw !== "0") {
        throw new UsageError(`invalid argument "${raw}" for "${display}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
      }
      flags.set(spec.name, raw === "true" || raw === "1");
      return;
    }
    case "int": {
      if (!/^[+-]?\d+$/.test(raw)) {
        throw new UsageError(`invalid argument "${raw}" for "${display}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
      }
      flags.set(spec.name, Number(raw));
      return;
    }
    case "strings": {
      const prev = flags.get(spec.name);
      flags.set(spec.name, [...(Array.isArray(prev) ? prev : []), raw]);
      return;
    }
    case "duration": {
      // pflag's DurationVar: Go's time.ParseDuration, kept as written.
      if (parseGoDuration(raw.replace(/^[-+]/, "")) === undefined) throw new UsageError(`invalid argument "${raw}" for "${display}" flag: time: invalid duration ${JSON.stringify(raw)}`);
      flags.set(spec.name, raw);
      return;
    }
    case "string":
      flags.set(spec.name, raw);
  }
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const flags = new Map<string, FlagValue>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") return { flags, args, rest: argv.slice(i + 1) };
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const spec = specs.find((s) => s.name === name);
      if (spec === undefined) throw new UsageError(`unknown flag: --${name}`);
      const display = `--${name}`;
      if (eq >= 0) setValue(flags, spec, a.slice(eq + 1), display);
      else if (spec.type === "bool") flags.set(spec.name, true);
      else {
        if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: --${name}`);
        setValue(flags, spec, argv[++i] as string, display);
      }
    } else if (a.startsWith("-") && a.length > 1) {
      // A group of shorthands: booleans chain, the first valued one takes the rest.
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        const spec = specs.find((s) => s.short === c);
        if (spec === undefined) throw new UsageError(`unknown shorthand flag: '${c}' in ${a}`);
        const display = `-${c}, --${spec.name}`;
        if (spec.type === "bool") {
          if (a[j + 1] === "=") {
            setValue(flags, spec, a.slice(j + 2), display);
            break;
          }
          flags.set(spec.name, true);
          continue;
        }
        let value = a.slice(j + 1);
        if (value.startsWith("=")) value = value.slice(1);
        else if (value === "") {
          if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: '${c}' in ${a}`);
          value = argv[++i] as string;
        }
        setValue(flags, spec, value, display);
        break;
      }
    } else {
      args.push(a);
    }
  }
  return { flags, args, rest: undefined };
}

/** A string or duration flag as given. */
export function stringFlag(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

export function boolFlag(p: ParsedArgs, name: string): boolean {
  return p.flags.get(name) === true;
}

export function intFlag(p: ParsedArgs, name: string): number | undefined {
  const v = p.flags.get(name);
  return typeof v === "number" ? v : undefined;
}

export function stringsFlag(p: ParsedArgs, name: string): string[] {
  const v = p.flags.get(name);
  return Array.isArray(v) ? v : [];
}

/** kubectl durations (`--timeout=60s`, `2m`, `1h30m`, `500ms`), in milliseconds. */
export function parseGoDuration(s: string): number | undefined {
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * (unit[m[2] as string] as number);
    consumed = re.lastIndex;
  }
  return consumed === s.length && s.length > 0 ? total : undefined;
}
