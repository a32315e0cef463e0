/**
 * GNU `date` (coreutils `src/date.c`) in the C locale and UTC, the zone of
 * a kind node and of svclab's virtual hosts, reading the cluster's virtual
 * wall clock instead of the host's. `-u` therefore changes nothing but is
 * accepted; `-d` takes `@SECONDS`, `now`, ISO dates and relative offsets
 * (`1 hour ago`, `+10 seconds`), the forms scripts use.
 */
import type { ToolResult } from "../apps/tools/tool";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** A point in time as date(1) sees it: whole seconds since the epoch and nanoseconds. */
export interface DateTime {
  readonly seconds: number;
  readonly nanos: number;
}

const pad = (n: number, width: number, fill: string): string => String(n).padStart(width, fill);

/** ISO 8601 week-numbering year and week (`%G`, `%V`). */
function isoWeek(d: Date): { year: number; week: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return { year: t.getUTCFullYear(), week: Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7) };
}

function dayOfYear(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
}

/** strftime(3) with GNU's flags (`-` no padding, `_` spaces, `0` zeros, `^` upper case) and widths (`%3N`). */
export function strftime(format: string, t: DateTime): string {
  const d = new Date(t.seconds * 1000);
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch !== "%") {
      out += ch;
      continue;
    }
    const m = /^([-_0^#]*)(\d*)(:{0,3})([a-zA-Z%+])/.exec(format.slice(i + 1));
    if (m === null) {
      out += ch;
      continue;
    }
    i += m[0].length;
    const [, flags = "", widthText = "", colons = "", conv = ""] = m;
    const width = widthText === "" ? undefined : Number(widthText);
    const num = (n: number, w: number, fill = "0"): string => {
      if (flags.includes("-")) return String(n);
      const f = flags.includes("_") ? " " : flags.includes("0") ? "0" : fill;
      return pad(n, width ?? w, f);
    };
    const text = (s: string): string => {
      const v = flags.includes("^") ? s.toUpperCase() : s;
      return width === undefined ? v : v.padStart(width, flags.includes("0") ? "0" : " ");
    };
    const h12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
    switch (conv) {
      case "%": out += "%"; break;
      case "a": out += text((DAYS[d.getUTCDay()] as string).slice(0, 3)); break;
      case "A": out += text(DAYS[d.getUTCDay()] as string); break;
      case "b": case "h": out += text((MONTHS[d.getUTCMonth()] as string).slice(0, 3)); break;
      case "B": out += text(MONTHS[d.getUTCMonth()] as string); break;
      case "c": out += strftime("%a %b %e %H:%M:%S %Y", t); break;
      case "C": out += num(Math.floor(d.getUTCFullYear() / 100), 2); break;
      case "d": out += num(d.getUTCDate(), 2); break;
      case "D": case "x": out += strftime("%m/%d/%y", t); break;
      case "e": out += num(d.getUTCDate(), 2, " "); break;
      case "F": out += strftime("%Y-%m-%d", t); break;
      case "g": out += num(isoWeek(d).year % 100, 2); break;
      case "G": out += num(isoWeek(d).year, 4); break;
      case "H": out += num(d.getUTCHours(), 2); break;
      case "I": out += num(h12, 2); break;
      case "j": out += num(dayOfYear(d), 3); break;
      case "k": out += num(d.getUTCHours(), 2, " "); break;
      case "l": out += num(h12, 2, " "); break;
      case "m": out += num(d.getUTCMonth() + 1, 2); break;
      case "M": out += num(d.getUTCMinutes(), 2); break;
      case "n": out += "\n"; break;
      case "N": out += pad(t.nanos, 9, "0").slice(0, width ?? 9).padEnd(width ?? 9, "0"); break;
      case "p": out += text(d.getUTCHours() < 12 ? "AM" : "PM"); break;
      case "P": out += text(d.getUTCHours() < 12 ? "am" : "pm"); break;
      case "r": out += strftime("%I:%M:%S %p", t); break;
      case "R": out += strftime("%H:%M", t); break;
      case "s": out += String(t.seconds); break;
      case "S": out += num(d.getUTCSeconds(), 2); break;
      case "t": out += "\t"; break;
      case "T": case "X": out += strftime("%H:%M:%S", t); break;
      case "u": out += String(d.getUTCDay() || 7); break;
      case "U": out += num(Math.floor((dayOfYear(d) + 6 - d.getUTCDay()) / 7), 2); break;
      case "V": out += num(isoWeek(d).week, 2); break;
      case "w": out += String(d.getUTCDay()); break;
      case "W": out += num(Math.floor((dayOfYear(d) + 6 - ((d.getUTCDay() + 6) % 7)) / 7), 2); break;
      case "y": out += num(d.getUTCFullYear() % 100, 2); break;
      case "Y": out += num(d.getUTCFullYear(), 4); break;
      case "z": out += ["+0000", "+00:00", "+00:00:00", "+00"][colons.length] as string; break;
      case "Z": out += "UTC"; break;
      default: out += `%${m[0]}`;
    }
  }
  return out;
}

const UNITS: Record<string, number> = { sec: 1, second: 1, min: 60, minute: 60, hour: 3600, day: 86400, week: 604800, fortnight: 1209600 };

/** `-d STRING`, or undefined when date(1) would call it invalid. */
export function parseDateString(s: string, now: DateTime): DateTime | undefined {
  const v = s.trim().toLowerCase();
  const at = /^@([-+]?\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (at !== null) return { seconds: Number(at[1]), nanos: Number((at[2] ?? "").padEnd(9, "0")) };
  if (v === "" || v === "now" || v === "today") return now;
  if (v === "yesterday") return { seconds: now.seconds - 86400, nanos: now.nanos };
  if (v === "tomorrow") return { seconds: now.seconds + 86400, nanos: now.nanos };
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2})(?::(\d{2}))?)?(?: ?(z|utc|[-+]\d{2}:?\d{2}))?$/.exec(v);
  if (iso !== null) {
    const [, y, mo, da, hh = "0", mm = "0", ss = "0", zone = "z"] = iso;
    let ms = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(hh), Number(mm), Number(ss));
    if (/^[-+]/.test(zone)) {
      const z = zone.replace(":", "");
      ms -= (zone.startsWith("-") ? -1 : 1) * (Number(z.slice(1, 3)) * 3600 + Number(z.slice(3, 5)) * 60) * 1000;
    }
    const check = new Date(ms);
    if (Number.isNaN(ms) || check.getUTCDate() !== Number(da) && !/^[-+]/.test(zone)) return undefined;
    return { seconds: Math.floor(ms / 1000), nanos: 0 };
  }
  // Relative items: "1 hour ago", "+10 seconds", "2 days", "now + 1 min".
  let rest = v.replace(/^now\s*/, "");
  let total = 0;
  const item = /^([-+]?)\s*(\d*)\s*(sec|second|min|minute|hour|day|week|fortnight)s?\b\s*(ago)?\s*/;
  if (rest === "") return undefined;
  while (rest !== "") {
    const m = item.exec(rest);
    if (m === null) return undefined;
    const [, sign, count, unit = "sec", ago] = m;
    const n = (count === "" ? 1 : Number(count)) * (UNITS[unit] as number) * (sign === "-" ? -1 : 1);
    total += ago === undefined ? n : -n;
    rest = rest.slice(m[0].length);
  }
  return { seconds: now.seconds + total, nanos: now.nanos };
}

const DATE_USAGE = "Try 'date --help' for more information.\n";

/** `date [-u] [-d STRING] [-I[FMT]|-R|--rfc-3339=FMT] [+FORMAT]` at time `now`. */
export function gnuDate(args: readonly string[], now: DateTime): ToolResult {
  let when = now;
  let format = "%a %b %e %H:%M:%S %Z %Y";
  let formatArg: string | undefined;
  const fail = (msg: string): ToolResult => ({ stdout: "", stderr: `date: ${msg}\n${DATE_USAGE}`, exitCode: 1 });
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    let dateString: string | undefined;
    if (a === "-u" || a === "--utc" || a === "--universal") continue;
    if (a === "-d" || a === "--date") {
      dateString = args[++i];
      if (dateString === undefined) return fail(`option requires an argument -- 'd'`);
    } else if (a.startsWith("--date=")) dateString = a.slice(7);
    else if (a.startsWith("-d") && a.length > 2) dateString = a.slice(2);
    else if (a === "-R" || a === "--rfc-email") format = "%a, %d %b %Y %H:%M:%S %z";
    else if (/^(-I|--iso-8601)(=?(date|hours|minutes|seconds|ns))?$/.test(a)) {
      const unit = /(date|hours|minutes|seconds|ns)$/.exec(a)?.[1] ?? "date";
      format = { date: "%Y-%m-%d", hours: "%Y-%m-%dT%H%:z", minutes: "%Y-%m-%dT%H:%M%:z", seconds: "%Y-%m-%dT%H:%M:%S%:z", ns: "%Y-%m-%dT%H:%M:%S,%N%:z" }[unit] as string;
    } else if (/^--rfc-3339=(date|seconds|ns)$/.test(a)) {
      const unit = a.slice(12);
      format = { date: "%Y-%m-%d", seconds: "%Y-%m-%d %H:%M:%S%:z", ns: "%Y-%m-%d %H:%M:%S.%N%:z" }[unit] as string;
    } else if (a.startsWith("+")) {
      if (formatArg !== undefined) return fail(`extra operand '${a}'`);
      formatArg = a.slice(1);
    } else if (a.startsWith("-") && a !== "-") return fail(a.startsWith("--") ? `unrecognized option '${a}'` : `invalid option -- '${a.slice(1, 2)}'`);
    else return fail(`invalid date '${a}'`);
    if (dateString !== undefined) {
      const parsed = parseDateString(dateString, now);
      if (parsed === undefined) return { stdout: "", stderr: `date: invalid date '${dateString}'\n`, exitCode: 1 };
      when = parsed;
    }
  }
  return { stdout: `${strftime(formatArg ?? format, when)}\n`, stderr: "", exitCode: 0 };
}
