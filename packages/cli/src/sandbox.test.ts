import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { svclabIn } from "./test-support/cli";

const svclab = svclabIn;

/** A script directory with a manifest next to the script, and a file elsewhere. */
function layout(script: string): { dir: string; script: string; other: string } {
  const root = mkdtempSync(join(tmpdir(), "svclab-sandbox-"));
  const dir = join(root, "scripts");
  mkdirSync(dir);
  writeFileSync(join(dir, "s.sh"), script);
  writeFileSync(join(dir, "note.txt"), "next to the script\n");
  writeFileSync(join(root, "other.txt"), "elsewhere\n");
  return { dir, script: join(dir, "s.sh"), other: join(root, "other.txt") };
}

describe("the script sandbox", () => {
  it("run from /: the script's directory is readable, the host is not", async () => {
    const l = layout('cat /etc/passwd\ncat "$(dirname "$0")/note.txt"\ncd "$(dirname "$0")" && cat note.txt\ncat ../other.txt\n');
    const r = await svclab(["run", l.script], "/");
    expect(r.stdout).toBe("next to the script\nnext to the script\n");
    expect(r.stderr).toBe("cat: /etc/passwd: No such file or directory\ncat: ../other.txt: No such file or directory\n");
  }, 30_000);

  it("files named on the command line are readable and are $1...", async () => {
    const l = layout('echo "$#: $1"\ncat "$1"\n');
    const r = await svclab(["run", l.script, l.other], "/");
    expect(r.stdout).toBe(`1: ${l.other}\nelsewhere\n`);
  }, 30_000);

  it("writes stay in memory, or under --output-dir", async () => {
    const l = layout("echo one > note.txt\ncat note.txt\necho two > \"$OUT/result.txt\"\n");
    const out = mkdtempSync(join(tmpdir(), "svclab-out-"));
    const r1 = await svclab(["run", "s.sh"], l.dir);
    expect(r1.stdout).toBe("one\n");
    expect(readFileSync(join(l.dir, "note.txt"), "utf8")).toBe("next to the script\n");
    writeFileSync(l.script, `echo two > ${out}/result.txt\necho three > ${l.dir}/kept-in-memory.txt\n`);
    const r2 = await svclab(["run", "--output-dir", out, "s.sh"], l.dir);
    expect(r2).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(readFileSync(join(out, "result.txt"), "utf8")).toBe("two\n");
    expect(existsSync(join(l.dir, "kept-in-memory.txt"))).toBe(false);
  }, 30_000);

  it.each([
    [["--max-loop-iterations", "50"], "i=0; while true; do i=$((i+1)); done", "svclab: a while loop ran more than 50 iterations (the limit; --max-loop-iterations N raises it)\n"],
    [["--max-commands", "100"], "for i in $(seq 1 1000); do :; done", "svclab: the script ran more than 100 commands (the limit; --max-commands N raises it)\n"],
    [["--max-depth", "10"], "f() { f; }; f", "svclab: f: function calls nested deeper than 10 (the limit; --max-depth N raises it)\n"],
    [["--max-output", "100"], "for i in $(seq 1 100); do echo 0123456789; done", "svclab: the script printed more than 100 bytes (the limit; --max-output BYTES raises it)\n"],
    [["--timeout", "1"], "while true; do kubectl get pods >/dev/null 2>&1; done", "svclab: the script ran longer than 1 s of wall time (the limit; --timeout SECONDS raises it)\n"],
  ])("a limit (%j) stops the script with a message naming it and its flag", async (flags, script, message) => {
    const l = layout(`${script}\n`);
    const r = await svclab(["run", ...flags, "--max-loop-iterations=100000", ...flags, l.script], "/");
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/executionLimits|just-bash/);
    expect(r.code).not.toBe(0);
  }, 30_000);

  it("rejects a bad limit or output directory with usage", async () => {
    expect((await svclab(["run", "--max-commands", "abc", "x.sh"], "/")).stderr).toBe('svclab: --max-commands must be a positive integer, got "abc"\nTry \'svclab --help\' for more information.\n');
    const l = layout("true\n");
    expect((await svclab(["run", "--output-dir", "/nonexistent-dir", l.script], "/")).stderr).toBe("svclab: --output-dir /nonexistent-dir: No such directory\nTry 'svclab --help' for more information.\n");
  });
});
