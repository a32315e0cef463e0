// GNU uniq (/usr/bin/uniq, coreutils) is the oracle: the same input and flags must print the same.
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseUniqArgs, uniq } from "./uniq";

const INPUT = ["   4 From=a", "a", "a", "b", "A", "a", "x  one", "y  one", "y  two", "", "", "tail"].join("\n") + "\n";
const FLAGS = [[], ["-c"], ["-d"], ["-u"], ["-D"], ["-i"], ["-ci"], ["-cd"], ["-du"], ["-f", "1"], ["-f1", "-c"], ["-s", "1"], ["-w", "1"], ["--count", "--ignore-case"], ["--skip-fields=1"], ["--check-chars=2", "-c"]];

function ours(args: readonly string[], input: string): { stdout: string; stderr: string; code: number } {
  const p = parseUniqArgs(args);
  return "error" in p ? { stdout: "", stderr: p.error, code: 1 } : { stdout: uniq(input, p.options), stderr: "", code: 0 };
}

describe("uniq against GNU uniq", () => {
  it.each(FLAGS.map((f) => [f.join(" ") || "(no flags)", f] as const))("%s", (_, flags) => {
    expect(ours(flags, INPUT).stdout).toBe(execFileSync("uniq", flags, { input: INPUT, encoding: "utf8" }));
  });

  it("ends a last line without a newline with one", () => {
    expect(ours(["-c"], "x\nx").stdout).toBe(execFileSync("uniq", ["-c"], { input: "x\nx", encoding: "utf8" }));
  });

  it.each([["-x"], ["--bogus"], ["-f", "x"], ["-w"], ["a", "b", "c"]])("rejects %s with GNU's message", (...flags) => {
    const real = spawnSync("uniq", flags, { input: "", encoding: "utf8", env: { LC_ALL: "C.UTF-8" } });
    const o = ours(flags, "");
    expect(o.code).toBe(real.status);
    expect(o.stderr).toBe(real.stderr);
  });
});
