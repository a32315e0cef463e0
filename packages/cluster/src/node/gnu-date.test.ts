import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { gnuDate } from "./gnu-date";

const NOW = { seconds: 1704067201, nanos: 123456789 };

/** GNU date is the oracle: each row runs as `date -u ARGS` with the same instant pinned by `-d @...`. */
const FORMATS = ["+%s", "+%T", "+%F %T %Z", "+%a %A %b %B %e %j %u %w", "+%G-W%V %U %W", "+%I:%M %p %P %l %k", "+%-d/%-m %_H %3N %N", "+%D %R %r %y %C", "+%z %:z", "+%%", "+%^a %10A"];
const INSTANTS = [0, 86400, 1704067201, 1709251199, 951782400, 4102444800];

function hostDate(args: string[]): string | undefined {
  try {
    return execFileSync("date", ["-u", ...args], { encoding: "utf8", env: { LC_ALL: "C", TZ: "UTC" } });
  } catch {
    return undefined;
  }
}

const isGnu = hostDate(["--version"])?.includes("GNU") === true;

describe("gnuDate", () => {
  it("prints the virtual clock in date's default format", () => {
    expect(gnuDate([], NOW).stdout).toBe("Mon Jan  1 00:00:01 UTC 2024\n");
    expect(gnuDate(["-u", "+%s"], NOW).stdout).toBe("1704067201\n");
  });

  it.each([
    [["-d", "@0"], "Thu Jan  1 00:00:00 UTC 1970\n"],
    [["--date=@86400", "+%F"], "1970-01-02\n"],
    [["-d", "1 hour ago", "+%T"], "23:00:01\n"],
    [["-d", "+10 seconds", "+%s"], "1704067211\n"],
    [["-d", "2024-03-01 12:30", "+%s"], "1709296200\n"],
    [["-I"], "2024-01-01\n"],
    [["-Iseconds"], "2024-01-01T00:00:01+00:00\n"],
    [["-R"], "Mon, 01 Jan 2024 00:00:01 +0000\n"],
  ])("date %j", (args, want) => {
    expect(gnuDate(args, NOW)).toEqual({ stdout: want, stderr: "", exitCode: 0 });
  });

  it.each([
    [["-d", "bogus"], "date: invalid date 'bogus'\n"],
    [["-x"], "date: invalid option -- 'x'\nTry 'date --help' for more information.\n"],
    [["+%s", "+%T"], "date: extra operand '+%T'\nTry 'date --help' for more information.\n"],
  ])("date %j fails as GNU date does", (args, stderr) => {
    expect(gnuDate(args, NOW)).toEqual({ stdout: "", stderr, exitCode: 1 });
  });

  it.runIf(isGnu)("formats as GNU date for every conversion", () => {
    for (const s of INSTANTS) {
      for (const f of FORMATS) {
        const want = hostDate(["-d", `@${s}.123456789`, f]);
        expect(gnuDate(["-d", `@${s}.123456789`, f], NOW).stdout, `${s} ${f}`).toBe(want);
      }
    }
  });
});
